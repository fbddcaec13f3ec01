import type { Logger } from 'pino';
import type { AppMiddleware } from '../context';

/** One log line per request: no query string, no headers, so nothing secret can slip in. */
export function accessLog(logger: Logger, listener: 'api' | 'public'): AppMiddleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logger.info(
        {
          listener,
          requestId: ctx.state.requestId,
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round((performance.now() - started) * 10) / 10,
          keyId: ctx.state.key?.id,
        },
        'request',
      );
    }
  };
}
