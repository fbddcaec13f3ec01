import {
  AnalyticsOverview,
  AnalyticsQuery,
  ListScansQuery,
  QrCodeAnalytics,
  ScanCsv,
  ScanPage,
} from '../../../src-shared/schemas/analytics';
import { IdParams } from '../../../src-shared/schemas/common';
import type { AnalyticsService } from '../../services/analytics';
import { defineRoute, type Route } from '../route';

const TAG = 'Analytics';

const RANGE_NOTE =
  'The range is `from`/`to` or the last `days` local calendar days in `tz` (default 30), counted in whole UTC hours. ' +
  'Human scans only unless `includeBots=true`. Breakdowns include a `null` value for scans where the dimension is ' +
  'unknown, so each one adds up to `totalScans`.';

export function analyticsRoutes(analytics: AnalyticsService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/qrcodes/:id/analytics',
      operationId: 'getQrCodeAnalytics',
      summary: "A QR code's analytics",
      description: `${RANGE_NOTE} Codes in the trash keep their analytics.`,
      tag: TAG,
      auth: 'read',
      params: IdParams,
      query: AnalyticsQuery,
      success: { status: 200, description: 'Totals, timeline and breakdowns', schema: QrCodeAnalytics },
      errors: ['NOT_FOUND'],
      handler: ({ params, query }) => ({ body: analytics.forCode(params.id, query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/analytics/overview',
      operationId: 'getAnalyticsOverview',
      summary: 'Analytics over all codes',
      description: `${RANGE_NOTE} Codes in the trash are left out. Adds the 10 codes with the most scans.`,
      tag: TAG,
      auth: 'read',
      query: AnalyticsQuery,
      success: { status: 200, description: 'Totals, timeline, breakdowns and top codes', schema: AnalyticsOverview },
      handler: ({ query }) => ({ body: analytics.overview(query) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/qrcodes/:id/scans',
      operationId: 'listQrCodeScans',
      summary: "A QR code's raw scans",
      description:
        'Newest first, cursor-paginated. `format=csv` instead streams every matching scan (no pagination) as a ' +
        'CSV attachment, safe to open in a spreadsheet.',
      tag: TAG,
      auth: 'read',
      params: IdParams,
      query: ListScansQuery,
      success: {
        status: 200,
        description: 'A page of scans, or the CSV export',
        schema: ScanPage,
        otherContent: { 'text/csv': ScanCsv },
      },
      errors: ['NOT_FOUND', 'INVALID_CURSOR'],
      handler: ({ params, query }) => {
        if (query.format !== 'csv') return { body: analytics.listScans(params.id, query) };
        const body = analytics.exportScans(params.id, query);
        const file = `qrdesk-scans-${params.id.replace(/[^A-Za-z0-9_-]/g, '_')}.csv`;
        return {
          body,
          headers: {
            'Content-Type': 'text/csv; charset=utf-8',
            'Content-Disposition': `attachment; filename="${file}"`,
            'Cache-Control': 'no-store',
          },
        };
      },
    }),
  ];
}
