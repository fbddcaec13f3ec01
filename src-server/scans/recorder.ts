import { utcDay } from '../ids';
import { toScan } from './to-scan';
import type { EventSink } from '../services/events';
import { rollupCells, type RollupCell, type ScanRow } from '../store/scan-store';
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
    let error: unknown;
    try {
      this.store.transaction(() => {
        // Rollup cells are summed over the batch first: a busy code's scans share a few cells.
        const cells = new Map<string, RollupCell>();
        // Checked once per batch: with no subscriber, webhooks cost nothing here.
        const notify = this.events?.wants('scan.created') ? this.events : undefined;
        for (const { scan } of batch) {
          const { visitorHash, ...fields } = scan;
          const unique =
            !scan.is_bot && this.store.scans.markVisitor(scan.qr_code_id, utcDay(scan.scanned_at), visitorHash);
          const row: ScanRow = { ...fields, is_unique: unique ? 1 : 0 };
          const scanId = this.store.scans.insert(row);
          // The same shape as the raw scans API, so a receiver needs one parser.
          notify?.emit('scan.created', toScan({ ...row, id: scanId }));
          for (const cell of rollupCells(row, Math.floor(scan.scanned_at / HOUR_MS))) {
            const key = `${cell.qrCodeId}\u0000${cell.hour}\u0000${cell.dimension}\u0000${cell.value}`;
            const sum = cells.get(key) ?? { ...cell, scans: 0, uniqueScans: 0, botScans: 0 };
            sum.scans += row.is_bot ? 0 : 1;
            sum.uniqueScans += row.is_unique;
            sum.botScans += row.is_bot;
            cells.set(key, sum);
          }
          if (!scan.is_bot) this.store.scans.countOnCode(scan.qr_code_id, scan.scanned_at);
        }
        for (const cell of cells.values()) this.store.scans.addToRollup(cell);
      });
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
}
