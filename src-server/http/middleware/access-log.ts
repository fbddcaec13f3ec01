import type { Logger } from 'pino';
import type { AppMiddleware } from '../context';

export interface AccessLogEntry {
  requestId: string;
  method: string;
  /** The path without its query string: queries can carry secrets. */
  path: string;
  status: number;
  /** `performance.now()` when the request arrived. */
  started: number;
  keyId?: string;
}

/**
 * One log line per request: no query string, no headers, so nothing secret can
 * slip in. Public requests (scans, thousands a second at peak, each already a
 * row in the database) log at debug level; failures always log.
 */
export function logRequest(logger: Logger, listener: 'api' | 'public', entry: AccessLogEntry): void {
  const level = listener === 'public' && entry.status < 500 ? 'debug' : 'info';
  // Checked first: at the default level a scan's line costs nothing, not even its object.
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      listener,
      requestId: entry.requestId,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      ms: Math.round((performance.now() - entry.started) * 10) / 10,
      keyId: entry.keyId,
    },
    'request',
  );
}

export function accessLog(logger: Logger, listener: 'api' | 'public'): AppMiddleware {
  return async (ctx, next) => {
    const started = performance.now();
    try {
      await next();
    } finally {
      logRequest(logger, listener, {
        requestId: ctx.state.requestId,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        started,
        keyId: ctx.state.key?.id,
      });
    }
  };
}
