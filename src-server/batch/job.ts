import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isLinear } from '../../src-shared/barcodes';
import { UniqueNames } from '../../src-shared/batch/file-names';
import type { MissingGlyphError } from '../../src-shared/render/caption-font';
import type { Drawing } from '../../src-shared/render/model';
import type { LogoImage } from '../../src-shared/render/qr';
import {
  DEFAULT_FILE_NAME_PATTERN,
  SHEET_FILE_NAME,
  type BatchProblem,
  type CreateBatchInput,
} from '../../src-shared/schemas/batches';
import { applyDesign, DEFAULT_DESIGN, type Design } from '../../src-shared/schemas/design';
import type { OutputOptions } from '../../src-shared/schemas/output';
import type { ErrorDetail } from '../../src-shared/errors';
import { AppError } from '../errors';
import { barcodeDrawing, type BarcodeStyle } from '../render/barcode';
import type { LogoSource, QrRenderer } from '../render/qr-renderer';
import type { QrCodeService } from '../services/qrcodes';
import { buildRow, compileBatch, type BatchItem, type CsvFormat, type CsvRow, type RowOutcome } from './csv';
import { inlineOutcome } from './inline-items';
import { FolderSink, ZipSink, type OutputSink } from './output-sinks';
import type { RenderPool } from './render-pool';
import type { RenderTask } from './render-task';
import { runBatch, type PreparedItem } from './runner';
import { createSheetPdf, type SheetPdfWriter } from './sheets/sheet-pdf';

/**
 * One batch from request to result, shared by the server's job queue and the
 * `qrdesk batch` command: rows are built (CSV through the mapping, or inline
 * items) and checked one by one as they stream, invalid ones reported and
 * skipped; dynamic batches create their codes in the library in chunks; the
 * rest render on the worker pool (runBatch) into a ZIP or a folder, and/or are
 * drawn on this thread onto a label-sheet PDF. Every output is written under a
 * temporary name and only takes its final name when the whole batch is done.
 */

/** An opened CSV source: how to read it and its rows, streamed. */
export interface CsvSourceHandle {
  format: CsvFormat;
  rowCount: number;
  rows: () => AsyncIterable<CsvRow>;
}

export interface BatchPlan {
  input: CreateBatchInput;
  total: number;
  /** Every row in order, made into an item or its problems; each call reads the source again. */
  outcomes(): AsyncGenerator<RowOutcome>;
}

/** Rows between yields to the event loop when many in a row are skipped. */
const ROWS_PER_TICK = 500;
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** By name: the caption font's module (and opentype.js with it) is loaded only when a sheet has captions. */
const isMissingGlyph = (err: unknown): err is MissingGlyphError =>
  err instanceof Error && err.name === 'MissingGlyphError';

/**
 * Compiles a batch request against its source. Mapping mistakes (unknown
 * columns, fields or placeholders) are one 400 listing each.
 */
export function planBatch(input: CreateBatchInput, source: CsvSourceHandle | null): BatchPlan {
  const items = input.source.items;
  if (items) {
    return {
      input,
      total: items.length,
      async *outcomes() {
        for (const [index, item] of items.entries()) {
          yield inlineOutcome(input, item, index);
          if (index % ROWS_PER_TICK === ROWS_PER_TICK - 1) await tick();
        }
      },
    };
  }
  if (!source) throw new Error('planBatch: a CSV source is needed');
  const mapping = input.mapping!;
  // The file-name pattern is a template like any other, filled by the mapping code.
  const pattern =
    input.outputs.fileNamePattern ?? (mapping.fileName === undefined ? DEFAULT_FILE_NAME_PATTERN : undefined);
  const spec = {
    type: input.type,
    barcodeFormat: input.barcodeFormat,
    mapping: pattern === undefined ? mapping : { ...mapping, fileName: { template: pattern } },
    seq: input.seq,
    design: input.design,
    upcAsEan13: input.upcAsEan13,
  };
  let compiled: ReturnType<typeof compileBatch>;
  try {
    compiled = compileBatch(spec, source.format);
  } catch (err) {
    if (!(err instanceof AppError) || pattern === undefined || !err.details) throw err;
    const details = err.details.map((d) =>
      d.path === 'mapping.fileName' ? { ...d, path: 'outputs.fileNamePattern' } : d,
    );
    throw new AppError('VALIDATION_ERROR', err.message.replace('mapping.fileName', 'outputs.fileNamePattern'), details);
  }
  return {
    input,
    total: source.rowCount,
    async *outcomes() {
      for await (const row of source.rows()) yield buildRow(compiled, row);
    },
  };
}

