import type { Db } from './database';

export interface DesignPresetRow {
  id: string;
  name: string;
  /** The complete design as JSON. */
  design: string;
  created_at: number;
}

/** Data access for the design presets a user saved (built-ins are not stored). */
export class DesignPresetStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        'INSERT INTO design_presets (id, name, design, created_at) VALUES (@id, @name, @design, @created_at)',
      ),
      byId: db.prepare<[string], DesignPresetRow>('SELECT * FROM design_presets WHERE id = ?'),
      all: db.prepare<[number], DesignPresetRow>(
        'SELECT * FROM design_presets ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM design_presets'),
      remove: db.prepare<[string]>('DELETE FROM design_presets WHERE id = ?'),
    };
  }

  insert(row: DesignPresetRow): void {
    this.stmts.insert.run(row);
  }

  findById(id: string): DesignPresetRow | undefined {
    return this.stmts.byId.get(id);
  }

  /** Newest first, at most `limit`. */
  list(limit: number): DesignPresetRow[] {
    return this.stmts.all.all(limit);
  }

  count(): number {
    return this.stmts.count.get()!.n;
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }
}
