import { CONTENT_SCHEMAS } from '../../src-shared/schemas/content';
import { checkBarcodeValue } from '../../src-shared/barcodes';
import {
  applyDesign,
  DEFAULT_DESIGN,
  storedDesign,
  type Design,
  type DesignInput,
} from '../../src-shared/schemas/design';
import { MAX_USER_PRESETS } from '../../src-shared/schemas/design-presets';
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  TRANSFER_SECTIONS,
  type ExportDocument,
  type ExportedAsset,
  type ExportedBarcode,
  type ExportedDesignPreset,
  type ExportedFolder,
  type ExportedQrCode,
  type ImportReport,
  type TransferSection,
} from '../../src-shared/schemas/transfer';
import type { ErrorDetail } from '../../src-shared/errors';
import { encodePayload } from '../../src-shared/payloads';
import { payloadCapacityProblem } from '../../src-shared/qr-capacity';
import type { AssetMediaType } from '../../src-shared/schemas/assets';
import { AppError } from '../errors';
import { toIso } from '../ids';
import { scanFields } from '../scans/to-scan';
import type { AssetRow } from '../store/asset-store';
import type { BarcodeRow } from '../store/barcode-store';
import type { DesignPresetRow } from '../store/design-preset-store';
import type { FolderRow } from '../store/folder-store';
import type { QrCodeRow } from '../store/qrcode-store';
import { rollupCells, type RollupCell, type ScanRow } from '../store/scan-store';
import type { Store } from '../store/store';
import { APP_VERSION } from '../version';
import { inspectImage } from './asset-inspect';
import { assetRow } from './assets';
import { searchText } from './qrcodes';

const HOUR_MS = 3_600_000;
/** Error details and conflicts listed at most; the message gives the total. */
const MAX_LISTED = 100;

export type Counts = Record<TransferSection, number>;
export const zeroCounts = (): Counts => Object.fromEntries(TRANSFER_SECTIONS.map((s) => [s, 0])) as Counts;

const ms = (iso: string): number => Date.parse(iso);
const msOrNull = (iso: string | null): number | null => (iso === null ? null : Date.parse(iso));

const toFolder = (row: Omit<FolderRow, 'code_count'>): ExportedFolder => ({
  id: row.id,
  name: row.name,
  color: row.color,
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
});

const toAsset = (row: AssetRow): ExportedAsset => ({
  id: row.id,
  name: row.name,
  mediaType: row.media_type as AssetMediaType,
  createdAt: toIso(row.created_at)!,
  data: row.bytes.toString('base64'),
});

/**
 * The stored design, its logo unset when the asset was deleted since (force-deleting a logo leaves
 * designs naming it; the app then draws them without): so the file never names an asset it lacks.
 */
function exportedDesign(json: string, assets: ReadonlySet<string>): Design {
  const design = storedDesign(json);
  const id = design.logo?.assetId;
  return id && !assets.has(id) ? { ...design, logo: { ...design.logo!, assetId: null } } : design;
}

const toPreset = (row: DesignPresetRow, assets: ReadonlySet<string>): ExportedDesignPreset => ({
  id: row.id,
  name: row.name,
  design: exportedDesign(row.design, assets),
  createdAt: toIso(row.created_at)!,
});

const toCode = (row: QrCodeRow, assets: ReadonlySet<string>): ExportedQrCode => ({
  id: row.id,
  name: row.name,
  kind: row.kind,
  type: row.type as ExportedQrCode['type'],
  content: JSON.parse(row.content) as unknown,
  shortToken: row.short_token,
  shortUrl: row.short_url,
  status: row.status,
  design: exportedDesign(row.design, assets),
  category: row.category,
  tags: JSON.parse(row.tags) as string[],
  folderId: row.folder_id,
  isFavorite: row.is_favorite === 1,
  protection: { passwordHash: row.password_hash, expiresAt: toIso(row.expires_at), maxScans: row.max_scans },
  scanCount: row.scan_count,
  lastScannedAt: toIso(row.last_scanned_at),
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
  deletedAt: toIso(row.deleted_at),
});

