import fs from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { IMPORT_CONFLICT_MODES, IMPORT_LIMITS, ImportDocument } from '../../../src-shared/schemas/transfer';
import { AppError } from '../../errors';
import { JSON_MAX_DEPTH, jsonNestedDeeperThan } from '../../http/middleware/json-body';
import { checkOutputFile, placeOutputFile, temporaryNameFor } from '../../services/output-file';
import { TransferService, zeroCounts, type Counts } from '../../services/transfer';
import { DATABASE_FILE } from '../../store/database';
import { Store } from '../../store/store';
import { validate } from '../../validation';
import { CliError, ensureDataDir, resolveDataDir } from '../options';
import { oneLineErrors } from './backup';

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** "50 codes, 2 folders, 1 asset, 3 design presets, 4 barcodes and 10 scans" */
function describe(counts: Counts, withScans: boolean): string {
  const parts = [
    plural(counts.qrCodes, 'code'),
    plural(counts.folders, 'folder'),
    plural(counts.assets, 'asset'),
    plural(counts.designPresets, 'design preset'),
    plural(counts.barcodes, 'barcode'),
  ];
  if (withScans) parts.push(plural(counts.scans, 'scan'));
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
}

/** Writes the export to `file` (through a temporary file, so a failure leaves nothing half-written). */
function writeExport(dataDir: string, file: string, scans: boolean, force: boolean): { counts: Counts; bytes: number } {
  const target = path.resolve(file);
  checkOutputFile(target, force);
  const tmp = temporaryNameFor(target);
  const store = Store.open(dataDir);
  try {
    const fd = fs.openSync(tmp, 'wx', 0o600);
    let bytes = 0;
    let counts: Counts;
    try {
      const service = new TransferService(store);
      counts = zeroCounts();
      // One read transaction: the export is one snapshot even while a server writes.
      store.transaction(() => {
        for (const chunk of service.exportChunks({ scans }, counts)) bytes += fs.writeSync(fd, chunk);
      });
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    placeOutputFile(tmp, target, force);
    return { counts, bytes };
  } finally {
    fs.rmSync(tmp, { force: true });
    store.close();
  }
}

/** Reads and parses an export file, with one clear reason for each way it can be unusable. */
function readExportFile(file: string): unknown {
  const source = path.resolve(file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(source);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(
      `qrdesk: ${code === 'ENOENT' || code === 'ENOTDIR' ? `${source} does not exist` : `cannot read ${source}: ${code}`}.`,
    );
  }
  if (stat.isDirectory()) throw new CliError(`qrdesk: ${source} is a folder; name the export file itself.`);
  if (!stat.isFile()) throw new CliError(`qrdesk: ${source} is not a regular file.`);
  if (stat.size > IMPORT_LIMITS.fileBytes) {
    throw new CliError(
      `qrdesk: ${source} is over ${IMPORT_LIMITS.fileBytes / 1024 / 1024} MB, more than an import takes.`,
    );
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(fs.readFileSync(source));
  } catch (err) {
    if (err instanceof TypeError) throw new CliError(`qrdesk: ${source} is not UTF-8 text, so not a qrdesk export.`);
    throw new CliError(`qrdesk: cannot read ${source}: ${(err as NodeJS.ErrnoException).code ?? err}.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new CliError(`qrdesk: ${source} is not valid JSON, so not a qrdesk export.`);
  }
  if (jsonNestedDeeperThan(text, JSON_MAX_DEPTH)) {
    throw new CliError(
      `qrdesk: ${source} nests arrays and objects more than ${JSON_MAX_DEPTH} deep; it is not a qrdesk export.`,
    );
  }
  return value;
}

/** An AppError with at most three details: the CLI prints them on the one line. */
const shortened = (err: AppError) => new AppError(err.code, err.message, err.details?.slice(0, 3));

export function registerTransfer(program: Command): void {
  program
    .command('export')
    .description('write codes, folders, design presets, logos and barcodes to a JSON file (to import elsewhere)')
    .argument('<file>', 'the JSON file to write, e.g. qrdesk-export.json')
    .option('--scans', 'include every scan (analytics) too')
    .option('--force', 'overwrite FILE if it exists')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action(async (file: string, flags: { scans?: boolean; force?: boolean; dataDir?: string }) => {
      const dataDir = resolveDataDir(flags.dataDir);
      if (!fs.existsSync(path.join(dataDir, DATABASE_FILE))) {
        throw new CliError(
          `qrdesk: no qrdesk database in ${dataDir}; pass the --data-dir the server uses (or set QRDESK_DATA_DIR).`,
        );
      }
      const scans = flags.scans ?? false;
      const { counts, bytes } = await oneLineErrors(async () =>
        writeExport(dataDir, file, scans, flags.force ?? false),
      );
      process.stdout.write(`Exported ${describe(counts, scans)} to ${path.resolve(file)} (${bytes} bytes).\n`);
    });

  program
    .command('import')
    .description('add what a JSON export holds to this library (all or nothing; works while the server runs)')
    .argument('<file>', 'a file written by "qrdesk export" or GET /api/v1/export')
    .addOption(
      new Option('--on-conflict <mode>', 'an id or short token already here: fail (import nothing) or skip it')
        .choices(IMPORT_CONFLICT_MODES)
        .default('fail'),
    )
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action(async (file: string, flags: { onConflict: 'fail' | 'skip'; dataDir?: string }) => {
      const value = readExportFile(file);
      let doc;
      try {
        doc = validate(ImportDocument, value, 'export file');
      } catch (err) {
        throw err instanceof AppError ? shortened(err) : err;
      }
      const store = Store.open(ensureDataDir(flags.dataDir));
      try {
        const report = await new TransferService(store).import(doc, flags.onConflict).catch((err: unknown) => {
          throw err instanceof AppError ? shortened(err) : err;
        });
        const skipped = Object.values(report.skipped).reduce((a, b) => a + b, 0);
        process.stdout.write(
          `Imported ${describe(report.imported, doc.scans !== null)}` +
            `${skipped ? `; skipped ${plural(skipped, 'item')} already here` : ''}.\n`,
        );
      } finally {
        store.close();
      }
    });
}
