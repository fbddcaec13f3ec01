import type Koa from 'koa';
import type { Logger } from 'pino';
import type { AuthenticatedKey } from '../services/api-keys';

/** What our middleware keeps on `ctx.state`. */
export interface AppState {
  requestId: string;
  key?: AuthenticatedKey;
  /** Parsed JSON body; undefined when the request had none. */
  body?: unknown;
}

export type AppContext = Koa.ParameterizedContext<AppState>;
export type AppMiddleware = Koa.Middleware<AppState>;

export interface HttpDeps {
  logger: Logger;
}