const toBarcode = (row: BarcodeRow): ExportedBarcode => ({
  id: row.id,
  name: row.name,
  format: row.format as ExportedBarcode['format'],
  value: row.value,
  options: JSON.parse(row.options) as ExportedBarcode['options'],
  sku: row.sku,
  price: row.price,
  category: row.category,
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
});

/** A section as JSON text, one item a line: `,\n"name":[\n{...},\n{...}\n]`. */
function* section<R, T>(name: string, rows: Iterable<R>, map: (row: R) => T, counts: Counts, key: TransferSection) {
  yield `,\n${JSON.stringify(name)}:[`;
  let first = true;
  for (const row of rows) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(map(row))}`;
    first = false;
    counts[key] += 1;
  }
  yield first ? ']' : '\n]';
}

const invalid = (details: ErrorDetail[], total = details.length) => {
  const first = details[0]!;
  return new AppError(
    'VALIDATION_ERROR',
    `Invalid import: ${total === 1 ? `${first.path}: ${first.message}` : `${total} fields are invalid (first: ${first.path}: ${first.message})`}`,
    details.slice(0, MAX_LISTED),
  );
};

/** Ids that occur more than once in a list, reported at their second place. */
function duplicates<T>(items: readonly T[], keyOf: (item: T) => string | null, where: string, field: string) {
  const seen = new Set<string>();
  const found: ErrorDetail[] = [];
  items.forEach((item, i) => {
    const key = keyOf(item);
    if (key === null) return;
    if (seen.has(key)) found.push({ path: `${where}.${i}.${field}`, message: `${key} appears twice in the file` });
    seen.add(key);
  });
  return found;
}

const logoOf = (design: DesignInput): string | null => design.logo?.assetId ?? null;

interface Prepared {
  assets: AssetRow[];
  codes: QrCodeRow[];
  barcodes: BarcodeRow[];
  presets: DesignPresetRow[];
}

export interface ExportOptions {
  scans: boolean;
}

/**
 * The JSON export and import of a library (codes, folders, design presets,
 * logo assets, barcodes and optionally scans), for moving between machines.
 * An import is all or nothing: everything is checked first, then written in
 * one transaction; ids and short tokens are kept so printed dynamic codes
 * reach the same code on the new machine.
 */
export class TransferService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The export as JSON text in pieces, with the counts filled in as it goes.
   * Run it to the end inside one transaction (`store.transaction`) so it is
   * one snapshot; the pieces may be written out as they come.
   */
  *exportChunks(options: ExportOptions, counts: Counts = zeroCounts()): Generator<string> {
    const t = this.store.transfer;
    // Read before the iterators start: they hold the connection until they finish.
    const assets = t.assetIds();
    yield (
      `{"format":${JSON.stringify(EXPORT_FORMAT)},"version":${EXPORT_VERSION},` +
      `"exportedAt":${JSON.stringify(new Date(this.now()).toISOString())},"appVersion":${JSON.stringify(APP_VERSION)}`
    );
    yield* section('folders', t.folders(), toFolder, counts, 'folders');
    yield* section('assets', t.assets(), toAsset, counts, 'assets');
    yield* section('designPresets', t.designPresets(), (row) => toPreset(row, assets), counts, 'designPresets');
    yield* section('qrCodes', t.qrCodes(), (row) => toCode(row, assets), counts, 'qrCodes');
    yield* section('barcodes', t.barcodes(), toBarcode, counts, 'barcodes');
    if (options.scans) yield* section('scans', t.scans(), scanFields, counts, 'scans');
    else yield ',\n"scans":null';
    yield '\n}\n';
  }

  /** The whole export in memory, as one consistent snapshot. */
  exportBuffer(options: ExportOptions): { bytes: Buffer; counts: Counts } {
    const counts = zeroCounts();
    const pieces: Buffer[] = [];
    this.store.transaction(() => {
      for (const chunk of this.exportChunks(options, counts)) pieces.push(Buffer.from(chunk, 'utf8'));
    });
    return { bytes: Buffer.concat(pieces), counts };
  }

  scanCount(): number {
    return this.store.transfer.scanCount();
  }

  /**
   * Imports a validated export document. `onConflict` decides what an item
   * whose id (or, for a dynamic code, short token) is already here does:
   * `fail` imports nothing and throws CONFLICT listing them; `skip` keeps what
   * is here and imports the rest. Anything invalid (a logo that is not an
   * image, a code pointing at a folder that exists nowhere, content too long
   * for a QR code) throws VALIDATION_ERROR and nothing is written.
   */
  async import(doc: ExportDocument, onConflict: 'fail' | 'skip' = 'fail'): Promise<ImportReport> {
    this.checkDuplicates(doc);
    const prepared = { ...this.prepareRows(doc), assets: await this.prepareAssets(doc.assets) };
    return this.store.transaction(() => this.write(doc, prepared, onConflict));
  }

  private checkDuplicates(doc: ExportDocument): void {
    const problems = [
      ...duplicates(doc.folders, (f) => f.id, 'folders', 'id'),
      ...duplicates(doc.assets, (a) => a.id, 'assets', 'id'),
      ...duplicates(doc.designPresets, (p) => p.id, 'designPresets', 'id'),
      ...duplicates(doc.qrCodes, (c) => c.id, 'qrCodes', 'id'),
      ...duplicates(doc.qrCodes, (c) => c.shortToken, 'qrCodes', 'shortToken'),
      ...duplicates(doc.barcodes, (b) => b.id, 'barcodes', 'id'),
    ];
    if (problems.length) throw invalid(problems);
  }

  /** Logos are checked as an upload is: the type from the bytes, SVG sanitised, size and pixel limits. */
  private async prepareAssets(assets: readonly ExportedAsset[]): Promise<AssetRow[]> {
    const rows: AssetRow[] = [];
    const problems: ErrorDetail[] = [];
    for (const [i, asset] of assets.entries()) {
      try {
        const image = await inspectImage(Buffer.from(asset.data, 'base64'));
        rows.push(assetRow(asset.id, asset.name, image, ms(asset.createdAt)));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        problems.push({ path: `assets.${i}.data`, message: err.message });
      }
    }
    if (problems.length) throw invalid(problems);
    return rows;
  }

  /** The rows to insert, built as the services build them (payload, search text and the like are derived again). */
  private prepareRows(doc: ExportDocument): Omit<Prepared, 'assets'> {
    const problems: ErrorDetail[] = [];
    const codes = doc.qrCodes.map((code, i): QrCodeRow => {
      // Parsed again for its output: the schema checked it, and trimming or defaults apply as on create.
      const content = CONTENT_SCHEMAS[code.type].parse(code.content) as unknown;
      const design = applyDesign(DEFAULT_DESIGN, code.design);
      const payload = code.kind === 'dynamic' ? code.shortUrl! : encodePayload(code.type, content as never);
      const capacity = payloadCapacityProblem(payload, design.errorCorrection);
      if (capacity) problems.push({ path: `qrCodes.${i}.content`, message: capacity });
      return {
        id: code.id,
        name: code.name,
        kind: code.kind,
        type: code.type,
        content: JSON.stringify(content),
        payload,
        short_token: code.shortToken,
        short_url: code.shortUrl,
        status: code.status,
        design: JSON.stringify(design),
        category: code.category,
        category_key: code.category?.toLowerCase() ?? null,
        tags: JSON.stringify(code.tags),
        folder_id: code.folderId,
        is_favorite: code.isFavorite ? 1 : 0,
        password_hash: code.protection.passwordHash,
        expires_at: msOrNull(code.protection.expiresAt),
        max_scans: code.protection.maxScans,
        scan_count: code.scanCount,
        last_scanned_at: msOrNull(code.lastScannedAt),
        search_text: searchText(code.name, content),
        created_at: ms(code.createdAt),
        updated_at: ms(code.updatedAt),
        deleted_at: msOrNull(code.deletedAt),
      };
    });
    if (problems.length) throw invalid(problems);
    const barcodes = doc.barcodes.map((b): BarcodeRow => ({
      id: b.id,
      name: b.name,
      format: b.format,
      value: checkBarcodeValue(b.format, b.value).normalizedValue!,
      options: JSON.stringify({
        ...b.options,
        barColor: b.options.barColor.toUpperCase(),
        textColor: b.options.textColor?.toUpperCase() ?? null,
        backgroundColor: b.options.backgroundColor.toUpperCase(),
      }),
      sku: b.sku || null,
      price: b.price || null,
      category: b.category || null,
      created_at: ms(b.createdAt),
      updated_at: ms(b.updatedAt),
    }));
    const presets = doc.designPresets.map((p): DesignPresetRow => ({
      id: p.id,
      name: p.name,
      design: JSON.stringify(applyDesign(DEFAULT_DESIGN, p.design)),
      created_at: ms(p.createdAt),
    }));
    return { codes, barcodes, presets };
  }

  /** Inside the import's transaction: conflicts, references, then every insert. */
  private write(doc: ExportDocument, rows: Prepared, onConflict: 'fail' | 'skip'): ImportReport {
    const s = this.store;
    const conflicts: ImportReport['conflicts'] = [];
    const skipped = zeroCounts();
    const imported = zeroCounts();
    const conflict = (sec: TransferSection, id: string, reason: string) => {
      conflicts.push({ section: sec, id, reason });
      skipped[sec] += 1;
    };
    // Keeps the items whose id is free here; the others are conflicts.
    const free = <T extends { id: string }>(
      sec: TransferSection,
      items: readonly T[],
      exists: (id: string) => boolean,
    ) =>
      items.filter((item) => {
        if (!exists(item.id)) return true;
        conflict(sec, item.id, 'id exists');
        return false;
      });
    this.checkReferences(doc);
    const folders = free('folders', doc.folders, (id) => s.folders.exists(id));
    const assets = free('assets', rows.assets, (id) => s.assets.findMeta(id) !== undefined);
    const presets = free('designPresets', rows.presets, (id) => s.designPresets.findById(id) !== undefined);
    const codes = rows.codes.filter((c) => {
      if (s.qrCodes.findById(c.id)) {
        conflict('qrCodes', c.id, 'id exists');
        return false;
      }
      const holder = c.short_token === null ? undefined : s.transfer.tokenHolder(c.short_token);
      if (holder !== undefined) {
        conflict('qrCodes', c.id, `short token ${c.short_token} is used by ${holder}`);
        return false;
      }
      return true;
    });
    const barcodes = free('barcodes', rows.barcodes, (id) => s.barcodes.findById(id) !== undefined);
    if (conflicts.length && onConflict === 'fail') {
      throw new AppError(
        'CONFLICT',
        `${conflicts.length} item(s) of the file are already here (same id or short token); nothing was imported. ` +
          'Import with onConflict=skip to keep what is here and add the rest.',
        conflicts.slice(0, MAX_LISTED).map((c) => ({ path: `${c.section}.${c.id}`, message: c.reason })),
      );
    }

    const presetCount = s.designPresets.count() + presets.length;
    if (presetCount > MAX_USER_PRESETS) {
      throw new AppError(
        'CONFLICT',
        `The import would make ${presetCount} design presets; at most ${MAX_USER_PRESETS} can be saved. Nothing was imported.`,
      );
    }

    for (const f of folders) {
      s.folders.insert({
        id: f.id,
        name: f.name,
        color: f.color,
        created_at: ms(f.createdAt),
        updated_at: ms(f.updatedAt),
      });
    }
    for (const a of assets) s.assets.insert(a);
    for (const p of presets) s.designPresets.insert(p);
    s.qrCodes.insertMany(codes);
    for (const b of barcodes) s.barcodes.insert(b);
    imported.folders = folders.length;
    imported.assets = assets.length;
    imported.designPresets = presets.length;
    imported.qrCodes = codes.length;
    imported.barcodes = barcodes.length;

    const added = new Set(codes.map((c) => c.id));
    const rollups = new Map<string, RollupCell>();
    for (const scan of doc.scans ?? []) {
      if (!added.has(scan.qrCodeId)) {
        skipped.scans += 1;
        continue;
      }
      const row: ScanRow = {
        qr_code_id: scan.qrCodeId,
        scanned_at: ms(scan.scannedAt),
        country: scan.country,
        city: scan.city,
        latitude: scan.latitude,
        longitude: scan.longitude,
        device: scan.device,
        os: scan.os,
        browser: scan.browser,
        referrer: scan.referrer,
        language: scan.language,
        is_bot: scan.isBot ? 1 : 0,
        // Uniqueness is counted for people only, as the recorder does.
        is_unique: scan.isUnique && !scan.isBot ? 1 : 0,
      };
      s.scans.insert(row);
      // The rollups analytics reads, summed as the scan recorder sums them (the code's own count came with it).
      for (const cell of rollupCells(row, Math.floor(row.scanned_at / HOUR_MS))) {
        const key = `${cell.qrCodeId}\u0000${cell.hour}\u0000${cell.dimension}\u0000${cell.value}`;
        const sum = rollups.get(key) ?? { ...cell, scans: 0, uniqueScans: 0, botScans: 0 };
        sum.scans += row.is_bot ? 0 : 1;
        sum.uniqueScans += row.is_unique;
        sum.botScans += row.is_bot;
        rollups.set(key, sum);
      }
      imported.scans += 1;
    }
    for (const cell of rollups.values()) s.scans.addToRollup(cell);
    return { imported, skipped, conflicts: conflicts.slice(0, MAX_LISTED) };
  }

  /**
   * Folders, logos and scanned codes named in the file must be in the file or
   * already here. (An item of the file skipped as a conflict is here: its id is.)
   */
  private checkReferences(doc: ExportDocument): void {
    const s = this.store;
    const folderIds = new Set(doc.folders.map((f) => f.id));
    const assetIds = new Set(doc.assets.map((a) => a.id));
    const problems: ErrorDetail[] = [];
    const logoMissing = (design: DesignInput) => {
      const id = logoOf(design);
      return id !== null && !assetIds.has(id) && !s.assets.findMeta(id) ? id : null;
    };
    doc.qrCodes.forEach((code, i) => {
      if (code.folderId !== null && !folderIds.has(code.folderId) && !s.folders.exists(code.folderId)) {
        problems.push({ path: `qrCodes.${i}.folderId`, message: `No folder ${code.folderId} in the file or here` });
      }
      const logo = logoMissing(code.design);
      if (logo)
        problems.push({ path: `qrCodes.${i}.design.logo.assetId`, message: `No asset ${logo} in the file or here` });
    });
    doc.designPresets.forEach((preset, i) => {
      const logo = logoMissing(preset.design);
      if (logo) {
        problems.push({
          path: `designPresets.${i}.design.logo.assetId`,
          message: `No asset ${logo} in the file or here`,
        });
      }
    });
    const codeIds = new Set(doc.qrCodes.map((c) => c.id));
    let badScans = 0;
    (doc.scans ?? []).forEach((scan, i) => {
      if (codeIds.has(scan.qrCodeId)) return;
      badScans += 1;
      if (badScans <= MAX_LISTED) {
        problems.push({ path: `scans.${i}.qrCodeId`, message: `No QR code ${scan.qrCodeId} in the file` });
      }
    });
    if (problems.length) throw invalid(problems, problems.length - Math.min(badScans, MAX_LISTED) + badScans);
  }
}
