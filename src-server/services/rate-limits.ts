import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';
import type { AuthenticatedKey } from './api-keys';

export interface RateLimitOutcome {
  headers: Record<string, string>;
}

const secondsUntilNextUtcDay = (now: number): number => {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - now) / 1000));
};

/**
 * Per-key limits: a one-minute window held in memory (it only needs to survive
 * a minute) and a daily cap read from the usage counters in the database, so a
 * restart does not hand out a fresh day.
 */
export class RateLimits {
  private readonly windows = new Map<number, RateLimiterMemory>();

  constructor(private readonly now: () => number = Date.now) {}

  private windowFor(points: number): RateLimiterMemory {
    let limiter = this.windows.get(points);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration: 60, keyPrefix: `minute-${points}` });
      this.windows.set(points, limiter);
    }
    return limiter;
  }

  /**
   * Takes one request from the key's allowances, or throws RATE_LIMITED with
   * Retry-After. `usedToday` is the number of requests already counted today.
   */
  async take(key: AuthenticatedKey, usedToday: number): Promise<RateLimitOutcome> {
    const now = this.now();
    const headers: Record<string, string> = { 'X-RateLimit-Limit': String(key.rateLimitPerMinute) };
    if (key.dailyLimit !== null) {
      headers['X-Daily-Limit'] = String(key.dailyLimit);
      if (usedToday >= key.dailyLimit) {
        const retry = secondsUntilNextUtcDay(now);
        throw new AppError(
          'RATE_LIMITED',
          `Daily limit of ${key.dailyLimit} requests reached; it resets at midnight UTC.`,
          undefined,
          {
            ...headers,
            'X-Daily-Remaining': '0',
            'X-RateLimit-Remaining': '0',
            'X-RateLimit-Reset': String(Math.ceil(now / 1000) + retry),
            'Retry-After': String(retry),
          },
        );
      }
    }
    try {
      const res = await this.windowFor(key.rateLimitPerMinute).consume(key.id);
      headers['X-RateLimit-Remaining'] = String(res.remainingPoints);
      headers['X-RateLimit-Reset'] = String(Math.ceil((now + res.msBeforeNext) / 1000));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const retry = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new AppError(
        'RATE_LIMITED',
        `Rate limit of ${key.rateLimitPerMinute} requests per minute reached.`,
        undefined,
        {
          ...headers,
          ...(key.dailyLimit !== null ? { 'X-Daily-Remaining': String(key.dailyLimit - usedToday) } : {}),
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': String(Math.ceil((now + err.msBeforeNext) / 1000)),
          'Retry-After': String(retry),
        },
      );
    }
    if (key.dailyLimit !== null) headers['X-Daily-Remaining'] = String(key.dailyLimit - usedToday - 1);
    return { headers };
  }
}
