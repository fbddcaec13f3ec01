import type http from 'node:http';
import Router from '@koa/router';
import type Koa from 'koa';
import type { Logger } from 'pino';
import { createBaseApp, type Lifecycle } from './base-app';
import type { AppState } from './context';
import { mountRoutes } from './mount-routes';
import { redirectFastPath, type FastPathStats } from './redirect-fast-path';
import { healthRoute } from './routes/health';
import { mountRedirects, RedirectCore, type RedirectDeps } from './routes/redirects';

/**
 * The public listener: what phones reach, directly or through a tunnel. It
 * serves nothing of the API, whatever key a request carries: it is given no
 * key service, so no route here can authenticate.
 */
export function createPublicApp(options: {
  logger: Logger;
  lifecycle: Lifecycle;
  redirects: RedirectCore;
}): Koa<AppState> {
  const router = new Router<AppState>();
  mountRoutes(router, [healthRoute]);
  mountRedirects(router, options.redirects);
  return createBaseApp({ ...options, listener: 'public' }, router);
}

export interface PublicListener {
  /** The request handler for the public node:http server. */
  handler: http.RequestListener;
  /** How many requests the fast path answered (the rest went through Koa). */
  stats: Readonly<FastPathStats>;
}

/**
 * The public app behind its fast path: scans of open URL codes are answered in
 * front of Koa (`redirect-fast-path.ts`), everything else by the Koa app. With
 * `fastPath: false` every request goes through Koa (tests compare the two).
 */
export function createPublicListener(options: {
  logger: Logger;
  lifecycle: Lifecycle;
  redirects: RedirectDeps;
  fastPath?: boolean;
}): PublicListener {
  const core = new RedirectCore(options.redirects);
  const koa = createPublicApp({ ...options, redirects: core }).callback();
  const stats: FastPathStats = { answered: 0 };
  if (options.fastPath === false) return { handler: koa, stats };
  const fast = redirectFastPath(core, { lifecycle: options.lifecycle, stats });
  return {
    handler: (req, res) => {
      if (!fast(req, res)) void koa(req, res);
    },
    stats,
  };
}
