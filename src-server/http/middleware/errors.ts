import type { Logger } from 'pino';
import { codesForStatus, ERROR_CODES, type ErrorCode, type ErrorEnvelope } from '../../../src-shared/errors';
import { AppError, isDiskFull } from '../../errors';
import type { AppContext, AppMiddleware } from '../context';

/** The code for an error Koa or its helpers raise with a bare status. */
const codeForStatus = (status: number): ErrorCode => codesForStatus(status)[0] ?? 'VALIDATION_ERROR';

function send(ctx: AppContext, status: number, code: ErrorCode, message: string, details?: AppError['details']) {
  const body: ErrorEnvelope = { error: { code, message, ...(details?.length ? { details } : {}) } };
  ctx.status = status;
  ctx.body = body;
}

/**
 * Turns every failure into the documented envelope. Unknown errors become a
 * 500 whose message is generic: the stack goes to the log under the request
 * id, never to the client.
 */
export function errorEnvelope(logger: Logger): AppMiddleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body == null && ctx.status === 404) {
        send(ctx, 404, 'NOT_FOUND', `No route for ${ctx.method} ${ctx.path}`);
      } else if (ctx.body == null && (ctx.status === 405 || ctx.status === 501)) {
        // The router's allowedMethods(): the path exists, not with this method (501 when no route
        // anywhere uses the method). Both are the caller's mistake; Allow lists what would work.
        const allow = ctx.response.get('Allow');
        send(
          ctx,
          405,
          'METHOD_NOT_ALLOWED',
          `${ctx.method} is not allowed on ${ctx.path}${allow ? `; allowed: ${allow}` : ''}.`,
        );
      }
    } catch (err) {
      if (err instanceof AppError) {
        if (err.headers) ctx.set(err.headers);
        send(ctx, err.status, err.code, err.message, err.details);
        return;
      }
      const status = (err as { status?: unknown }).status;
      const expose = (err as { expose?: unknown }).expose === true;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        const code = codeForStatus(status);
        if (status === 405) {
          const allow = (err as { headers?: Record<string, string> }).headers?.Allow;
          if (allow) ctx.set('Allow', allow);
        }
        send(ctx, status, code, expose ? (err as Error).message : ERROR_CODES[code].description);
        return;
      }
      if (isDiskFull(err)) {
        // Not a bug: the request's transaction was rolled back, and the same request works once there is room.
        logger.error({ code: (err as { code: string }).code, requestId: ctx.state.requestId }, 'disk full');
        send(ctx, 507, 'INSUFFICIENT_STORAGE', ERROR_CODES.INSUFFICIENT_STORAGE.description);
        return;
      }
      logger.error({ err, requestId: ctx.state.requestId }, 'unhandled error');
      send(
        ctx,
        500,
        'INTERNAL_ERROR',
        `Internal error; the server log has details under request id ${ctx.state.requestId}.`,
      );
    }
  };
}
