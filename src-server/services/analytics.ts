import { Readable } from 'node:stream';
import type {
  AnalyticsOverview,
  AnalyticsQuery,
  Granularity,
  ListScansQuery,
  QrCodeAnalytics,
  Scan,
} from '../../src-shared/schemas/analytics';
import { csvLine } from '../../src-shared/csv';
import { AppError, notFound } from '../errors';
import { toIso } from '../ids';
import { toScan } from '../scans/to-scan';
import { decodeCursor, encodeCursor } from '../store/pagination';
import { ROLLUP_DIMENSIONS } from '../store/scan-store';
import type { Store } from '../store/store';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DEFAULT_DAYS = 30;
const TOP_CODES = 10;
/** Rows per synchronous read while streaming a CSV export. */
const CSV_BATCH = 1_000;

type Bucket = { value: string | null; scans: number; uniqueScans: number };
type Aggregate = Omit<QrCodeAnalytics, 'qrCodeId'>;

/**
 * UTC offsets of one IANA zone, memoised. Offsets are looked up once per UTC
 * day and per hour only on days where the offset changes (DST transitions).
 */
export class ZoneClock {
  private readonly format: Intl.DateTimeFormat;
  private readonly byDay = new Map<number, number | null>();

  constructor(readonly tz: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** Local wall-clock time minus UTC, in ms, at the instant ms. */
  private exactOffset(ms: number): number {
    const p: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(ms))) {
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    }
    const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return local - (ms - (((ms % 1000) + 1000) % 1000));
  }

  offset(ms: number): number {
    const day = Math.floor(ms / DAY_MS);
    let same = this.byDay.get(day);
    if (same === undefined) {
      const start = this.exactOffset(day * DAY_MS);
      same = start === this.exactOffset(day * DAY_MS + DAY_MS - 1) ? start : null;
      this.byDay.set(day, same);
    }
    return same ?? this.exactOffset(ms);
  }

  /** The instant as wall-clock time in the zone, expressed as a UTC Date (read it with getUTC*). */
  local(ms: number): Date {
    return new Date(ms + this.offset(ms));
  }

  /** True when some offset in [fromMs, toMs) is not a whole number of hours (India, Nepal, parts of Australia…). */
  hasPartialHourOffset(fromMs: number, toMs: number): boolean {
    for (let day = Math.floor(fromMs / DAY_MS); day * DAY_MS < toMs; day++) {
      const at = Math.max(fromMs, day * DAY_MS);
      if (this.offset(at) % HOUR_MS !== 0 || this.exactOffset(Math.min(toMs - 1, day * DAY_MS + DAY_MS - 1)) % HOUR_MS)
        return true;
    }
    return false;
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Start of the period containing the wall-clock time `local` (a UTC-read Date), as wall-clock ms. */
function periodStart(local: Date, granularity: Granularity): number {
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const d = local.getUTCDate();
  switch (granularity) {
    case 'hour':
      return Date.UTC(y, m, d, local.getUTCHours());
    case 'day':
      return Date.UTC(y, m, d);
    case 'week':
      // ISO weeks start on Monday.
      return Date.UTC(y, m, d - ((local.getUTCDay() + 6) % 7));
    case 'month':
      return Date.UTC(y, m, 1);
  }
}

function nextPeriod(start: number, granularity: Granularity): number {
  const t = new Date(start);
  switch (granularity) {
    case 'hour':
      return start + HOUR_MS;
    case 'day':
      return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 1);
    case 'week':
      return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate() + 7);
    case 'month':
      return Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 1);
  }
}

function periodLabel(start: number, granularity: Granularity): string {
  const t = new Date(start);
  const ym = `${pad(t.getUTCFullYear(), 4)}-${pad(t.getUTCMonth() + 1)}`;
  if (granularity === 'month') return ym;
  const ymd = `${ym}-${pad(t.getUTCDate())}`;
  return granularity === 'hour' ? `${ymd}T${pad(t.getUTCHours())}:00` : ymd;
}

/** The range asked for, in whole UTC hours [fromHour, toHour). */
function resolveRange(
  query: AnalyticsQuery,
  clock: ZoneClock,
  now: number,
): { from: number; to: number; fromHour: number; toHour: number } {
  let from: number;
  let to: number;
  if (query.from === undefined && query.to === undefined) {
    // The last N local calendar days, today included.
    const days = query.days ?? DEFAULT_DAYS;
    to = now;
    const today = clock.local(now);
    const firstDay = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() - (days - 1));
    from = firstDay - clock.offset(firstDay - clock.offset(firstDay));
  } else {
    to = query.to !== undefined ? Date.parse(query.to) : now;
    from = query.from !== undefined ? Date.parse(query.from) : to - DEFAULT_DAYS * DAY_MS;
    if (from > to) {
      throw new AppError('VALIDATION_ERROR', 'Invalid query: from must not be after to', [
        { path: 'from', message: 'from must not be after to' },
      ]);
    }
  }
  const fromHour = Math.floor(from / HOUR_MS);
  return { from, to, fromHour, toHour: Math.max(fromHour + 1, Math.ceil(to / HOUR_MS)) };
}

