import type { Db } from './database';
import type { ScanRow } from './scan-store';

/** One UTC hour of a code's (or all codes') 'total' rollup. */
export interface HourTotal {
  hour: number;
  scans: number;
  unique_scans: number;
  bot_scans: number;
}

/** A dimension value summed over a range of hours. */
export interface DimensionTotal {
  dimension: string;
  value: string;
  scans: number;
  unique_scans: number;
  bot_scans: number;
}

/** The few fields of a raw scan that local-time bucketing needs. */
export interface ScanMoment {
  scanned_at: number;
  is_bot: number;
  is_unique: number;
}

/** A stored scan with its row id. */
export type ScanRecord = ScanRow & { id: number };

export interface TopCodeRow {
  qr_code_id: string;
  name: string;
  scans: number;
  unique_scans: number;
}

export interface ScanQuery {
  qrCodeId: string;
  since: number;
  until: number;
  includeBots: boolean;
  /** Keyset position: rows strictly before (beforeAt, beforeId) in newest-first order. */
  beforeAt: number;
  beforeId: number;
  limit: number;
}

interface DimensionRange {
  headFrom: number;
  headTo: number;
  dayFrom: number;
  dayTo: number;
  tailFrom: number;
  tailTo: number;
}

/** Splits [fromHour, toHour) into leading hours, whole UTC days and trailing hours (any part may be empty). */
export function splitRange(fromHour: number, toHour: number): DimensionRange {
  const dayFrom = Math.ceil(fromHour / 24);
  const dayTo = Math.floor(toHour / 24);
  if (dayFrom >= dayTo) return { headFrom: fromHour, headTo: toHour, dayFrom: 0, dayTo: 0, tailFrom: 0, tailTo: 0 };
  return { headFrom: fromHour, headTo: dayFrom * 24, dayFrom, dayTo, tailFrom: dayTo * 24, tailTo: toHour };
}

/** Breakdown totals from the hourly rollups at the edges and the daily ones in between. */
const dimensionsSql = (which: string) => `
  SELECT dimension, value, sum(scans) AS scans, sum(unique_scans) AS unique_scans, sum(bot_scans) AS bot_scans FROM (
    SELECT dimension, value, scans, unique_scans, bot_scans FROM scan_rollups
      WHERE ${which} AND hour >= @headFrom AND hour < @headTo AND dimension <> 'total'
    UNION ALL
    SELECT dimension, value, scans, unique_scans, bot_scans FROM scan_rollups
      WHERE ${which} AND hour >= @tailFrom AND hour < @tailTo AND dimension <> 'total'
    UNION ALL
    SELECT dimension, value, scans, unique_scans, bot_scans FROM scan_rollups_daily
      WHERE ${which} AND day >= @dayFrom AND day < @dayTo AND dimension <> 'total'
  ) GROUP BY dimension, value`;

/**
 * Read-only queries behind the analytics API. Aggregates come from the hourly
 * rollups (never the raw scans), except the raw-scan reads used for time zones
 * whose offset is not a whole number of hours, and the scan list itself.
 */
export class AnalyticsStore {
  private readonly stmts;

