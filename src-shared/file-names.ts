/** Characters no file system accepts somewhere (Windows is the strictest), plus controls. */
const FORBIDDEN = new Set([...'"\\/:*?<>|']);

const isControl = (ch: string): boolean => {
  const cp = ch.codePointAt(0)!;
  return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
};

/**
 * A file name that is valid on Windows, macOS and Linux, from any text:
 * forbidden and control characters become "_", runs of them collapse, and the
 * result is trimmed of spaces and dots (Windows drops trailing ones) and cut
 * to `max` characters. Empty results give `fallback`.
 */
export function safeFileName(name: string, fallback = 'file', max = 100): string {
  let out = '';
  for (const ch of name.normalize('NFC')) {
    const replaced = FORBIDDEN.has(ch) || isControl(ch) ? '_' : ch;
    if (replaced === '_' && out.endsWith('_')) continue;
    out += replaced;
  }
  out = [...out]
    .slice(0, max)
    .join('')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  // Windows reserves these device names whatever follows the first dot ("aux.txt", "NUL.tar.gz")
  // and whatever spaces precede it ("CON .txt"); the superscript digits count too.
  if (/^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)\s*(\..*)?$/i.test(out)) out = `_${out}`;
  return out || fallback;
}

/** The ASCII stand-in for a name in HTTP headers (accents dropped, the rest replaced). */
export function asciiFileName(name: string, fallback = 'file'): string {
  const ascii = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return safeFileName(ascii, fallback);
}
