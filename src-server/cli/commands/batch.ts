import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { BARCODE_FORMATS } from '../../../src-shared/barcodes';
import {
  BATCH_FORMATS,
  CreateBatchInput,
  SHEET_FILE_NAME,
  type BatchProblem,
  type BatchValueSource,
} from '../../../src-shared/schemas/batches';
import { QR_TYPES } from '../../../src-shared/schemas/content';
import { CAPTION_POSITIONS, SHEET_TEMPLATE_IDS } from '../../../src-shared/schemas/sheets';
import { csvRows, readCsv, reportToCsv } from '../../batch/csv';
import {
  executeBatch,
  planBatch,
  poolSizeFor,
  type BatchCounts,
  type BatchTarget,
  type ExecuteDeps,
} from '../../batch/job';
import { RenderPool } from '../../batch/render-pool';
import { AppError } from '../../errors';
import { QrRenderer, type LogoSource } from '../../render/qr-renderer';
import { AssetService } from '../../services/assets';
import { FolderService } from '../../services/folders';
import { QrCodeService } from '../../services/qrcodes';
import { SettingsService } from '../../services/settings';
import { WebhookService } from '../../services/webhooks';
import { DEFAULT_PUBLIC_PORT } from '../../server';
import { Store } from '../../store/store';
import { CliError, ensureDataDir } from '../options';
import { envPublicBaseUrl } from './serve';

interface BatchFlags {
  type?: string;
  barcode?: string;
  kind: string;
  map?: string;
  format?: string;
  size?: string;
  mm?: string;
  dpi?: string;
  cmyk?: boolean;
  sheet?: string;
  caption?: string | boolean;
  cropMarks?: boolean;
  namePattern?: string;
  out?: string;
  zip?: string;
  verify: boolean;
  seqStart?: string;
  seqStep?: string;
  seqPadding?: string;
  report?: string;
  delimiter?: string;
  dataDir?: string;
}

const usage = (message: string) => new CliError(`qrdesk batch: ${message}`);

/** Which flag a field of the batch request comes from, to name it in a message. */
const FLAG_OF: [RegExp, string][] = [
  [/^type$/, '--type'],
  [/^barcodeFormat$/, '--barcode'],
  [/^kind$/, '--kind'],
  [/^mapping\.?/, '--map'],
  [/^outputs\.formats/, '--format'],
  [/^outputs\.size/, '--size'],
  [/^outputs\.mm/, '--mm'],
  [/^outputs\.dpi/, '--dpi'],
  [/^outputs\.colorSpace/, '--cmyk'],
  [/^outputs\.fileNamePattern/, '--name-pattern'],
  [/^outputs\.sheet\.template/, '--sheet'],
  [/^outputs\.sheet\.caption/, '--caption'],
  [/^outputs\.sheet/, '--sheet'],
  [/^seq\.start/, '--seq-start'],
  [/^seq\.step/, '--seq-step'],
  [/^seq\.padding/, '--seq-padding'],
];

/** An AppError from checking the options, as one line naming the flag at fault. */
function asUsage(err: unknown): unknown {
  if (!(err instanceof AppError)) return err;
  const detail = err.details?.[0];
  if (!detail) return usage(err.message.replace(/\.$/, ''));
  const flag = FLAG_OF.find(([re]) => re.test(detail.path))?.[1];
  const more = err.details!.length > 1 ? ` (and ${err.details!.length - 1} more)` : '';
  const where = flag ? (flag === '--map' ? `--map ${detail.path.replace(/^mapping\.?/, '')}` : flag) : detail.path;
  return usage(`${where}: ${detail.message}${more}`);
}

const whole = (flag: string, raw: string | undefined, min: number): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d{1,12}$/.test(raw) || Number(raw) < min) throw usage(`${flag} must be a whole number of ${min} or more`);
  return Number(raw);
};

