import { z } from 'zod';
import { IdParams, pageOf } from '../../../src-shared/schemas/common';
import {
  Barcode,
  BarcodeImageQuery,
  BarcodeListQuery,
  BarcodeRenderInput,
  BarcodeValidateInput,
  BarcodeValidation,
  CreateBarcodeInput,
  UpdateBarcodeInput,
} from '../../../src-shared/schemas/barcodes';
import { IMAGE_MEDIA_TYPES } from '../../../src-shared/schemas/output';
import type { BarcodeService, RenderedBarcode } from '../../services/barcodes';
import { defineRoute, type Route, type RouteResult } from '../route';

const TAG = 'Barcodes';

const FileBytes = z.string().meta({ format: 'binary' });
const IMAGES = Object.fromEntries(Object.values(IMAGE_MEDIA_TYPES).map((type) => [type, FileBytes]));

/** The image bytes, shown inline under a sanitised `<format>-<value>.<ext>` name. */
const imageResult = (file: RenderedBarcode): RouteResult => ({
  body: file.bytes,
  headers: {
    'Content-Type': file.mediaType,
    'Content-Disposition': `inline; filename="${file.filename}"`,
  },
});

export function barcodeRoutes(barcodes: BarcodeService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/barcodes/render',
      operationId: 'renderBarcode',
      summary: 'Render a barcode',
      description:
        'Any symbology to SVG, PNG, JPEG, WebP, PDF or EPS, sized in pixels, in mm, or by module width. EAN/UPC/ITF-14 ' +
        'check digits are added when left out and verified when given (a wrong one is refused, naming the right one). ' +
        "A white background and the symbology's quiet zone are included unless turned off. Nothing is stored.",
      tag: TAG,
      auth: 'read',
      body: BarcodeRenderInput,
      success: { status: 200, description: 'The image', otherContent: IMAGES },
      handler: async ({ body }) => imageResult(await barcodes.render(body)),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/barcodes/validate',
      operationId: 'validateBarcode',
      summary: 'Check a barcode value',
      description:
        'Whether a value suits a symbology, what would be encoded (check digit completed) and why not. A value that ' +
        'does not suit is a 200 with `valid: false`; a malformed request is a 400.',
      tag: TAG,
      auth: 'read',
      body: BarcodeValidateInput,
      success: { status: 200, description: 'The verdict', schema: BarcodeValidation },
      handler: ({ body }) => ({ body: barcodes.validate(body.format, body.value) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/barcodes',
      operationId: 'listBarcodes',
      summary: 'List saved barcodes',
      description: 'Newest first, cursor-paginated; `q` finds a text in the name or SKU.',
      tag: TAG,
      auth: 'read',
      query: BarcodeListQuery,
      success: { status: 200, description: 'A page of barcodes', schema: pageOf(Barcode, 'BarcodePage') },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: barcodes.list(query.limit, query.cursor, query.q) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/barcodes',
      operationId: 'createBarcode',
      summary: 'Save a product barcode',
      description: 'The value is checked and stored with its check digit completed.',
      tag: TAG,
      auth: 'write',
      body: CreateBarcodeInput,
      idempotent: true,
      success: { status: 201, description: 'The new barcode', schema: Barcode },
      handler: ({ body }) => {
        const barcode = barcodes.create(body);
        return { status: 201, body: barcode, headers: { Location: `/api/v1/barcodes/${barcode.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/barcodes/:id',
      operationId: 'getBarcode',
      summary: 'Get a saved barcode',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The barcode', schema: Barcode },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: barcodes.get(params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/barcodes/:id',
      operationId: 'updateBarcode',
      summary: 'Change a saved barcode',
      description: 'A new format or value is checked against the other; `options` replaces the look as a whole.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      body: UpdateBarcodeInput,
      success: { status: 200, description: 'The changed barcode', schema: Barcode },
      errors: ['NOT_FOUND'],
      handler: ({ params, body }) => ({ body: barcodes.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/barcodes/:id',
      operationId: 'deleteBarcode',
      summary: 'Delete a saved barcode',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      success: { status: 204, description: 'Deleted' },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => {
        barcodes.remove(params.id);
        return { status: 204, body: null };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/barcodes/:id/image',
      operationId: 'getBarcodeImage',
      summary: "A saved barcode's image",
      description: 'In its saved look, as SVG, PNG, JPEG, WebP, PDF or EPS.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      query: BarcodeImageQuery,
      success: { status: 200, description: 'The image', otherContent: IMAGES },
      errors: ['NOT_FOUND'],
      handler: async ({ params, query }) => imageResult(await barcodes.image(params.id, query)),
    }),
  ];
}
