import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { APP_VERSION } from '../version';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export const DATABASE_FILE = 'qrdesk.db';

/** A database that cannot be opened for a reason the user can act on; the message says which file and why. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError';
}

/** Thrown when the database was written by a newer qrdesk; the file is left untouched. */
export class DatabaseTooNewError extends DatabaseOpenError {
  constructor(
    readonly file: string,
    readonly found: number,
    readonly supported: number,
  ) {
    super(
      `The database ${file} has schema version ${found}, but this qrdesk (${APP_VERSION}) knows only up to ${supported}. ` +
        'It was written by a newer qrdesk: upgrade qrdesk, or point --data-dir at another folder. The file was not changed.',
    );
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
  try {
    return openAndMigrate(dataDir, options);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
      throw new DatabaseOpenError(
        `${path.join(dataDir, DATABASE_FILE)} is not a qrdesk database or is damaged (${code}); ` +
          'it was not changed. Restore it from a backup, or point --data-dir at another folder.',
      );
    }
    throw err;
  }
}

function openAndMigrate(dataDir: string, options: OpenDatabaseOptions): Db {
  const migrations = options.migrations ?? MIGRATIONS;
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const file = path.join(dataDir, DATABASE_FILE);
  if (fs.existsSync(file)) {
    const found = readSchemaVersion(file);
    if (found > latest) throw new DatabaseTooNewError(file, found, latest);
  }
  const db = new Database(file);
  try {
    // The busy timeout goes first: another process may hold the lock while we switch to WAL or migrate.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    // NORMAL is durable against process crashes in WAL mode; only power loss can drop the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file, migrations, latest);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

function migrate(db: Db, file: string, migrations: readonly Migration[], latest: number): void {
  // Cheap check first, so an up-to-date database is opened without taking the write lock.
  if ((db.pragma('user_version', { simple: true }) as number) === latest) return;
  db.transaction(() => {
    // Read again under the write lock: another process (the desktop app and a CLI command, say)
    // may have migrated the file since the check above.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) throw new DatabaseTooNewError(file, current, latest);
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      db.exec(migration.sql);
      // Prepared per migration: the first one creates migration_log itself.
      db.prepare('INSERT INTO migration_log (version, name, applied_at, app_version) VALUES (?, ?, ?, ?)').run(
        migration.version,
        migration.name,
        Date.now(),
        APP_VERSION,
      );
    }
    // Written in the same transaction as the schema, so a crash leaves either the old or the new version.
    db.pragma(`user_version = ${latest}`);
  }).immediate();
}
