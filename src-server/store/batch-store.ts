import type { BatchProblem } from '../../src-shared/schemas/batches';
import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface BatchJobRow {
  id: string;
  status: string;
  kind: string;
  /** The validated CreateBatchInput, as JSON. */
  request: string;
  total: number;
  processed: number;
  failed: number;
  output_kind: string;
  /** The result once complete; null before and after a failure. */
  output_path: string | null;
  error: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
}

interface FailureRow {
  seq: number;
  row_no: number | null;
  line_no: number | null;
  column_name: string | null;
  column_index: number | null;
  field: string | null;
  message: string;
}

/** Data access for batch jobs and the rows they could not make. */
export class BatchJobStore {
  private readonly stmts;
  private readonly insertFailures: (jobId: string, from: number, problems: readonly BatchProblem[]) => void;

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO batch_jobs
           (id, status, kind, request, total, processed, failed, output_kind, output_path, error, created_at, started_at, finished_at)
         VALUES
           (@id, @status, @kind, @request, @total, @processed, @failed, @output_kind, @output_path, @error, @created_at, @started_at, @finished_at)`,
      ),
      byId: db.prepare<[string], BatchJobRow>('SELECT * FROM batch_jobs WHERE id = ?'),
      firstPage: db.prepare<[number], BatchJobRow>(
        'SELECT * FROM batch_jobs ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      nextPage: db.prepare<[number, string, number], BatchJobRow>(
        'SELECT * FROM batch_jobs WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      unfinished: db.prepare<[], BatchJobRow>(
        "SELECT * FROM batch_jobs WHERE status IN ('queued', 'running') ORDER BY created_at, id",
      ),
      start: db.prepare<[number, string]>(
        "UPDATE batch_jobs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'",
      ),
      progress: db.prepare<[number, number, string]>('UPDATE batch_jobs SET processed = ?, failed = ? WHERE id = ?'),
      finish: db.prepare(
        `UPDATE batch_jobs SET status = @status, processed = @processed, failed = @failed, output_path = @output_path,
           error = @error, finished_at = @finished_at
         WHERE id = @id`,
      ),
      remove: db.prepare<[string]>('DELETE FROM batch_jobs WHERE id = ?'),
      insertFailure: db.prepare(
        `INSERT INTO batch_job_failures (job_id, seq, row_no, line_no, column_name, column_index, field, message)
         VALUES (@job_id, @seq, @row_no, @line_no, @column_name, @column_index, @field, @message)`,
      ),
      failuresAfter: db.prepare<[string, number, number], FailureRow>(
        `SELECT seq, row_no, line_no, column_name, column_index, field, message FROM batch_job_failures
         WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
      ),
      failureCount: db.prepare<[string], { n: number }>(
        'SELECT COUNT(*) AS n FROM batch_job_failures WHERE job_id = ?',
      ),
    };
    this.insertFailures = db.transaction((jobId: string, from: number, problems: readonly BatchProblem[]) => {
      problems.forEach((p, i) =>
        this.stmts.insertFailure.run({
          job_id: jobId,
          seq: from + i,
          row_no: p.row,
          line_no: p.line,
          column_name: p.column,
          column_index: p.columnIndex,
          field: p.field,
          message: p.message,
        }),
      );
    });
  }

  insert(row: BatchJobRow): void {
    this.stmts.insert.run(row);
  }

  find(id: string): BatchJobRow | undefined {
    return this.stmts.byId.get(id);
  }

  listPage(limit: number, after?: PageCursor): BatchJobRow[] {
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  /** Jobs left queued or running (by a server that stopped without finishing them). */
  unfinished(): BatchJobRow[] {
    return this.stmts.unfinished.all();
  }

  /** queued → running; false when the job is no longer queued (cancelled meanwhile). */
  start(id: string, at: number): boolean {
    return this.stmts.start.run(at, id).changes > 0;
  }

  progress(id: string, processed: number, failed: number): void {
    this.stmts.progress.run(processed, failed, id);
  }

  finish(
    id: string,
    end: {
      status: string;
      processed: number;
      failed: number;
      outputPath: string | null;
      error: string | null;
      at: number;
    },
  ): void {
    this.stmts.finish.run({
      id,
      status: end.status,
      processed: end.processed,
      failed: end.failed,
      output_path: end.outputPath,
      error: end.error,
      finished_at: end.at,
    });
  }

  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes > 0;
  }

  /** Appends problems; `from` is the sequence number of the first (one more than the last written). */
  addFailures(jobId: string, from: number, problems: readonly BatchProblem[]): void {
    if (problems.length) this.insertFailures(jobId, from, problems);
  }

  /** Up to `limit` problems after sequence number `after` (0 for the first page), in the order found. */
  failuresAfter(jobId: string, after: number, limit: number): { seq: number; problem: BatchProblem }[] {
    return this.stmts.failuresAfter.all(jobId, after, limit).map((r) => ({
      seq: r.seq,
      problem: {
        row: r.row_no,
        line: r.line_no,
        column: r.column_name,
        columnIndex: r.column_index,
        field: r.field,
        message: r.message,
      },
    }));
  }

  failureCount(jobId: string): number {
    return this.stmts.failureCount.get(jobId)!.n;
  }
}
