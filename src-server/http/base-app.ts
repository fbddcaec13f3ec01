import type Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { AppMiddleware, AppState } from './context';
import { accessLog } from './middleware/access-log';
import { errorEnvelope } from './middleware/errors';
import { requestId } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { unreadBody } from './middleware/unread-body';

/** Shared by both listeners; `stopping` turns true when the server begins to shut down. */
export interface Lifecycle {
  stopping: boolean;
}

export interface BaseAppOptions {
  logger: Logger;
  listener: 'api' | 'public';
  lifecycle: Lifecycle;
  /** Checks that run after the error envelope is in place and before any route. */
  guards?: AppMiddleware[];
}

/**
 * The middleware stack both listeners share. No `app.proxy`: forwarded headers
 * are never believed here.
 */
export function createBaseApp(options: BaseAppOptions, router: Router<AppState>): Koa<AppState> {
  const app = new Koa<AppState>();
  app.silent = true;
  // unreadBody outermost after the request id: it sees the final answer, errors included.
  app.use(requestId).use(unreadBody);
  app.use(async (ctx, next) => {
    await next();
    // While shutting down, answer in-flight requests and then let their connections go,
    // instead of holding keep-alive sockets open until they time out.
    if (options.lifecycle.stopping) ctx.set('Connection', 'close');
  });
  app.use(accessLog(options.logger, options.listener)).use(errorEnvelope(options.logger)).use(securityHeaders);
  for (const guard of options.guards ?? []) app.use(guard);
  // Not `allowedMethods({ throw: true })`: thrown errors lose the Allow header a 405 must carry;
  // errorEnvelope turns the router's bare 405/501 into the envelope.
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
