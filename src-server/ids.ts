import { randomBytes } from 'node:crypto';

/** A random, URL-safe id with a type prefix, e.g. `key_3fK9…`. */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString('base64url')}`;
}

export const toIso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The UTC calendar day of a timestamp, as stored in usage counters. */
export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
