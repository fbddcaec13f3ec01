import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface FolderRow {
  id: string;
  name: string;
  color: string | null;
  created_at: number;
  updated_at: number;
  code_count: number;
}

const SELECT = `SELECT f.*, (SELECT COUNT(*) FROM qr_codes q WHERE q.folder_id = f.id AND q.deleted_at IS NULL) AS code_count
  FROM folders f`;

/** Data access for folders. Deleting one leaves its codes in no folder (ON DELETE SET NULL). */
export class FolderStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO folders (id, name, color, created_at, updated_at) VALUES (@id, @name, @color, @created_at, @updated_at)',
      ),
      update: db.prepare('UPDATE folders SET name = @name, color = @color, updated_at = @updated_at WHERE id = @id'),
      byId: db.prepare<[string], FolderRow>(`${SELECT} WHERE f.id = ?`),
      exists: db.prepare<[string], { id: string }>('SELECT id FROM folders WHERE id = ?'),
      firstPage: db.prepare<[number], FolderRow>(`${SELECT} ORDER BY f.created_at DESC, f.id DESC LIMIT ?`),
      nextPage: db.prepare<[number, string, number], FolderRow>(
        `${SELECT} WHERE (f.created_at, f.id) < (?, ?) ORDER BY f.created_at DESC, f.id DESC LIMIT ?`,
      ),
      remove: db.prepare('DELETE FROM folders WHERE id = ?'),
    };
  }

  insert(row: Omit<FolderRow, 'code_count'>): void {
    this.stmts.insert.run(row);
  }

  update(row: Pick<FolderRow, 'id' | 'name' | 'color' | 'updated_at'>): void {
    this.stmts.update.run(row);
  }

  findById(id: string): FolderRow | undefined {
    return this.stmts.byId.get(id);
  }

  exists(id: string): boolean {
    return this.stmts.exists.get(id) !== undefined;
  }

  listPage(limit: number, after?: PageCursor): FolderRow[] {
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }
}
