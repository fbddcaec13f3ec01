import iconv from 'iconv-lite';
import { CSV_DELIMITERS, type CsvDelimiter, type CsvEncoding } from '../../../src-shared/schemas/batches';
import { AppError } from '../../errors';

/**
 * Guessing what a CSV file is from its first bytes: the encoding (a byte
 * order mark decides; else valid UTF-8 is UTF-8, anything else is read as
 * Windows-1252, what Excel writes on Western Windows), the delimiter, and
 * whether the first row is a header. Files that are not text are refused
 * here, with a message that says what they look like.
 */

/** How much of the file the guesses look at. */
export const HEAD_BYTES = 64 * 1024;
/** Records looked at to pick a delimiter. */
const DETECT_RECORDS = 50;

const notText = (message: string) => new AppError('UNSUPPORTED_MEDIA_TYPE', message);

const startsWith = (bytes: Uint8Array, prefix: readonly number[]) => prefix.every((b, i) => bytes[i] === b);

/** Files people upload by mistake, by their magic numbers. */
const KNOWN_BINARIES: { magic: number[]; what: string }[] = [
  { magic: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (an Excel .xlsx or OpenDocument file?)' },
  { magic: [0xd0, 0xcf, 0x11, 0xe0], what: 'an old Excel .xls (or other Office) file' },
  { magic: [0x25, 0x50, 0x44, 0x46], what: 'a PDF' },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { magic: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { magic: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { magic: [0x1f, 0x8b], what: 'a gzip archive' },
];

const SAVE_AS = 'Save it from the spreadsheet as "CSV UTF-8" (or CSV) and upload that.';

/**
 * The encoding of a file from its first bytes (at most HEAD_BYTES of it;
 * `complete` when that is the whole file). Throws 415 for files that are
 * not text. `forced` skips the UTF-8/Windows-1252 guess, not the BOM.
 */
export function sniffEncoding(head: Uint8Array, complete: boolean, forced?: 'utf-8' | 'windows-1252'): CsvEncoding {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8-bom';
  if (startsWith(head, [0xff, 0xfe, 0x00, 0x00]) || startsWith(head, [0x00, 0x00, 0xfe, 0xff])) {
    throw notText(`The file is UTF-32 text, which qrdesk does not read. ${SAVE_AS}`);
  }
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  for (const { magic, what } of KNOWN_BINARIES) {
    if (startsWith(head, magic)) throw notText(`The file is ${what}, not a CSV text file. ${SAVE_AS}`);
  }
  checkNoNul(head);
  if (forced) return forced;
  return isUtf8(head, complete) ? 'utf-8' : 'windows-1252';
}

/** Refuses bytes with NUL in them: no text encoding qrdesk reads has it. */
export function checkNoNul(bytes: Uint8Array): void {
  const at = bytes.indexOf(0);
  if (at === -1) return;
  // UTF-16 text of Latin letters has a zero in every other byte.
  let zerosOdd = 0;
  let zerosEven = 0;
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) {
    if (bytes[i] === 0) {
      if (i % 2) zerosOdd++;
      else zerosEven++;
    }
  }
  const half = n / 2;
  if (zerosOdd > half * 0.6 || zerosEven > half * 0.6) {
    throw notText(
      `The file looks like UTF-16 text without a byte order mark, which cannot be read reliably. ${SAVE_AS}`,
    );
  }
  throw notText(`The file has NUL bytes (at byte ${at + 1}): it is a binary file, not CSV text. ${SAVE_AS}`);
}

/** Whether the bytes are UTF-8; a sequence cut at the end is fine unless `complete`. */
function isUtf8(bytes: Uint8Array, complete: boolean): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return true;
  } catch {
    return false;
  }
}

/** Text from the first bytes of a file in an encoding (a trailing cut sequence is dropped). */
export function decodeHead(head: Uint8Array, encoding: CsvEncoding): string {
  switch (encoding) {
    case 'utf-8':
    case 'utf-8-bom':
      return new TextDecoder('utf-8').decode(head, { stream: true });
    case 'windows-1252':
      return iconv.decode(Buffer.from(head), 'windows1252');
    case 'utf-16le':
    case 'utf-16be':
      return iconv.decode(Buffer.from(head.subarray(0, head.length & ~1)), encoding);
  }
}

/**
 * Cells per record over the first records of `text` split by `delimiter`,
 * quotes respected (a delimiter or line break inside "…" is data). Blank
 * lines are skipped; the last record counts only when `complete`.
 */
export function fieldCounts(text: string, delimiter: string, complete: boolean, max = DETECT_RECORDS): number[] {
  const counts: number[] = [];
  let fields = 1;
  let inQuotes = false;
  let atFieldStart = true;
  let content = false;
  for (let i = 0; i < text.length && counts.length < max; i++) {
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') i++;
        else inQuotes = false;
      }
      continue;
    }
    if (c === '"' && atFieldStart) {
      inQuotes = true;
      atFieldStart = false;
      content = true;
    } else if (c === delimiter) {
      fields++;
      atFieldStart = true;
      content = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (content) counts.push(fields);
      fields = 1;
      atFieldStart = true;
      content = false;
    } else if (!(c === ' ' && atFieldStart)) {
      atFieldStart = false;
      content = true;
    }
  }
  if (complete && content && !inQuotes && counts.length < max) counts.push(fields);
  return counts;
}

/** The most frequent value and its share of the list. */
export function modeOf(values: readonly number[]): { mode: number; share: number } {
  const freq = new Map<number, number>();
  let mode = values[0] ?? 1;
  for (const v of values) {
    const n = (freq.get(v) ?? 0) + 1;
    freq.set(v, n);
    if (n > freq.get(mode)! || (n === freq.get(mode)! && v > mode)) mode = v;
  }
  return { mode, share: values.length ? freq.get(mode)! / values.length : 0 };
}

/**
 * The delimiter among `, ; tab |` that splits the first records into the
 * same number of cells most consistently (more cells break a tie, then that
 * order). A file with none of them is one column: `,`.
 */
export function detectDelimiter(text: string, complete: boolean): CsvDelimiter {
  let best: { delimiter: CsvDelimiter; share: number; mode: number } | null = null;
  for (const delimiter of CSV_DELIMITERS) {
    const counts = fieldCounts(text, delimiter, complete);
    const { mode, share } = modeOf(counts);
    if (mode < 2) continue;
    if (!best || share > best.share || (share === best.share && mode > best.mode)) best = { delimiter, share, mode };
  }
  return best?.delimiter ?? ',';
}

const NUMERIC = /^[+-]?(\d+([.,]\d*)?|[.,]\d+)(e[+-]?\d+)?$/i;
/** Cells a header would not have: URLs, e-mail addresses, long numbers (phones, GTINs). */
const DATA_LIKE = /:\/\/|^[^\s@]+@[^\s@]+\.[^\s@]+$|^\+?[\d (). -]{5,}$/;

/**
 * Whether a first row reads as a header: every cell non-empty and distinct,
 * not all numbers, and none that looks like data (a URL, an e-mail address,
 * a phone number or GTIN) or runs over 100 characters.
 */
export function looksLikeHeader(cells: readonly string[]): boolean {
  const names = cells.map((c) => c.trim());
  if (names.length === 0 || names.some((n) => n === '' || n.length > 100)) return false;
  if (new Set(names.map((n) => n.toLowerCase())).size !== names.length) return false;
  if (names.every((n) => NUMERIC.test(n))) return false;
  return !names.some((n) => DATA_LIKE.test(n));
}
