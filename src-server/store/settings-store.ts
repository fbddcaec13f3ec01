import type { Db } from './database';

/** Key/value settings, each value stored as JSON. */
export class SettingsStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?'),
      set: db.prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
      remove: db.prepare('DELETE FROM settings WHERE key = ?'),
    };
  }

  get<T>(key: string): T | undefined {
    const row = this.stmts.get.get(key);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.stmts.set.run(key, JSON.stringify(value));
  }

  remove(key: string): void {
    this.stmts.remove.run(key);
  }
}
