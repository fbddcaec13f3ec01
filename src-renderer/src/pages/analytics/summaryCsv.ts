import type { TFunction } from 'i18next';
import { csvLine, type CsvValue } from '../../../../src-shared/csv';
import { safeFileName } from '../../../../src-shared/file-names';
import type { AnalyticsOverview, QrCodeAnalytics } from '../../../../src-shared/schemas/analytics';
import { dimensionLabel, hourLabel, periodLabel, type Dimension } from './labels';

type Analytics = AnalyticsOverview | QrCodeAnalytics;

const BREAKDOWNS: [Dimension, keyof Analytics][] = [
  ['country', 'byCountry'],
  ['city', 'byCity'],
  ['device', 'byDevice'],
  ['os', 'byOs'],
  ['browser', 'byBrowser'],
  ['referrer', 'byReferrer'],
  ['language', 'byLanguage'],
];

/**
 * The numbers on the page as one tidy CSV (one row per value, so a spreadsheet can filter and
 * pivot it): `section` (total, timeline, hourOfDay, a breakdown or topCode), `value` (the key the
 * API uses: a period, an hour, an ISO code, a code id), `label` (how the page shows it), scans and
 * unique scans. Every cell is formula-safe: code names and referrers are whatever people typed.
 */
export function summaryCsv(data: Analytics, t: TFunction): string {
  const rows: CsvValue[][] = [['section', 'value', 'label', 'scans', 'uniqueScans']];
  rows.push(['range', data.from, data.to, null, null]);
  rows.push(['total', null, data.includeBots ? 'includes bots' : 'people only', data.totalScans, data.uniqueScans]);
  for (const p of data.timeline) {
    rows.push(['timeline', p.date, periodLabel(p.date, data.granularity, t), p.scans, p.uniqueScans]);
  }
  for (const h of data.byHourOfDay) rows.push(['hourOfDay', h.hour, hourLabel(h.hour), h.scans, h.uniqueScans]);
  for (const [dimension, field] of BREAKDOWNS) {
    for (const b of data[field] as { value: string | null; scans: number; uniqueScans: number }[]) {
      rows.push([dimension, b.value, dimensionLabel(dimension, b.value, t), b.scans, b.uniqueScans]);
    }
  }
  if ('topCodes' in data) {
    for (const c of data.topCodes) rows.push(['topCode', c.qrCodeId, c.name, c.scans, c.uniqueScans]);
  }
  return rows.map(csvLine).join('');
}

/** `qrdesk-analytics[-name]-2026-10-22_2026-11-20.csv`, the dates local to the range's time zone. */
export function summaryFileName(data: Analytics, codeName?: string): string {
  const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: data.tz }).format(new Date(ms));
  const from = day(Date.parse(data.from));
  const to = day(Math.max(Date.parse(data.from), Date.parse(data.to) - 1));
  const name = codeName ? `-${safeFileName(codeName, 'code', 60).replace(/\s+/g, '-')}` : '';
  return `qrdesk-analytics${name}-${from}_${to}.csv`;
}
