import Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createBaseApp, type Lifecycle } from './base-app';
import type { AppState } from './context';
import { mountRoutes } from './mount-routes';
import { healthRoute } from './routes/health';

/**
 * The public listener: what phones reach, directly or through a tunnel. It
 * serves nothing of the API, whatever key a request carries: it is given no
 * key service, so no route here can authenticate.
 */
export function createPublicApp(options: { logger: Logger; lifecycle: Lifecycle }): Koa<AppState> {
  const router = new Router<AppState>();
  mountRoutes(router, [healthRoute]);
  return createBaseApp({ ...options, listener: 'public' }, router);
}
