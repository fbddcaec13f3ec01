import type { AnalyticsOverview, Granularity, QrCodeAnalytics } from '../../../src-shared/schemas/analytics';
import { apiFile, apiJson, type Query } from './http';

/** The range of an analytics request: the last `days` local days, or from/to (ISO 8601, `to` exclusive). */
export interface AnalyticsRangeQuery {
  days?: number;
  from?: string;
  to?: string;
  granularity?: Granularity;
  tz?: string;
  includeBots?: boolean;
}

const one = (id: string) => `/api/v1/qrcodes/${encodeURIComponent(id)}`;

export const analyticsApi = {
  overview: (query: AnalyticsRangeQuery, signal?: AbortSignal) =>
    apiJson<AnalyticsOverview>('GET', '/api/v1/analytics/overview', { query: query as Query, signal }),
  forCode: (id: string, query: AnalyticsRangeQuery, signal?: AbortSignal) =>
    apiJson<QrCodeAnalytics>('GET', `${one(id)}/analytics`, { query: query as Query, signal }),
  /** Every scan of a code between since (inclusive) and until (exclusive) as a formula-safe CSV file. */
  exportScans: (id: string, query: { since?: string; until?: string; includeBots?: boolean }) =>
    apiFile('GET', `${one(id)}/scans`, { query: { ...query, format: 'csv' } as Query }),
};
