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

/** JSON logs to stdout and to `DATA_DIR/logs/qrdesk.log`, rotated at 10 MB, five files kept. */
export async function createLogger(dataDir: string, options: LogOptions = {}): Promise<AppLogger> {
  const file = await pinoRoll({
    file: path.join(dataDir, 'logs', 'qrdesk'),
    extension: '.log',
    size: '10m',
    limit: { count: 5 },
    mkdir: true,
  });
  // Each stream takes what the logger lets through (a multistream entry defaults to info otherwise).
  const level = options.level ?? 'info';
  const streamLevel: pino.Level = level === 'silent' ? 'fatal' : level;
  const streams: pino.StreamEntry[] = [{ level: streamLevel, stream: file }];
  if (options.stdout) streams.push({ level: streamLevel, stream: pino.destination({ fd: 1, sync: false }) });
  const logger = pino(
    { level, redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream(streams),
  );
  return {
    logger,
    close: () =>
      new Promise<void>((resolve) => {
        logger.flush();
        file.once('close', () => resolve());
        file.end();
      }),
  };
}
