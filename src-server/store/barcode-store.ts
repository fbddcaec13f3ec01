import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface BarcodeRow {
  id: string;
  name: string;
  format: string;
  value: string;
  /** The look, as JSON. */
  options: string;
  sku: string | null;
  price: string | null;
  category: string | null;
  created_at: number;
  updated_at: number;
}

const ORDER = 'ORDER BY created_at DESC, id DESC LIMIT ?';
const AFTER = '(created_at, id) < (?, ?)';
// Name or SKU containing the search text; LIKE is case-insensitive for ASCII, and `\` escapes % and _.
const MATCH = "(name LIKE ? ESCAPE '\\' OR sku LIKE ? ESCAPE '\\')";

/** Data access for saved product barcodes. */
export class BarcodeStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO barcodes (id, name, format, value, options, sku, price, category, created_at, updated_at)
         VALUES (@id, @name, @format, @value, @options, @sku, @price, @category, @created_at, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE barcodes SET name = @name, format = @format, value = @value, options = @options, sku = @sku,
         price = @price, category = @category, updated_at = @updated_at WHERE id = @id`,
      ),
      byId: db.prepare<[string], BarcodeRow>('SELECT * FROM barcodes WHERE id = ?'),
      firstPage: db.prepare<[number], BarcodeRow>(`SELECT * FROM barcodes ${ORDER}`),
      nextPage: db.prepare<[number, string, number], BarcodeRow>(`SELECT * FROM barcodes WHERE ${AFTER} ${ORDER}`),
      firstMatching: db.prepare<[string, string, number], BarcodeRow>(`SELECT * FROM barcodes WHERE ${MATCH} ${ORDER}`),
      nextMatching: db.prepare<[string, string, number, string, number], BarcodeRow>(
        `SELECT * FROM barcodes WHERE ${MATCH} AND ${AFTER} ${ORDER}`,
      ),
      remove: db.prepare('DELETE FROM barcodes WHERE id = ?'),
    };
  }

  insert(row: BarcodeRow): void {
    this.stmts.insert.run(row);
  }

  update(row: Omit<BarcodeRow, 'created_at'>): void {
    this.stmts.update.run(row);
  }

  findById(id: string): BarcodeRow | undefined {
    return this.stmts.byId.get(id);
  }

  /** Newest first; `limit + 1` rows so the caller knows whether another page follows. */
  listPage(limit: number, after?: PageCursor, search?: string): BarcodeRow[] {
    if (search) {
      const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return after
        ? this.stmts.nextMatching.all(pattern, pattern, after.createdAt, after.id, limit + 1)
        : this.stmts.firstMatching.all(pattern, pattern, limit + 1);
    }
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }
}
