import fs from 'node:fs';
import { Readable } from 'node:stream';
import { CsvError, parse, type InfoRecord, type Options } from 'csv-parse';
import iconv from 'iconv-lite';
import {
  CSV_MAX_BYTES,
  CSV_MAX_COLUMNS,
  CSV_MAX_ROWS,
  CSV_SAMPLE_ROWS,
  REPORT_MAX_PROBLEMS,
  type BatchProblem,
  type CsvDelimiter,
  type CsvEncoding,
} from '../../../src-shared/schemas/batches';
import { AppError } from '../../errors';
import {
  checkNoNul,
  decodeHead,
  detectDelimiter,
  fieldCounts,
  HEAD_BYTES,
  looksLikeHeader,
  modeOf,
  sniffEncoding,
} from './detect';

/**
 * Reading CSV files for batches, from bytes (an upload) or a path (the CLI,
 * a stored source): streamed through csv-parse, so 100,000 rows never sit in
 * memory at once. Cells are data, read verbatim: `=`, `+`, `-` and `@` at the
 * start mean nothing here (only CSV that qrdesk writes is made safe, with
 * csvCell in src-shared/csv.ts).
 */

/** Bytes in memory, or the path of a file. */
export type CsvInput = Uint8Array | string;

export interface CsvReadOptions {
  /** Default auto: a BOM decides; else valid UTF-8, else Windows-1252. */
  encoding?: 'auto' | 'utf-8' | 'windows-1252';
  /** Default: detected. */
  delimiter?: CsvDelimiter;
  /** Whether the first row names the columns; default auto (see looksLikeHeader). */
  header?: boolean | 'auto';
  /** Trim spaces around unquoted cells (default true). */
  trim?: boolean;
  /** Most data rows (default CSV_MAX_ROWS); more is an error naming the limit. */
  maxRows?: number;
  /** Largest file (default CSV_MAX_BYTES); checked before reading anything. */
  maxBytes?: number;
  /** Data rows kept as a sample (default CSV_SAMPLE_ROWS). */
  sampleRows?: number;
  /** Problems listed (default REPORT_MAX_PROBLEMS); all are counted. */
  maxProblems?: number;
}

/** How to read a file, as detected once and stored with a source. */
export interface CsvFormat {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  hasHeader: boolean;
  trim: boolean;
  /** The header row, trimmed; null without one. */
  headers: string[] | null;
  /** Cells a row must have: the header's, or the usual count of the first rows. */
  columnCount: number;
}

export interface CsvRow {
  /** 1-based data row: the header and blank lines not counted. */
  row: number;
  /** The line of the file where the row starts (1-based, everything counted). */
  line: number;
  cells: string[];
  /** Why the row's shape is wrong (ragged), or null. A ragged row is never padded. */
  problem: string | null;
}

export interface CsvReadResult extends CsvFormat {
  byteSize: number;
  rowCount: number;
  sample: string[][];
  /** Ragged rows, the first maxProblems of them. */
  problems: BatchProblem[];
  problemCount: number;
}

/** Longest record, in characters: more means a quote left open, or not a CSV at all. */
const MAX_RECORD_CHARS = 1024 * 1024;
const CHUNK_BYTES = 256 * 1024;

const fileError = (message: string) => new AppError('VALIDATION_ERROR', message, [{ path: 'file', message }]);

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

export const tooLargeError = (size: number | null, maxBytes: number) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    size === null
      ? `The file is over ${mb(maxBytes)}, the most qrdesk reads: split it into smaller files.`
      : `The file is ${mb(size)}; qrdesk reads at most ${mb(maxBytes)}: split it into smaller files.`,
  );

export const tooManyRowsError = (maxRows: number) =>
  new AppError(
    'PAYLOAD_TOO_LARGE',
    `The file has more than ${maxRows.toLocaleString('en-US')} data rows, the most one batch takes: split it into several files.`,
  );

