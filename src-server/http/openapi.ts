import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { ERROR_CODES, type ErrorCode } from '../../src-shared/errors';
import { ErrorEnvelopeSchema } from '../../src-shared/schemas/common';
import { APP_VERSION } from '../version';
import { toOpenApiPath, type Route } from './route';

/** Which reusable error response carries each error code. */
const ERROR_RESPONSES = {
  BadRequest: { status: '400', codes: ['VALIDATION_ERROR', 'INVALID_BODY', 'INVALID_CURSOR'] },
  Unauthorized: { status: '401', codes: ['UNAUTHORIZED', 'INVALID_API_KEY', 'API_KEY_REVOKED', 'API_KEY_EXPIRED'] },
  Forbidden: { status: '403', codes: ['FORBIDDEN'] },
  NotFound: { status: '404', codes: ['NOT_FOUND'] },
  MethodNotAllowed: { status: '405', codes: ['METHOD_NOT_ALLOWED'] },
  Conflict: { status: '409', codes: ['CONFLICT', 'IDEMPOTENCY_CONFLICT'] },
  PayloadTooLarge: { status: '413', codes: ['PAYLOAD_TOO_LARGE'] },
  UnsupportedMediaType: { status: '415', codes: ['UNSUPPORTED_MEDIA_TYPE'] },
  RateLimited: { status: '429', codes: ['RATE_LIMITED'] },
  InternalError: { status: '500', codes: ['INTERNAL_ERROR'] },
} as const satisfies Record<string, { status: string; codes: readonly ErrorCode[] }>;
type ErrorResponseName = keyof typeof ERROR_RESPONSES;

const RESPONSE_FOR_CODE = new Map<ErrorCode, ErrorResponseName>(
  (Object.entries(ERROR_RESPONSES) as [ErrorResponseName, { codes: readonly ErrorCode[] }][]).flatMap(([name, r]) =>
    r.codes.map((code) => [code, name] as const),
  ),
);

const int = (description: string) => ({ description, schema: { type: 'integer' as const } });

const HEADERS = {
  'X-Request-Id': { description: 'Identifies the request in the server log.', schema: { type: 'string' as const } },
  'X-RateLimit-Limit': int('Requests allowed per minute for this key.'),
  'X-RateLimit-Remaining': int('Requests left in the current one-minute window.'),
  'X-RateLimit-Reset': int('Unix time (seconds) when the current window ends.'),
  'X-Daily-Limit': int('Requests allowed per UTC day, when the key has a daily cap.'),
  'X-Daily-Remaining': int('Requests left today (UTC), when the key has a daily cap.'),
  'Retry-After': int('Seconds to wait before retrying.'),
};
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

const rateHeaders = {
  'X-RateLimit-Limit': headerRef('X-RateLimit-Limit'),
  'X-RateLimit-Remaining': headerRef('X-RateLimit-Remaining'),
  'X-RateLimit-Reset': headerRef('X-RateLimit-Reset'),
  'X-Daily-Limit': headerRef('X-Daily-Limit'),
  'X-Daily-Remaining': headerRef('X-Daily-Remaining'),
};

function errorResponses(used: ReadonlySet<ErrorResponseName>) {
  return Object.fromEntries(
    (Object.entries(ERROR_RESPONSES) as [ErrorResponseName, { codes: readonly ErrorCode[] }][])
      .filter(([name]) => used.has(name))
      .map(([name, r]) => [
        name,
        {
          description: r.codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join(' '),
          headers: {
            'X-Request-Id': headerRef('X-Request-Id'),
            ...(name === 'RateLimited' ? { ...rateHeaders, 'Retry-After': headerRef('Retry-After') } : {}),
          },
          content: { 'application/json': { schema: ErrorEnvelopeSchema } },
        },
      ]),
  );
}

