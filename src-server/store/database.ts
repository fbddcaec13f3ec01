import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APP_VERSION } from '../version';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export const DATABASE_FILE = 'qrdesk.db';

/** Thrown when the database was written by a newer qrdesk; the file is left untouched. */
export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The database ${file} has schema version ${found}, but this qrdesk (${APP_VERSION}) knows only up to ${supported}. ` +
        'It was written by a newer qrdesk: upgrade qrdesk, or point --data-dir at another folder. The file was not changed.',
    );
    this.name = 'DatabaseTooNewError';
  }
}

const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * Reads the schema version without writing anything, so a database we must
 * refuse stays byte-identical and gains no files beside it. With no WAL or
 * journal next to it the main file holds the whole database, and user_version
 * is read from its header (a big-endian int at offset 60): even a read-only
 * SQLite handle on a WAL-mode database creates -wal and -shm files that it
 * cannot remove. Otherwise a read-only handle reads it, WAL included.
 */
function readSchemaVersion(file: string): number {
  if (!fs.existsSync(`${file}-wal`) && !fs.existsSync(`${file}-journal`)) {
    const header = Buffer.alloc(100);
    const fd = fs.openSync(file, 'r');
    let read: number;
    try {
      read = fs.readSync(fd, header, 0, header.length, 0);
    } finally {
      fs.closeSync(fd);
    }
    if (read === 0) return 0; // an empty file is an empty database
    if (read === header.length && header.toString('latin1', 0, 16) === SQLITE_MAGIC) return header.readInt32BE(60);
    // Anything else: let SQLite say what is wrong with it.
  }
  const probe = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return probe.pragma('user_version', { simple: true }) as number;
  } finally {
    probe.close();
  }
}

export interface OpenDatabaseOptions {
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) the database in `dataDir` and brings its schema up to date. */
export function openDatabase(dataDir: string, options: OpenDatabaseOptions = {}): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const file = path.join(dataDir, DATABASE_FILE);
  if (fs.existsSync(file)) {
    const found = readSchemaVersion(file);
    if (found > latest) throw new DatabaseTooNewError(file, found, latest);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes in WAL mode; only power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    // user_version is written inside the same transaction, so a crash leaves either the old or the new schema.
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO migration_log (version, name, applied_at, app_version) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
        APP_VERSION,
      );
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
}

export { LATEST_SCHEMA_VERSION };
