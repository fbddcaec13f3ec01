import { randomBytes } from 'node:crypto';

/** A random, URL-safe id with a type prefix, e.g. `key_3fK9…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const DAY_MS = 86_400_000;
// The last day asked about: every scan and API call asks, nearly always about today.
let lastDay = { start: 0, end: 0, text: '' };

/** The UTC calendar day of a timestamp, `YYYY-MM-DD`, as stored in usage counters and visitor hashes. */
export function utcDay(ms: number): string {
  if (ms >= lastDay.start && ms < lastDay.end) return lastDay.text;
  const text = new Date(ms).toISOString().slice(0, 10); // throws on an invalid time, as before
  const start = Math.floor(ms / DAY_MS) * DAY_MS;
  lastDay = { start, end: start + DAY_MS, text };
  return text;
}