/** Details of the first problems, for a 400: `source.items.3.content` for inline items, `rows.12.content` for a CSV. */
function problemDetails(input: CreateBatchInput, problems: readonly BatchProblem[]): ErrorDetail[] {
  return problems.map((p) => {
    const where = input.source.items ? `source.items.${(p.row ?? 1) - 1}` : `rows.${p.row}`;
    const column = p.column ?? (p.columnIndex === null ? null : `column ${p.columnIndex}`);
    return {
      path: p.field ? `${where}.${p.field}` : where,
      message: column && !input.source.items ? `${p.message} (column ${JSON.stringify(column)})` : p.message,
    };
  });
}

/** Refuses a batch none of whose rows can be made (a 400 with the first problems); reads only until a good row. */
export async function checkSomeRowValid(plan: BatchPlan): Promise<void> {
  const problems: BatchProblem[] = [];
  let rows = 0;
  for await (const outcome of plan.outcomes()) {
    rows++;
    if (outcome.ok) return;
    if (problems.length < 20) problems.push(...outcome.problems.slice(0, 20 - problems.length));
    if (rows % ROWS_PER_TICK === 0) await tick();
  }
  if (rows === 0) {
    throw new AppError('VALIDATION_ERROR', 'The source has no rows to make codes from.', [
      { path: 'source', message: 'No data rows' },
    ]);
  }
  const details = problemDetails(plan.input, problems);
  const first = details[0];
  throw new AppError(
    'VALIDATION_ERROR',
    `None of the ${rows} row${rows === 1 ? '' : 's'} can be made${first ? `; first: ${first.path}: ${first.message}` : ''}`,
    details,
  );
}

export type BatchTarget =
  { kind: 'zip'; file: string } | { kind: 'sheet'; file: string } | { kind: 'folder'; dir: string };

export interface ExecuteDeps {
  pool: RenderPool;
  /** Draws QR codes on this thread (label sheets), with the same checks as a single render. */
  renderer: QrRenderer;
  /** Logos for the worker threads. */
  logos: LogoSource | null;
  /** Dynamic batches: creates codes in the library (QrCodeService.createMany). */
  createCodes?: QrCodeService['createMany'];
}

export interface BatchCounts {
  total: number;
  processed: number;
  failed: number;
}

export interface ExecuteHooks {
  /** Checked between rows. */
  cancelled?: () => boolean;
  /** After every row; the caller throttles. */
  onProgress?: (counts: BatchCounts) => void;
  /** Problems of failed rows, as they are found (render failures at the end). */
  onProblems?: (problems: BatchProblem[]) => void;
}

export interface ExecuteResult extends BatchCounts {
  outcome: 'completed' | 'cancelled' | 'failed';
  /** Rows made (files written, or labels drawn). */
  made: number;
  error: string | null;
}

/**
 * Worker threads for a batch: one per core to render files; one for a sheet
 * alone, whose codes are drawn on the calling thread and only verified on the
 * pool (a second worker would compete with the drawing for a core, and each
 * costs ~100 MB).
 */
export function poolSizeFor(input: CreateBatchInput, perCore = os.availableParallelism()): number {
  return input.outputs.formats?.length ? Math.max(1, perCore) : 1;
}

/** Codes per createMany call (its own limit). */
const CREATE_CHUNK = 100;

