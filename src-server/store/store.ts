import { AnalyticsStore } from './analytics-store';
import { ApiKeyStore } from './api-key-store';
import { AssetStore } from './asset-store';
import { BarcodeStore } from './barcode-store';
import { openDatabase, type Db, type OpenDatabaseOptions } from './database';
import { DesignPresetStore } from './design-preset-store';
import { FolderStore } from './folder-store';
import { IdempotencyStore } from './idempotency-store';
import { QrCodeStore } from './qrcode-store';
import { ScanStore } from './scan-store';
import { SettingsStore } from './settings-store';
import { TransferStore } from './transfer-store';
import { WebhookStore } from './webhook-store';

/**
 * The data-access layer: every service reaches SQLite through one Store,
 * never through its own handle.
 */
export class Store {
  readonly apiKeys: ApiKeyStore;
  readonly qrCodes: QrCodeStore;
  readonly folders: FolderStore;
  readonly settings: SettingsStore;
  readonly idempotency: IdempotencyStore;
  readonly scans: ScanStore;
  readonly analytics: AnalyticsStore;
  readonly webhooks: WebhookStore;
  readonly assets: AssetStore;
  readonly barcodes: BarcodeStore;
  readonly designPresets: DesignPresetStore;
  readonly transfer: TransferStore;

  private constructor(readonly db: Db) {
    this.apiKeys = new ApiKeyStore(db);
    this.qrCodes = new QrCodeStore(db);
    this.folders = new FolderStore(db);
    this.settings = new SettingsStore(db);
    this.idempotency = new IdempotencyStore(db);
    this.scans = new ScanStore(db);
    this.analytics = new AnalyticsStore(db);
    this.webhooks = new WebhookStore(db);
    this.assets = new AssetStore(db);
    this.barcodes = new BarcodeStore(db);
    this.designPresets = new DesignPresetStore(db);
    this.transfer = new TransferStore(db);
  }

  /** Runs fn in one write transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
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
