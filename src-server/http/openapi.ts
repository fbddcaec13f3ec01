import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import { codesForStatus, ERROR_CODES, type ErrorCode } from '../../src-shared/errors';
import { ErrorEnvelopeSchema } from '../../src-shared/schemas/common';
import { APP_VERSION } from '../version';
import { JSON_BODY_LIMIT } from './middleware/json-body';
import { toOpenApiPath, type Route } from './route';

/** Names of the reusable error responses, one per status; each lists the codes sent with it. */
const RESPONSE_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  413: 'PayloadTooLarge',
  415: 'UnsupportedMediaType',
  429: 'RateLimited',
  500: 'InternalError',
  507: 'InsufficientStorage',
};
const responseName = (status: number): string => RESPONSE_NAMES[status] ?? `Error${status}`;

const int = (description: string) => ({ description, schema: { type: 'integer' as const } });

const HEADERS = {
  'X-Request-Id': { description: 'Identifies the request in the server log.', schema: { type: 'string' as const } },
  'X-RateLimit-Limit': int('Requests allowed per minute for this key.'),
  'X-RateLimit-Remaining': int('Requests left in the current one-minute window.'),
  'X-RateLimit-Reset': int('Unix time (seconds) when the current window ends.'),
  'X-Daily-Limit': int('Requests allowed per UTC day, when the key has a daily cap.'),
  'X-Daily-Remaining': int('Requests left today (UTC), when the key has a daily cap.'),
  'Retry-After': int('Seconds to wait before retrying.'),
  Location: { description: 'The URL of the created resource.', schema: { type: 'string' as const } },
  'Idempotent-Replayed': {
    description: '`true` when this is the stored first response to an earlier request with the same Idempotency-Key.',
    schema: { type: 'string' as const, enum: ['true'] },
  },
};
const headerRef = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

const rateHeaders = {
  'X-RateLimit-Limit': headerRef('X-RateLimit-Limit'),
  'X-RateLimit-Remaining': headerRef('X-RateLimit-Remaining'),
  'X-RateLimit-Reset': headerRef('X-RateLimit-Reset'),
  'X-Daily-Limit': headerRef('X-Daily-Limit'),
  'X-Daily-Remaining': headerRef('X-Daily-Remaining'),
};

