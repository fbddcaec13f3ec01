import type Database from 'better-sqlite3';
import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface QrCodeRow {
  id: string;
  name: string;
  kind: 'static' | 'dynamic';
  type: string;
  content: string;
  payload: string;
  short_token: string | null;
  short_url: string | null;
  status: 'active' | 'paused';
  design: string;
  category: string | null;
  category_key: string | null;
  tags: string;
  folder_id: string | null;
  is_favorite: number;
  password_hash: string | null;
  expires_at: number | null;
  max_scans: number | null;
  scan_count: number;
  last_scanned_at: number | null;
  search_text: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const TARGET_TTL_MS = 2_000;
const TARGET_CACHE_SIZE = 10_000;

/** The columns a scan of a dynamic code needs. */
export type RedirectTarget = Pick<
  QrCodeRow,
  | 'id'
  | 'name'
  | 'kind'
  | 'type'
  | 'content'
  | 'status'
  | 'password_hash'
  | 'expires_at'
  | 'max_scans'
  | 'scan_count'
  | 'short_token'
  | 'deleted_at'
>;

export interface QrCodeFilter {
  trashed: boolean;
  type?: string;
  kind?: string;
  status?: 'active' | 'paused' | 'expired';
  /** Already lower-cased. */
  q?: string;
  /** Already lower-cased. */
  category?: string;
  tag?: string;
  /** null: codes in no folder. */
  folderId?: string | null;
  favorite?: boolean;
  /** The clock for `expired`. */
  now: number;
}

const EXPIRED =
  '(expires_at IS NOT NULL AND expires_at <= @now) OR (max_scans IS NOT NULL AND scan_count >= max_scans)';

/** Turns a filter into a WHERE clause with named parameters; the partial index picks library or trash. */
function where(filter: QrCodeFilter): { sql: string; params: Record<string, unknown> } {
  const parts = [filter.trashed ? 'deleted_at IS NOT NULL' : 'deleted_at IS NULL'];
  const params: Record<string, unknown> = {};
  const add = (sql: string, name?: string, value?: unknown) => {
    parts.push(sql);
    if (name !== undefined) params[name] = value;
  };
  if (filter.type !== undefined) add('type = @type', 'type', filter.type);
  if (filter.kind !== undefined) add('kind = @kind', 'kind', filter.kind);
  if (filter.status === 'paused') add("status = 'paused'");
  if (filter.status === 'expired') add(`status = 'active' AND (${EXPIRED})`, 'now', filter.now);
  if (filter.status === 'active') add(`status = 'active' AND NOT (${EXPIRED})`, 'now', filter.now);
  if (filter.q !== undefined) add('instr(search_text, @q) > 0', 'q', filter.q);
  if (filter.category !== undefined) add('category_key = @category', 'category', filter.category);
  if (filter.folderId === null) add('folder_id IS NULL');
  else if (filter.folderId !== undefined) add('folder_id = @folderId', 'folderId', filter.folderId);
  // A literal, not a parameter: only then can SQLite use the partial index of favourites.
  if (filter.favorite !== undefined) add(`is_favorite = ${filter.favorite ? 1 : 0}`);
  return { sql: parts.join(' AND '), params };
}

/**
 * With a tag filter the rows come from the tag index, already newest first,
 * so a common and a rare tag are both one ordered seek.
 */
function from(filter: QrCodeFilter, params: Record<string, unknown>): string {
  if (filter.tag === undefined) return 'qr_codes';
  // Tags are indexed lower-cased (JavaScript's Unicode-aware lower case; NOCASE only folds ASCII),
  // so `tag=CAFÉ` finds "Café".
  params.tag = filter.tag.toLowerCase();
  return 'qr_code_tags t CROSS JOIN qr_codes ON qr_codes.id = t.qr_code_id AND t.tag = @tag';
}

/** The sort columns, taken from the table that drives the query so its index gives the order. */
const sortKeys = (filter: QrCodeFilter): [string, string] =>
  filter.tag === undefined ? ['qr_codes.created_at', 'qr_codes.id'] : ['t.created_at', 't.qr_code_id'];

/** Data access for QR codes and their tags. */
export class QrCodeStore {
  private readonly stmts;
  private readonly targets = new Map<string, { target: RedirectTarget; until: number }>();
  private readonly tokenOf = new Map<string, string>();
  /** List queries differ only by which filters are set: a handful of shapes, each prepared once. */
  private readonly prepared = new Map<string, Database.Statement>();

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO qr_codes (id, name, kind, type, content, payload, short_token, short_url, status, design, category, category_key,
           tags, folder_id, is_favorite, password_hash, expires_at, max_scans, scan_count, last_scanned_at, search_text,
           created_at, updated_at, deleted_at)
         VALUES (@id, @name, @kind, @type, @content, @payload, @short_token, @short_url, @status, @design, @category, @category_key,
           @tags, @folder_id, @is_favorite, @password_hash, @expires_at, @max_scans, @scan_count, @last_scanned_at,
           @search_text, @created_at, @updated_at, @deleted_at)`,
      ),
      update: db.prepare(
        `UPDATE qr_codes SET name = @name, content = @content, payload = @payload, status = @status, design = @design,
           category = @category, category_key = @category_key, tags = @tags, folder_id = @folder_id, is_favorite = @is_favorite,
           password_hash = @password_hash, expires_at = @expires_at, max_scans = @max_scans,
           search_text = @search_text, updated_at = @updated_at
         WHERE id = @id`,
      ),
      byId: db.prepare<[string], QrCodeRow>('SELECT * FROM qr_codes WHERE id = ?'),
      tokenTaken: db.prepare<[string], { id: string }>('SELECT id FROM qr_codes WHERE short_token = ?'),
      // Only what a redirect needs: the hot path of every scan skips the design, tags and search text.
      byToken: db.prepare<[string], RedirectTarget>(
        `SELECT id, name, kind, type, content, status, password_hash, expires_at, max_scans, scan_count, short_token,
           deleted_at FROM qr_codes WHERE short_token = ?`,
      ),
      trash: db.prepare('UPDATE qr_codes SET deleted_at = ?, updated_at = ? WHERE id = ? AND deleted_at IS NULL'),
      restore: db.prepare(
        'UPDATE qr_codes SET deleted_at = NULL, updated_at = ? WHERE id = ? AND deleted_at IS NOT NULL',
      ),
      remove: db.prepare('DELETE FROM qr_codes WHERE id = ?'),
      clearTags: db.prepare('DELETE FROM qr_code_tags WHERE qr_code_id = ?'),
      addTag: db.prepare('INSERT OR IGNORE INTO qr_code_tags (tag, created_at, qr_code_id) VALUES (?, ?, ?)'),
    };
  }

  private statement(sql: string): Database.Statement {
    let stmt = this.prepared.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.prepared.set(sql, stmt);
    }
    return stmt;
  }

  private writeTags(row: QrCodeRow): void {
    this.stmts.clearTags.run(row.id);
    for (const tag of JSON.parse(row.tags) as string[]) {
      this.stmts.addTag.run(tag.toLowerCase(), row.created_at, row.id);
    }
  }

  /** Inserts codes and their tags in one transaction. */
  insertMany(rows: readonly QrCodeRow[]): void {
    this.db.transaction(() => {
      for (const row of rows) {
        this.stmts.insert.run(row);
        this.writeTags(row);
      }
    })();
  }

  update(row: QrCodeRow): void {
    this.db.transaction(() => {
      this.stmts.update.run(row);
      this.writeTags(row);
    })();
    this.forgetTarget(row.id);
  }

  findById(id: string): QrCodeRow | undefined {
    return this.stmts.byId.get(id);
  }

  /**
   * The code a scan of `token` reaches. Every scan asks, so answers are kept in
   * memory: this store's own writes drop them at once, the scan recorder keeps
   * their counts current (`noteScan`), and a change made by another process is
   * seen within TARGET_TTL_MS.
   */
  findByToken(token: string): RedirectTarget | undefined {
    const now = Date.now();
    const hit = this.targets.get(token);
    if (hit && hit.until > now) return hit.target;
    const target = this.stmts.byToken.get(token);
    this.targets.delete(token);
    if (target) {
      if (this.targets.size >= TARGET_CACHE_SIZE) this.targets.delete(this.targets.keys().next().value!);
      this.targets.set(token, { target, until: now + TARGET_TTL_MS });
      this.tokenOf.set(target.id, token);
    }
    return target;
  }

  /** A committed human scan of the code, reflected in the cached target so maxScans stays exact. */
  noteScan(id: string): void {
    const token = this.tokenOf.get(id);
    const hit = token === undefined ? undefined : this.targets.get(token);
    if (hit) hit.target.scan_count += 1;
  }

  private forgetTarget(id: string): void {
    const token = this.tokenOf.get(id);
    if (token !== undefined) this.targets.delete(token);
    this.tokenOf.delete(id);
  }

  isTokenTaken(token: string): boolean {
    return this.stmts.tokenTaken.get(token) !== undefined;
  }

  trash(id: string, at: number): void {
    this.stmts.trash.run(at, at, id);
    this.forgetTarget(id);
  }

  restore(id: string, at: number): void {
    this.stmts.restore.run(at, id);
    this.forgetTarget(id);
  }

  /** Deletes the code for good; its tags go with it (and its scans, once they exist, by cascade). */
  remove(id: string): void {
    this.stmts.remove.run(id);
    this.forgetTarget(id);
  }

  /** Up to `limit + 1` rows after the cursor, newest first. */
  listPage(filter: QrCodeFilter, limit: number, after?: PageCursor): QrCodeRow[] {
    const w = where(filter);
    const params: Record<string, unknown> = { ...w.params, limit: limit + 1 };
    let sql = `SELECT qr_codes.* FROM ${from(filter, params)} WHERE ${w.sql}`;
    if (after) {
      // Row-value comparison: an index seek straight to the cursor.
      sql += ` AND (${sortKeys(filter).join(', ')}) < (@afterCreatedAt, @afterId)`;
      params.afterCreatedAt = after.createdAt;
      params.afterId = after.id;
    }
    const [time, id] = sortKeys(filter);
    sql += ` ORDER BY ${time} DESC, ${id} DESC LIMIT @limit`;
    return this.statement(sql).all(params) as QrCodeRow[];
  }

  /** One numbered page, for clients written against page-numbered APIs. */
  listOffset(filter: QrCodeFilter, limit: number, offset: number): QrCodeRow[] {
    const w = where(filter);
    const params: Record<string, unknown> = { ...w.params, limit, offset };
    const [time, id] = sortKeys(filter);
    const sql = `SELECT qr_codes.* FROM ${from(filter, params)} WHERE ${w.sql}
      ORDER BY ${time} DESC, ${id} DESC LIMIT @limit OFFSET @offset`;
    return this.statement(sql).all(params) as QrCodeRow[];
  }

  count(filter: QrCodeFilter): number {
    const w = where(filter);
    const params: Record<string, unknown> = { ...w.params };
    return (
      this.statement(`SELECT COUNT(*) AS n FROM ${from(filter, params)} WHERE ${w.sql}`).get(params) as { n: number }
    ).n;
  }
}