const decimal = (flag: string, raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw usage(`${flag} must be a number, e.g. 30 or 25.4`);
  return Number(raw);
};

const list = (raw: string) =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** One value of --map: a template when it has a placeholder, a column number when all digits, else a column name. */
function valueSource(raw: string): BatchValueSource {
  if (/\{[^}]*\}/.test(raw)) return { template: raw };
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw;
}

/**
 * `content=url,name=title,content.ssid=SSID,design.foregroundColor=Colour`
 * into a batch mapping. For barcodes `content=` stands for `value=`.
 */
function parseMap(raw: string | undefined, barcode: boolean): Record<string, unknown> {
  if (raw === undefined) throw usage('--map is required, e.g. --map content=url,name=title');
  const mapping: Record<string, unknown> = {};
  const fields: Record<'content' | 'design', Record<string, BatchValueSource>> = { content: {}, design: {} };
  for (const pair of raw.split(',')) {
    if (!pair.trim()) continue;
    const eq = pair.indexOf('=');
    const key = eq < 0 ? '' : pair.slice(0, eq).trim();
    const value = eq < 0 ? '' : pair.slice(eq + 1).trim();
    if (!key || !value)
      throw usage(`--map takes field=column pairs separated by commas, e.g. content=url (got "${pair}")`);
    const dot = key.indexOf('.');
    const head = dot < 0 ? key : key.slice(0, dot);
    if (dot > 0 && (head === 'content' || head === 'design')) {
      fields[head][key.slice(dot + 1)] = valueSource(value);
    } else if (['content', 'value', 'name', 'fileName', 'caption'].includes(key)) {
      mapping[barcode && key === 'content' ? 'value' : key] = valueSource(value);
    } else {
      throw usage(
        `--map: unknown field "${key}"; map content (or content.FIELD), name, fileName, caption or design.FIELD`,
      );
    }
  }
  if (Object.keys(fields.content).length) {
    if (mapping.content !== undefined)
      throw usage('--map: give content=COLUMN or content.FIELD=COLUMN pairs, not both');
    mapping.content = fields.content;
  }
  if (Object.keys(fields.design).length) mapping.design = fields.design;
  return mapping;
}

const NO_LOGOS: LogoSource = { getForRender: () => undefined };

/** Progress on stderr: a bar redrawn in place on a terminal, else a line every 10 %. */
function progressPrinter(total: number) {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  let lastStep = 0;
  let drawn = false;
  const eta = (c: BatchCounts) => {
    const elapsed = (Date.now() - started) / 1000;
    const running = c.processed > 0 && c.processed < total && elapsed > 0.5;
    return running ? Math.round(((total - c.processed) * elapsed) / c.processed) : null;
  };
  return {
    update(c: BatchCounts, force = false) {
      const pct = total > 0 ? Math.floor((c.processed / total) * 100) : 100;
      if (tty) {
        const now = Date.now();
        if (!force && now - lastDraw < 100) return;
        lastDraw = now;
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        const left = eta(c);
        process.stderr.write(
          `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ` +
            `${c.processed}/${total}${c.failed ? `, ${c.failed} failed` : ''}${left === null ? '' : `, ~${left}s left`}   `,
        );
        drawn = true;
      } else {
        const step = Math.floor(pct / 10);
        if (step > lastStep || (force && c.processed === total && lastStep < 10)) {
          lastStep = Math.max(step, lastStep);
          process.stderr.write(`batch: ${pct}% (${c.processed}/${total})${c.failed ? `, ${c.failed} failed` : ''}\n`);
        }
      }
    },
    end() {
      if (tty && drawn) process.stderr.write('\n');
    },
  };
}