function sortBuckets(buckets: Bucket[]): Bucket[] {
  return buckets.sort(
    (a, b) =>
      b.scans - a.scans || b.uniqueScans - a.uniqueScans || (a.value ?? '\uffff').localeCompare(b.value ?? '\uffff'),
  );
}

const CSV_COLUMNS = [
  'id',
  'qrCodeId',
  'scannedAt',
  'country',
  'city',
  'latitude',
  'longitude',
  'device',
  'os',
  'browser',
  'referrer',
  'language',
  'isBot',
  'isUnique',
] as const satisfies readonly (keyof Scan)[];

/** Analytics over the hourly rollups, and the raw scan list and export. */
export class AnalyticsService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  private codeRow(id: string) {
    const row = this.store.qrCodes.findById(id);
    if (!row) throw notFound('QR code');
    return row;
  }

  /** Analytics of one code; codes in the trash keep theirs. */
  forCode(id: string, query: AnalyticsQuery): QrCodeAnalytics {
    const row = this.codeRow(id);
    return { qrCodeId: row.id, ...this.aggregate(row.id, query, row.last_scanned_at) };
  }

  /** The same aggregate over every code not in the trash, with the top codes. */
  overview(query: AnalyticsQuery): AnalyticsOverview {
    const aggregate = this.aggregate(null, query, this.store.analytics.lastScannedAt());
    const fromHour = Math.floor(Date.parse(aggregate.from) / HOUR_MS);
    const toHour = Math.floor(Date.parse(aggregate.to) / HOUR_MS);
    const topCodes = this.store.analytics
      .topCodes(fromHour, toHour, aggregate.includeBots, TOP_CODES)
      .map((r) => ({ qrCodeId: r.qr_code_id, name: r.name, scans: r.scans, uniqueScans: r.unique_scans }));
    return { ...aggregate, topCodes };
  }

  private aggregate(qrCodeId: string | null, query: AnalyticsQuery, lastScannedAt: number | null): Aggregate {
    const tz = query.tz ?? 'UTC';
    const granularity = query.granularity ?? 'day';
    const includeBots = query.includeBots ?? false;
    const clock = new ZoneClock(tz);
    const { from, to, fromHour, toHour } = resolveRange(query, clock, this.now());
    const fromMs = fromHour * HOUR_MS;
    const toMs = toHour * HOUR_MS;
    const counted = (r: { scans: number; bot_scans: number }) => r.scans + (includeBots ? r.bot_scans : 0);

    // Zero-filled periods, keyed by their wall-clock start.
    const timeline = new Map<number, { scans: number; uniqueScans: number }>();
    // Periods follow the exact range; the counts use whole UTC hours (the rollups' resolution).
    const firstPeriod = periodStart(clock.local(from), granularity);
    const lastPeriod = periodStart(clock.local(Math.max(from, to - 1)), granularity);
    for (let p = firstPeriod; p <= lastPeriod; p = nextPeriod(p, granularity))
      timeline.set(p, { scans: 0, uniqueScans: 0 });
    const byHourOfDay = Array.from({ length: 24 }, (_, hour) => ({ hour, scans: 0, uniqueScans: 0 }));
    const add = (ms: number, scans: number, unique: number) => {
      const local = clock.local(ms);
      const period = timeline.get(periodStart(local, granularity));
      // Only a scan in a partial hour at the very edge of the range can fall outside the listed periods.
      if (period) {
        period.scans += scans;
        period.uniqueScans += unique;
      }
      const h = byHourOfDay[local.getUTCHours()]!;
      h.scans += scans;
      h.uniqueScans += unique;
    };

    let totalScans = 0;
    let uniqueScans = 0;
    const hours = this.store.analytics.hourTotals(qrCodeId, fromHour, toHour);
    for (const r of hours) {
      totalScans += counted(r);
      uniqueScans += r.unique_scans;
    }
    if (clock.hasPartialHourOffset(fromMs, toMs)) {
      // A UTC hour straddles two local hours here: bucket the raw scans instead of the hourly rollups.
      for (const s of this.store.analytics.scanMoments(qrCodeId, fromMs, toMs)) {
        if (s.is_bot && !includeBots) continue;
        add(s.scanned_at, 1, s.is_unique);
      }
    } else {
      for (const r of hours) add(r.hour * HOUR_MS, counted(r), r.unique_scans);
    }

    const breakdowns = new Map<string, Bucket[]>(ROLLUP_DIMENSIONS.map((d) => [d, []]));
    for (const r of this.store.analytics.dimensionTotals(qrCodeId, fromHour, toHour)) {
      const scans = counted(r);
      if (scans > 0 || r.unique_scans > 0)
        breakdowns.get(r.dimension)?.push({ value: r.value, scans, uniqueScans: r.unique_scans });
    }
    for (const buckets of breakdowns.values()) {
      // Rollups skip null values: what the values do not account for is the unknown bucket.
      let scans = totalScans;
      let unique = uniqueScans;
      for (const b of buckets) {
        scans -= b.scans;
        unique -= b.uniqueScans;
      }
      if (scans > 0 || unique > 0) buckets.push({ value: null, scans, uniqueScans: unique });
      sortBuckets(buckets);
    }
    const known = (d: string) => breakdowns.get(d)!.filter((b) => b.value !== null && b.scans > 0).length;

    return {
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      tz,
      granularity,
      includeBots,
      totalScans,
      uniqueScans,
      uniqueCountries: known('country'),
      uniqueCities: known('city'),
      lastScannedAt: toIso(lastScannedAt),
      timeline: [...timeline].map(([start, v]) => ({ date: periodLabel(start, granularity), ...v })),
      byCountry: breakdowns.get('country')!,
      byCity: breakdowns.get('city')!,
      byDevice: breakdowns.get('device')!,
      byOs: breakdowns.get('os')!,
      byBrowser: breakdowns.get('browser')!,
      byReferrer: breakdowns.get('referrer')!,
      byLanguage: breakdowns.get('language')!,
      byHourOfDay,
    };
  }

  private scanFilter(id: string, query: ListScansQuery) {
    this.codeRow(id);
    return {
      qrCodeId: id,
      since: query.since !== undefined ? Date.parse(query.since) : Number.MIN_SAFE_INTEGER,
      until: query.until !== undefined ? Date.parse(query.until) : Number.MAX_SAFE_INTEGER,
      includeBots: query.includeBots ?? false,
    };
  }

  /** A page of a code's raw scans, newest first, keyed on (scannedAt, id). */
  listScans(id: string, query: ListScansQuery): { data: Scan[]; nextCursor: string | null } {
    const filter = this.scanFilter(id, query);
    const cursor = decodeCursor(query.cursor);
    if (cursor && !/^[1-9]\d{0,15}$/.test(cursor.id)) {
      throw new AppError('INVALID_CURSOR', 'The cursor is malformed; use the nextCursor of a previous page.');
    }
    const rows = this.store.analytics.listScans({
      ...filter,
      beforeAt: cursor?.createdAt ?? Number.MAX_SAFE_INTEGER,
      beforeId: cursor ? Number(cursor.id) : Number.MAX_SAFE_INTEGER,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const nextCursor =
      rows.length > query.limit && last ? encodeCursor({ createdAt: last.scanned_at, id: String(last.id) }) : null;
    return { data: page.map(toScan), nextCursor };
  }

  /**
   * Every matching scan as CSV, produced a batch at a time as the client reads.
   * Each batch is one short synchronous query (keyset on (scannedAt, id)), so an
   * export never holds the database connection between reads and scans keep
   * being recorded meanwhile.
   */
  exportScans(id: string, query: ListScansQuery): Readable {
    const filter = this.scanFilter(id, query);
    const analytics = this.store.analytics;
    function* lines(): Generator<string> {
      yield csvLine(CSV_COLUMNS);
      let beforeAt = Number.MAX_SAFE_INTEGER;
      let beforeId = Number.MAX_SAFE_INTEGER;
      for (;;) {
        const rows = analytics.listScans({ ...filter, beforeAt, beforeId, limit: CSV_BATCH });
        if (rows.length === 0) return;
        let chunk = '';
        for (const row of rows) {
          const scan = toScan(row);
          chunk += csvLine(CSV_COLUMNS.map((c) => scan[c]));
        }
        yield chunk;
        const last = rows[rows.length - 1]!;
        beforeAt = last.scanned_at;
        beforeId = last.id;
        if (rows.length < CSV_BATCH) return;
      }
    }
    return Readable.from(lines(), { objectMode: false });
  }
}
