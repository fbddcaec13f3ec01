import Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createBaseApp, type Lifecycle } from './base-app';
import type { AppState } from './context';
import { hostOriginGuard } from './middleware/host-origin-guard';
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
  lifecycle: Lifecycle;
}

/** The API listener: the v1 API, /openapi.json, /docs, /health and the UI's files. */
export function createApiApp(options: ApiAppOptions): Koa<AppState> {
  const router = new Router<AppState>();
  mountRoutes(router, options.routes, options);
  router.get('/openapi.json', (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = options.openApiDocument();
  });
  mountStaticFiles(router, options.uiDir);
  return createBaseApp(
    {
      logger: options.logger,
      lifecycle: options.lifecycle,
      listener: 'api',
      guards: [hostOriginGuard(options.allowed)],
    },
    router,
  );
}