  constructor(db: Db) {
    const live = 'qr_code_id IN (SELECT id FROM qr_codes WHERE deleted_at IS NULL)';
    this.stmts = {
      hoursOf: db.prepare<[string, number, number], HourTotal>(
        `SELECT hour, scans, unique_scans, bot_scans FROM scan_rollups
         WHERE qr_code_id = ? AND hour >= ? AND hour < ? AND dimension = 'total'`,
      ),
      dimensionsOf: db.prepare<[DimensionRange & { code: string }], DimensionTotal>(
        dimensionsSql('qr_code_id = @code'),
      ),
      hoursAll: db.prepare<[number, number], HourTotal>(
        `SELECT hour, sum(scans) AS scans, sum(unique_scans) AS unique_scans, sum(bot_scans) AS bot_scans
         FROM scan_rollups WHERE hour >= ? AND hour < ? AND dimension = 'total' AND ${live}
         GROUP BY hour`,
      ),
      dimensionsAll: db.prepare<[DimensionRange], DimensionTotal>(dimensionsSql(live)),
      topCodes: db.prepare<[number, number, number, number], TopCodeRow>(
        `SELECT r.qr_code_id, c.name, sum(r.scans) + ? * sum(r.bot_scans) AS scans, sum(r.unique_scans) AS unique_scans
         FROM scan_rollups r JOIN qr_codes c ON c.id = r.qr_code_id
         WHERE r.hour >= ? AND r.hour < ? AND r.dimension = 'total' AND c.deleted_at IS NULL
         GROUP BY r.qr_code_id HAVING scans > 0
         ORDER BY scans DESC, r.qr_code_id LIMIT ?`,
      ),
      lastScannedAll: db.prepare<[], { at: number | null }>(
        'SELECT max(last_scanned_at) AS at FROM qr_codes WHERE deleted_at IS NULL',
      ),
      momentsOf: db.prepare<[string, number, number], ScanMoment>(
        'SELECT scanned_at, is_bot, is_unique FROM scans WHERE qr_code_id = ? AND scanned_at >= ? AND scanned_at < ?',
      ),
      momentsAll: db.prepare<[number, number], ScanMoment>(
        `SELECT scanned_at, is_bot, is_unique FROM scans WHERE scanned_at >= ? AND scanned_at < ? AND ${live}`,
      ),
      scans: db.prepare<
        {
          qrCodeId: string;
          since: number;
          until: number;
          bots: number;
          beforeAt: number;
          beforeId: number;
          limit: number;
        },
        ScanRecord
      >(
        `SELECT * FROM scans
         WHERE qr_code_id = @qrCodeId AND scanned_at >= @since AND scanned_at < @until AND (is_bot = 0 OR @bots = 1)
           AND (scanned_at < @beforeAt OR (scanned_at = @beforeAt AND id < @beforeId))
         ORDER BY scanned_at DESC, id DESC LIMIT @limit`,
      ),
    };
  }

  /** Hourly totals of one code (qrCodeId) or of every code not in the trash (null), hours in [fromHour, toHour). */
  hourTotals(qrCodeId: string | null, fromHour: number, toHour: number): HourTotal[] {
    return qrCodeId === null
      ? this.stmts.hoursAll.all(fromHour, toHour)
      : this.stmts.hoursOf.all(qrCodeId, fromHour, toHour);
  }

  /** Totals per dimension value over hours [fromHour, toHour): whole UTC days from the daily rollups, the rest hourly. */
  dimensionTotals(qrCodeId: string | null, fromHour: number, toHour: number): DimensionTotal[] {
    const range = splitRange(fromHour, toHour);
    return qrCodeId === null
      ? this.stmts.dimensionsAll.all(range)
      : this.stmts.dimensionsOf.all({ ...range, code: qrCodeId });
  }

  /** Raw scan times in [fromMs, toMs), for bucketing by a local time the hourly rollups cannot express. */
  scanMoments(qrCodeId: string | null, fromMs: number, toMs: number): IterableIterator<ScanMoment> {
    return qrCodeId === null
      ? this.stmts.momentsAll.iterate(fromMs, toMs)
      : this.stmts.momentsOf.iterate(qrCodeId, fromMs, toMs);
  }

  topCodes(fromHour: number, toHour: number, includeBots: boolean, limit: number): TopCodeRow[] {
    return this.stmts.topCodes.all(includeBots ? 1 : 0, fromHour, toHour, limit);
  }

  lastScannedAt(): number | null {
    return this.stmts.lastScannedAll.get()?.at ?? null;
  }

  /** A page of raw scans, newest first. */
  listScans(q: ScanQuery): ScanRecord[] {
    return this.stmts.scans.all({
      qrCodeId: q.qrCodeId,
      since: q.since,
      until: q.until,
      bots: q.includeBots ? 1 : 0,
      beforeAt: q.beforeAt,
      beforeId: q.beforeId,
      limit: q.limit,
    });
  }
}
