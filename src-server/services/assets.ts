import { createHash } from 'node:crypto';
import { ASSET_NAME_MAX, type Asset, type AssetMediaType } from '../../src-shared/schemas/assets';
import { AppError, notFound } from '../errors';
import { newId, toIso } from '../ids';
import type { AssetMetaRow, AssetRow } from '../store/asset-store';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';
import { inspectImage, type InspectedImage } from './asset-inspect';

/** What the renderer needs to place a logo. */
export interface RenderableAsset {
  mediaType: AssetMediaType;
  bytes: Buffer;
  width: number;
  height: number;
}

const toAsset = (row: AssetMetaRow): Asset => ({
  id: row.id,
  name: row.name,
  mediaType: row.media_type as AssetMediaType,
  byteSize: row.byte_size,
  width: row.width,
  height: row.height,
  sha256: row.sha256,
  createdAt: toIso(row.created_at)!,
  contentUrl: `/api/v1/assets/${row.id}/content`,
});

/**
 * A name from the client's file name: browsers may send a whole path
 * (`C:\fakepath\logo.png`), and names can hold control characters.
 */
export function nameFromFilename(filename: string | null): string {
  const base = (filename ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base.replace(/[\p{Cc}\p{Cs}]/gu, '').trim();
  return Array.from(clean).slice(0, ASSET_NAME_MAX).join('').trim() || 'logo';
}

/** Exports place the same logo on thousands of codes: the last few are kept decoded from the database. */
const RENDER_CACHE_SIZE = 8;

/** The stored row for a checked image: uploads and imported libraries both store assets this way. */
export function assetRow(id: string, name: string, image: InspectedImage, createdAt: number): AssetRow {
  return {
    id,
    name,
    media_type: image.mediaType,
    bytes: image.bytes,
    byte_size: image.bytes.length,
    width: image.width,
    height: image.height,
    sha256: createHash('sha256').update(image.bytes).digest('hex'),
    created_at: createdAt,
  };
}

/** Uploaded logo images: checked and typed from their bytes, stored in the database. */
export class AssetService {
  private readonly renderCache = new Map<string, RenderableAsset>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  list(limit: number, cursor?: string): { data: Asset[]; nextCursor: string | null } {
    const page = toPage(this.store.assets.listPage(limit, decodeCursor(cursor)), limit);
    return { data: page.rows.map(toAsset), nextCursor: page.nextCursor };
  }

  get(id: string): Asset {
    const row = this.store.assets.findMeta(id);
    if (!row) throw notFound('Asset');
    return toAsset(row);
  }

  /** The file itself, with what is needed to serve it. */
  content(id: string): { asset: Asset; bytes: Buffer } {
    const row = this.store.assets.find(id);
    if (!row) throw notFound('Asset');
    return { asset: toAsset(row), bytes: row.bytes };
  }

  async create(upload: { bytes: Buffer; filename: string | null }, name?: string): Promise<Asset> {
    const image = await inspectImage(upload.bytes);
    const id = newId('ast');
    this.store.assets.insert(assetRow(id, name || nameFromFilename(upload.filename), image, this.now()));
    return this.get(id);
  }

  /** Deletes the asset; refused while QR code designs use it as their logo, unless forced. */
  remove(id: string, force = false): void {
    this.get(id);
    const used = this.store.assets.usedBy(id);
    if (used.total > 0 && !force) {
      const codes = used.total === 1 ? '1 QR code uses' : `${used.total} QR codes use`;
      const trash = used.trashed > 0 ? ` (${used.trashed} of them in the trash)` : '';
      throw new AppError(
        'CONFLICT',
        `${codes} this asset as a logo${trash}; change their designs first, or delete with force=true.`,
      );
    }
    this.store.assets.remove(id);
    this.renderCache.delete(id);
  }

  /** The asset as the renderer needs it, or undefined when it is gone (a design then shows no logo). */
  getForRender(id: string): RenderableAsset | undefined {
    const cached = this.renderCache.get(id);
    if (cached) {
      // Re-inserting marks it most recently used.
      this.renderCache.delete(id);
      this.renderCache.set(id, cached);
      return cached;
    }
    const row = this.store.assets.find(id);
    if (!row) return undefined;
    const asset: RenderableAsset = {
      mediaType: row.media_type as AssetMediaType,
      bytes: row.bytes,
      width: row.width,
      height: row.height,
    };
    this.renderCache.set(id, asset);
    if (this.renderCache.size > RENDER_CACHE_SIZE) this.renderCache.delete(this.renderCache.keys().next().value!);
    return asset;
  }
}
