import fs from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** What a copy holds, read back from the copy itself once written. */
export interface DatabaseCopySummary {
  /** `ok`, or SQLite's first complaints from `PRAGMA integrity_check`. */
  integrity: string[];
  /** The copy's `user_version`: the last qrdesk migration applied to it. */
  schemaVersion: number;
  /** The names of its tables. */
  tables: string[];
  /** Rows in qr_codes and scans (0 when the table is missing). */
  codes: number;
  scans: number;
  bytes: number;
}

/** A copy that could not be made or read; `code` is SQLite's (SQLITE_NOTADB, SQLITE_CORRUPT, ...) when it has one. */
export class DatabaseCopyError extends Error {
  override name = 'DatabaseCopyError';
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

/** SQLite's integrity complaints (some span lines) as one short line for a message. */
export const integrityProblems = (integrity: readonly string[]): string => {
  const text = integrity.join('; ').replace(/\s+/g, ' ').trim();
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

type WorkerReply = { ok: true; summary: DatabaseCopySummary } | { ok: false; message: string; code?: string };

// The worker, as CommonJS source (as the WAL checkpointer's): no build needs a separate entry for it.
// It copies with SQLite's online backup API in ONE step, so the whole copy is read inside one read
// transaction: in WAL mode that is a snapshot of the last commit before the step began, taken
// without holding back the server's writers. (Copying in many small steps would restart from page 1
// each time another process commits, and could never finish under a steady stream of scans.)
// The copy is then switched to the rollback journal, so it is one self-contained file, and checked.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const Database = require(workerData.driver);
(async () => {
  const { source, target, readonly } = workerData;
  const from = new Database(source, { readonly, fileMustExist: true });
  try {
    from.pragma('busy_timeout = 5000');
    await from.backup(target, { progress: () => 0x7fffffff });
  } finally {
    from.close();
  }
  const copy = new Database(target, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = copy.pragma('integrity_check(20)').map((row) => String(Object.values(row)[0]));
    const tables = copy
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    const count = (table) =>
      tables.includes(table) ? copy.prepare('SELECT COUNT(*) FROM ' + table).pluck().get() : 0;
    const summary = {
      integrity,
      schemaVersion: copy.pragma('user_version', { simple: true }),
      tables,
      codes: count('qr_codes'),
      scans: count('scans'),
      bytes: 0,
    };
    copy.close();
    summary.bytes = fs.statSync(target).size;
    parentPort.postMessage({ ok: true, summary });
  } finally {
    if (copy.open) copy.close();
  }
})().catch((err) => {
  parentPort.postMessage({ ok: false, message: String((err && err.message) || err), code: err && err.code });
});
`;

const removeQuietly = (file: string) => {
  for (const f of [file, `${file}-journal`, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
};

/**
 * Copies the SQLite database `source` to `target` (a new file, which must not
 * exist) with the online backup API, in a worker thread so a server's event
 * loop keeps answering while it runs, and checks the copy. Safe while other
 * connections and processes write to `source`: the copy is the database as of
 * one commit. `readonly` opens the source read-only (a file the user gave us);
 * otherwise the source connection is read-write but only reads, which lets it
 * tidy the -wal and -shm files up when it is the last one out.
 * On failure the partial target is removed and DatabaseCopyError is thrown.
 */
export function copyDatabase(
  source: string,
  target: string,
  options: { readonly?: boolean } = {},
): Promise<DatabaseCopySummary> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          source,
          target,
          readonly: options.readonly ?? false,
        },
      });
    } catch (err) {
      reject(err);
      return;
    }
    let reply: WorkerReply | undefined;
    worker.once('message', (message: WorkerReply) => (reply = message));
    worker.once('error', (err) => (reply ??= { ok: false, message: err.message }));
    worker.once('exit', () => {
      if (reply?.ok) {
        resolve(reply.summary);
        return;
      }
      removeQuietly(target);
      reject(
        new DatabaseCopyError(reply?.message ?? 'the copy stopped unexpectedly', reply?.ok ? undefined : reply?.code),
      );
    });
  });
}
