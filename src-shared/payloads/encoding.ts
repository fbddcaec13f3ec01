/**
 * Byte-level helpers shared by the payload encoders. No TextEncoder or Buffer:
 * src-shared runs in Node and the browser, and its type-check has neither.
 */

const codePointBytes = (cp: number): number => (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);

/**
 * The length in bytes of `s` encoded as UTF-8, as TextEncoder would encode it
 * (a lone surrogate counts as U+FFFD, three bytes).
 */
export function utf8ByteLength(s: string): number {
  let n = 0;
  for (const ch of s) n += codePointBytes(ch.codePointAt(0)!);
  return n;
}

/** `s` as UTF-8 bytes, exactly as TextEncoder encodes it (a lone surrogate becomes U+FFFD). */
export function utf8Bytes(s: string): Uint8Array {
  const out = new Uint8Array(utf8ByteLength(s));
  let i = 0;
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out[i++] = cp;
    else if (cp < 0x800) {
      out[i++] = 0xc0 | (cp >> 6);
      out[i++] = 0x80 | (cp & 0x3f);
    } else if (cp < 0x10000) {
      out[i++] = 0xe0 | (cp >> 12);
      out[i++] = 0x80 | ((cp >> 6) & 0x3f);
      out[i++] = 0x80 | (cp & 0x3f);
    } else {
      out[i++] = 0xf0 | (cp >> 18);
      out[i++] = 0x80 | ((cp >> 12) & 0x3f);
      out[i++] = 0x80 | ((cp >> 6) & 0x3f);
      out[i++] = 0x80 | (cp & 0x3f);
    }
  }
  return out;
}

/** The most octets on one physical line of vCard and iCalendar, CRLF excluded. */
export const FOLD_OCTETS = 75;

/**
 * Folds one content line of vCard (RFC 2426/6350) or iCalendar (RFC 5545):
 * no physical line is longer than 75 octets of UTF-8, a continuation line
 * starts with one space (which counts in its 75), and a fold never falls
 * inside a character (not even between the halves of a surrogate pair) nor
 * between a backslash and the character it escapes.
 */
export function foldLine(line: string): string {
  if (utf8ByteLength(line) <= FOLD_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  let room = FOLD_OCTETS;
  const chars = [...line];
  for (let i = 0; i < chars.length; i++) {
    let unit = chars[i]!;
    if (unit === '\\' && i + 1 < chars.length) unit += chars[++i]!;
    const size = utf8ByteLength(unit);
    if (bytes + size > room) {
      parts.push(current);
      current = '';
      bytes = 0;
      room = FOLD_OCTETS - 1;
    }
    current += unit;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** Joins content lines with CRLF, folding each, with the CRLF the grammar puts after the last line too. */
export const contentLines = (lines: string[]): string => lines.map(foldLine).join('\r\n') + '\r\n';

/**
 * Percent-encodes everything but the RFC 3986 unreserved characters
 * (`A-Z a-z 0-9 - . _ ~`), as UTF-8: a space is `%20`, never `+`.
 * Stricter than encodeURIComponent, which leaves `! ' ( ) *` as they are.
 */
export const percentEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** Newlines as CRLF, the form mail bodies (RFC 6068) and iCalendar expect on the wire. */
export const crlf = (s: string): string => s.replace(/\r\n|\r|\n/g, '\r\n');

/** Escapes a TEXT value of vCard 3.0 and iCalendar: `\` `;` `,` and newlines. */
export const escapeText = (s: string): string => s.replace(/[\\;,]/g, (c) => '\\' + c).replace(/\r\n|\r|\n/g, '\\n');

/** A 64-bit FNV-1a hash of the UTF-8 bytes of `s`, as 16 hex digits: stable across runs and platforms. */
export function fnv1a64(s: string): string {
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  const add = (byte: number) => {
    hash = ((hash ^ BigInt(byte)) * prime) & mask;
  };
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80) add(cp);
    else if (cp < 0x800) {
      add(0xc0 | (cp >> 6));
      add(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      add(0xe0 | (cp >> 12));
      add(0x80 | ((cp >> 6) & 0x3f));
      add(0x80 | (cp & 0x3f));
    } else {
      add(0xf0 | (cp >> 18));
      add(0x80 | ((cp >> 12) & 0x3f));
      add(0x80 | ((cp >> 6) & 0x3f));
      add(0x80 | (cp & 0x3f));
    }
  }
  return hash.toString(16).padStart(16, '0');
}
