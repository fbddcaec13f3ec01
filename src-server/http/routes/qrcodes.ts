import { z } from 'zod';
import { IdParams } from '../../../src-shared/schemas/common';
import {
  BulkCreateInput,
  BulkCreateResult,
  CreateQrCodeInput,
  DeleteQrCodeQuery,
  ListQrCodesQuery,
  QrCode,
  QrCodePage,
  UpdateQrCodeInput,
} from '../../../src-shared/schemas/qrcodes';
import type { QrCodeService } from '../../services/qrcodes';
import { defineRoute, type Route } from '../route';

const TAG = 'QR codes';

const DeleteResult = z
  .object({ id: z.string(), permanent: z.boolean(), deletedAt: z.string() })
  .meta({ id: 'QrCodeDeleteResult' });

export function qrCodeRoutes(codes: QrCodeService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/qrcodes',
      operationId: 'createQrCode',
      summary: 'Create a QR code',
      description:
        'The `content` shape depends on `type`; `payload` in the answer is the exact text the symbol encodes. ' +
        'A dynamic code gets a `shortToken` (or your `slug`) and a `shortUrl` frozen from the `publicBaseUrl` setting. ' +
        'Send `Idempotency-Key` to make retries safe.',
      tag: TAG,
      auth: 'write',
      body: CreateQrCodeInput,
      idempotent: true,
      success: { status: 201, description: 'The new code', schema: QrCode },
      errors: ['CONFLICT', 'IDEMPOTENCY_CONFLICT'],
      handler: async ({ body }) => {
        const code = await codes.create(body);
        return { status: 201, body: code, headers: { Location: `/api/v1/qrcodes/${code.id}` } };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/qrcodes/bulk',
      operationId: 'createQrCodesInBulk',
      summary: 'Create up to 100 QR codes',
      description:
        'Not all-or-nothing: each item is checked on its own; the valid ones are created together and every item ' +
        'gets a result with its index (201 with the code, or the error it would have had alone).',
      tag: TAG,
      auth: 'write',
      body: BulkCreateInput,
      idempotent: true,
      success: { status: 200, description: 'One result per item', schema: BulkCreateResult },
      errors: ['CONFLICT', 'IDEMPOTENCY_CONFLICT'],
      handler: async ({ body }) => ({ body: await codes.createMany(body.items) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/qrcodes',
      operationId: 'listQrCodes',
      summary: 'List QR codes',
      description:
        'Newest first. Cursor pagination by default; `page=N` switches to numbered pages with a `pagination` block. ' +
        '`trashed=true` lists the trash.',
      tag: TAG,
      auth: 'read',
      query: ListQrCodesQuery,
      success: { status: 200, description: 'A page of codes', schema: QrCodePage },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: codes.list(query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/qrcodes/:id',
      operationId: 'getQrCode',
      summary: 'Get a QR code',
      description: 'Codes in the trash are returned too, with `deletedAt` set.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      success: { status: 200, description: 'The code', schema: QrCode },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: codes.get(params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/qrcodes/:id',
      operationId: 'updateQrCode',
      summary: 'Change a QR code',
      description:
        'Only the fields given change. Type and kind are fixed. A dynamic code keeps its token and short URL: ' +
        'changing its content changes where it leads, not what is printed.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      body: UpdateQrCodeInput,
      success: { status: 200, description: 'The changed code', schema: QrCode },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: async ({ params, body }) => ({ body: await codes.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/qrcodes/:id',
      operationId: 'deleteQrCode',
      summary: 'Trash or delete a QR code',
      description: 'Moves the code to the trash; with `permanent=true` deletes it and its scans for good.',
      tag: TAG,
      auth: 'write',
      params: IdParams,
      query: DeleteQrCodeQuery,
      success: { status: 200, description: 'What was done', schema: DeleteResult },
      errors: ['NOT_FOUND'],
      handler: ({ params, query }) => ({ body: codes.remove(params.id, query.permanent ?? false) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/qrcodes/:id/restore',
      operationId: 'restoreQrCode',
      summary: 'Restore a QR code from the trash',
      tag: TAG,
      auth: 'write',
      idempotent: true,
      params: IdParams,
      success: { status: 200, description: 'The restored code', schema: QrCode },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: codes.restore(params.id) }),
    }),
  ];
}