/** The bytes of the input were not UTF-8 after all (past the part the guess looked at). */
class NotUtf8 extends Error {
  constructor(readonly offset: number) {
    super('not UTF-8');
  }
}

interface OpenedInput {
  size: number;
  head: Uint8Array;
  chunks(): AsyncIterable<Uint8Array>;
}

async function openInput(input: CsvInput, maxBytes: number): Promise<OpenedInput> {
  if (typeof input !== 'string') {
    if (input.length > maxBytes) throw tooLargeError(input.length, maxBytes);
    return {
      size: input.length,
      head: input.subarray(0, HEAD_BYTES),
      async *chunks() {
        for (let i = 0; i < input.length; i += CHUNK_BYTES) yield input.subarray(i, i + CHUNK_BYTES);
      },
    };
  }
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(input, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw fileError(
      code === 'ENOENT' ? `No file at ${input}` : `The file ${input} cannot be opened (${code ?? 'error'})`,
    );
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw fileError(`${input} is not a file`);
    // Refused before reading a byte: a 200 MB file costs nothing.
    if (stat.size > maxBytes) throw tooLargeError(stat.size, maxBytes);
    const head = Buffer.alloc(Math.min(HEAD_BYTES, stat.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return {
      size: stat.size,
      head: head.subarray(0, bytesRead),
      chunks: () => fs.createReadStream(input, { highWaterMark: CHUNK_BYTES }),
    };
  } finally {
    await handle.close();
  }
}

/** The text of the input, chunk by chunk; NUL bytes refused, the size kept to maxBytes even if the file grows. */
async function* decodeChunks(
  chunks: AsyncIterable<Uint8Array>,
  encoding: CsvEncoding,
  maxBytes: number,
): AsyncGenerator<string> {
  const utf8 = encoding === 'utf-8' || encoding === 'utf-8-bom';
  const eightBit = utf8 || encoding === 'windows-1252';
  // TextDecoder drops a leading UTF-8 BOM; iconv-lite's decoders drop UTF-16 ones.
  const textDecoder = utf8 ? new TextDecoder('utf-8', { fatal: true }) : null;
  const iconvDecoder = utf8 ? null : iconv.getDecoder(encoding === 'windows-1252' ? 'windows1252' : encoding);
  let total = 0;
  // Line breaks become \n (a \r at the end of a chunk waits for the next): csv-parse then counts lines right.
  let carry = '';
  const lines = (text: string, last: boolean): string => {
    text = carry + text;
    carry = !last && text.endsWith('\r') ? '\r' : '';
    if (carry) text = text.slice(0, -1);
    return text.replace(/\r\n?/g, '\n');
  };
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > maxBytes) throw tooLargeError(null, maxBytes);
    if (eightBit) checkNoNul(chunk);
    let text: string;
    if (textDecoder) {
      try {
        text = textDecoder.decode(chunk, { stream: true });
      } catch {
        throw new NotUtf8(total - chunk.length);
      }
    } else {
      text = iconvDecoder!.write(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length));
    }
    text = lines(text, false);
    if (text) yield text;
  }
  let rest: string;
  try {
    rest = textDecoder ? textDecoder.decode() : (iconvDecoder!.end() ?? '');
  } catch {
    throw new NotUtf8(total);
  }
  rest = lines(rest, true);
  if (rest) yield rest;
}

/** csv-parse's errors, as a sentence with the line (`recordLine`: where the record being read starts). */
function parseError(err: CsvError, recordLine: number): AppError {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return fileError(`Line ${recordLine}: a quoted cell that starts on this row is never closed (a " is missing)`);
    case 'CSV_MAX_RECORD_SIZE':
      return fileError(`Line ${recordLine}: a row is over 1 MB; is a quote left open?`);
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return fileError(
        `Line ${recordLine}: a quoted cell has text after its closing quote; write a quote inside a quoted cell as ""`,
      );
    default:
      return fileError(`Line ${recordLine}: the CSV cannot be read (${err.message})`);
  }
}

interface RawRecord {
  cells: string[];
  line: number;
}

