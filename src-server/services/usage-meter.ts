import type { Logger } from 'pino';
import { utcDay } from '../ids';
import type { Store } from '../store/store';

interface Pending {
  day: string;
  count: number;
  lastUsedAt: number;
}

/**
 * Per-key request counts and last-used times, kept in memory and written to
 * the database every few seconds and at shutdown. Counting in memory keeps
 * every API request free of a database write (so a busy database cannot stall
 * requests), and makes the daily-cap check and the count one synchronous step
 * that concurrent or pipelined requests cannot slip between. A crash can lose
 * the last few seconds of counts: metering, never user data.
 */
export class UsageMeter {
  private readonly pending = new Map<string, Pending>();
  /** What the database held for a key's current day when we first looked, plus what we have flushed since. */
  private readonly stored = new Map<string, { day: string; count: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly logger?: Logger,
  ) {}

  /** Requests counted for the key today (UTC), flushed or not. */
  usedToday(keyId: string): number {
    const day = utcDay(this.now());
    let stored = this.stored.get(keyId);
    if (stored?.day !== day) {
      stored = { day, count: this.store.apiKeys.usageOn(keyId, day) };
      this.stored.set(keyId, stored);
    }
    const pending = this.pending.get(keyId);
    return stored.count + (pending?.day === day ? pending.count : 0);
  }

  record(keyId: string): void {
    const now = this.now();
    const day = utcDay(now);
    const pending = this.pending.get(keyId);
    if (pending && pending.day !== day) this.flush(); // a new UTC day: write yesterday's count first
    const current = this.pending.get(keyId);
    if (current) {
      current.count += 1;
      current.lastUsedAt = now;
    } else {
      this.pending.set(keyId, { day, count: 1, lastUsedAt: now });
    }
  }

  /** Writes pending counts in one transaction; on failure they stay pending for the next try. */
  flush(): void {
    if (this.pending.size === 0) return;
    const batch = [...this.pending];
    try {
      this.store.apiKeys.addUsage(batch.map(([keyId, p]) => ({ keyId, ...p })));
    } catch (err) {
      this.logger?.warn({ err }, 'could not write API key usage; will retry');
      return;
    }
    for (const [keyId, p] of batch) {
      this.pending.delete(keyId);
      const stored = this.stored.get(keyId);
      if (stored?.day === p.day) stored.count += p.count;
    }
  }

  startAutoFlush(intervalMs = 2_000): void {
    this.timer ??= setInterval(() => this.flush(), intervalMs).unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.flush();
  }
}
