import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';
import type { AuthenticatedKey } from './api-keys';
import type { UsageMeter } from './usage-meter';

const secondsUntilNextUtcDay = (now: number): number => {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return Math.max(1, Math.ceil((next.getTime() - now) / 1000));
};

/**
 * Per-key limits: a one-minute window held in memory (it only needs to last a
 * minute) and a daily cap checked against the usage meter, whose counts are
 * persisted, so a restart does not hand out a fresh day.
 */
export class RateLimits {
  private readonly windows = new Map<number, RateLimiterMemory>();

  constructor(
    private readonly usage: UsageMeter,
    private readonly now: () => number = Date.now,
  ) {}

  private windowFor(points: number): RateLimiterMemory {
    let limiter = this.windows.get(points);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration: 60, keyPrefix: `minute-${points}` });
      this.windows.set(points, limiter);
    }
    return limiter;
  }

  /**
   * Admits one request for the key and counts it, or throws RATE_LIMITED with
   * Retry-After. Returns the headers every authenticated response carries.
   */
  async admit(key: AuthenticatedKey): Promise<Record<string, string>> {
    const headers: Record<string, string> = { 'X-RateLimit-Limit': String(key.rateLimitPerMinute) };
    if (key.dailyLimit !== null) headers['X-Daily-Limit'] = String(key.dailyLimit);
    const minuteHeaders = (res: RateLimiterRes) => {
      headers['X-RateLimit-Remaining'] = String(Math.max(0, res.remainingPoints));
      headers['X-RateLimit-Reset'] = String(Math.ceil((this.now() + res.msBeforeNext) / 1000));
    };
    try {
      minuteHeaders(await this.windowFor(key.rateLimitPerMinute).consume(key.id));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      minuteHeaders(err);
      if (key.dailyLimit !== null) {
        headers['X-Daily-Remaining'] = String(Math.max(0, key.dailyLimit - this.usage.usedToday(key.id)));
      }
      throw new AppError(
        'RATE_LIMITED',
        `Rate limit of ${key.rateLimitPerMinute} requests per minute reached.`,
        undefined,
        {
          ...headers,
          'Retry-After': String(Math.max(1, Math.ceil(err.msBeforeNext / 1000))),
        },
      );
    }
    // From here to record() nothing awaits, so concurrent or pipelined requests cannot all pass one check.
    if (key.dailyLimit !== null) {
      const used = this.usage.usedToday(key.id);
      if (used >= key.dailyLimit) {
        throw new AppError(
          'RATE_LIMITED',
          `Daily limit of ${key.dailyLimit} requests reached; it resets at midnight UTC.`,
          undefined,
          {
            ...headers,
            'X-Daily-Remaining': '0',
            'Retry-After': String(secondsUntilNextUtcDay(this.now())),
          },
        );
      }
      headers['X-Daily-Remaining'] = String(key.dailyLimit - used - 1);
    }
    this.usage.record(key.id);
    return headers;
  }
}