/** Every record of the input, with the line it starts on. */
async function* records(
  input: OpenedInput,
  encoding: CsvEncoding,
  delimiter: CsvDelimiter,
  trim: boolean,
  maxBytes: number,
): AsyncGenerator<RawRecord> {
  // Kept as csv-parse goes (on_record runs as each record is parsed), so an error knows its line too:
  // a record starts after the previous one ends, and after any blank lines between.
  let previousEnd = 0;
  let previousEmpty = 0;
  const options: Options<RawRecord, string[]> = {
    delimiter,
    record_delimiter: '\n',
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    trim,
    max_record_size: MAX_RECORD_CHARS,
    on_record: (cells: string[], context: InfoRecord): RawRecord => {
      const line = previousEnd + 1 + (context.empty_lines - previousEmpty);
      previousEnd = context.lines;
      previousEmpty = context.empty_lines;
      return { cells, line };
    },
  };
  // The typings tie on_record's result to the record type of the callback API; the stream yields it as it is.
  const parser = parse(options as unknown as Options);
  const source = Readable.from(decodeChunks(input.chunks(), encoding, maxBytes));
  source.on('error', (err) => parser.destroy(err));
  source.pipe(parser);
  try {
    for await (const record of parser as AsyncIterable<RawRecord>) {
      if (record.cells.length > CSV_MAX_COLUMNS) {
        throw fileError(
          `Line ${record.line} has ${record.cells.length} cells; qrdesk reads at most ${CSV_MAX_COLUMNS} columns`,
        );
      }
      yield record;
    }
  } catch (err) {
    if (err instanceof CsvError) {
      throw parseError(err, previousEnd + 1 + (parser.info.empty_lines - previousEmpty));
    }
    throw err;
  } finally {
    source.destroy();
    parser.destroy();
  }
}

const isBlank = (cells: readonly string[]) => cells.every((c) => c.trim() === '');

/**
 * The row's cells against the column count: empty cells past the last column
 * (a trailing delimiter) are dropped; any other difference is a problem.
 */
function shapeRow(
  cells: string[],
  columnCount: number,
  hasHeader: boolean,
): { cells: string[]; problem: string | null } {
  if (cells.length > columnCount && isBlank(cells.slice(columnCount))) cells = cells.slice(0, columnCount);
  if (cells.length === columnCount) return { cells, problem: null };
  const expected = hasHeader ? `the header has ${columnCount}` : `the rows of the file have ${columnCount}`;
  return {
    cells,
    problem: `Row has ${cells.length} ${cells.length === 1 ? 'cell' : 'cells'} where ${expected}: a delimiter is ${cells.length < columnCount ? 'missing' : 'extra'}, or a cell with the delimiter in it is not quoted`,
  };
}

interface ScanSettings {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  header: boolean | 'auto';
  trim: boolean;
  /** Cells per row when there is no header: the usual count of the first rows. */
  usualCount: number;
  maxRows: number;
  maxBytes: number;
  sampleRows: number;
  maxProblems: number;
}

async function scan(input: OpenedInput, s: ScanSettings): Promise<CsvReadResult> {
  let first = true;
  let hasHeader = false;
  let headers: string[] | null = null;
  let columnCount = s.usualCount;
  let rowCount = 0;
  let problemCount = 0;
  const sample: string[][] = [];
  const problems: BatchProblem[] = [];
  for await (const record of records(input, s.encoding, s.delimiter, s.trim, s.maxBytes)) {
    if (isBlank(record.cells)) continue;
    if (first) {
      first = false;
      hasHeader = s.header === 'auto' ? looksLikeHeader(record.cells) : s.header;
      if (hasHeader) {
        headers = record.cells.map((c) => c.trim());
        columnCount = headers.length;
        continue;
      }
    }
    rowCount++;
    if (rowCount > s.maxRows) throw tooManyRowsError(s.maxRows);
    const { cells, problem } = shapeRow(record.cells, columnCount, hasHeader);
    if (problem) {
      problemCount++;
      if (problems.length < s.maxProblems) {
        problems.push({
          row: rowCount,
          line: record.line,
          column: null,
          columnIndex: null,
          field: null,
          message: problem,
        });
      }
    }
    if (sample.length < s.sampleRows) sample.push(cells);
  }
  if (first) throw fileError('The file has no rows: it is empty or only blank lines');
  if (rowCount === 0) throw fileError('The file has a header row but no data rows');
  return {
    encoding: s.encoding,
    delimiter: s.delimiter,
    hasHeader,
    trim: s.trim,
    headers,
    columnCount,
    byteSize: input.size,
    rowCount,
    sample,
    problems,
    problemCount,
  };
}