async function runBatchCommand(file: string, flags: BatchFlags): Promise<number> {
  // Options first: nothing is read or written until they make sense.
  if (Boolean(flags.out) === Boolean(flags.zip)) throw usage('give --out DIR (files in a folder) or --zip FILE.zip');
  if (flags.type === undefined && flags.barcode === undefined) {
    throw usage(`give --type (${QR_TYPES.join(', ')}) or --barcode (${BARCODE_FORMATS.join(', ')})`);
  }
  if (flags.type !== undefined && flags.barcode !== undefined) throw usage('give --type or --barcode, not both');
  if (flags.type !== undefined && !(QR_TYPES as readonly string[]).includes(flags.type)) {
    throw usage(`--type must be one of ${QR_TYPES.join(', ')} (got "${flags.type}")`);
  }
  const barcode = flags.barcode?.toUpperCase().replace(/-/g, '_');
  if (barcode !== undefined && !(BARCODE_FORMATS as readonly string[]).includes(barcode)) {
    throw usage(`--barcode must be one of ${BARCODE_FORMATS.join(', ')} (got "${flags.barcode}")`);
  }
  if (flags.kind !== 'static' && flags.kind !== 'dynamic') {
    throw usage(`--kind must be static or dynamic (got "${flags.kind}")`);
  }
  if (flags.sheet !== undefined && !(SHEET_TEMPLATE_IDS as readonly string[]).includes(flags.sheet)) {
    throw usage(`--sheet must be one of ${SHEET_TEMPLATE_IDS.join(', ')} (got "${flags.sheet}")`);
  }
  const caption = flags.caption === true ? 'below' : typeof flags.caption === 'string' ? flags.caption : undefined;
  if (caption !== undefined && !(CAPTION_POSITIONS as readonly string[]).includes(caption)) {
    throw usage(`--caption takes ${CAPTION_POSITIONS.join(', ')} (got "${caption}")`);
  }
  if ((caption !== undefined || flags.cropMarks) && flags.sheet === undefined) {
    throw usage('--caption and --crop-marks are for label sheets: add --sheet TEMPLATE');
  }
  const formats = flags.format !== undefined ? list(flags.format) : flags.sheet ? [] : ['png'];
  for (const f of formats) {
    if (!(BATCH_FORMATS as readonly string[]).includes(f)) {
      throw usage(`--format takes ${BATCH_FORMATS.join(', ')} separated by commas (got "${f}")`);
    }
  }
  const vectorFiles = formats.some((f) => f === 'pdf' || f === 'eps');
  if (flags.cmyk && !vectorFiles && !flags.sheet) throw usage('--cmyk is for pdf and eps files and for --sheet');
  const mapping = parseMap(flags.map, barcode !== undefined);
  const seq =
    (flags.seqStart ?? flags.seqStep ?? flags.seqPadding)
      ? {
          start: whole('--seq-start', flags.seqStart, 0) ?? 1,
          step: whole('--seq-step', flags.seqStep, 1) ?? 1,
          padding: whole('--seq-padding', flags.seqPadding, 0) ?? 0,
        }
      : undefined;
  const delimiters: Record<string, ',' | ';' | '\t' | '|'> = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' };
  if (flags.delimiter !== undefined && !(flags.delimiter in delimiters)) {
    throw usage('--delimiter takes comma, semicolon, tab or pipe');
  }

  let input: CreateBatchInput;
  try {
    const parsed = CreateBatchInput.safeParse({
      // Stands for the file given: a CSV source with a mapping, read below.
      source: { sourceId: 'file' },
      ...(flags.type !== undefined ? { type: flags.type } : { barcodeFormat: barcode }),
      kind: flags.kind,
      mapping,
      ...(seq ? { seq } : {}),
      outputs: {
        ...(formats.length ? { formats } : {}),
        size: whole('--size', flags.size, 1),
        mm: decimal('--mm', flags.mm),
        dpi: whole('--dpi', flags.dpi, 1),
        colorSpace: flags.cmyk && vectorFiles ? 'cmyk' : 'rgb',
        fileNamePattern: flags.namePattern,
        container: 'folder',
        ...(flags.sheet
          ? {
              sheet: {
                template: flags.sheet,
                caption: caption ?? false,
                cropMarks: flags.cropMarks ?? false,
                colorSpace: flags.cmyk ? 'cmyk' : 'rgb',
              },
            }
          : {}),
      },
      verify: flags.verify,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('VALIDATION_ERROR', issue.message, [
        { path: issue.path.map(String).join('.'), message: issue.message },
        ...parsed.error.issues.slice(1).map((i) => ({ path: i.path.join('.'), message: i.message })),
      ]);
    }
    input = parsed.data;
  } catch (err) {
    throw asUsage(err);
  }

  const csvFile = path.resolve(file);
  let csv: Awaited<ReturnType<typeof readCsv>>;
  try {
    csv = await readCsv(csvFile, { delimiter: flags.delimiter ? delimiters[flags.delimiter] : undefined });
  } catch (err) {
    if (err instanceof AppError) throw usage(`${file}: ${err.message.replace(/\.$/, '')}`);
    throw err;
  }
  let plan: ReturnType<typeof planBatch>;
  try {
    plan = planBatch(input, { format: csv, rowCount: csv.rowCount, rows: () => csvRows(csvFile, csv) });
  } catch (err) {
    throw asUsage(err);
  }

  const outDir = flags.out ? path.resolve(flags.out) : null;
  const zipFile = flags.zip ? path.resolve(flags.zip) : null;
  const parent = path.dirname(outDir ?? zipFile!);
  if (!fs.existsSync(parent)) throw usage(`the folder ${parent} does not exist`);
  if (outDir && fs.existsSync(outDir) && !fs.statSync(outDir).isDirectory()) {
    throw usage(`--out ${flags.out} is a file, not a folder`);
  }
  const target: BatchTarget = outDir ? { kind: 'folder', dir: outDir } : { kind: 'zip', file: zipFile! };

  // The library (dynamic codes) and logos live in the data folder; a static batch needs neither.
  let store: Store | null = null;
  if (input.kind === 'dynamic' || flags.dataDir !== undefined) store = Store.open(ensureDataDir(flags.dataDir));
  const pool = new RenderPool(poolSizeFor(input));
  let cancelled = false;
  const onSignal = () => {
    cancelled = true;
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const problems: BatchProblem[] = [];
  const printer = progressPrinter(plan.total);
  const started = Date.now();
  try {
    const logos = store ? new AssetService(store) : NO_LOGOS;
    const deps: ExecuteDeps = { pool, renderer: new QrRenderer(logos), logos };
    if (store && input.kind === 'dynamic') {
      const settings = new SettingsService(
        store,
        () => envPublicBaseUrl() ?? `http://127.0.0.1:${DEFAULT_PUBLIC_PORT}`,
      );
      // Webhook deliveries are queued in the database; the server sends them.
      const qrCodes = new QrCodeService(
        store,
        settings,
        new FolderService(store),
        undefined,
        new WebhookService(store),
      );
      deps.createCodes = (items) => qrCodes.createMany(items);
    }
    const result = await executeBatch(plan, target, deps, {
      cancelled: () => cancelled,
      onProgress: (c) => printer.update(c),
      onProblems: (list) => problems.push(...list),
    });
    printer.update(result, true);
    printer.end();

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const where = outDir ?? zipFile!;
    if (result.outcome === 'cancelled') {
      process.stderr.write('qrdesk batch: cancelled; nothing was written.\n');
      return 130;
    }
    if (result.outcome === 'failed') {
      process.stderr.write(`qrdesk batch: the batch failed and nothing was written: ${result.error}\n`);
      return 1;
    }
    const failedRows = new Set(problems.map((p) => p.row)).size;
    const reportFile =
      flags.report !== undefined
        ? path.resolve(flags.report)
        : problems.length
          ? outDir
            ? path.join(outDir, 'failed-rows.csv')
            : path.join(path.dirname(zipFile!), `${path.basename(zipFile!, path.extname(zipFile!))}-failed-rows.csv`)
          : null;
    if (reportFile) fs.writeFileSync(reportFile, reportToCsv({ problems }));
    const what = [
      formats.length ? `${formats.join(', ')} files` : null,
      input.outputs.sheet ? `a label sheet (${SHEET_FILE_NAME}, ${flags.sheet})` : null,
    ]
      .filter(Boolean)
      .join(' and ');
    process.stdout.write(
      `Made ${result.made} of ${result.total} code${result.total === 1 ? '' : 's'} in ${seconds} s: ${what} in ${where}` +
        `${input.verify ? ', every one decoded and checked' : ''}.\n`,
    );
    if (result.failed > 0) {
      process.stdout.write(
        `${result.failed} row${result.failed === 1 ? '' : 's'} failed` +
          `${failedRows !== result.failed ? ` (${failedRows} with problems listed)` : ''}; see ${reportFile}.\n`,
      );
      return 2;
    }
    if (reportFile) process.stdout.write(`Report: ${reportFile} (no failed rows).\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool.close();
    store?.close();
  }
}

export function registerBatch(program: Command): void {
  program
    .command('batch')
    .description('make a code for every row of a CSV file: files in a folder or a ZIP, and/or a label sheet')
    .argument('<input.csv>', 'the CSV file (UTF-8 or Windows-1252; the delimiter and header row are detected)')
    .option('--type <type>', `QR type of every code: ${QR_TYPES.join(', ')}`)
    .option('--barcode <format>', `make barcodes instead: ${BARCODE_FORMATS.join(', ')}`)
    .option('--kind <kind>', 'static, or dynamic: tracked codes created in the library of --data-dir', 'static')
    .option(
      '--map <pairs>',
      'field=column pairs: content=url,name=title,caption=Label,fileName=SKU; content.ssid=SSID for object types; ' +
        'design.foregroundColor=Colour; a column by header or number, or a template such as "https://x.example/{column:SKU}"',
    )
    .option('--format <list>', `file formats, from ${BATCH_FORMATS.join(', ')} (default png, or none with --sheet)`)
    .option('--size <px>', 'pixel size of the longer side (default 512)')
    .option('--mm <mm>', 'physical size of the longer side in millimetres (instead of --size)')
    .option('--dpi <dpi>', 'resolution of raster files sized in mm (default 300)')
    .option('--cmyk', 'CMYK colours in pdf and eps files and on the sheet')
    .option('--sheet <template>', `a label-sheet PDF (${SHEET_FILE_NAME}): ${SHEET_TEMPLATE_IDS.join(', ')}`)
    .option('--caption [position]', 'sheet captions (the caption or the name): below (default), above or right')
    .option('--crop-marks', 'cut marks around the labels of the sheet')
    .option(
      '--name-pattern <pattern>',
      'file names: {seq}, {seq:05}, {row}, {name}, {column:Header} (default {seq:05})',
    )
    .option('--out <dir>', 'write the files to this folder')
    .option('--zip <file>', 'write the files to this ZIP instead')
    .option('--no-verify', 'skip decoding every code after rendering')
    .option('--seq-start <n>', 'first {seq} number (default 1)')
    .option('--seq-step <n>', '{seq} increment (default 1)')
    .option('--seq-padding <n>', 'zero-pad {seq} to this many digits')
    .option('--report <file>', 'CSV of the failed rows (default: failed-rows.csv in --out when rows failed)')
    .option('--delimiter <name>', 'comma, semicolon, tab or pipe (default: detected)')
    .option('--data-dir <dir>', 'data folder for dynamic codes and logos (env QRDESK_DATA_DIR)')
    // A mistake in the options is one line, not the whole help.
    .showHelpAfterError(false)
    .action(async (file: string, flags: BatchFlags) => {
      process.exitCode = await runBatchCommand(file, flags);
    });
}
