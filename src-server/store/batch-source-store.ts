import type { Db } from './database';

export interface BatchSourceRow {
  id: string;
  name: string;
  byte_size: number;
  encoding: string;
  delimiter: string;
  has_header: number;
  trim_cells: number;
  /** JSON array of the header cells, or null without a header row. */
  headers: string | null;
  column_count: number;
  row_count: number;
  created_at: number;
}

/** Data access for uploaded CSV sources (the files themselves live in DATA_DIR/batch-sources). */
export class BatchSourceStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO batch_sources
           (id, name, byte_size, encoding, delimiter, has_header, trim_cells, headers, column_count, row_count, created_at)
         VALUES
           (@id, @name, @byte_size, @encoding, @delimiter, @has_header, @trim_cells, @headers, @column_count, @row_count, @created_at)`,
      ),
      byId: db.prepare<[string], BatchSourceRow>('SELECT * FROM batch_sources WHERE id = ?'),
      remove: db.prepare<[string]>('DELETE FROM batch_sources WHERE id = ?'),
    };
  }

  insert(row: BatchSourceRow): void {
    this.stmts.insert.run(row);
  }

  find(id: string): BatchSourceRow | undefined {
    return this.stmts.byId.get(id);
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }
}