/**
 * Reads a whole CSV file once: detects its encoding, delimiter and header,
 * counts its rows, keeps a sample and reports ragged rows. Throws AppError
 * for files that cannot be a batch source: empty (400), not text (415), over
 * the size or row limit (413), unreadable CSV (400, with the line).
 */
export async function readCsv(input: CsvInput, options: CsvReadOptions = {}): Promise<CsvReadResult> {
  const maxBytes = options.maxBytes ?? CSV_MAX_BYTES;
  const opened = await openInput(input, maxBytes);
  if (opened.size === 0) throw fileError('The file is empty');
  const complete = opened.size <= opened.head.length;
  const forced = options.encoding === 'auto' ? undefined : options.encoding;
  const encoding = sniffEncoding(opened.head, complete, forced);
  const headText = decodeHead(opened.head, encoding);
  const delimiter = options.delimiter ?? detectDelimiter(headText, complete);
  const settings: ScanSettings = {
    encoding,
    delimiter,
    header: options.header ?? 'auto',
    trim: options.trim ?? true,
    usualCount: modeOf(fieldCounts(headText, delimiter, complete)).mode,
    maxRows: options.maxRows ?? CSV_MAX_ROWS,
    maxBytes,
    sampleRows: options.sampleRows ?? CSV_SAMPLE_ROWS,
    maxProblems: options.maxProblems ?? REPORT_MAX_PROBLEMS,
  };
  try {
    return await scan(opened, settings);
  } catch (err) {
    if (!(err instanceof NotUtf8)) throw err;
    // Valid UTF-8 at the start, not further on: the file is not UTF-8 after all.
    if (encoding !== 'utf-8' || forced) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        `The file is not valid UTF-8 (at byte ${err.offset + 1} or soon after). Upload it with encoding=windows-1252, or save it as "CSV UTF-8".`,
      );
    }
    return scan(opened, { ...settings, encoding: 'windows-1252' });
  }
}

/**
 * The data rows of a file read before (its format as readCsv found it),
 * streamed one by one: the header skipped, ragged rows flagged.
 */
export async function* csvRows(
  input: CsvInput,
  format: CsvFormat,
  options: Pick<CsvReadOptions, 'maxRows' | 'maxBytes'> = {},
): AsyncGenerator<CsvRow> {
  const maxBytes = options.maxBytes ?? CSV_MAX_BYTES;
  const maxRows = options.maxRows ?? CSV_MAX_ROWS;
  const opened = await openInput(input, maxBytes);
  let headerSkipped = !format.hasHeader;
  let row = 0;
  try {
    for await (const record of records(opened, format.encoding, format.delimiter, format.trim, maxBytes)) {
      if (isBlank(record.cells)) continue;
      if (!headerSkipped) {
        headerSkipped = true;
        continue;
      }
      row++;
      if (row > maxRows) throw tooManyRowsError(maxRows);
      const shaped = shapeRow(record.cells, format.columnCount, format.hasHeader);
      yield { row, line: record.line, cells: shaped.cells, problem: shaped.problem };
    }
  } catch (err) {
    if (err instanceof NotUtf8) {
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', `The file is no longer valid ${format.encoding}: upload it again`);
    }
    throw err;
  }
}
