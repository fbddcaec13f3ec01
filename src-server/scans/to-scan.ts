import type { Scan } from '../../src-shared/schemas/analytics';
import type { ScanRecord } from '../store/analytics-store';
import type { ScanRow } from '../store/scan-store';

/** A stored scan's fields as the API names them, without its id (the JSON export carries no scan ids). */
export function scanFields(row: ScanRow): Omit<Scan, 'id'> {
  return {
    qrCodeId: row.qr_code_id,
    scannedAt: new Date(row.scanned_at).toISOString(),
    country: row.country,
    city: row.city,
    latitude: row.latitude,
    longitude: row.longitude,
    device: row.device as Scan['device'],
    os: row.os,
    browser: row.browser,
    referrer: row.referrer,
    language: row.language,
    isBot: row.is_bot === 1,
    isUnique: row.is_unique === 1,
  };
}

/** A stored scan as the API shows it: the raw scans list, the CSV export and scan.created webhooks. */
export function toScan(row: ScanRecord): Scan {
  return { id: String(row.id), ...scanFields(row) };
}
