import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  type CreateApiKeyParsed,
  type ApiKey,
  type ApiKeyDetail,
  type AuthVerify,
  type CreatedApiKey,
  SCOPE_RANK,
  type Scope,
} from '../../src-shared/schemas/api-keys';
import { AppError, notFound } from '../errors';
import { newId, toIso, utcDay } from '../ids';
import type { ApiKeyRow } from '../store/api-key-store';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';
import { UsageMeter } from './usage-meter';

export const KEY_PREFIX = 'qrd_';
/** 40 random bytes: even with the visible prefix taken away, well over 256 bits stay secret. */
const KEY_BYTES = 40;
const KEY_PATTERN = /^qrd_[A-Za-z0-9_-]{54}$/;
const VISIBLE_PREFIX_LENGTH = 12;

/** The key in an `Authorization: Bearer qrd_…` header, or the documented 401 for a missing or malformed one. */
export function parseBearer(header: string | undefined): string {
  if (!header) {
    throw new AppError('UNAUTHORIZED', 'Missing Authorization header. Send "Authorization: Bearer qrd_…".');
  }
  // The scheme is case-insensitive (RFC 9110 §11.1): `bearer qrd_…` is the same credential.
  const token = /^Bearer +(\S+)$/i.exec(header.trim())?.[1];
  if (!token || !KEY_PATTERN.test(token)) {
    throw new AppError('UNAUTHORIZED', 'Malformed Authorization header. Send "Authorization: Bearer qrd_…".');
  }
  return token;
}

const hashKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/** The key behind a request, as the API describes it plus who it was made for. */
export interface AuthenticatedKey extends ApiKey {
  kind: 'user' | 'ui';
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.split(',') as Scope[],
    rateLimitPerMinute: row.rate_limit_per_minute,
    dailyLimit: row.daily_limit,
    expiresAt: toIso(row.expires_at),
    revokedAt: toIso(row.revoked_at),
    lastUsedAt: toIso(row.last_used_at),
    createdAt: toIso(row.created_at)!,
  };
}

export interface CreateKeyOptions {
  kind?: 'user' | 'ui';
}

/** Creation, listing, revocation and verification of API keys. */
export class ApiKeyService {
  /** Request counts and last-used times; see UsageMeter for why they are counted in memory first. */
  readonly usage: UsageMeter;

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {
    this.usage = new UsageMeter(store, now);
  }

  /** Creates a key; the returned `key` is the only time the secret exists outside the caller. */
  create(parsed: CreateApiKeyParsed, options: CreateKeyOptions = {}): CreatedApiKey {
    const key = KEY_PREFIX + randomBytes(KEY_BYTES).toString('base64url');
    const row: ApiKeyRow = {
      id: newId('key'),
      name: parsed.name,
      prefix: key.slice(0, VISIBLE_PREFIX_LENGTH),
      key_hash: hashKey(key),
      scopes: [...parsed.scopes].sort((a, b) => SCOPE_RANK[a] - SCOPE_RANK[b]).join(','),
      kind: options.kind ?? 'user',
      rate_limit_per_minute: parsed.rateLimitPerMinute ?? DEFAULT_RATE_LIMIT_PER_MINUTE,
      daily_limit: parsed.dailyLimit ?? null,
      expires_at: parsed.expiresAt ? Date.parse(parsed.expiresAt) : null,
      revoked_at: null,
      last_used_at: null,
      created_at: this.now(),
    };
    this.store.apiKeys.insert(row);
    return { ...toApiKey(row), key };
  }

  list(limit: number, cursor?: string): { data: ApiKey[]; nextCursor: string | null } {
    const after = decodeCursor(cursor);
    this.usage.flush();
    const page = toPage(this.store.apiKeys.listPage(limit, after), limit);
    return { data: page.rows.map(toApiKey), nextCursor: page.nextCursor };
  }

  get(id: string): ApiKeyDetail {
    this.usage.flush();
    const row = this.store.apiKeys.findById(id);
    if (!row) throw notFound('API key');
    const since = utcDay(this.now() - 29 * 86_400_000);
    const usage = this.store.apiKeys.usageSince(id, since).map((u) => ({ date: u.day, count: u.count }));
    return { ...toApiKey(row), usage };
  }

  /** Revokes a key. Revoking a revoked key is not an error: the outcome is the same. */
  revoke(id: string): ApiKey {
    const row = this.store.apiKeys.findById(id);
    if (!row) throw notFound('API key');
    this.store.apiKeys.revoke(id, this.now());
    return toApiKey(this.store.apiKeys.findById(id)!);
  }

  /** Turns an Authorization header into the key it names, or throws the documented 401. */
  authenticate(header: string | undefined): AuthenticatedKey {
    return this.verify(parseBearer(header));
  }

  /**
   * Checks a secret key. Lookup is by the visible prefix; the secret part is
   * compared as a hash in constant time.
   */
  verify(token: string): AuthenticatedKey {
    if (!KEY_PATTERN.test(token)) throw new AppError('INVALID_API_KEY', 'The API key is not valid.');
    const hash = hashKey(token);
    const row = this.store.apiKeys
      .findByPrefix(token.slice(0, VISIBLE_PREFIX_LENGTH))
      .find((candidate) => candidate.key_hash.length === hash.length && timingSafeEqual(candidate.key_hash, hash));
    if (!row) throw new AppError('INVALID_API_KEY', 'The API key is not valid.');
    if (row.revoked_at !== null) throw new AppError('API_KEY_REVOKED', 'The API key has been revoked.');
    if (row.expires_at !== null && row.expires_at <= this.now()) {
      throw new AppError('API_KEY_EXPIRED', `The API key expired at ${toIso(row.expires_at)}.`);
    }
    return { ...toApiKey(row), kind: row.kind };
  }

  describe(key: AuthenticatedKey): AuthVerify {
    const { id, name, prefix, scopes, expiresAt, rateLimitPerMinute, dailyLimit } = key;
    return { id, name, prefix, scopes, expiresAt, rateLimitPerMinute, dailyLimit };
  }

  /** Revokes every UI key still active, before a replacement is issued. */
  revokeUiKeys(): void {
    const now = this.now();
    for (const row of this.store.apiKeys.activeUiKeys(now)) this.store.apiKeys.revoke(row.id, now);
  }
}
