import { ApiKeyStore } from './api-key-store';
import { openDatabase, type Db, type OpenDatabaseOptions } from './database';

/**
 * The data-access layer: every service reaches SQLite through one Store,
 * never through its own handle.
 */
export class Store {
  readonly apiKeys: ApiKeyStore;

  private constructor(readonly db: Db) {
    this.apiKeys = new ApiKeyStore(db);
  }

  static open(dataDir: string, options?: OpenDatabaseOptions): Store {
    return new Store(openDatabase(dataDir, options));
  }

  close(): void {
    if (!this.db.open) return;
    // Fold the WAL back into the main file so a closed database is one self-contained file.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.db.close();
  }
}
