import { randomUUID } from 'node:crypto';
import type { AppMiddleware } from '../context';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The caller's X-Request-Id when it is safe to echo, a new UUID otherwise. */
export const requestIdFor = (offered: string | undefined): string =>
  offered !== undefined && SAFE_REQUEST_ID.test(offered) ? offered : randomUUID();

/** Tags every request with an id (the caller's, when it is safe to echo) and returns it as X-Request-Id. */
export const requestId: AppMiddleware = async (ctx, next) => {
  ctx.state.requestId = requestIdFor(ctx.get('X-Request-Id'));
  ctx.set('X-Request-Id', ctx.state.requestId);
  await next();
};
