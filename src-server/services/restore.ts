import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SERVER_INFO_FILE } from '../server';
import { DATABASE_FILE } from '../store/database';
import { copyDatabase, DatabaseCopyError, integrityProblems, type DatabaseCopySummary } from '../store/database-copy';
import { MIGRATIONS, type Migration } from '../store/migrations';
import { Store } from '../store/store';
import { APP_VERSION } from '../version';
import { BackupError } from './backups';

export interface RestoreResult {
  /** The backup restored from. */
  source: string;
  /** Where the database it replaced was kept (null when the data folder had none). */
  keptAs: string | null;
  /** The backup's schema version, and the database's after migrations brought it up to date. */
  fromSchemaVersion: number;
  schemaVersion: number;
  codes: number;
  scans: number;
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/** Whether a process with this id exists (EPERM: it does, it is just not ours). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The server using the data folder, from the server.json it writes while it
 * runs; null when there is none or its process is gone (a crash leaves the
 * file behind).
 */
export function runningServer(dataDir: string): { pid: number; apiUrl?: string } | null {
  let info: { pid?: unknown; apiUrl?: unknown };
  try {
    info = JSON.parse(fs.readFileSync(path.join(dataDir, SERVER_INFO_FILE), 'utf8')) as typeof info;
  } catch {
    return null;
  }
  if (typeof info.pid !== 'number' || !Number.isInteger(info.pid) || info.pid <= 0) return null;
  if (info.pid === process.pid || !processAlive(info.pid)) return null;
  return { pid: info.pid, apiUrl: typeof info.apiUrl === 'string' ? info.apiUrl : undefined };
}

/** Checks the file a user named before anything is copied, with a message for each way it can be wrong. */
function checkSourceFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new BackupError(
      code === 'ENOENT' || code === 'ENOTDIR' ? `${file} does not exist.` : `cannot read ${file}: ${code ?? err}.`,
    );
  }
  if (stat.isDirectory()) throw new BackupError(`${file} is a folder; name the backup file itself.`);
  if (!stat.isFile()) throw new BackupError(`${file} is not a regular file.`);
  const header = Buffer.alloc(100);
  let read: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      read = fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    throw new BackupError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}.`);
  }
  if (read === 0) throw new BackupError(`${file} is empty; it is not a qrdesk backup.`);
  if (read < header.length || header.toString('latin1', 0, 16) !== SQLITE_MAGIC) {
    throw new BackupError(`${file} is not a SQLite database, so not a qrdesk backup.`);
  }
}

/** The tables a database at `version` must have: those its migrations created. */
function expectedTables(migrations: readonly Migration[], version: number): string[] {
  return migrations
    .filter((m) => m.version <= version)
    .flatMap((m) => [...m.sql.matchAll(/CREATE TABLE (\w+)/g)].map((match) => match[1]!));
}

/** Why a copied database is not one qrdesk can restore, or null when it is. */
function problemWith(copy: DatabaseCopySummary, file: string, migrations: readonly Migration[]): string | null {
  if (copy.integrity.length !== 1 || copy.integrity[0] !== 'ok') {
    return `${file} is damaged (integrity check: ${integrityProblems(copy.integrity)}).`;
  }
  const latest = migrations.at(-1)?.version ?? 0;
  if (copy.schemaVersion > latest) {
    return (
      `${file} has schema version ${copy.schemaVersion}, but this qrdesk (${APP_VERSION}) knows only up to ` +
      `${latest}: it was written by a newer qrdesk. Upgrade qrdesk to restore it.`
    );
  }
  if (copy.schemaVersion < 1) return `${file} is a SQLite database, but not a qrdesk one (no qrdesk schema).`;
  const missing = expectedTables(migrations, copy.schemaVersion).filter((t) => !copy.tables.includes(t));
  if (missing.length) {
    return `${file} is not a qrdesk database (schema version ${copy.schemaVersion}, but no table ${missing.slice(0, 3).join(', ')}).`;
  }
  return null;
}

const stamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);

/** Moves the database (and its WAL, which belongs to it) aside under a free name; returns that name. */
function keepCurrent(live: string, at: number): string | null {
  if (!fs.existsSync(live)) return null;
  let kept = `${live}.before-restore-${stamp(at)}`;
  for (let n = 2; fs.existsSync(kept); n++) kept = `${live}.before-restore-${stamp(at)}-${n}`;
  fs.renameSync(live, kept);
  // SQLite finds a WAL (or a hot journal) by the database's name and a suffix: renamed together, the
  // kept file stays whole. The -shm index is rebuilt from the WAL.
  for (const suffix of ['-wal', '-journal']) {
    if (fs.existsSync(`${live}${suffix}`)) fs.renameSync(`${live}${suffix}`, `${kept}${suffix}`);
  }
  fs.rmSync(`${live}-shm`, { force: true });
  return kept;
}

/** Puts the kept database back where it was (a restore that failed after the swap). */
function putBack(live: string, kept: string | null): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(`${live}${suffix}`, { force: true });
  if (!kept) return;
  fs.renameSync(kept, live);
  for (const suffix of ['-wal', '-journal']) {
    if (fs.existsSync(`${kept}${suffix}`)) fs.renameSync(`${kept}${suffix}`, `${live}${suffix}`);
  }
}

/**
 * Replaces the data folder's database with the backup in `file`. Refused
 * while a server runs on the folder (it holds the database open). The backup
 * is copied into the folder first and checked there (a SQLite file, intact,
 * with qrdesk's tables, not from a newer qrdesk); only then is the current
 * database moved aside as `qrdesk.db.before-restore-<UTC time>` and the copy
 * put in its place. Opening it through the normal store runs the migrations,
 * so a backup from an older qrdesk comes up to the current schema. Any
 * failure leaves the folder as it was.
 */
export async function restoreDatabase(
  dataDir: string,
  file: string,
  options: { migrations?: readonly Migration[]; now?: () => number } = {},
): Promise<RestoreResult> {
  const migrations = options.migrations ?? MIGRATIONS;
  const source = path.resolve(file);
  const server = runningServer(dataDir);
  if (server) {
    throw new BackupError(
      `a qrdesk server (pid ${server.pid}${server.apiUrl ? `, ${server.apiUrl}` : ''}) is using ${dataDir}; ` +
        'stop it first, then restore.',
    );
  }
  checkSourceFile(source);
  const live = path.join(dataDir, DATABASE_FILE);
  if (fs.existsSync(live) && fs.realpathSync(live) === fs.realpathSync(source)) {
    throw new BackupError(`${source} is the data folder's own database; restore from a backup file.`);
  }
  // The first folder this creates (restoring on a new machine), removed again if the restore is refused.
  let created: string | undefined;
  try {
    created = fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    throw new BackupError(`cannot use ${dataDir} as the data folder: ${(err as NodeJS.ErrnoException).code ?? err}.`);
  }

  const tmp = path.join(dataDir, `.${DATABASE_FILE}.restoring-${process.pid}-${randomBytes(4).toString('hex')}`);
  const refuse = (message: string) => {
    fs.rmSync(tmp, { force: true });
    if (created) fs.rmSync(created, { recursive: true, force: true });
    return new BackupError(message);
  };
  let copy: DatabaseCopySummary;
  try {
    // Through SQLite, not a byte copy: a backup left in WAL mode has committed pages in its -wal file.
    copy = await copyDatabase(source, tmp, { readonly: true });
  } catch (err) {
    const code = err instanceof DatabaseCopyError ? err.code : undefined;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw refuse(`${source} is damaged or not a SQLite database (${code}); nothing was changed.`);
    }
    throw refuse(`cannot read ${source}: ${(err as Error).message}; nothing was changed.`);
  }
  const problem = problemWith(copy, source, migrations);
  if (problem) throw refuse(`${problem} Nothing was changed.`);

  const kept = keepCurrent(live, (options.now ?? Date.now)());
  try {
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, live);
    // Opened as the server opens it: the migrations run now, and a problem shows here, not at the next start.
    Store.open(dataDir, { migrations }).close();
    return {
      source,
      keptAs: kept,
      fromSchemaVersion: copy.schemaVersion,
      schemaVersion: migrations.at(-1)?.version ?? 0,
      // Migrations add tables and columns, never rows: the copy's counts are the restored database's.
      codes: copy.codes,
      scans: copy.scans,
    };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    putBack(live, kept);
    throw err;
  }
}
