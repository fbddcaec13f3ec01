import type { z } from 'zod';
import type { ErrorCode } from '../../src-shared/errors';
import type { Scope } from '../../src-shared/schemas/api-keys';
import type { AuthenticatedKey } from '../services/api-keys';
import type { AppContext } from './context';

type AnyObject = z.ZodObject<z.ZodRawShape>;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A file sent as the raw request body or as the `file` part of multipart/form-data. */
export interface Upload {
  bytes: Buffer;
  /** The client's file name (multipart only); informational, never trusted for the type. */
  filename: string | null;
  /** The Content-Type the client declared; informational, never trusted for the type. */
  declaredType: string | null;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The uploaded file, on routes that declare `upload`. */
  upload: Upload | null;
  /** The calling key; null only on routes with `auth: 'none'`. */
  key: AuthenticatedKey | null;
  ctx: AppContext;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/**
 * One endpoint, described once: the Koa router mounts it (validating every
 * part of the request with these schemas) and the OpenAPI document is built
 * from the same object, so the two cannot drift apart.
 */
export interface RouteSpec<
  P extends AnyObject | undefined,
  Q extends AnyObject | undefined,
  B extends z.ZodType | undefined,
> {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Koa-style path, e.g. `/api/v1/api-keys/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The scope a key needs; 'any' = any valid key; 'none' = no key at all. */
  auth: Scope | 'any' | 'none';
  params?: P;
  query?: Q;
  body?: B;
  /** The JSON body's size limit in bytes, when it is not the API's usual one (JSON_BODY_LIMIT). */
  bodyLimit?: number;
  /** Takes a file instead of a JSON body: raw bytes, or multipart/form-data with a `file` part. */
  upload?: { maxBytes: number; description: string };
  success: {
    status: number;
    description: string;
    /** The JSON body; absent when the response is only another media type (an image). */
    schema?: z.ZodType;
    /** Other media types the success response can have (e.g. `text/csv`, `image/png`), besides JSON. */
    otherContent?: Record<string, z.ZodType>;
  };
  /** Errors this route can answer beyond those implied by auth, params and body. */
  errors?: ErrorCode[];
  /** A POST that honours Idempotency-Key (other POSTs refuse the header rather than ignore it). */
  idempotent?: boolean;
  handler: (input: RouteInput<Out<P>, Out<Q>, Out<B>>) => RouteResult | Promise<RouteResult>;
}

export type Route = RouteSpec<AnyObject | undefined, AnyObject | undefined, z.ZodType | undefined>;

export function defineRoute<
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B>): Route {
  return spec as unknown as Route;
}

/** `/api/v1/api-keys/:id` → `/api/v1/api-keys/{id}` */
export const toOpenApiPath = (path: string): string => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
