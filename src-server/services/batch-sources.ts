import fs from 'node:fs';
import path from 'node:path';
import {
  CSV_SAMPLE_ROWS,
  delimiterOption,
  type BatchPreview,
  type BatchPreviewInput,
  type BatchSource,
  type BatchSourceCreated,
  type CsvDelimiter,
  type CsvEncoding,
  type UploadBatchSourceQuery,
} from '../../src-shared/schemas/batches';
import { compileBatch, csvRows, readCsv, validateRows, type CsvFormat, type CsvRow } from '../batch/csv';
import { AppError, notFound } from '../errors';
import { newId, toIso } from '../ids';
import { BatchSourceStore, type BatchSourceRow } from '../store/batch-source-store';
import type { Store } from '../store/store';

export const BATCH_SOURCES_DIR = 'batch-sources';

/** A name from the client's file name: the last path part, no control characters, at most 100 characters. */
function nameFromFilename(filename: string | null): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\p{Cc}\p{Cs}]/gu, '').trim();
  return Array.from(clean).slice(0, 100).join('').trim() || 'data.csv';
}

const formatOf = (row: BatchSourceRow): CsvFormat => ({
  encoding: row.encoding as CsvEncoding,
  delimiter: row.delimiter as CsvDelimiter,
  hasHeader: row.has_header === 1,
  trim: row.trim_cells === 1,
  headers: row.headers === null ? null : (JSON.parse(row.headers) as string[]),
  columnCount: row.column_count,
});

/**
 * CSV files uploaded for batches: read once on upload (encoding, delimiter,
 * header, row count; refused with nothing written when they cannot be a
 * source), kept as uploaded under DATA_DIR/batch-sources, and checked
 * against a mapping row by row before a batch runs.
 */
export class BatchSourceService {
  private readonly rows: BatchSourceStore;
  private readonly dir: string;

  constructor(
    store: Store,
    dataDir: string,
    private readonly now: () => number = Date.now,
  ) {
    this.rows = new BatchSourceStore(store.db);
    this.dir = path.join(dataDir, BATCH_SOURCES_DIR);
  }

  private fileOf(id: string): string {
    return path.join(this.dir, `${id}.csv`);
  }

  private find(id: string): BatchSourceRow {
    const row = this.rows.find(id);
    if (!row) throw notFound('Batch source');
    return row;
  }

  private toSource(row: BatchSourceRow, sample: string[][]): BatchSource {
    const format = formatOf(row);
    return {
      id: row.id,
      name: row.name,
      byteSize: row.byte_size,
      encoding: format.encoding,
      delimiter: format.delimiter,
      hasHeader: format.hasHeader,
      trim: format.trim,
      headers: format.headers,
      columnCount: format.columnCount,
      rowCount: row.row_count,
      sample,
      createdAt: toIso(row.created_at)!,
    };
  }

  async create(
    upload: { bytes: Buffer; filename: string | null },
    query: UploadBatchSourceQuery = {},
  ): Promise<BatchSourceCreated> {
    // Read whole before anything is written: a file that cannot be a source leaves no trace.
    const csv = await readCsv(upload.bytes, {
      encoding: query.encoding,
      delimiter: delimiterOption(query.delimiter),
      header: query.header === undefined || query.header === 'auto' ? 'auto' : query.header === 'true',
      trim: query.trim,
    });
    const id = newId('bsrc');
    const file = this.fileOf(id);
    const row: BatchSourceRow = {
      id,
      name: query.name || nameFromFilename(upload.filename),
      byte_size: upload.bytes.length,
      encoding: csv.encoding,
      delimiter: csv.delimiter,
      has_header: csv.hasHeader ? 1 : 0,
      trim_cells: csv.trim ? 1 : 0,
      headers: csv.headers === null ? null : JSON.stringify(csv.headers),
      column_count: csv.columnCount,
      row_count: csv.rowCount,
      created_at: this.now(),
    };
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, upload.bytes, { mode: 0o600 });
      fs.chmodSync(tmp, 0o600);
      fs.renameSync(tmp, file);
      this.rows.insert(row);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      fs.rmSync(file, { force: true });
      throw err;
    }
    return { ...this.toSource(row, csv.sample), problems: csv.problems, problemCount: csv.problemCount };
  }

  async get(id: string): Promise<BatchSource> {
    const row = this.find(id);
    const sample: string[][] = [];
    for await (const r of this.rowsOf(row)) {
      sample.push(r.cells);
      if (sample.length >= CSV_SAMPLE_ROWS) break;
    }
    return this.toSource(row, sample);
  }

  remove(id: string): void {
    this.find(id);
    this.rows.remove(id);
    fs.rmSync(this.fileOf(id), { force: true });
  }

  /** How to read a source and where its file is: what an export needs. */
  open(id: string): { format: CsvFormat; rowCount: number; rows: () => AsyncGenerator<CsvRow> } {
    const row = this.find(id);
    return { format: formatOf(row), rowCount: row.row_count, rows: () => this.rowsOf(row) };
  }

  private rowsOf(row: BatchSourceRow): AsyncGenerator<CsvRow> {
    const file = this.fileOf(row.id);
    if (!fs.existsSync(file)) {
      throw new AppError('NOT_FOUND', 'The file of this batch source is gone from the data folder; upload it again.');
    }
    return csvRows(file, formatOf(row));
  }

  /** The validation report of a source under a mapping, and its first rows as they would be made. */
  async preview(input: BatchPreviewInput): Promise<BatchPreview> {
    const { sourceId, ...spec } = input;
    const row = this.find(sourceId);
    const compiled = compileBatch(spec, formatOf(row));
    const { report, preview } = await validateRows(this.rowsOf(row), compiled);
    return { sourceId, report, rows: preview };
  }
}
