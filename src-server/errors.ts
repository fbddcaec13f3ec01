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
