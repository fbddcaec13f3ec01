import Router from '@koa/router';
import Koa from 'koa';
import type { Logger } from 'pino';
import type { AppState } from './context';
import { accessLog } from './middleware/access-log';
import { errorEnvelope } from './middleware/errors';
import { hostOriginGuard } from './middleware/host-origin-guard';
import { requestId } from './middleware/request-id';
import { securityHeaders } from './middleware/security-headers';
import { mountRoutes, type MountDeps } from './mount-routes';
import type { Route } from './route';
import { mountStaticFiles } from './routes/static-files';

export interface ApiAppOptions extends MountDeps {
  logger: Logger;
  routes: readonly Route[];
  uiDir: string;
  /** Read per request: the allow-lists are only known once the ports are bound. */
  allowed: () => { hosts: ReadonlySet<string>; origins: ReadonlySet<string> };
  openApiDocument: () => unknown;
}

/** The API listener: the v1 API, /openapi.json, /docs, /health and the UI's files. */
export function createApiApp(options: ApiAppOptions): Koa<AppState> {
  // No app.proxy: forwarded headers are never believed on the API listener.
  const app = new Koa<AppState>();
  app.silent = true;
  const router = new Router<AppState>();
  mountRoutes(router, options.routes, options);
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = options.openApiDocument();
  });
  mountStaticFiles(router, options.uiDir);

  app
    .use(requestId)
    .use(accessLog(options.logger, 'api'))
    .use(errorEnvelope(options.logger))
    .use(securityHeaders)
    .use(hostOriginGuard(options.allowed))
    .use(router.routes())
    // Not `throw: true`: thrown errors lose the Allow header a 405 must carry; errorEnvelope
    // turns the router's bare 405/501 into the envelope.
    .use(router.allowedMethods());
  return app;
}
