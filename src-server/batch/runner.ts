import type { RenderPool } from './render-pool';
import type { RenderTask } from './render-task';
import type { OutputSink } from './output-sinks';

/** One item of a batch, ready to render: its task and the base file name it was given. */
export interface PreparedItem {
  /** 1-based data row of the source (for reports). */
  row: number;
  /** Unique base name, without extension. */
  fileBase: string;
  task: RenderTask;
}

export interface ItemFailure {
  row: number;
  message: string;
}

export interface BatchProgress {
  processed: number;
  failed: number;
  total: number;
}

export interface RunOptions {
  total: number;
  /** Told after every item; the caller decides how often to persist or publish. */
  onProgress?: (progress: BatchProgress) => void;
  /** Checked between items: a cancelled batch stops feeding the pool and aborts its output. */
  cancelled?: () => boolean;
  /** Items rendered at once: enough to keep every worker busy, few enough to keep memory flat. */
  inFlight?: number;
}

export type RunResult =
  | { outcome: 'completed'; progress: BatchProgress; failures: ItemFailure[] }
  | { outcome: 'cancelled'; progress: BatchProgress; failures: ItemFailure[] }
  | { outcome: 'failed'; progress: BatchProgress; failures: ItemFailure[]; error: string };

/**
 * Renders a stream of items through the pool into a sink. Items run a few at
 * a time (back-pressure on both the pool and the sink, so a 100,000-row batch
 * never holds more than a handful of files in memory); files are written in
 * row order as they complete. An item that fails to render or to verify is
 * recorded with its row and the batch goes on; an output that fails (disk
 * full) stops the batch and removes the partial output.
 */
export async function runBatch(
  items: AsyncIterable<PreparedItem> | Iterable<PreparedItem>,
  pool: RenderPool,
  sink: OutputSink,
  options: RunOptions,
): Promise<RunResult> {
  const progress: BatchProgress = { processed: 0, failed: 0, total: options.total };
  const failures: ItemFailure[] = [];
  const inFlight = Math.max(1, options.inFlight ?? 8);
  const pending: { item: PreparedItem; outcome: ReturnType<RenderPool['run']> }[] = [];

  const settleOldest = async () => {
    const { item, outcome } = pending.shift()!;
    const result = await outcome;
    if (!result.ok) {
      failures.push({ row: item.row, message: result.error });
      progress.failed++;
    } else if (result.verified === false) {
      failures.push({ row: item.row, message: 'The rendered code did not decode to its content; not written' });
      progress.failed++;
    } else {
      for (const file of result.files) await sink.add(`${item.fileBase}.${file.extension}`, file.bytes);
    }
    progress.processed++;
    options.onProgress?.({ ...progress });
  };

  try {
    for await (const item of items) {
      if (options.cancelled?.()) break;
      pending.push({ item, outcome: pool.run(item.task) });
      if (pending.length >= inFlight) await settleOldest();
    }
    while (pending.length && !options.cancelled?.()) await settleOldest();
    if (options.cancelled?.()) {
      // Let running items finish so no worker is left busy with work nobody wants.
      await Promise.allSettled(pending.map((p) => p.outcome));
      await sink.abort();
      return { outcome: 'cancelled', progress, failures };
    }
    await sink.finish();
    return { outcome: 'completed', progress, failures };
  } catch (err) {
    await Promise.allSettled(pending.map((p) => p.outcome));
    await sink.abort().catch(() => undefined);
    return { outcome: 'failed', progress, failures, error: err instanceof Error ? err.message : String(err) };
  }
}
