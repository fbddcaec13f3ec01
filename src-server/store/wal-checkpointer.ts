import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Db } from './database';

export interface WalCheckpointerOptions {
  /** How often the worker checkpoints (default 100 ms). */
  intervalMs?: number;
  /**
   * WAL frames (pages) left after the worker's passive checkpoints above which it forces a
   * RESTART checkpoint, which waits for the writer, so the log starts over (default 8192, 32 MiB).
   */
  maxFrames?: number;
  /** The WAL file is cut back to this size when it starts over (default 16 MiB). */
  sizeLimitBytes?: number;
}

export interface CheckpointStats {
  /** Checkpoint rounds run by the worker. */
  rounds: number;
  /** Rounds that had to force a RESTART because the log stayed above maxFrames. */
  restarts: number;
  /** WAL frames after the last round, and how many of them were in the database file by then. */
  lastLog: number;
  lastCheckpointed: number;
  /** The most WAL frames any round began with. */
  maxLog: number;
}

interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

type WorkerMessage =
  { type: 'round'; result: CheckpointResult; seen: number; restarted: boolean } | { type: 'error'; message: string };

// The worker, as CommonJS source: a separate file would need its own entry point in every build
// (the server bundle, electron-vite), and this is all it does. Its own connection checkpoints the
// WAL the server's connection appends to, so the copying and the fsyncs happen off the event loop.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// RESTART waits for the server's writer and for readers through this; short, so a reader that
// stays (another process's long query) holds the server's writes back briefly, not for seconds.
db.pragma('busy_timeout = 100');
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
let timer;
function round() {
  try {
    // PASSIVE never waits for the writer, and copies the frames committed before it began.
    // Passes repeat until one finds nothing new (each copies only what the server committed
    // during the last, so they get quick): then the log is fully in the database file, and the
    // server's next commit starts it over from the beginning instead of appending. Under steady
    // load this keeps the log short without ever holding the server's writes back.
    let result = checkpoint('PASSIVE');
    const seen = result.log;
    for (let i = 0; i < 20; i++) {
      const again = checkpoint('PASSIVE');
      const settled = again.log === result.log && again.checkpointed === again.log;
      result = again;
      if (settled || again.busy !== 0) break;
    }
    let restarted = false;
    if (result.log > workerData.maxFrames) {
      // Never caught up: wait for the writer (briefly) and make the log start over.
      result = checkpoint('RESTART');
      restarted = true;
    }
    parentPort.postMessage({ type: 'round', result, seen, restarted });
  } catch (err) {
    parentPort.postMessage({ type: 'error', message: String(err && err.message || err) });
  }
  timer = setTimeout(round, workerData.intervalMs);
}
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearTimeout(timer);
  db.close();
  parentPort.close();
});
timer = setTimeout(round, workerData.intervalMs);
`;

/**
 * Checkpoints the server's WAL from a worker thread instead of on the commit
 * that crosses SQLite's autocheckpoint threshold: that commit ran on the event
 * loop and held every redirect waiting on it for the copy and two fsyncs. Once
 * started (`start()`, when scans begin to flow: an idle server keeps SQLite's
 * own checkpoints and no worker's memory), the server's connection gets
 * `wal_autocheckpoint = 0`, and the worker checkpoints on a timer and forces
 * the log to start over when it passes `maxFrames`. If the worker cannot run,
 * the connection's autocheckpoint comes back. `stop()` ends the worker;
 * Store.close() then does the final TRUNCATE checkpoint.
 */
export class WalCheckpointer {
  readonly stats: CheckpointStats = { rounds: 0, restarts: 0, lastLog: 0, lastCheckpointed: 0, maxLog: 0 };
  private worker: Worker | undefined;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private exited: Promise<void> = Promise.resolve();
  private autocheckpoint = 1000;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: WalCheckpointerOptions = {},
  ) {}

  /** Starts the worker; later calls do nothing (cheap enough to call on every batch of scans). */
  start(): void {
    if (this.state !== 'idle') return;
    this.state = 'running';
    const { db, logger, options } = this;
    if (!db.open || db.memory || (db.pragma('journal_mode', { simple: true }) as string) !== 'wal') return;
    this.autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number;
    let worker: Worker;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: createRequire(import.meta.url).resolve('better-sqlite3'),
          file: db.name,
          intervalMs: options.intervalMs ?? 100,
          maxFrames: options.maxFrames ?? 8192,
        },
      });
    } catch (err) {
      logger.warn({ err }, 'WAL checkpoint worker not started; checkpointing on commits');
      return;
    }
    this.worker = worker;
    db.pragma(`journal_size_limit = ${options.sizeLimitBytes ?? 16 * 1024 * 1024}`);
    db.pragma('wal_autocheckpoint = 0');
    worker.unref();
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'round') {
        this.stats.rounds += 1;
        if (message.restarted) this.stats.restarts += 1;
        this.stats.lastLog = message.result.log;
        this.stats.lastCheckpointed = message.result.checkpointed;
        this.stats.maxLog = Math.max(this.stats.maxLog, message.seen);
      } else if (message.type === 'error') {
        this.logger.warn({ err: message.message }, 'WAL checkpoint failed; will retry');
      }
    });
    this.exited = new Promise((resolve) => {
      worker.once('error', (err) => this.logger.error({ err }, 'WAL checkpoint worker failed'));
      worker.once('exit', () => {
        // Gone while the server still writes (a crash, not stop()): commits checkpoint again.
        if (this.worker && this.db.open) this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
        this.worker = undefined;
        resolve();
      });
    });
  }

  /** Whether checkpoints run in the worker (false: on commits, as SQLite does by default). */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Ends the worker (a round in progress finishes first); the caller closes the database after. */
  async stop(): Promise<void> {
    this.state = 'stopped';
    const worker = this.worker;
    if (!worker) return this.exited;
    this.worker = undefined;
    // Unref'd while it runs; now its exit is awaited, so it must hold the process until then.
    worker.ref();
    worker.postMessage('stop');
    await this.exited;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
  }
}
