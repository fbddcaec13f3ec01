import { z } from 'zod';
import { BooleanParam, Timestamp } from './common';
import { line } from './text';

/** The image types a logo can be; decided from the file's bytes, never from its name or declared type. */
export const ASSET_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/svg+xml'] as const;
export const AssetMediaType = z.enum(ASSET_MEDIA_TYPES);
export type AssetMediaType = z.output<typeof AssetMediaType>;

export const ASSET_MAX_BYTES = 2 * 1024 * 1024;
/** Decoded size limit: a small compressed file can claim a huge image (a decompression bomb). */
export const ASSET_MAX_PIXELS = 50_000_000;
export const ASSET_NAME_MAX = 100;

export const Asset = z
  .object({
    id: z.string(),
    name: z.string(),
    mediaType: AssetMediaType.meta({ description: 'What the bytes are, as sniffed from them.' }),
    byteSize: z.number().int().meta({ description: 'Size of the stored file (for SVG, after sanitising).' }),
    width: z.number().int().meta({ description: 'Width in pixels (for SVG, its nominal size).' }),
    height: z.number().int().meta({ description: 'Height in pixels (for SVG, its nominal size).' }),
    sha256: z.string().meta({ description: 'SHA-256 of the stored bytes, hex.' }),
    createdAt: Timestamp,
    contentUrl: z.string().meta({ description: 'Where the file itself is served.' }),
  })
  .meta({ id: 'Asset' });
export type Asset = z.output<typeof Asset>;

export const UploadAssetQuery = z.object({
  name: line('Name', ASSET_NAME_MAX)
    .optional()
    .meta({ description: 'A name for the asset; default: the uploaded file name, or "logo".' }),
});

export const DeleteAssetQuery = z.object({
  force: BooleanParam.optional().meta({
    description: '`true` deletes the asset even when QR code designs use it as their logo (they then show none).',
  }),
});
