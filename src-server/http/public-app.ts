import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { AppState } from './context';
import { accessLog } from './middleware/access-log';
import { errorEnvelope } from './middleware/errors';
import { requestId } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { mountRoutes, type MountDeps } from './mount-routes';
import { healthRoute } from './routes/health';

/**
 * The public listener: what phones reach, directly or through a tunnel. It
 * serves nothing of the API, whatever key a request carries.
 */
export function createPublicApp(options: MountDeps & { logger: Logger }): Koa<AppState> {
  const app = new Koa<AppState>();
  app.silent = true;
  const router = new Router<AppState>();
  mountRoutes(router, [healthRoute], options);
  app
    .use(requestId)
    .use(accessLog(options.logger, 'public'))
    .use(errorEnvelope(options.logger))
    .use(securityHeaders)
    .use(router.routes())
    // Not `throw: true`: thrown errors lose the Allow header a 405 must carry; errorEnvelope
    // turns the router's bare 405/501 into the envelope.
    .use(router.allowedMethods());
  return app;
}
