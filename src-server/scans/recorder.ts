import { utcDay } from '../ids';
import { toScan } from './to-scan';
import type { EventSink } from '../services/events';
import { ROLLUP_DIMENSIONS, rollupCells, type RollupCell, type ScanRow } from '../store/scan-store';
import type { Store } from '../store/store';

/** A scan ready to be written; the visitor hash decides uniqueness and is not stored with the scan. */
export interface ScanToRecord extends Omit<ScanRow, 'is_unique'> {
  visitorHash: string;
}

interface Waiting {
  scan: ScanToRecord;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const HOUR_MS = 3_600_000;

/** Scans of one code and hour with the same value in every rollup dimension. */
interface RollupGroup {
  row: ScanRow;
  hour: number;
  scans: number;
  uniqueScans: number;
  botScans: number;
}

const sameCells = (a: ScanRow, b: ScanRow): boolean =>
  a.qr_code_id === b.qr_code_id && ROLLUP_DIMENSIONS.every((dimension) => a[dimension] === b[dimension]);

/**
 * Group commit: scans arriving in the same turn of the event loop share one
 * transaction, and each redirect is answered only once its scan is committed,
 * so "answered" always means "recorded" while many scans cost one fsync.
 * `pendingFor` lets the caller enforce maxScans exactly, counting scans that
 * are queued but not yet written.
 */
export class ScanRecorder {
  private queue: Waiting[] = [];
  private readonly pending = new Map<string, number>();
  private scheduled = false;

  constructor(
    private readonly store: Store,
    /** Told about each committed scan (webhooks): outbox rows written in the scans' own transaction. */
    private readonly events?: EventSink,
    /** Called before each batch is written (the server starts its WAL checkpoint worker there). */
    private readonly beforeWrite?: () => void,
  ) {}

  /** Human scans of the code admitted but not yet committed. */
  pendingFor(qrCodeId: string): number {
    return this.pending.get(qrCodeId) ?? 0;
  }

  record(scan: ScanToRecord): Promise<void> {
    if (!scan.is_bot) this.pending.set(scan.qr_code_id, this.pendingFor(scan.qr_code_id) + 1);
    const done = new Promise<void>((resolve, reject) => this.queue.push({ scan, resolve, reject }));
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return done;
  }

  /** Writes everything queued in one transaction; settles every waiting request either way. */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    this.beforeWrite?.();
    let error: unknown;
    try {
      this.store.transaction(() => this.write(batch));
    } catch (err) {
      error = err;
    }
    for (const { scan } of batch) {
      if (!scan.is_bot) {
        // Committed scans move from "pending" to the code's count in the same synchronous step.
        if (error === undefined) this.store.qrCodes.noteScan(scan.qr_code_id);
        const left = this.pendingFor(scan.qr_code_id) - 1;
        if (left > 0) this.pending.set(scan.qr_code_id, left);
        else this.pending.delete(scan.qr_code_id);
      }
    }
    for (const waiting of batch) {
      if (error === undefined) waiting.resolve();
      else waiting.reject(error);
    }
  }

  /** The batch's rows, inside the caller's transaction. */
  private write(batch: readonly Waiting[]): void {
    // Checked once per batch: with no subscriber, webhooks cost nothing here.
    const notify = this.events?.wants('scan.created') ? this.events : undefined;
    // Scans alike in code, hour and every dimension add to the same rollup cells: a busy code's
    // batch is a few such groups, summed first, then spread over their cells.
    const groups: RollupGroup[] = [];
    const counted = new Map<string, { count: number; last: number }>();
    for (const { scan } of batch) {
      const unique =
        !scan.is_bot && this.store.scans.markVisitor(scan.qr_code_id, utcDay(scan.scanned_at), scan.visitorHash);
      const row: ScanRow = {
        qr_code_id: scan.qr_code_id,
        scanned_at: scan.scanned_at,
        country: scan.country,
        city: scan.city,
        latitude: scan.latitude,
        longitude: scan.longitude,
        device: scan.device,
        os: scan.os,
        browser: scan.browser,
        referrer: scan.referrer,
        language: scan.language,
        is_bot: scan.is_bot,
        is_unique: unique ? 1 : 0,
      };
      const scanId = this.store.scans.insert(row);
      // The same shape as the raw scans API, so a receiver needs one parser.
      notify?.emit('scan.created', toScan({ ...row, id: scanId }));
      const hour = Math.floor(scan.scanned_at / HOUR_MS);
      let group = groups.find((g) => g.hour === hour && sameCells(g.row, row));
      if (!group) {
        group = { row, hour, scans: 0, uniqueScans: 0, botScans: 0 };
        groups.push(group);
      }
      group.scans += row.is_bot ? 0 : 1;
      group.uniqueScans += row.is_unique;
      group.botScans += row.is_bot;
      if (!scan.is_bot) {
        const code = counted.get(scan.qr_code_id);
        if (code) {
          code.count += 1;
          code.last = Math.max(code.last, scan.scanned_at);
        } else counted.set(scan.qr_code_id, { count: 1, last: scan.scanned_at });
      }
    }
    const cells = new Map<string, RollupCell>();
    for (const group of groups) {
      for (const cell of rollupCells(group.row, group.hour)) {
        const key = `${cell.qrCodeId}\u0000${cell.hour}\u0000${cell.dimension}\u0000${cell.value}`;
        const sum = cells.get(key) ?? { ...cell, scans: 0, uniqueScans: 0, botScans: 0 };
        sum.scans += group.scans;
        sum.uniqueScans += group.uniqueScans;
        sum.botScans += group.botScans;
        cells.set(key, sum);
      }
    }
    for (const cell of cells.values()) this.store.scans.addToRollup(cell);
    for (const [qrCodeId, { count, last }] of counted) this.store.scans.countOnCode(qrCodeId, last, count);
  }
}
