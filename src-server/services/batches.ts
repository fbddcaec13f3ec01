import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import {
  DOWNLOADABLE_STATUSES,
  FINISHED_STATUSES,
  type BatchJob,
  type BatchJobStatus,
  type BatchOutputKind,
  type BatchProblem,
  type BatchProgressEvent,
  type CreateBatchInput,
} from '../../src-shared/schemas/batches';
import { applyDesign, DEFAULT_DESIGN } from '../../src-shared/schemas/design';
import { reportToCsv } from '../batch/csv';
import {
  checkSomeRowValid,
  executeBatch,
  planBatch,
  type BatchCounts,
  type BatchTarget,
  type ExecuteResult,
} from '../batch/job';
import { poolSizeFor } from '../batch/job';
import { RenderPool } from '../batch/render-pool';
import { AppError, diskFull, isDiskFull, notFound } from '../errors';
import { newId, toIso } from '../ids';
import type { LogoSource, QrRenderer } from '../render/qr-renderer';
import { BatchJobStore, type BatchJobRow } from '../store/batch-store';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';
import type { BatchSourceService } from './batch-sources';
import type { QrCodeService } from './qrcodes';

export const BATCHES_DIR = 'batches';
/** How often a running job's progress is written and published (at most 4 times a second). */
export const PROGRESS_INTERVAL_MS = 250;
/** An idle render pool is closed after this long, so a server that ran one batch does not keep its workers. */
const POOL_IDLE_MS = 30_000;
const REPORT_PAGE = 1000;
/** How often the end of a job is tried again while the disk is full. */
const FINISH_RETRY_MS = 500;

export type BatchEvent = { type: 'progress'; data: BatchProgressEvent } | { type: 'done'; job: BatchJob };

export interface BatchServiceDeps {
  store: Store;
  dataDir: string;
  sources: BatchSourceService;
  qrCodes: QrCodeService;
  renderer: QrRenderer;
  logos: LogoSource;
  logger?: Logger;
  /** Render worker threads (default: one per core). */
  poolSize?: number;
  now?: () => number;
}

interface Running {
  id: string;
  startedAt: number;
  counts: BatchCounts;
  /** Set to stop the job: by a user (cancelled) or by the server shutting down (interrupted). */
  stop: 'cancelled' | 'interrupted' | null;
  /** Problems found and not yet written. */
  pending: BatchProblem[];
  /** Sequence number of the last problem written. */
  written: number;
  /** What was last published, to publish only changes. */
  published: string;
  done: Promise<void>;
}

const resultName = (kind: string) => (kind === 'sheet' ? 'result.pdf' : 'result.zip');

/**
 * Batch jobs: accepted at once (202) after the request and the mapping are
 * checked, then run one at a time in the background on a shared pool of
 * render workers. Progress is kept in the database (at most every 250 ms)
 * and published to event-stream subscribers; failed rows go to a report.
 * The result is written under a `.part` name and renamed only once complete,
 * so a cancelled, failed or interrupted job never leaves something that looks
 * finished; a job the server was running when it stopped is marked
 * interrupted on the next start.
 */
