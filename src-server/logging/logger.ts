import path from 'node:path';
import pino, { type Logger } from 'pino';
import pinoRoll from 'pino-roll';

export interface LogOptions {
  /** Also write JSON lines to stdout (the CLI does; tests do not). */
  stdout?: boolean;
  level?: pino.LevelWithSilent;
}

/**
 * Paths whose values never reach a log line, even if a future caller passes
 * a header bag or a request body to the logger by mistake.
 */
const REDACT = [
  'key',
  'apiKey',
  'token',
  'password',
  'secret',
  'authorization',
  '*.key',
  '*.apiKey',
  '*.token',
  '*.password',
  '*.secret',
  '*.authorization',
  '*.headers.authorization',
  '*.headers.cookie',
];

export interface AppLogger {
  logger: Logger;
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

/** Log lines kept in memory while a log file cannot be written (disk full); past this, new lines are dropped. */
const LOG_BACKLOG_BYTES = 8 * 1024 * 1024;
/** How long close() waits for the log file to flush before giving up on it (it may be on a full disk). */
const CLOSE_WAIT_MS = 2_000;

/**
 * A log stream that cannot write (a full disk, a closed stdout pipe) must not
 * take the server down: SonicBoom emits 'error', and an 'error' with no
 * listener would end the process. It keeps the unwritten lines (up to
 * LOG_BACKLOG_BYTES) and retries them with the next line; the first failure
 * of a run of failures is said once on stderr.
 */
function survive(stream: pino.DestinationStream & NodeJS.EventEmitter, what: string): void {
  let failing = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (failing) return;
    failing = true;
    try {
      process.stderr.write(`qrdesk: cannot write ${what} (${err.code ?? err.message}); log lines may be lost\n`);
    } catch {
      // stderr is gone too: nothing left to tell
    }
  });
  stream.on('write', () => (failing = false));
}

/** JSON logs to stdout and to `DATA_DIR/logs/qrdesk.log`, rotated at 10 MB, five files kept. */
export async function createLogger(dataDir: string, options: LogOptions = {}): Promise<AppLogger> {
  const file = await pinoRoll({
    file: path.join(dataDir, 'logs', 'qrdesk'),
    extension: '.log',
    size: '10m',
    limit: { count: 5 },
    mkdir: true,
    maxLength: LOG_BACKLOG_BYTES,
  });
  survive(file, 'the log file');
  // Each stream takes what the logger lets through (a multistream entry defaults to info otherwise).
  const level = options.level ?? 'info';
  const streamLevel: pino.Level = level === 'silent' ? 'fatal' : level;
  const streams: pino.StreamEntry[] = [{ level: streamLevel, stream: file }];
  if (options.stdout) {
    const stdout = pino.destination({ fd: 1, sync: false, maxLength: LOG_BACKLOG_BYTES });
    survive(stdout, 'the log to stdout');
    streams.push({ level: streamLevel, stream: stdout });
  }
  const logger = pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream(streams),
  );
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        // Lines that cannot be written (a full disk) must not hold the shutdown: give up after a moment.
        const timer = setTimeout(() => {
          file.destroy();
          resolve();
        }, CLOSE_WAIT_MS);
        timer.unref();
        file.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        try {
          logger.flush();
          file.end();
        } catch {
          file.destroy();
        }
      }),
  };
}
