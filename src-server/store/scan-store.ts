import type { Db } from './database';

export interface ScanRow {
  qr_code_id: string;
  scanned_at: number;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  device: string;
  os: string | null;
  browser: string | null;
  referrer: string | null;
  language: string | null;
  is_bot: number;
  is_unique: number;
}

/** The dimensions kept in hourly rollups, with the scan field each one counts. */
export const ROLLUP_DIMENSIONS = ['country', 'city', 'device', 'os', 'browser', 'referrer', 'language'] as const;

export interface RollupCell {
  qrCodeId: string;
  hour: number;
  dimension: string;
  value: string;
  scans: number;
  uniqueScans: number;
  botScans: number;
}

/** The rollup cells one scan adds to: the total and each dimension's value. */
export function* rollupCells(
  row: ScanRow,
  hour: number,
): Generator<Omit<RollupCell, 'scans' | 'uniqueScans' | 'botScans'>> {
  yield { qrCodeId: row.qr_code_id, hour, dimension: 'total', value: '' };
  for (const dimension of ROLLUP_DIMENSIONS) {
    const value = row[dimension];
    if (value !== null) yield { qrCodeId: row.qr_code_id, hour, dimension, value: String(value) };
  }
}

/** Data access for scans, their hourly rollups, visitor uniqueness and the daily salts. */
export class ScanStore {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO scans (qr_code_id, scanned_at, country, city, latitude, longitude, device, os, browser, referrer,
           language, is_bot, is_unique)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      visitor: db.prepare('INSERT OR IGNORE INTO scan_visitors (qr_code_id, day, visitor_hash) VALUES (?, ?, ?)'),
      forgetVisitorsBefore: db.prepare('DELETE FROM scan_visitors WHERE day < ?'),
      rollup: db.prepare(
        `INSERT INTO scan_rollups (qr_code_id, hour, dimension, value, scans, unique_scans, bot_scans)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (qr_code_id, hour, dimension, value) DO UPDATE SET
           scans = scans + excluded.scans,
           unique_scans = unique_scans + excluded.unique_scans,
           bot_scans = bot_scans + excluded.bot_scans`,
      ),
      dailyRollup: db.prepare(
        `INSERT INTO scan_rollups_daily (qr_code_id, day, dimension, value, scans, unique_scans, bot_scans)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (qr_code_id, day, dimension, value) DO UPDATE SET
           scans = scans + excluded.scans,
           unique_scans = unique_scans + excluded.unique_scans,
           bot_scans = bot_scans + excluded.bot_scans`,
      ),
      countOnCode: db.prepare(
        `UPDATE qr_codes SET scan_count = scan_count + ?, last_scanned_at = max(coalesce(last_scanned_at, 0), ?)
         WHERE id = ?`,
      ),
      salt: db.prepare<[string], { salt: Buffer }>('SELECT salt FROM scan_salts WHERE day = ?'),
      putSalt: db.prepare('INSERT OR IGNORE INTO scan_salts (day, salt) VALUES (?, ?)'),
      deleteSaltsBefore: db.prepare('DELETE FROM scan_salts WHERE day < ?'),
      countFor: db.prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?'),
    };
  }

  /** Marks the visitor as seen on the code that day; true when this is the first time. */
  markVisitor(qrCodeId: string, day: string, visitorHash: string): boolean {
    return this.stmts.visitor.run(qrCodeId, day, visitorHash).changes === 1;
  }

  /** Inserts the scan and returns its id. */
  insert(row: ScanRow): number {
    // Positional parameters: binding thirteen named ones costs more than the insert itself on the scan path.
    return Number(
      this.stmts.insert.run(
        row.qr_code_id,
        row.scanned_at,
        row.country,
        row.city,
        row.latitude,
        row.longitude,
        row.device,
        row.os,
        row.browser,
        row.referrer,
        row.language,
        row.is_bot,
        row.is_unique,
      ).lastInsertRowid,
    );
  }

  /** Adds counts to one hourly rollup cell and to its day's cell. */
  addToRollup(cell: RollupCell): void {
    const { qrCodeId, hour, dimension, value, scans, uniqueScans, botScans } = cell;
    this.stmts.rollup.run(qrCodeId, hour, dimension, value, scans, uniqueScans, botScans);
    this.stmts.dailyRollup.run(qrCodeId, Math.floor(hour / 24), dimension, value, scans, uniqueScans, botScans);
  }
  /** Human scans move the code's counter and last-scanned time (`count` of them, the latest at `at`). */
  countOnCode(qrCodeId: string, at: number, count = 1): void {
    this.stmts.countOnCode.run(count, at, qrCodeId);
  }

  salt(day: string): Buffer | undefined {
    return this.stmts.salt.get(day)?.salt;
  }

  putSalt(day: string, salt: Buffer): void {
    this.stmts.putSalt.run(day, salt);
  }

  /** Drops old salts and the visitor hashes made with them: afterwards nothing links a scan to a device. */
  forgetBefore(day: string): void {
    this.stmts.deleteSaltsBefore.run(day);
    this.stmts.forgetVisitorsBefore.run(day);
  }

  countFor(qrCodeId: string): number {
    return this.stmts.countFor.get(qrCodeId)!.n;
  }
}