const BARCODE_STYLE_DEFAULTS = { barColor: '#000000', backgroundColor: '#FFFFFF', quietZone: true };

function barcodeStyle(input: CreateBatchInput): BarcodeStyle {
  const s = input.barcodeStyle ?? {};
  const barColor = (s.barColor ?? BARCODE_STYLE_DEFAULTS.barColor).toUpperCase();
  return {
    showText: isLinear(input.barcodeFormat!) && (s.showText ?? true),
    barColor,
    textColor: s.textColor?.toUpperCase() ?? barColor,
    backgroundColor: (s.backgroundColor ?? BARCODE_STYLE_DEFAULTS.backgroundColor).toUpperCase(),
    quietZone: s.quietZone ?? BARCODE_STYLE_DEFAULTS.quietZone,
  };
}

const problemOf = (item: Pick<BatchItem, 'row' | 'line'>, field: string | null, message: string): BatchProblem => ({
  row: item.row,
  line: item.line || null,
  column: null,
  columnIndex: null,
  field,
  message,
});

interface Entry {
  item: BatchItem;
  drawing: Drawing | null;
  drawn: boolean;
}

/**
 * Where the rendered files go: the files sink (ZIP or folder) and/or the
 * label sheet, written to a `.part` file and moved into place (or into the
 * ZIP) when the batch completes.
 */
class BatchOutput implements OutputSink {
  readonly entries = new Map<string, Entry>();
  private readonly files: ZipSink | FolderSink | null;
  private readonly sheet: { writer: SheetPdfWriter; out: fs.WriteStream; part: string } | null;
  refused = 0;

  constructor(
    private readonly target: BatchTarget,
    private readonly input: CreateBatchInput,
    private readonly wantFiles: boolean,
    private readonly report: (p: BatchProblem) => void,
  ) {
    const sheet = input.outputs.sheet;
    let part: string | null = null;
    if (sheet) {
      part =
        target.kind === 'folder'
          ? path.join(path.dirname(target.dir), `.${path.basename(target.dir)}.${process.pid}-${Date.now()}.pdf.part`)
          : target.kind === 'zip'
            ? `${target.file}.${SHEET_FILE_NAME}.part`
            : `${target.file}.part`;
    }
    this.files =
      target.kind === 'zip' ? new ZipSink(target.file) : target.kind === 'folder' ? new FolderSink(target.dir) : null;
    if (sheet && part) {
      // In a folder of the user's, the sheet gets the files' mode; in the data folder, the owner's alone.
      const out = fs.createWriteStream(part, { mode: target.kind === 'folder' ? 0o644 : 0o600 });
      this.sheet = { writer: createSheetPdf(sheet, out), out, part };
    } else {
      this.sheet = null;
    }
  }

  get hasSheet(): boolean {
    return this.sheet !== null;
  }

  async add(name: string, bytes: Uint8Array): Promise<void> {
    const base = name.slice(0, name.lastIndexOf('.'));
    const entry = this.entries.get(base);
    if (this.sheet && entry && !entry.drawn) {
      entry.drawn = true;
      await this.draw(entry);
    }
    if (this.wantFiles) await this.files!.add(name, bytes);
  }

  private async draw(entry: Entry): Promise<void> {
    const sheet = this.input.outputs.sheet!;
    const caption = sheet.caption === 'none' ? undefined : (entry.item.caption ?? entry.item.name);
    try {
      await this.sheet!.writer.add({ drawing: entry.drawing!, caption });
    } catch (err) {
      // The writer refuses an item before drawing any of it (no room for the code, a caption it cannot draw):
      // that row fails and the sheet goes on. Anything else ends the job.
      if (!(err instanceof RangeError || isMissingGlyph(err))) throw err;
      this.refused++;
      this.report(problemOf(entry.item, 'sheet', err.message));
    }
  }