/** The error codes a route can answer, from what it declares and what its shape implies. */
export function errorCodesFor(route: Route): ErrorCode[] {
  const codes = new Set<ErrorCode>(route.errors ?? []);
  if (route.auth !== 'none') {
    ERROR_RESPONSES.Unauthorized.codes.forEach((c) => codes.add(c));
    codes.add('FORBIDDEN');
    codes.add('RATE_LIMITED');
  }
  // The Host/Origin guard stands in front of every route on the API listener.
  codes.add('FORBIDDEN');
  if (route.params || route.query || route.body) codes.add('VALIDATION_ERROR');
  if (route.method !== 'get') {
    codes.add('INVALID_BODY');
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
  }
  codes.add('INTERNAL_ERROR');
  return [...codes];
}

function operationFor(route: Route, used: Set<ErrorResponseName>): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {
    [String(route.success.status) as '200']: {
      description: route.success.description,
      headers: { 'X-Request-Id': headerRef('X-Request-Id'), ...(route.auth === 'none' ? {} : rateHeaders) },
      content: { 'application/json': { schema: route.success.schema } },
    },
  };
  for (const code of errorCodesFor(route)) {
    const name = RESPONSE_FOR_CODE.get(code)!;
    used.add(name);
    responses[ERROR_RESPONSES[name].status as '400'] = { $ref: `#/components/responses/${name}` };
  }
  const scopeNote =
    route.auth === 'none' ? 'No key needed.' : route.auth === 'any' ? 'Any valid key.' : `Scope: \`${route.auth}\`.`;
  return {
    operationId: route.operationId,
    summary: route.summary,
    description: [route.description, scopeNote].filter(Boolean).join('\n\n'),
    tags: [route.tag],
    security: route.auth === 'none' ? [] : [{ bearerAuth: [] }],
    ...(route.auth !== 'none' && route.auth !== 'any' ? { 'x-required-scope': route.auth } : {}),
    requestParams: { ...(route.params ? { path: route.params } : {}), ...(route.query ? { query: route.query } : {}) },
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } } : {}),
    responses,
  };
}

const TAGS = [
  { name: 'Server', description: 'Health, this document and its docs page.' },
  { name: 'API keys', description: 'Keys for scripts and the UI: scopes, expiry, revocation, limits and usage.' },
];

/** Builds the OpenAPI 3.1 document from the same route specs that validate requests. */
export function buildOpenApiDocument(routes: readonly Route[], serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  const used = new Set<ErrorResponseName>(['Forbidden']);
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationFor(route, used) };
  }
  const plain = (summary: string, operationId: string, mediaType: string, description: string) => ({
    get: {
      operationId,
      summary,
      description: `${description}\n\nNo key needed.`,
      tags: ['Server'],
      security: [],
      responses: {
        '200': {
          description: summary,
          headers: { 'X-Request-Id': headerRef('X-Request-Id') },
          content: {
            [mediaType]: { schema: mediaType === 'text/html' ? z.string() : z.record(z.string(), z.unknown()) },
          },
        },
        '403': { $ref: '#/components/responses/Forbidden' },
      },
    },
  });
  paths['/openapi.json'] = plain(
    'This OpenAPI document',
    'getOpenApiDocument',
    'application/json',
    'OpenAPI 3.1, generated from the request schemas.',
  );
  paths['/docs'] = plain(
    'API reference page',
    'getDocsPage',
    'text/html',
    'An interactive reference that works offline.',
  );

  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'qrdesk local API',
      version: APP_VERSION,
      description:
        'The local REST API of qrdesk. Authenticate with `Authorization: Bearer qrd_…`. Errors share one envelope ' +
        '(`{"error": {"code", "message", "details"}}`); every response carries `X-Request-Id`, and every authenticated ' +
        'response the `X-RateLimit-*` headers. Lists are cursor-paginated, newest first.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: serverUrl, description: 'This qrdesk server' }],
    tags: TAGS,
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'qrd_ API key',
          description: 'An API key created with `qrdesk keys create` or `POST /api/v1/api-keys`.',
        },
      },
      headers: HEADERS,
      responses: errorResponses(used),
    },
  });
}