export class BatchService {
  private readonly jobs: BatchJobStore;
  private readonly dir: string;
  private readonly now: () => number;
  private readonly queue: string[] = [];
  private readonly listeners = new Map<string, Set<(event: BatchEvent) => void>>();
  private running: Running | null = null;
  private pool: RenderPool | null = null;
  private poolTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly deps: BatchServiceDeps) {
    this.jobs = new BatchJobStore(deps.store.db);
    this.dir = path.join(deps.dataDir, BATCHES_DIR);
    this.now = deps.now ?? Date.now;
    this.recover();
  }

  /** Jobs a stopped server left queued or running are interrupted: their partial output is removed. */
  private recover(): void {
    for (const row of this.jobs.unfinished()) {
      fs.rmSync(this.jobDir(row.id), { recursive: true, force: true });
      this.jobs.finish(row.id, {
        status: 'interrupted',
        processed: row.processed,
        failed: row.failed,
        outputPath: null,
        error: `The server stopped while this job was ${row.status}; nothing of it was kept. Run it again.`,
        at: this.now(),
      });
      this.deps.logger?.warn({ batchId: row.id, was: row.status }, 'batch job interrupted by a restart');
    }
  }

  private jobDir(id: string): string {
    return path.join(this.dir, id);
  }

  private row(id: string): BatchJobRow {
    const row = this.jobs.find(id);
    if (!row) throw notFound('Batch job');
    return row;
  }

  private eta(total: number, processed: number, startedAt: number): number | null {
    const elapsed = this.now() - startedAt;
    if (processed <= 0 || elapsed < 500) return null;
    return Math.max(0, Math.round(((total - processed) * elapsed) / processed / 1000));
  }

  private toJob(row: BatchJobRow): BatchJob {
    const request = JSON.parse(row.request) as CreateBatchInput;
    const status = row.status as BatchJobStatus;
    const live = this.running?.id === row.id ? this.running : null;
    const processed = live ? live.counts.processed : row.processed;
    const failed = live ? live.counts.failed : row.failed;
    const base = `/api/v1/batches/${row.id}`;
    let eta: number | null = null;
    if (status === 'completed' || status === 'completed_with_errors') eta = 0;
    else if (status === 'running' && row.started_at !== null) eta = this.eta(row.total, processed, row.started_at);
    return {
      id: row.id,
      status,
      kind: row.kind as BatchJob['kind'],
      type: request.type ?? null,
      barcodeFormat: request.barcodeFormat ?? null,
      sourceId: request.source.sourceId ?? null,
      output: row.output_kind as BatchOutputKind,
      total: row.total,
      processed,
      failed,
      eta,
      createdAt: toIso(row.created_at)!,
      startedAt: toIso(row.started_at),
      finishedAt: toIso(row.finished_at),
      error: row.error,
      downloadUrl: DOWNLOADABLE_STATUSES.includes(status) && row.output_path ? `${base}/download` : null,
      reportUrl: `${base}/report.csv`,
      eventsUrl: `${base}/events`,
    };
  }

  /**
   * Checks a batch and queues it. Refused with nothing written: a folder
   * output (command line only), an unknown source or folder, a missing logo,
   * a wrong mapping or file-name pattern, and a source none of whose rows can
   * be made.
   */
  async create(input: CreateBatchInput): Promise<BatchJob> {
    if (this.closed) throw new AppError('CONFLICT', 'The server is stopping; try again once it is back.');
    if (input.outputs.container === 'folder') {
      const message = 'Folder output is for the command line (qrdesk batch --out DIR); the API makes a ZIP';
      throw new AppError('VALIDATION_ERROR', `Invalid body: outputs.container: ${message}`, [
        { path: 'outputs.container', message },
      ]);
    }
    const folderId = input.library?.folderId;
    if (folderId !== undefined && !this.deps.store.folders.exists(folderId)) {
      throw new AppError('VALIDATION_ERROR', 'Invalid body: library.folderId: no such folder', [
        { path: 'library.folderId', message: 'No such folder' },
      ]);
    }
    // A missing logo in the base design is one 400 now, not a failure in every row later.
    if (input.type && input.design?.logo?.assetId)
      this.deps.renderer.logoSize(applyDesign(DEFAULT_DESIGN, input.design));
    const source = input.source.sourceId ? this.deps.sources.open(input.source.sourceId) : null;
    const plan = planBatch(input, source);
    await checkSomeRowValid(plan);

    const outputKind: BatchOutputKind = input.outputs.sheet && !input.outputs.formats ? 'sheet' : 'zip';
    const row: BatchJobRow = {
      id: newId('batch'),
      status: 'queued',
      kind: input.kind,
      request: JSON.stringify(input),
      total: plan.total,
      processed: 0,
      failed: 0,
      output_kind: outputKind,
      output_path: null,
      error: null,
      created_at: this.now(),
      started_at: null,
      finished_at: null,
    };
    this.jobs.insert(row);
    this.queue.push(row.id);
    queueMicrotask(() => this.pump());
    return this.toJob(row);
  }

  get(id: string): BatchJob {
    return this.toJob(this.row(id));
  }

  list(limit: number, cursor?: string): { data: BatchJob[]; nextCursor: string | null } {
    const page = toPage(this.jobs.listPage(limit, decodeCursor(cursor)), limit);
    return { data: page.rows.map((r) => this.toJob(r)), nextCursor: page.nextCursor };
  }

  /**
   * A queued or running job is cancelled (its partial output removed) and
   * stays listed as cancelled; a finished job is deleted with its files.
   */
  async remove(id: string): Promise<void> {
    const row = this.row(id);
    if (row.status === 'queued') {
      const queued = this.queue.indexOf(id);
      if (queued >= 0) this.queue.splice(queued, 1);
      this.jobs.finish(id, {
        status: 'cancelled',
        processed: 0,
        failed: 0,
        outputPath: null,
        error: 'Cancelled before it started',
        at: this.now(),
      });
      this.publishDone(id);
      return;
    }
    if (row.status === 'running' && this.running?.id === id) {
      this.running.stop ??= 'cancelled';
      await this.running.done;
      return;
    }
    this.jobs.remove(id);
    await fs.promises.rm(this.jobDir(id), { recursive: true, force: true });
  }

  /** The result file of a completed job; 409 otherwise (never a partial file). */
  download(id: string): { file: string; size: number; fileName: string; mediaType: string } {
    const row = this.row(id);
    const status = row.status as BatchJobStatus;
    if (!DOWNLOADABLE_STATUSES.includes(status) || !row.output_path) {
      const why =
        status === 'queued' || status === 'running'
          ? `is ${status}: its result can be downloaded once it has completed`
          : `is ${status.replace(/_/g, ' ')}: it has no result to download`;
      throw new AppError('CONFLICT', `The batch job ${why}.`);
    }
    let size: number;
    try {
      size = fs.statSync(row.output_path).size;
    } catch {
      throw new AppError('NOT_FOUND', 'The result of this batch job is no longer in the data folder.');
    }
    const pdf = row.output_kind === 'sheet';
    return {
      file: row.output_path,
      size,
      fileName: `qrdesk-${row.id.replace(/[^A-Za-z0-9_-]/g, '_')}.${pdf ? 'pdf' : 'zip'}`,
      mediaType: pdf ? 'application/pdf' : 'application/zip',
    };
  }

  /** The failed rows as CSV, every cell formula-safe; streamed page by page. */
  report(id: string): Readable {
    this.row(id);
    const jobs = this.jobs;
    async function* lines() {
      let after = 0;
      let first = true;
      for (;;) {
        const page = jobs.failuresAfter(id, after, REPORT_PAGE);
        const csv = reportToCsv({ problems: page.map((p) => p.problem) });
        // reportToCsv writes the header each time: keep the first.
        yield first ? csv : csv.slice(csv.indexOf('\r\n') + 2);
        first = false;
        if (page.length < REPORT_PAGE) return;
        after = page[page.length - 1]!.seq;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    return Readable.from(lines(), { objectMode: false });
  }

  /** Events of one job: `progress` while it runs, then `done` once (at once for a finished job). */
  subscribe(id: string, listener: (event: BatchEvent) => void): () => void {
    const row = this.row(id);
    if (FINISHED_STATUSES.includes(row.status as BatchJobStatus)) {
      listener({ type: 'done', job: this.toJob(row) });
      return () => undefined;
    }
    let set = this.listeners.get(id);
    if (!set) this.listeners.set(id, (set = new Set()));
    set.add(listener);
    if (this.running?.id === id) listener({ type: 'progress', data: this.progressEvent(this.running) });
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(id);
    };
  }

  private progressEvent(run: Running): BatchProgressEvent {
    const { total, processed, failed } = run.counts;
    return { processed, failed, total, eta: this.eta(total, processed, run.startedAt) };
  }

  private publish(id: string, event: BatchEvent): void {
    for (const listener of [...(this.listeners.get(id) ?? [])]) listener(event);
  }

  private publishDone(id: string): void {
    const row = this.jobs.find(id);
    if (row) this.publish(id, { type: 'done', job: this.toJob(row) });
    this.listeners.delete(id);
  }

  /** The shared pool, with `size` workers (a pool of another size is replaced). */
  private poolFor(size: number): RenderPool {
    if (this.poolTimer) clearTimeout(this.poolTimer);
    this.poolTimer = null;
    if (this.pool && this.pool.size !== size) {
      void this.pool.close();
      this.pool = null;
    }
    return (this.pool ??= new RenderPool(size));
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const id = this.queue.shift();
    if (id === undefined) {
      if (this.pool && !this.poolTimer) {
        this.poolTimer = setTimeout(() => {
          const pool = this.pool;
          this.pool = null;
          this.poolTimer = null;
          void pool?.close();
        }, POOL_IDLE_MS);
        this.poolTimer.unref();
      }
      return;
    }
    const startedAt = this.now();
    if (!this.jobs.start(id, startedAt)) return this.pump();
    const row = this.jobs.find(id)!;
    let finish!: () => void;
    const run: Running = {
      id,
      startedAt,
      counts: { total: row.total, processed: 0, failed: 0 },
      stop: null,
      pending: [],
      written: 0,
      published: '',
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.running = run;
    this.flush(run);
    void this.execute(row, run)
      .catch((err: unknown) => this.deps.logger?.error({ err, batchId: id }, 'batch job bookkeeping failed'))
      .finally(() => {
        this.running = null;
        finish();
        this.publishDone(id);
        this.pump();
      });
  }

  /** Writes pending problems and progress, and tells subscribers (when something changed). */
  private flush(run: Running): void {
    try {
      const problems = run.pending.slice();
      this.jobs.addFailures(run.id, run.written + 1, problems);
      run.pending.splice(0, problems.length);
      run.written += problems.length;
      this.jobs.progress(run.id, run.counts.processed, run.counts.failed);
    } catch (err) {
      // Called from a timer: a write that fails (the disk is full) must not end the process. What was not
      // written stays pending for the next flush; the job goes on, or fails on its own output.
      this.deps.logger?.warn({ batchId: run.id, err: String(err) }, 'batch progress not written; will retry');
    }
    const event = this.progressEvent(run);
    const key = `${event.processed}/${event.failed}`;
    if (key !== run.published) {
      run.published = key;
      this.publish(run.id, { type: 'progress', data: event });
    }
  }

  private async execute(row: BatchJobRow, run: Running): Promise<void> {
    const { id } = row;
    const input = JSON.parse(row.request) as CreateBatchInput;
    const dir = this.jobDir(id);
    const file = path.join(dir, resultName(row.output_kind));
    let result: ExecuteResult;
    const timer = setInterval(() => this.flush(run), PROGRESS_INTERVAL_MS);
    timer.unref();
    try {
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const source = input.source.sourceId ? this.deps.sources.open(input.source.sourceId) : null;
      const plan = planBatch(input, source);
      const target: BatchTarget = row.output_kind === 'sheet' ? { kind: 'sheet', file } : { kind: 'zip', file };
      result = await executeBatch(
        plan,
        target,
        {
          pool: this.poolFor(poolSizeFor(input, this.deps.poolSize)),
          renderer: this.deps.renderer,
          logos: this.deps.logos,
          createCodes: (items) => this.deps.qrCodes.createMany(items),
        },
        {
          cancelled: () => run.stop !== null,
          onProgress: (counts) => (run.counts = counts),
          onProblems: (problems) => run.pending.push(...problems),
        },
      );
    } catch (err) {
      const message = isDiskFull(err) ? diskFull().message : err instanceof Error ? err.message : String(err);
      result = { ...run.counts, outcome: 'failed', made: 0, error: message };
    } finally {
      clearInterval(timer);
    }
    run.counts = { total: result.total, processed: result.processed, failed: result.failed };
    this.flush(run);

    let status: BatchJobStatus;
    let error: string | null = null;
    let outputPath: string | null = null;
    if (result.outcome === 'completed' && result.made === 0) {
      status = 'failed';
      error = `None of the ${result.processed} rows could be made; the report lists why.`;
    } else if (result.outcome === 'completed') {
      status = result.failed > 0 ? 'completed_with_errors' : 'completed';
      outputPath = file;
    } else if (result.outcome === 'cancelled') {
      status = run.stop === 'interrupted' ? 'interrupted' : 'cancelled';
      error = run.stop === 'interrupted' ? 'The server stopped while this job ran; run it again.' : null;
    } else {
      status = 'failed';
      // The output's own write failed: a full disk says so in words, not as ENOSPC.
      error = result.error && /\b(ENOSPC|EDQUOT)\b|disk is full/.test(result.error) ? diskFull().message : result.error;
    }
    if (!outputPath) await fs.promises.rm(dir, { recursive: true, force: true });
    for (;;) {
      try {
        this.jobs.finish(id, {
          status,
          processed: result.processed,
          failed: result.failed,
          outputPath,
          error,
          at: this.now(),
        });
        break;
      } catch (err) {
        // A full disk: the end is written once there is room again (the job shows as running meanwhile).
        // Stopping, or any other failure: the row stays as it was, the next start marks it interrupted,
        // and no result is left behind for a job whose row does not say complete.
        if (!isDiskFull(err) || this.closed) {
          await fs.promises.rm(dir, { recursive: true, force: true });
          throw err;
        }
        await new Promise((resolve) => setTimeout(resolve, FINISH_RETRY_MS));
      }
    }
    this.deps.logger?.info(
      { batchId: id, status, total: result.total, processed: result.processed, failed: result.failed },
      'batch job finished',
    );
  }

  /** Server shutdown: queued jobs and the running one are interrupted (cleanly), the workers stopped. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const id of this.queue.splice(0)) {
      this.jobs.finish(id, {
        status: 'interrupted',
        processed: 0,
        failed: 0,
        outputPath: null,
        error: 'The server stopped before this job started; run it again.',
        at: this.now(),
      });
      this.publishDone(id);
    }
    if (this.running) {
      this.running.stop ??= 'interrupted';
      await this.running.done;
    }
    if (this.poolTimer) clearTimeout(this.poolTimer);
    await this.pool?.close();
    this.pool = null;
    // Subscribers of jobs that never ran here (none should be left) are let go.
    for (const id of [...this.listeners.keys()]) this.publishDone(id);
  }
}