  async finish(): Promise<void> {
    if (this.sheet) await this.sheet.writer.finish();
    const target = this.target;
    if (target.kind === 'zip') {
      if (this.sheet) await (this.files as ZipSink).addFile(SHEET_FILE_NAME, this.sheet.part);
      await this.files!.finish();
      if (this.sheet) await fs.promises.rm(this.sheet.part, { force: true });
    } else if (target.kind === 'folder') {
      await this.files!.finish();
      if (this.sheet) await fs.promises.rename(this.sheet.part, path.join(target.dir, SHEET_FILE_NAME));
    } else {
      await fs.promises.rename(this.sheet!.part, target.file);
    }
  }

  async abort(): Promise<void> {
    await this.files?.abort();
    if (this.sheet) {
      this.sheet.out.destroy();
      await fs.promises.rm(this.sheet.part, { force: true });
    }
  }
}

/** Runs a planned batch into its target. Never throws for a row; a failure of the output itself fails the job. */
export async function executeBatch(
  plan: BatchPlan,
  target: BatchTarget,
  deps: ExecuteDeps,
  hooks: ExecuteHooks = {},
): Promise<ExecuteResult> {
  const { input } = plan;
  const cancelled = hooks.cancelled ?? (() => false);
  const formats = input.outputs.formats ?? [];
  const wantFiles = formats.length > 0;
  const problems = (list: BatchProblem[]) => {
    if (list.length) hooks.onProblems?.(list);
  };
  const output = new BatchOutput(target, input, wantFiles, (p) => problems([p]));

  const fileOutputs: OutputOptions[] = formats.map((format) => ({
    format,
    size: input.outputs.size,
    mm: input.outputs.mm,
    dpi: input.outputs.dpi,
    colorSpace: format === 'pdf' || format === 'eps' ? input.outputs.colorSpace : 'rgb',
  }));
  const style = input.barcodeFormat ? barcodeStyle(input) : null;
  const names = new UniqueNames();
  // The sheet sits next to the files under its own name: no code may take it.
  if (output.hasSheet && target.kind !== 'sheet') names.claim(path.parse(SHEET_FILE_NAME).name, '*');
  const logos = new Map<string, LogoImage | null>();
  const logoOf = (design: Design): LogoImage | null | undefined => {
    const id = design.logo?.assetId;
    if (!id) return null;
    if (!logos.has(id)) {
      const asset = deps.logos?.getForRender(id);
      logos.set(
        id,
        asset
          ? {
              mediaType: asset.mediaType,
              base64: asset.bytes.toString('base64'),
              width: asset.width,
              height: asset.height,
            }
          : null,
      );
    }
    return logos.get(id) ?? undefined;
  };

  const counts = { skipped: 0, runnerProcessed: 0, runnerFailed: 0 };
  const progress = (): BatchCounts => ({
    total: plan.total,
    processed: counts.skipped + counts.runnerProcessed,
    failed: counts.skipped + counts.runnerFailed + output.refused,
  });
  const skip = (list: BatchProblem[]) => {
    counts.skipped++;
    problems(list);
    hooks.onProgress?.(progress());
  };

  /** Items handed to the runner, oldest first: runBatch settles them in this order. */
  const fed: { base: string; row: number; line: number }[] = [];
  const failedLines = new Map<number, number>();
  let taskId = 0;

  /** The item as a render task (and its sheet drawing), or null when it cannot be made (reported). */
  const prepare = async (item: BatchItem): Promise<PreparedItem | null> => {
    let code: RenderTask['code'];
    let drawing: Drawing | null = null;
    if (item.kind === 'qr') {
      const design = applyDesign(DEFAULT_DESIGN, item.design ?? undefined);
      const logo = logoOf(design);
      if (logo === undefined) {
        skip([problemOf(item, 'design.logo.assetId', `No logo asset ${design.logo!.assetId}; upload it first`)]);
        return null;
      }
      code = { kind: 'qr', payload: item.payload, design, logo };
      if (output.hasSheet) {
        try {
          drawing = await deps.renderer.drawing(item.payload, design);
        } catch (err) {
          skip([problemOf(item, 'content', err instanceof Error ? err.message : String(err))]);
          return null;
        }
      }
    } else {
      code = { kind: 'barcode', format: item.format!, value: item.payload, style: style! };
      if (output.hasSheet) {
        try {
          drawing = await barcodeDrawing(item.format!, item.payload, style!);
        } catch (err) {
          skip([problemOf(item, 'value', err instanceof Error ? err.message : String(err))]);
          return null;
        }
      }
    }
    let outputs = fileOutputs;
    if (!wantFiles) {
      // A sheet alone: the pool only verifies. A small PNG (5 px a module) is what the reader needs;
      // without verification an SVG is the cheapest thing that tells the sheet it is this item's turn.
      const side = drawing ? Math.max(drawing.width, drawing.height) : 40;
      outputs = input.verify
        ? [{ format: 'png', size: Math.min(2048, Math.max(160, Math.ceil(side * 5))), colorSpace: 'rgb' }]
        : [{ format: 'svg', size: 64, colorSpace: 'rgb' }];
    }
    const base = names.claim(item.fileName, '*').slice(0, -2);
    output.entries.set(base, { item, drawing, drawn: false });
    fed.push({ base, row: item.row, line: item.line });
    return { row: item.row, fileBase: base, task: { id: ++taskId, code, outputs, verify: input.verify } };
  };

  const createCodes = async function* (chunk: BatchItem[]): AsyncGenerator<BatchItem> {
    const library = input.library ?? {};
    const { results } = await deps.createCodes!(
      chunk.map((item) => ({
        type: item.type,
        kind: 'dynamic',
        name: item.name,
        content: item.content,
        ...(item.design ? { design: item.design } : {}),
        ...library,
      })),
    );
    for (const result of results) {
      const item = chunk[result.index]!;
      if (result.data) {
        yield { ...item, payload: result.data.payload };
      } else {
        const detail = result.error?.details?.[0];
        const field = detail ? detail.path.replace(/^items\.\d+\.?/, '') || null : null;
        skip([problemOf(item, field, detail?.message ?? result.error?.message ?? 'The code could not be created')]);
      }
    }
  };

  async function* prepared(): AsyncGenerator<PreparedItem> {
    let chunk: BatchItem[] = [];
    let rows = 0;
    for await (const outcome of plan.outcomes()) {
      if (cancelled()) return;
      if (++rows % ROWS_PER_TICK === 0) await tick();
      if (!outcome.ok) {
        skip(
          outcome.problems.length
            ? outcome.problems
            : [problemOf({ row: outcome.row, line: outcome.line }, null, 'The row could not be made')],
        );
        continue;
      }
      if (input.kind === 'dynamic') {
        chunk.push(outcome.item);
        if (chunk.length < CREATE_CHUNK) continue;
        for await (const item of createCodes(chunk)) {
          const next = await prepare(item);
          if (next) yield next;
        }
        chunk = [];
        continue;
      }
      const next = await prepare(outcome.item);
      if (next) yield next;
    }
    if (chunk.length && !cancelled()) {
      for await (const item of createCodes(chunk)) {
        const next = await prepare(item);
        if (next) yield next;
      }
    }
  }

  const result = await runBatch(prepared(), deps.pool, output, {
    total: plan.total,
    cancelled,
    onProgress: (p) => {
      const done = fed.shift();
      if (done) {
        output.entries.delete(done.base);
        if (p.failed > counts.runnerFailed) failedLines.set(done.row, done.line);
      }
      counts.runnerProcessed = p.processed;
      counts.runnerFailed = p.failed;
      hooks.onProgress?.(progress());
    },
  });
  problems(
    result.failures.map((f) => ({
      row: f.row,
      line: failedLines.get(f.row) || null,
      column: null,
      columnIndex: null,
      field: null,
      message: f.message,
    })),
  );
  const final = progress();
  return {
    ...final,
    outcome: result.outcome,
    made: counts.runnerProcessed - counts.runnerFailed - output.refused,
    error: result.outcome === 'failed' ? result.error : null,
  };
}
