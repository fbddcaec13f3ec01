import {
  API_EXPORT_MAX_SCANS,
  ExportDocument,
  ExportQuery,
  IMPORT_LIMITS,
  ImportDocument,
  ImportQuery,
  ImportReport,
} from '../../../src-shared/schemas/transfer';
import { AppError } from '../../errors';
import type { TransferService } from '../../services/transfer';
import { defineRoute, type Route } from '../route';

const TAG = 'Export and import';

/** `qrdesk-export-20260131-140502.json`, UTC. */
const exportFileName = (at: Date) =>
  `qrdesk-export-${at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}.json`;

export function transferRoutes(transfer: TransferService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/export',
      operationId: 'exportLibrary',
      summary: 'Export the library as JSON',
      description:
        'QR codes (design, tags, folder, kind and short token included, so printed dynamic codes keep working ' +
        'after an import elsewhere), folders, saved design presets, logo assets (base64) and saved barcodes; ' +
        `with \`scans=true\`, every scan too (up to ${API_EXPORT_MAX_SCANS}; \`qrdesk export --scans\` has no ` +
        'limit). One consistent snapshot. Includes password hashes of protected codes: keep the file private.',
      tag: TAG,
      auth: 'admin',
      query: ExportQuery,
      success: { status: 200, description: 'The export, as an attachment', schema: ExportDocument },
      handler: ({ query }) => {
        const scans = query.scans ?? false;
        if (scans) {
          const count = transfer.scanCount();
          if (count > API_EXPORT_MAX_SCANS) {
            throw new AppError(
              'VALIDATION_ERROR',
              `Invalid query: scans: ${count} scans are too many to export over the API (at most ` +
                `${API_EXPORT_MAX_SCANS}); use "qrdesk export FILE --scans", or export without scans.`,
              [{ path: 'scans', message: `At most ${API_EXPORT_MAX_SCANS} scans over the API` }],
            );
          }
        }
        const { bytes } = transfer.exportBuffer({ scans });
        return {
          body: bytes,
          headers: {
            'Content-Type': 'application/json; charset=utf-8',
            'Content-Disposition': `attachment; filename="${exportFileName(new Date())}"`,
          },
        };
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/import',
      operationId: 'importLibrary',
      summary: 'Import a JSON export',
      description:
        'Takes what GET /api/v1/export (or `qrdesk export`) wrote, up to ' +
        `${IMPORT_LIMITS.apiBytes / 1024 / 1024} MB (\`qrdesk import\` takes files up to ` +
        `${IMPORT_LIMITS.fileBytes / 1024 / 1024} MB). Ids, short tokens, dates and scan counts are kept. ` +
        'All or nothing: every item is checked as if created through the API (logos as uploads), references ' +
        'between items must resolve, and nothing is written unless all of it can be. Items whose id or short ' +
        'token is already here are conflicts: see `onConflict`. Webhooks are not told about imported codes.',
      tag: TAG,
      auth: 'admin',
      query: ImportQuery,
      body: ImportDocument,
      bodyLimit: IMPORT_LIMITS.apiBytes,
      idempotent: true,
      success: { status: 200, description: 'What was imported and skipped', schema: ImportReport },
      errors: ['CONFLICT', 'PAYLOAD_TOO_LARGE'],
      handler: async ({ query, body }) => ({ body: await transfer.import(body, query.onConflict ?? 'fail') }),
    }),
  ];
}
