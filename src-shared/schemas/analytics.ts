import { z } from 'zod';
import { BooleanParam, Timestamp } from './common';

/** True when the runtime knows this IANA time zone name. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export const Granularity = z.enum(GRANULARITIES).meta({
  id: 'AnalyticsGranularity',
  description:
    'Timeline period. `date` labels are local to `tz`: `2026-11-21T14:00` (hour), `2026-11-21` (day), ' +
    'the Monday starting the ISO week (week), `2026-11` (month).',
});
export type Granularity = z.output<typeof Granularity>;

export const MAX_RANGE_DAYS = 1830;

export const AnalyticsQuery = z
  .object({
    from: Timestamp.optional().meta({
      description: 'Start of the range (inclusive), ISO 8601. Not with `days`. Default: 30 days before `to`.',
    }),
    to: Timestamp.optional().meta({
      description: 'End of the range (exclusive), ISO 8601. Not with `days`. Default: now.',
    }),
    days: z.coerce.number().int().min(1).max(365).optional().meta({
      description:
        'The last N local calendar days in `tz`, today included (1-365; default 30 when neither `from` nor `to` is given).',
    }),
    granularity: Granularity.optional(),
    tz: z.string().max(64).refine(isTimeZone, 'Not a known IANA time zone').optional().meta({
      description: 'IANA time zone for the timeline and hour-of-day buckets, e.g. `Europe/Paris`. Default UTC.',
    }),
    includeBots: BooleanParam.optional().meta({
      description: '`true` counts scans flagged as bots too (they are never unique). Default false.',
    }),
  })
  .superRefine((q, ctx) => {
    if (q.days !== undefined && (q.from !== undefined || q.to !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['days'], message: 'Use either days or from/to, not both' });
    }
    if (q.from !== undefined && q.to !== undefined) {
      const from = Date.parse(q.from);
      const to = Date.parse(q.to);
      if (from > to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from must not be after to' });
      else if (to - from > MAX_RANGE_DAYS * 86_400_000) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: `The range is at most ${MAX_RANGE_DAYS} days` });
      }
    }
  });
export type AnalyticsQuery = z.output<typeof AnalyticsQuery>;

const count = (description: string) => z.number().int().min(0).meta({ description });
const scansField = count('Scans counted (human scans, plus bots with `includeBots=true`).');
const uniqueField = count('Scans by a visitor not seen on that code earlier the same UTC day.');

export const AnalyticsBucket = z
  .object({
    value: z.string().nullable().meta({ description: 'The dimension value; null for scans where it is unknown.' }),
    scans: scansField,
    uniqueScans: uniqueField,
  })
  .meta({ id: 'AnalyticsBucket' });

export const TimelinePoint = z
  .object({
    date: z.string().meta({ description: 'Start of the period, local to `tz`.', example: '2026-11-21' }),
    scans: scansField,
    uniqueScans: uniqueField,
  })
  .meta({ id: 'AnalyticsTimelinePoint' });

export const HourOfDayPoint = z
  .object({
    hour: z.number().int().min(0).max(23).meta({ description: 'Local hour of day in `tz`.' }),
    scans: scansField,
    uniqueScans: uniqueField,
  })
  .meta({ id: 'AnalyticsHourOfDay' });

const breakdown = (what: string) =>
  z.array(AnalyticsBucket).meta({ description: `Scans by ${what}, most first; totals equal totalScans.` });

const aggregateFields = {
  from: Timestamp.meta({ description: 'Start of the range used (inclusive, whole UTC hours).' }),
  to: Timestamp.meta({ description: 'End of the range used (exclusive, whole UTC hours).' }),
  tz: z.string().meta({ description: 'The time zone of `timeline` and `byHourOfDay`.' }),
  granularity: Granularity,
  includeBots: z.boolean(),
  totalScans: scansField,
  uniqueScans: uniqueField,
  uniqueCountries: count('Distinct known countries with scans in the range.'),
  uniqueCities: count('Distinct known cities with scans in the range.'),
  lastScannedAt: Timestamp.nullable().meta({ description: 'The latest human scan ever, whatever the range.' }),
  timeline: z
    .array(TimelinePoint)
    .meta({ description: 'Every period of the range, oldest first, with zeros where there were no scans.' }),
  byCountry: breakdown('country (ISO 3166-1 alpha-2)'),
  byCity: breakdown('city'),
  byDevice: breakdown('device class'),
  byOs: breakdown('operating system'),
  byBrowser: breakdown('browser'),
  byReferrer: breakdown('referrer domain'),
  byLanguage: breakdown('preferred language'),
  byHourOfDay: z.array(HourOfDayPoint).meta({ description: '24 entries, local hours 0-23 in `tz`.' }),
};

export const QrCodeAnalytics = z.object({ qrCodeId: z.string(), ...aggregateFields }).meta({ id: 'QrCodeAnalytics' });
export type QrCodeAnalytics = z.output<typeof QrCodeAnalytics>;

export const TopCode = z
  .object({ qrCodeId: z.string(), name: z.string(), scans: scansField, uniqueScans: uniqueField })
  .meta({ id: 'AnalyticsTopCode' });

export const AnalyticsOverview = z
  .object({
    ...aggregateFields,
    topCodes: z.array(TopCode).meta({ description: 'Up to 10 codes with the most scans in the range.' }),
  })
  .meta({ id: 'AnalyticsOverview' });
export type AnalyticsOverview = z.output<typeof AnalyticsOverview>;

export const SCAN_PAGE_MAX = 500;

export const ListScansQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(SCAN_PAGE_MAX)
    .default(50)
    .meta({ description: 'Scans per page, 1-500 (JSON only; the CSV export has every matching scan).' }),
  cursor: z.string().max(512).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
  since: Timestamp.optional().meta({ description: 'Only scans at or after this time.' }),
  until: Timestamp.optional().meta({ description: 'Only scans before this time.' }),
  includeBots: BooleanParam.optional().meta({ description: '`true` includes scans flagged as bots. Default false.' }),
  format: z
    .enum(['json', 'csv'])
    .optional()
    .meta({ description: '`csv` streams every matching scan as a `text/csv` attachment. Default json.' }),
});
export type ListScansQuery = z.output<typeof ListScansQuery>;

export const Scan = z
  .object({
    id: z.string(),
    qrCodeId: z.string(),
    scannedAt: Timestamp,
    country: z.string().nullable(),
    city: z.string().nullable(),
    latitude: z.number().nullable(),
    longitude: z.number().nullable(),
    device: z.enum(['mobile', 'tablet', 'desktop', 'other']),
    os: z.string().nullable(),
    browser: z.string().nullable(),
    referrer: z.string().nullable().meta({ description: 'Referring domain.' }),
    language: z.string().nullable(),
    isBot: z.boolean(),
    isUnique: z.boolean(),
  })
  .meta({ id: 'Scan' });
export type Scan = z.output<typeof Scan>;

export const ScanPage = z
  .object({
    data: z.array(Scan),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` to get the next page; null on the last page.' }),
  })
  .meta({ id: 'ScanPage' });

export const ScanCsv = z.string().meta({
  id: 'ScanCsv',
  description:
    'RFC 4180 CSV with a header row; text cells starting with = + - @ tab or CR are prefixed with an apostrophe.',
});
