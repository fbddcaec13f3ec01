import { createHmac } from 'node:crypto';
import { AppError } from '../errors';
import type { Store } from '../store/store';

export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The same JSON with object keys sorted, so key order does not make two equal bodies differ. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * Idempotency-Key handling for POSTs: the first response to a key is stored
 * for 24 hours and replayed to a retry with the same body; the same key with a
 * different body is refused. Keys are per API key, so two scripts cannot
 * collide.
 */
export class IdempotencyService {
  constructor(
    private readonly store: Store,
    /** Keys the request fingerprints, so a copy of the database alone cannot test guesses of what was sent. */
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {
    // No request survives a restart: claims left by a crash would otherwise block their keys for 24 hours.
    this.store.idempotency.releaseUnfinished();
  }

  static checkKey(raw: string): string {
    if (!KEY_PATTERN.test(raw)) {
      throw new AppError('VALIDATION_ERROR', 'Idempotency-Key must be 1-255 visible ASCII characters.', [
        { path: 'Idempotency-Key', message: 'Expected 1-255 visible ASCII characters' },
      ]);
    }
    return raw;
  }

  /** An HMAC of the request: bodies can hold passwords, which must not be guessable from a plain hash. */
  fingerprint(method: string, path: string, body: unknown): Buffer {
    return createHmac('sha256', this.secret)
      .update(`${method} ${path}\n${JSON.stringify(canonical(body ?? null))}`)
      .digest();
  }

  /**
   * Returns the stored response to replay, or claims the key for a request now
   * starting (then `complete` or `release` it).
   */
  begin(keyId: string, idemKey: string, requestHash: Buffer): StoredResponse | undefined {
    const now = this.now();
    return this.store.transaction(() => {
      this.store.idempotency.purgeOlderThan(now - IDEMPOTENCY_WINDOW_MS);
      const found = this.store.idempotency.find(keyId, idemKey);
      if (!found) {
        this.store.idempotency.claim(keyId, idemKey, requestHash, now);
        return undefined;
      }
      if (!found.request_hash.equals(requestHash)) {
        throw new AppError(
          'IDEMPOTENCY_CONFLICT',
          'This Idempotency-Key was already used with a different request; use a new key for a new request.',
        );
      }
      if (found.status === null) {
        throw new AppError(
          'CONFLICT',
          'A request with this Idempotency-Key is still being processed; retry shortly.',
          undefined,
          {
            'Retry-After': '1',
          },
        );
      }
      return {
        status: found.status,
        headers: JSON.parse(found.headers ?? '{}') as Record<string, string>,
        body: JSON.parse(found.body ?? 'null') as unknown,
      };
    });
  }

  complete(keyId: string, idemKey: string, response: StoredResponse): void {
    this.store.idempotency.complete(
      keyId,
      idemKey,
      response.status,
      JSON.stringify(response.headers),
      JSON.stringify(response.body),
    );
  }

  release(keyId: string, idemKey: string): void {
    this.store.idempotency.release(keyId, idemKey);
  }
}
