import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  key_hash: Buffer;
  scopes: string;
  kind: 'user' | 'ui';
  rate_limit_per_minute: number;
  daily_limit: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  created_at: number;
}

/** Data access for API keys and their daily usage counts. */
export class ApiKeyStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO api_keys (id, name, prefix, key_hash, scopes, kind, rate_limit_per_minute, daily_limit,
           expires_at, revoked_at, last_used_at, created_at)
         VALUES (@id, @name, @prefix, @key_hash, @scopes, @kind, @rate_limit_per_minute, @daily_limit,
           @expires_at, @revoked_at, @last_used_at, @created_at)`,
      ),
      byId: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
      byPrefix: db.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE prefix = ?'),
      firstPage: db.prepare<[number], ApiKeyRow>('SELECT * FROM api_keys ORDER BY created_at DESC, id DESC LIMIT ?'),
      nextPage: db.prepare<[number, string, number], ApiKeyRow>(
        // Row-value comparison lets SQLite seek straight to the cursor in the index.
        `SELECT * FROM api_keys WHERE (created_at, id) < (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      revoke: db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      touch: db.prepare('UPDATE api_keys SET last_used_at = max(coalesce(last_used_at, 0), ?) WHERE id = ?'),
      addUse: db.prepare(
        `INSERT INTO api_key_usage (key_id, day, count) SELECT id, ?, ? FROM api_keys WHERE id = ?
         ON CONFLICT (key_id, day) DO UPDATE SET count = count + excluded.count`,
      ),
      usageOn: db.prepare<[string, string], { count: number }>(
        'SELECT count FROM api_key_usage WHERE key_id = ? AND day = ?',
      ),
      usageSince: db.prepare<[string, string], { day: string; count: number }>(
        'SELECT day, count FROM api_key_usage WHERE key_id = ? AND day >= ? ORDER BY day',
      ),
      activeUiKeys: db.prepare<[number], ApiKeyRow>(
        `SELECT * FROM api_keys WHERE kind = 'ui' AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)`,
      ),
    };
  }

  insert(row: ApiKeyRow): void {
    this.stmts.insert.run(row);
  }

  findById(id: string): ApiKeyRow | undefined {
    return this.stmts.byId.get(id);
  }

  findByPrefix(prefix: string): ApiKeyRow[] {
    return this.stmts.byPrefix.all(prefix);
  }

  /** Returns up to `limit + 1` rows so the caller can tell whether another page exists. */
  listPage(limit: number, after?: PageCursor): ApiKeyRow[] {
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  /** Marks the key revoked; false when it was already revoked or does not exist. */
  revoke(id: string, at: number): boolean {
    return this.stmts.revoke.run(at, id).changes === 1;
  }

  /** Adds counted requests to the daily counters and moves last-used times forward, atomically. */
  addUsage(entries: readonly { keyId: string; day: string; count: number; lastUsedAt: number }[]): void {
    this.db.transaction(() => {
      for (const e of entries) {
        this.stmts.touch.run(e.lastUsedAt, e.keyId);
        this.stmts.addUse.run(e.day, e.count, e.keyId);
      }
    })();
  }

  usageOn(id: string, day: string): number {
    return this.stmts.usageOn.get(id, day)?.count ?? 0;
  }

  usageSince(id: string, firstDay: string): { day: string; count: number }[] {
    return this.stmts.usageSince.all(id, firstDay);
  }

  activeUiKeys(now: number): ApiKeyRow[] {
    return this.stmts.activeUiKeys.all(now);
  }
}
