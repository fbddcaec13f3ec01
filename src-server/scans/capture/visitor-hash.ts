import { createHmac, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import { utcDay } from '../../ids';
import { MAX_USER_AGENT_LENGTH } from './user-agent';

/** Where the daily salts live (the `scan_salts` table); days are UTC `YYYY-MM-DD`. */
export interface SaltStore {
  get(day: string): Buffer | undefined;
  /** May ignore the call when the day already has a salt (INSERT OR IGNORE); the stored one wins. */
  put(day: string, salt: Buffer): void;
  deleteBefore(day: string): void;
}

const SALT_BYTES = 32;

/**
 * The key that tells unique visitors apart without storing who they are:
 * HMAC-SHA256(salt of the UTC day, address + "\n" + user agent), base64url.
 *
 * Only today's salt is kept. When the day changes, older salts are deleted, and with them any
 * way to recompute yesterday's hashes from a candidate address: past hashes can no longer be
 * linked to an address or to today's visitors. The address is used for the HMAC input only and
 * is never stored or returned; the salt never leaves this object except into the store.
 */
export class VisitorHasher {
  private day: string | null = null;
  private key: KeyObject | null = null;

  constructor(
    private readonly salts: SaltStore,
    private readonly now: () => number = Date.now,
  ) {}

  hash(ip: string, userAgent: string | undefined): string {
    const key = this.keyFor(utcDay(this.now()));
    const ua = (userAgent ?? '').slice(0, MAX_USER_AGENT_LENGTH);
    return createHmac('sha256', key).update(`${ip}\n${ua}`).digest('base64url');
  }

  private keyFor(day: string): KeyObject {
    if (day === this.day && this.key) return this.key;
    let salt = this.salts.get(day);
    if (salt === undefined) {
      this.salts.put(day, randomBytes(SALT_BYTES));
      // Re-read: another process may have stored its salt first, and everyone must share one.
      salt = this.salts.get(day);
      if (salt === undefined) throw new Error(`The salt for ${day} could not be stored.`);
    }
    // Also runs on the first scan after a restart, which cleans up after a process that was
    // down at midnight. A clock stepping back a day only deletes nothing (older days only).
    this.salts.deleteBefore(day);
    this.day = day;
    this.key = createSecretKey(salt);
    return this.key;
  }
}
