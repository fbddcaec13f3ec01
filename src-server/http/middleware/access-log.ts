import type { Logger } from 'pino';
import type { AppMiddleware } from '../context';

/**
 * One log line per request: no query string, no headers, so nothing secret can
 * slip in. Public requests (scans, thousands a second at peak, each already a
 * row in the database) log at debug level; failures always log.
 */
export function accessLog(logger: Logger, listener: 'api' | 'public'): AppMiddleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      const level = listener === 'public' && ctx.status < 500 ? 'debug' : 'info';
      logger[level](
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
