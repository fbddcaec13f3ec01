import { ERROR_CODES, type ErrorCode, type ErrorDetail } from '../src-shared/errors';

/**
 * The one error type the server throws on purpose. The HTTP layer turns it into
 * the documented envelope with the status that belongs to its code; the CLI
 * prints its message.
 */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code].status;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);

/**
 * A write refused because the disk is full: SQLite's SQLITE_FULL, or the file
 * system's ENOSPC/EDQUOT from a file the server writes (uploads, batch
 * results). Not a bug: the same request works once there is room.
 */
export function isDiskFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT';
}

export const diskFull = () => new AppError('INSUFFICIENT_STORAGE', ERROR_CODES.INSUFFICIENT_STORAGE.description);
