import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RenderOutcome, RenderTask } from './render-task';

/**
 * The worker to start: the bundled `render-worker.js` next to the server
 * bundle in production, or the TypeScript source through tsx when running
 * from source (tests, benchmarks).
 */
function workerEntry(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return fromSource
    ? { url: new URL('./render-worker.ts', import.meta.url), execArgv: ['--import', import.meta.resolve('tsx')] }
    : { url: new URL('./render-worker.js', import.meta.url), execArgv: [] };
}

interface Pending {
  task: RenderTask;
  resolve: (o: RenderOutcome) => void;
}

interface Slot {
  worker: Worker;
  /** Tasks sent to the worker, oldest first; it answers them in order. */
  busy: Pending[];
}

/**
 * Tasks a worker holds at once: it starts the next as soon as one is done,
 * without waiting for this thread to hand it one (this thread may be busy
 * drawing a label sheet or writing an archive).
 */
const PER_WORKER = 2;

/**
 * Renders batch items on worker threads, one per core by default, so a batch
 * uses the whole machine while the server's own thread stays free for
 * redirects and the API. Tasks queue; each worker holds two and renders them in turn. A
 * worker that dies fails its task (with the reason) and is replaced.
 */
export class RenderPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private closed = false;

  constructor(size = os.availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const { url, execArgv } = workerEntry();
    const slot: Slot = { worker: new Worker(url, { execArgv }), busy: [] };
    slot.worker.on('message', (outcome: RenderOutcome) => {
      const done = slot.busy.shift();
      if (slot.busy.length === 0) slot.worker.unref();
      done?.resolve(outcome);
      this.pump();
    });
    slot.worker.on('error', (err) => this.replace(slot, err.message));
    slot.worker.on('exit', (code) => {
      if (!this.closed) this.replace(slot, `the render worker stopped (exit code ${code})`);
    });
    // An idle worker must not keep the process alive; a busy one does (see pump).
    slot.worker.unref();
    return slot;
  }

  private replace(slot: Slot, reason: string): void {
    for (const busy of slot.busy.splice(0)) busy.resolve({ id: busy.task.id, ok: false, error: reason });
    const index = this.slots.indexOf(slot);
    if (index >= 0 && !this.closed) {
      void slot.worker.terminate();
      this.slots[index] = this.spawn();
      this.pump();
    }
  }

  private pump(): void {
    // Fill every worker's first place before any second one, so a short queue is spread over all cores.
    for (let depth = 1; depth <= PER_WORKER; depth++) {
      for (const slot of this.slots) {
        if (slot.busy.length >= depth || this.queue.length === 0) continue;
        const next = this.queue.shift()!;
        slot.busy.push(next);
        slot.worker.ref();
        slot.worker.postMessage(next.task);
      }
    }
  }

  /** Worker threads. */
  get size(): number {
    return this.slots.length;
  }

  /** Tasks waiting for a worker, for back-pressure: a job feeds the pool only while this is small. */
  get waiting(): number {
    return this.queue.length;
  }

  run(task: RenderTask): Promise<RenderOutcome> {
    if (this.closed) return Promise.resolve({ id: task.id, ok: false, error: 'the render pool is closed' });
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const pending of this.queue.splice(0)) {
      pending.resolve({ id: pending.task.id, ok: false, error: 'the render pool closed' });
    }
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
