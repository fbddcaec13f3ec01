import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface AssetRow {
  id: string;
  name: string;
  media_type: string;
  bytes: Buffer;
  byte_size: number;
  width: number;
  height: number;
  sha256: string;
  created_at: number;
}

export type AssetMetaRow = Omit<AssetRow, 'bytes'>;

// Lists and metadata never read the BLOB: a page of 200 logos must not load 400 MB.
const META = 'id, name, media_type, byte_size, width, height, sha256, created_at';

/** Data access for uploaded logo images. */
export class AssetStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO assets (id, name, media_type, bytes, byte_size, width, height, sha256, created_at)
         VALUES (@id, @name, @media_type, @bytes, @byte_size, @width, @height, @sha256, @created_at)`,
      ),
      metaById: db.prepare<[string], AssetMetaRow>(`SELECT ${META} FROM assets WHERE id = ?`),
      byId: db.prepare<[string], AssetRow>('SELECT * FROM assets WHERE id = ?'),
      firstPage: db.prepare<[number], AssetMetaRow>(
        `SELECT ${META} FROM assets ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      nextPage: db.prepare<[number, string, number], AssetMetaRow>(
        `SELECT ${META} FROM assets WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      // instr() skips the JSON parse for the many designs that cannot mention the id at all.
      usedBy: db.prepare<[string, string], { total: number; trashed: number | null }>(
        `SELECT COUNT(*) AS total, SUM(deleted_at IS NOT NULL) AS trashed FROM qr_codes
         WHERE instr(design, ?) > 0 AND json_extract(design, '$.logo.assetId') = ?`,
      ),
      remove: db.prepare('DELETE FROM assets WHERE id = ?'),
    };
  }

  insert(row: AssetRow): void {
    this.stmts.insert.run(row);
  }

  findMeta(id: string): AssetMetaRow | undefined {
    return this.stmts.metaById.get(id);
  }

  find(id: string): AssetRow | undefined {
    return this.stmts.byId.get(id);
  }

  listPage(limit: number, after?: PageCursor): AssetMetaRow[] {
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  /** QR codes whose design uses the asset as its logo, counting those in the trash (they can come back). */
  usedBy(id: string): { total: number; trashed: number } {
    const row = this.stmts.usedBy.get(id, id)!;
    return { total: row.total, trashed: row.trashed ?? 0 };
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }
}
