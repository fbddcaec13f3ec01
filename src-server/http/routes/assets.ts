import { z } from 'zod';
import {
  Asset,
  ASSET_MAX_BYTES,
  DeleteAssetQuery,
  UploadAssetQuery,
  type AssetMediaType,
} from '../../../src-shared/schemas/assets';
import { IdParams, PageQuery, pageOf } from '../../../src-shared/schemas/common';
import type { AssetService } from '../../services/assets';
import { defineRoute, type Route } from '../route';

const TAG = 'Assets';

const EXTENSION: Record<AssetMediaType, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
};

const Binary = z.string().meta({ format: 'binary' });

// A stored SVG is sanitised already; this keeps a browser that opens it directly from running or fetching anything.
const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

/** `inline` with the asset's name and the extension of what it really is, safe for any name. */
export function contentDisposition(name: string, mediaType: AssetMediaType): string {
  const base = name.replace(/\.(?:a?png|jpe?g|jfif|webp|svgz?|gif|avif|bmp|tiff?|ico|heic)$/i, '') || 'logo';
  const file = `${base}.${EXTENSION[mediaType]}`;
  const ascii = file.replace(/[^\w.\- ]/g, '_');
  const encoded = encodeURIComponent(file).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `inline; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function assetRoutes(assets: AssetService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/assets',
      operationId: 'listAssets',
      summary: 'List logo assets',
      description: 'Metadata only; each item links to its file with `contentUrl`.',
      tag: TAG,
      auth: 'read',
      query: PageQuery,
      success: { status: 200, description: 'A page of assets', schema: pageOf(Asset, 'AssetPage') },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: assets.list(query.limit, query.cursor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/assets',
      operationId: 'uploadAsset',
      summary: 'Upload a logo',
      description:
        'PNG, JPEG, WebP or SVG, up to 2 MB and 50 megapixels. The type is read from the bytes, never from the ' +
        'file name or Content-Type. SVG is stored sanitised: no scripts, event handlers, foreignObject or ' +
        'references outside the document.',
      tag: TAG,
      auth: 'write',
      query: UploadAssetQuery,
      upload: {
        maxBytes: ASSET_MAX_BYTES,
        description: 'The image file: the raw request body, or the `file` part of multipart/form-data.',
      },
      idempotent: true,
      success: { status: 201, description: 'The new asset', schema: Asset },
      errors: ['UNSUPPORTED_MEDIA_TYPE', 'PAYLOAD_TOO_LARGE'],
      handler: async ({ query, upload }) => {
        const asset = await assets.create(upload!, query.name);
        return { status: 201, body: asset, headers: { Location: `/api/v1/assets/${asset.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/assets/:id',
      operationId: 'getAsset',
      summary: 'Get a logo asset',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The asset', schema: Asset },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: assets.get(params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/assets/:id/content',
      operationId: 'getAssetContent',
      summary: 'Download a logo file',
      description: 'The stored bytes with their real media type; an SVG is the sanitised one.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: {
        status: 200,
        description: 'The image file',
        otherContent: Object.fromEntries(Object.keys(EXTENSION).map((type) => [type, Binary])),
      },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => {
        const { asset, bytes } = assets.content(params.id);
        return {
          body: bytes,
          headers: {
            'Content-Type': asset.mediaType,
            'Content-Disposition': contentDisposition(asset.name, asset.mediaType),
            'X-Content-Type-Options': 'nosniff',
            // An id always names the same bytes: assets are never changed, only deleted.
            'Cache-Control': 'private, max-age=31536000, immutable',
            ...(asset.mediaType === 'image/svg+xml' ? { 'Content-Security-Policy': SVG_CSP } : {}),
          },
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/assets/:id',
      operationId: 'deleteAsset',
      summary: 'Delete a logo asset',
      description:
        'Refused with 409 while QR code designs (trash included) use it as their logo, unless `force=true`; ' +
        'those designs then show no logo.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      query: DeleteAssetQuery,
      success: { status: 204, description: 'Deleted' },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: ({ params, query }) => {
        assets.remove(params.id, query.force ?? false);
        return { status: 204, body: null };
      },
    }),
  ];
}
