import { createHash } from 'node:crypto';
import type Router from '@koa/router';
import { AppError } from '../errors';
import type { ApiKeyService } from '../services/api-keys';
import { scopeAllows } from '../../src-shared/schemas/api-keys';
import { IdempotencyService, type StoredResponse } from '../services/idempotency';
import type { RateLimits } from '../services/rate-limits';
import { validate } from '../validation';
import type { AppContext, AppState } from './context';
import { readJsonBody } from './middleware/json-body';
import { readUpload } from './middleware/upload-body';
import type { Route } from './route';

export interface MountDeps {
  apiKeys: ApiKeyService;
  rateLimits: RateLimits;
  idempotency: IdempotencyService;
}

/** Authenticates, rate-limits and meters one request; the headers go on the response whatever follows. */
async function admit(ctx: AppContext, route: Route, deps: MountDeps) {
  const key = deps.apiKeys.authenticate(ctx.get('Authorization') || undefined);
  ctx.state.key = key;
  ctx.set(await deps.rateLimits.admit(key));
  if (route.auth !== 'any' && route.auth !== 'none' && !scopeAllows(key.scopes, route.auth)) {
    throw new AppError(
      'FORBIDDEN',
      `This operation needs the "${route.auth}" scope; the key has ${key.scopes.join(', ')}.`,
    );
  }
  return key;
}

/** Runs the handler once per Idempotency-Key: a retry gets the stored first response, marked as a replay. */
async function runOnce(
  deps: MountDeps,
  keyId: string,
  rawKey: string,
  ctx: AppContext,
  rawBody: unknown,
  run: () => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const idemKey = IdempotencyService.checkKey(rawKey);
  const stored = deps.idempotency.begin(keyId, idemKey, deps.idempotency.fingerprint(ctx.method, ctx.url, rawBody));
  if (stored) return { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } };
  let response: StoredResponse;
  try {
    response = await run();
  } catch (err) {
    deps.idempotency.release(keyId, idemKey);
    throw err;
  }
  deps.idempotency.complete(keyId, idemKey, response);
  return response;
}

/** Mounts each route on the router behind the one request pipeline: auth → limits → body → validation → handler. */
export function mountRoutes(router: Router<AppState>, routes: readonly Route[], deps?: MountDeps): void {
  for (const route of routes) {
    if (route.auth !== 'none' && !deps)
      throw new Error(`${route.operationId} needs a key, but this listener has no key service`);
    router[route.method](route.path, async (ctx) => {
      const key = route.auth === 'none' ? null : await admit(ctx, route, deps!);
      // Path and query first: a bad id or flag should not cost reading a 2 MB upload.
      const params = route.params ? validate(route.params, ctx.params, 'path parameters') : undefined;
      const query = route.query ? validate(route.query, ctx.query, 'query') : undefined;
      const upload = route.upload ? await readUpload(ctx, route.upload.maxBytes) : null;
      const rawBody =
        route.upload || ctx.method === 'GET' || ctx.method === 'HEAD'
          ? undefined
          : await readJsonBody(ctx, route.bodyLimit);
      if (!route.body && rawBody !== undefined) {
        throw new AppError('VALIDATION_ERROR', 'This operation takes no request body.', [
          { path: '(body)', message: 'Expected no body' },
        ]);
      }
      const body = route.body ? validate(route.body, rawBody === undefined ? {} : rawBody, 'body') : undefined;
      const idemKey = ctx.method === 'POST' ? ctx.get('Idempotency-Key') : '';
      if (idemKey && !route.idempotent) {
        throw new AppError('VALIDATION_ERROR', 'This operation does not support Idempotency-Key.', [
          { path: 'Idempotency-Key', message: 'Not supported here' },
        ]);
      }
      const run = async (): Promise<StoredResponse> => {
        const result = await route.handler({ params, query, body, upload, key, ctx });
        return { status: result.status ?? route.success.status, headers: result.headers ?? {}, body: result.body };
      };
      // An upload is fingerprinted by its bytes' hash, so a retry of the same file replays.
      const fingerprinted = upload
        ? { uploadSha256: createHash('sha256').update(upload.bytes).digest('hex') }
        : rawBody;
      const response = idemKey ? await runOnce(deps!, key!.id, idemKey, ctx, fingerprinted, run) : await run();
      ctx.set(response.headers);
      ctx.status = response.status;
      ctx.body = response.body;
    });
  }
}
