/**
 * Numbered schema migrations. Each runs once, in its own transaction, and the
 * database's `user_version` records the last one applied. Never edit a
 * migration that has shipped: add a new one.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'api keys',
    sql: `
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        key_hash BLOB NOT NULL UNIQUE,
        scopes TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'ui')),
        rate_limit_per_minute INTEGER NOT NULL,
        daily_limit INTEGER,
        expires_at INTEGER,
        revoked_at INTEGER,
        last_used_at INTEGER,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX api_keys_by_prefix ON api_keys (prefix);
      CREATE INDEX api_keys_by_created ON api_keys (created_at DESC, id DESC);

      CREATE TABLE api_key_usage (
        key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key_id, day)
      ) WITHOUT ROWID;

      CREATE TABLE migration_log (
        version INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        applied_at INTEGER NOT NULL,
        app_version TEXT NOT NULL
      );
    `,
  },
];
