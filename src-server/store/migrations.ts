/**
 * Numbered schema migrations. Each runs once; all pending ones run together in
 * one transaction with the `user_version` that records the last one applied, so
 * a crash leaves the old schema or the new one. Never edit a migration that has
 * shipped: add a new one.
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
  {
    version: 2,
    name: 'qr codes, folders, settings, idempotency',
    sql: `
      CREATE TABLE folders (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        color TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX folders_by_created ON folders (created_at DESC, id DESC);

      CREATE TABLE qr_codes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('static', 'dynamic')),
        type TEXT NOT NULL,
        content TEXT NOT NULL,
        payload TEXT NOT NULL,
        short_token TEXT UNIQUE,
        short_url TEXT,
        status TEXT NOT NULL CHECK (status IN ('active', 'paused')),
        design TEXT NOT NULL,
        category TEXT,
        -- category lower-cased in JavaScript, for a filter that folds case beyond ASCII
        category_key TEXT,
        tags TEXT NOT NULL,
        folder_id TEXT REFERENCES folders (id) ON DELETE SET NULL,
        is_favorite INTEGER NOT NULL,
        password_hash TEXT,
        expires_at INTEGER,
        max_scans INTEGER,
        scan_count INTEGER NOT NULL DEFAULT 0,
        last_scanned_at INTEGER,
        search_text TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      -- Partial indexes: the unfiltered library and trash, and a folder's codes, are each one ordered seek.
      CREATE INDEX qr_codes_library ON qr_codes (created_at DESC, id DESC) WHERE deleted_at IS NULL;
      CREATE INDEX qr_codes_trash ON qr_codes (created_at DESC, id DESC) WHERE deleted_at IS NOT NULL;
      CREATE INDEX qr_codes_by_folder ON qr_codes (folder_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
      CREATE INDEX qr_codes_by_type ON qr_codes (type, created_at DESC, id DESC) WHERE deleted_at IS NULL;
      CREATE INDEX qr_codes_favorites ON qr_codes (created_at DESC, id DESC) WHERE deleted_at IS NULL AND is_favorite = 1;

      -- created_at is copied from the code so a tag filter reads its codes newest first straight from this index.
      CREATE TABLE qr_code_tags (
        tag TEXT NOT NULL, -- lower-cased in JavaScript, which folds case beyond ASCII
        created_at INTEGER NOT NULL,
        qr_code_id TEXT NOT NULL REFERENCES qr_codes (id) ON DELETE CASCADE,
        PRIMARY KEY (tag, created_at, qr_code_id)
      ) WITHOUT ROWID;
      CREATE INDEX qr_code_tags_by_code ON qr_code_tags (qr_code_id);

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );

      CREATE TABLE idempotency_keys (
        key_id TEXT NOT NULL,
        idem_key TEXT NOT NULL,
        request_hash BLOB NOT NULL,
        status INTEGER,
        headers TEXT,
        body TEXT,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (key_id, idem_key)
      );
      CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);
    `,
  },
  {
    version: 3,
    name: 'scans, hourly and daily rollups, visitor salts',
    sql: `
      -- One row per counted scan. Never the client's address: country and city are looked up at scan time,
      -- and uniqueness comes from scan_visitors below.
      CREATE TABLE scans (
        id INTEGER PRIMARY KEY,
        qr_code_id TEXT NOT NULL REFERENCES qr_codes (id) ON DELETE CASCADE,
        scanned_at INTEGER NOT NULL,
        country TEXT,
        city TEXT,
        latitude REAL,
        longitude REAL,
        device TEXT NOT NULL,
        os TEXT,
        browser TEXT,
        referrer TEXT,
        language TEXT,
        is_bot INTEGER NOT NULL,
        is_unique INTEGER NOT NULL
      );
      CREATE INDEX scans_by_code ON scans (qr_code_id, scanned_at);

      -- Which visitors (keyed hashes under the day's salt) scanned which code on which UTC day.
      CREATE TABLE scan_visitors (
        qr_code_id TEXT NOT NULL REFERENCES qr_codes (id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        visitor_hash TEXT NOT NULL,
        PRIMARY KEY (qr_code_id, day, visitor_hash)
      ) WITHOUT ROWID;
      CREATE INDEX scan_visitors_by_day ON scan_visitors (day);

      CREATE TABLE scan_salts (
        day TEXT PRIMARY KEY,
        salt BLOB NOT NULL
      );

      -- Scans per code, UTC hour and dimension value (dimension 'total' has value ''), written with each scan
      -- so analytics never has to read raw scans.
      CREATE TABLE scan_rollups (
        qr_code_id TEXT NOT NULL REFERENCES qr_codes (id) ON DELETE CASCADE,
        hour INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        scans INTEGER NOT NULL DEFAULT 0,
        unique_scans INTEGER NOT NULL DEFAULT 0,
        bot_scans INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (qr_code_id, hour, dimension, value)
      ) WITHOUT ROWID;
      CREATE INDEX scan_rollups_by_hour ON scan_rollups (hour, dimension);

      -- The same per UTC day (day = ms / 86,400,000), so a breakdown over months reads days, not hours.
      CREATE TABLE scan_rollups_daily (
        qr_code_id TEXT NOT NULL REFERENCES qr_codes (id) ON DELETE CASCADE,
        day INTEGER NOT NULL,
        dimension TEXT NOT NULL,
        value TEXT NOT NULL,
        scans INTEGER NOT NULL DEFAULT 0,
        unique_scans INTEGER NOT NULL DEFAULT 0,
        bot_scans INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (qr_code_id, day, dimension, value)
      ) WITHOUT ROWID;
      CREATE INDEX scan_rollups_daily_by_day ON scan_rollups_daily (day, dimension);
    `,
  },
  {
    version: 4,
    name: 'webhooks and their delivery outbox',
    sql: `
      -- The secret is stored as it is, not hashed: the server needs it to sign every delivery.
      -- The API shows it once, at creation, and never again.
      CREATE TABLE webhooks (
        id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        events TEXT NOT NULL,
        description TEXT,
        secret TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        disabled_reason TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX webhooks_by_created ON webhooks (created_at, id);

      -- The durable outbox: one row per (event, webhook), written in the transaction that made the event.
      -- payload is the exact JSON body sent, so every retry sends the same bytes.
      -- locked_until marks a row in flight, so two worker ticks never send it at once.
      CREATE TABLE webhook_deliveries (
        id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER,
        locked_until INTEGER,
        last_status_code INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        delivered_at INTEGER
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
      CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, created_at, id);
    `,
  },
  {
    version: 5,
    name: 'logo assets and saved product barcodes',
    sql: `
      -- Logos live in the database (each at most 2 MB), so a backup of the one file carries them.
      -- media_type is what the bytes are (sniffed), never what the client said.
      CREATE TABLE assets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        media_type TEXT NOT NULL,
        bytes BLOB NOT NULL,
        byte_size INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX assets_by_created ON assets (created_at, id);

      -- Saved product barcodes: the symbology, the value as entered (check digit completed) and its options.
      CREATE TABLE barcodes (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        format TEXT NOT NULL,
        value TEXT NOT NULL,
        options TEXT NOT NULL,
        sku TEXT,
        price TEXT,
        category TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      );
      CREATE INDEX barcodes_by_created ON barcodes (created_at, id);
      CREATE INDEX barcodes_by_sku ON barcodes (sku);
    `,
  },
  {
    version: 6,
    name: 'batch sources',
    sql: `
      -- Uploaded CSV files for batches: the bytes stay as uploaded in DATA_DIR/batch-sources/<id>.csv (mode 0600);
      -- this row records how to read them (as detected once) and what they hold.
      CREATE TABLE batch_sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        encoding TEXT NOT NULL,
        delimiter TEXT NOT NULL,
        has_header INTEGER NOT NULL,
        trim_cells INTEGER NOT NULL,
        headers TEXT,
        column_count INTEGER NOT NULL,
        row_count INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX batch_sources_by_created ON batch_sources (created_at, id);
    `,
  },
  {
    version: 7,
    name: 'batch jobs',
    sql: `
      -- Batch export jobs: the validated request as JSON, progress, and where the result is once complete
      -- (DATA_DIR/batches/<id>/result.zip or result.pdf, written under a .part name until then).
      -- A job found queued or running when the server starts was interrupted and is marked so.
      CREATE TABLE batch_jobs (
        id TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        kind TEXT NOT NULL,
        request TEXT NOT NULL,
        total INTEGER NOT NULL,
        processed INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        output_kind TEXT NOT NULL,
        output_path TEXT,
        error TEXT,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER
      );
      CREATE INDEX batch_jobs_by_created ON batch_jobs (created_at, id);
      CREATE INDEX batch_jobs_by_status ON batch_jobs (status);

      -- The rows a job could not make, in the order found: what report.csv lists.
      CREATE TABLE batch_job_failures (
        job_id TEXT NOT NULL REFERENCES batch_jobs (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        row_no INTEGER,
        line_no INTEGER,
        column_name TEXT,
        column_index INTEGER,
        field TEXT,
        message TEXT NOT NULL,
        PRIMARY KEY (job_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 8,
    name: 'design presets',
    sql: `
      -- Designs the user saved under a name (the built-in presets live in code, not here).
      -- design is the complete design as JSON, as in qr_codes.design.
      CREATE TABLE design_presets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        design TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE INDEX design_presets_by_created ON design_presets (created_at DESC, id DESC);
    `,
  },
];