function errorResponses(usedStatuses: ReadonlySet<number>) {
  return Object.fromEntries(
    [...usedStatuses]
      .sort((a, b) => a - b)
      .map((status) => [
        responseName(status),
        {
          description: codesForStatus(status)
            .map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`)
            .join(' '),
          headers: {
            'X-Request-Id': headerRef('X-Request-Id'),
            ...(status === 429 ? { ...rateHeaders, 'Retry-After': headerRef('Retry-After') } : {}),
            ...(status === 409 ? { 'Retry-After': headerRef('Retry-After') } : {}),
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
    codesForStatus(401).forEach((c) => codes.add(c));
    codes.add('FORBIDDEN');
    codes.add('RATE_LIMITED');
  }
  // The Host/Origin guard stands in front of every route on the API listener.
  codes.add('FORBIDDEN');
  if (route.params || route.query || route.body) codes.add('VALIDATION_ERROR');
  if (route.idempotent) {
    codes.add('IDEMPOTENCY_CONFLICT');
    codes.add('CONFLICT');
  }
  if (route.method !== 'get') {
    codes.add('INVALID_BODY');
    codes.add('PAYLOAD_TOO_LARGE');
    codes.add('UNSUPPORTED_MEDIA_TYPE');
    // Any write can meet a full disk.
    codes.add('INSUFFICIENT_STORAGE');
  }
  codes.add('INTERNAL_ERROR');
  return [...codes];
}

function operationFor(route: Route, usedStatuses: Set<number>): ZodOpenApiOperationObject {
  const responses: ZodOpenApiResponsesObject = {
    [String(route.success.status) as '200']: {
      description: route.success.description,
      headers: {
        'X-Request-Id': headerRef('X-Request-Id'),
        ...(route.auth === 'none' ? {} : rateHeaders),
        ...(route.success.status === 201 || route.success.status === 202 ? { Location: headerRef('Location') } : {}),
        ...(route.idempotent ? { 'Idempotent-Replayed': headerRef('Idempotent-Replayed') } : {}),
      },
      content: {
        ...(route.success.schema ? { 'application/json': { schema: route.success.schema } } : {}),
        ...Object.fromEntries(
          Object.entries(route.success.otherContent ?? {}).map(([type, schema]) => [type, { schema }]),
        ),
      },
    },
  };
  for (const code of errorCodesFor(route)) {
    const status = ERROR_CODES[code].status;
    usedStatuses.add(status);
    responses[String(status) as '400'] = { $ref: `#/components/responses/${responseName(status)}` };
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
    requestParams: {
      ...(route.params ? { path: route.params } : {}),
      ...(route.query ? { query: route.query } : {}),
      ...(route.idempotent ? { header: IdempotencyHeader } : {}),
    },
    ...(route.body
      ? {
          requestBody: {
            required: true,
            description: `JSON, at most ${route.bodyLimit ?? JSON_BODY_LIMIT} bytes (larger is 413 PAYLOAD_TOO_LARGE).`,
            content: { 'application/json': { schema: route.body } },
            'x-max-bytes': route.bodyLimit ?? JSON_BODY_LIMIT,
          },
        }
      : {}),
    ...(route.upload ? { requestBody: uploadBody(route.upload.description, route.upload.maxBytes) } : {}),
    responses,
  };
}

const FileBytes = z.string().meta({ format: 'binary' });

/** An upload takes the file as the raw body or as the `file` part of a form. */
const uploadBody = (description: string, maxBytes: number) => ({
  required: true,
  description,
  // The size limit, machine-readable for clients and fuzzers (the description says it in words).
  'x-max-bytes': maxBytes,
  content: {
    'application/octet-stream': { schema: FileBytes },
    'multipart/form-data': { schema: z.object({ file: FileBytes }) },
  },
});

const IdempotencyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({
      description:
        'Makes a retry safe: the first response is stored for 24 hours and replayed (with `Idempotent-Replayed: true`) ' +
        'to a request with the same key and body; the same key with another body is 409 IDEMPOTENCY_CONFLICT.',
    }),
});

const TAGS = [
  { name: 'Server', description: 'Health, facts about the running server, this document and its docs page.' },
  { name: 'API keys', description: 'Keys for scripts and the UI: scopes, expiry, revocation, limits and usage.' },
  { name: 'QR codes', description: 'The library: codes of every content type, static or dynamic, with their designs.' },
  { name: 'Folders', description: 'Folders that organise the library.' },
  {
    name: 'Design presets',
    description: 'Named designs to start from: the built-in presets, and those saved by the user.',
  },
  {
    name: 'Barcodes',
    description:
      'Product barcodes (EAN/UPC, Code 128/39, ITF-14, GS1-128, Data Matrix, PDF417, Aztec, QR): check, render, save.',
  },
  { name: 'Assets', description: 'Logo images (PNG, JPEG, WebP, sanitised SVG) for QR code designs.' },
  {
    name: 'Batches',
    description:
      'Batch export: CSV sources (upload, with encoding, delimiter and header detected; map columns to content, names ' +
      'and designs; check every row), and jobs that make thousands of codes into a ZIP of files or a label-sheet PDF ' +
      'in the background, with progress as server-sent events and a report of the rows that failed.',
  },
  {
    name: 'Rendering',
    description: 'QR codes as SVG, PNG, JPEG, WebP, PDF or EPS (CMYK for print), and a check that a design scans.',
  },
  { name: 'Settings', description: 'App settings, such as the public base URL of new dynamic codes.' },
  { name: 'Analytics', description: 'Scan counts, timelines and breakdowns, and the raw scans with a CSV export.' },
  {
    name: 'Webhooks',
    description: 'Signed HTTP callbacks on scans and code changes, with retries and a delivery log.',
  },
  {
    name: 'Tunnel',
    description:
      'The tunnel that lets phones on the internet reach the public listener (and only it): custom domain, ' +
      'cloudflared, ngrok or a self-hosted localtunnel server.',
  },
];

/** Builds the OpenAPI 3.1 document from the same route specs that validate requests. */
export function buildOpenApiDocument(routes: readonly Route[], serverUrl: string) {
  const paths: ZodOpenApiPathsObject = {};
  const usedStatuses = new Set<number>([403]);
  for (const route of routes) {
    const path = toOpenApiPath(route.path);
    paths[path] = { ...paths[path], [route.method]: operationFor(route, usedStatuses) };
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
      responses: errorResponses(usedStatuses),
    },
  });
}
