import Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createBaseApp, type Lifecycle } from './base-app';
import type { AppState } from './context';
import { mountRoutes } from './mount-routes';
import { healthRoute } from './routes/health';
import { mountRedirects, type RedirectDeps } from './routes/redirects';

/**
 * The public listener: what phones reach, directly or through a tunnel. It
 * serves nothing of the API, whatever key a request carries: it is given no
 * key service, so no route here can authenticate.
 */
export function createPublicApp(options: {
  logger: Logger;
  lifecycle: Lifecycle;
  redirects: RedirectDeps;
}): Koa<AppState> {
  const router = new Router<AppState>();
  mountRoutes(router, [healthRoute]);
  mountRedirects(router, options.redirects);
  return createBaseApp({ ...options, listener: 'public' }, router);
}
