import type Koa from 'koa';
import type { AuthenticatedKey } from '../services/api-keys';

/** What our middleware keeps on `ctx.state`. */
export interface AppState {
  requestId: string;
  key?: AuthenticatedKey;
}

export type AppContext = Koa.ParameterizedContext<AppState>;
export type AppMiddleware = Koa.Middleware<AppState>;
