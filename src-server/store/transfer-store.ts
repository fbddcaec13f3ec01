import type { AssetRow } from './asset-store';
import type { BarcodeRow } from './barcode-store';
import type { Db } from './database';
import type { DesignPresetRow } from './design-preset-store';
import type { FolderRow } from './folder-store';
import type { QrCodeRow } from './qrcode-store';
import type { ScanRow } from './scan-store';

/**
 * Whole-table reads for the JSON export, oldest first so an import recreates
 * things in the order they were made, and the look-ups an import needs. The
 * iterators hold the connection while they run: the caller maps rows without
 * running other statements, inside one transaction so the export is one snapshot.
 */
export class TransferStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      folders: db.prepare<[], Omit<FolderRow, 'code_count'>>(
        'SELECT id, name, color, created_at, updated_at FROM folders ORDER BY created_at, id',
      ),
      assets: db.prepare<[], AssetRow>('SELECT * FROM assets ORDER BY created_at, id'),
      designPresets: db.prepare<[], DesignPresetRow>('SELECT * FROM design_presets ORDER BY created_at, id'),
      qrCodes: db.prepare<[], QrCodeRow>('SELECT * FROM qr_codes ORDER BY created_at, id'),
      barcodes: db.prepare<[], BarcodeRow>('SELECT * FROM barcodes ORDER BY created_at, id'),
      scans: db.prepare<[], ScanRow>(
        `SELECT qr_code_id, scanned_at, country, city, latitude, longitude, device, os, browser, referrer, language,
           is_bot, is_unique FROM scans ORDER BY id`,
      ),
      scanCount: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM scans'),
      tokenHolder: db.prepare<[string], { id: string }>('SELECT id FROM qr_codes WHERE short_token = ?'),
      assetIds: db.prepare<[], { id: string }>('SELECT id FROM assets'),
    };
  }

  folders(): IterableIterator<Omit<FolderRow, 'code_count'>> {
    return this.stmts.folders.iterate();
  }

  assets(): IterableIterator<AssetRow> {
    return this.stmts.assets.iterate();
  }

  designPresets(): IterableIterator<DesignPresetRow> {
    return this.stmts.designPresets.iterate();
  }

  qrCodes(): IterableIterator<QrCodeRow> {
    return this.stmts.qrCodes.iterate();
  }

  barcodes(): IterableIterator<BarcodeRow> {
    return this.stmts.barcodes.iterate();
  }

  scans(): IterableIterator<ScanRow> {
    return this.stmts.scans.iterate();
  }

  scanCount(): number {
    return this.stmts.scanCount.get()!.n;
  }

  /** The code that has this short token, if any. */
  tokenHolder(token: string): string | undefined {
    return this.stmts.tokenHolder.get(token)?.id;
  }

  assetIds(): Set<string> {
    return new Set(this.stmts.assetIds.all().map((r) => r.id));
  }
}
