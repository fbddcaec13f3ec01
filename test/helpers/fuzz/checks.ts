import type Database from 'better-sqlite3';
import { ERROR_CODES, type ErrorCode } from '../../../src-shared/errors';
import type { WireResponse } from './client';

/**
 * What every fuzzed response must satisfy, and the database snapshot that
 * shows a refused request wrote nothing.
 */

/** Error statuses any operation may meet whether or not it lists them, when the document defines them. */
export const GLOBAL_ERROR_STATUSES = [401, 403, 404, 405, 413, 415, 429] as const;

/**
 * Problems with a response, as sentences (empty when it is fine): a 5xx, a
 * missing X-Request-Id, an undocumented status, an error body that is not
 * exactly the envelope or whose code does not belong to its status.
 */
export function responseProblems(res: WireResponse, allowedStatuses: ReadonlySet<number>): string[] {
  const problems: string[] = [];
  if (res.status >= 500) problems.push(`status ${res.status}`);
  if (!res.headers['x-request-id']) problems.push('no X-Request-Id header');
  if (!allowedStatuses.has(res.status)) problems.push(`status ${res.status} is not documented for this operation`);
  if (res.status < 400) return problems;

  if (!/^application\/json\b/.test(String(res.headers['content-type'] ?? ''))) {
    problems.push(`error Content-Type is ${String(res.headers['content-type'])}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(res.body.toString('utf8'));
  } catch {
    problems.push(`error body is not JSON: ${res.body.toString('utf8').slice(0, 120)}`);
    return problems;
  }
  problems.push(...envelopeProblems(body, res.status));
  return problems;
}

/** How a parsed error body differs from exactly `{error: {code, message, details?}}` for this status. */
export function envelopeProblems(body: unknown, status: number): string[] {
  const problems: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(body) || Object.keys(body).join() !== 'error' || !isObject(body.error)) {
    return [`error body is not the envelope: ${JSON.stringify(body).slice(0, 160)}`];
  }
  const { error } = body;
  const extra = Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k));
  if (extra.length) problems.push(`error has extra keys ${extra.join(', ')}`);
  const code = error.code as ErrorCode;
  if (typeof code !== 'string' || !(code in ERROR_CODES)) problems.push(`unknown error code ${String(code)}`);
  else if (ERROR_CODES[code].status !== status) problems.push(`code ${code} sent with status ${status}`);
  if (typeof error.message !== 'string' || error.message.length === 0) problems.push('empty or missing message');
  else if (/\n\s+at /.test(error.message)) problems.push('stack trace in the message');
  if ('details' in error) {
    const details = error.details;
    if (
      !Array.isArray(details) ||
      !details.every(
        (d) =>
          isObject(d) &&
          Object.keys(d).sort().join() === 'message,path' &&
          typeof d.path === 'string' &&
          typeof d.message === 'string',
      )
    ) {
      problems.push(`details are not [{path, message}]: ${JSON.stringify(details).slice(0, 160)}`);
    }
  }
  return problems;
}

/**
 * Tables written by background work on their own schedule, not by the request
 * in flight: comparing them would blame a request for a timer.
 */
const BACKGROUND_TABLES = new Set([
  'api_key_usage', // the usage meter flushes counts every few seconds
  'batch_job_failures', // filled by the batch runner as rows fail
  'migration_log',
]);

export type Snapshot = Record<string, string>;

/**
 * Row counts of every table, and the latest `updated_at` where a table has one
 * (an update in place changes no count). Cheap on the few thousand rows a
 * fuzz run makes: counts come from indexes.
 */
export function databaseSnapshot(db: Database.Database): Snapshot {
  const tables = (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as {
      name: string;
    }[]
  )
    .map((t) => t.name)
    .filter((t) => !BACKGROUND_TABLES.has(t));
  const snapshot: Snapshot = {};
  for (const table of tables) {
    const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
    const updated = columns.includes('updated_at') ? ', MAX(updated_at) AS u' : '';
    const row = db.prepare(`SELECT COUNT(*) AS n${updated} FROM "${table}"`).get() as { n: number; u?: number };
    snapshot[table] = updated ? `${row.n}@${row.u}` : String(row.n);
  }
  return snapshot;
}

/** The tables whose snapshot changed, with before → after. */
export function snapshotDiff(before: Snapshot, after: Snapshot): string[] {
  const tables = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...tables].filter((t) => before[t] !== after[t]).map((t) => `${t}: ${before[t]} → ${after[t]}`);
}
