import assert from 'node:assert/strict';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { TestServer } from '../helpers/server';

const require = createRequire(import.meta.url);
/** The version the server must report: package.json, read independently of the server code. */
export const PACKAGE_VERSION: string = (require('../../package.json') as { version: string }).version;

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): unknown;
}

/**
 * One HTTP request through node:http, for what fetch cannot send (a custom
 * Host, Sec-Fetch-Site, OPTIONS preflights with exact headers).
 */
export function rawRequest(
  baseUrl: string,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const url = new URL(pathname, baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export interface Envelope {
  error: { code: string; message: string; details?: { path: string; message: string }[] };
}

/** Asserts the documented error envelope with this status and code, and returns it. */
export function assertEnvelope(status: number, body: unknown, expectedStatus: number, code: string): Envelope {
  assert.equal(status, expectedStatus, `expected ${expectedStatus} ${code}, got ${status}: ${JSON.stringify(body)}`);
  assert.ok(body !== null && typeof body === 'object', 'error body is an object');
  const { error } = body as Envelope;
  assert.ok(error && typeof error === 'object', `no error envelope in ${JSON.stringify(body)}`);
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, 'the error message is not empty');
  assert.ok(!/\n\s+at /.test(error.message), 'no stack trace in the message');
  return body as Envelope;
}

/** Reads a fetch Response and asserts it is the error envelope with this status and code. */
export async function expectError(res: Response, status: number, code: string): Promise<Envelope> {
  const text = await res.text();
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    assert.fail(`response ${res.status} is not JSON: ${text.slice(0, 200)}`);
  }
  return assertEnvelope(res.status, body, status, code);
}

/** Asserts a VALIDATION_ERROR whose details name `path` (exactly, or as the parent of a nested path). */
export async function expectValidationError(res: Response, path: string): Promise<Envelope> {
  const body = await expectError(res, 400, 'VALIDATION_ERROR');
  const details = body.error.details ?? [];
  assert.ok(details.length > 0, 'details are present');
  assert.ok(
    details.some((d) => d.path === path || d.path.startsWith(`${path}.`)),
    `details ${JSON.stringify(details)} name ${path}`,
  );
  for (const d of details) assert.equal(typeof d.message, 'string');
  return body;
}

/** Number of rows in api_keys, read with SQL from the server's own database. */
export function keyCount(ts: TestServer): number {
  return (ts.store.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
}

/** POSTs JSON to create a key with an admin key. */
export function postKey(ts: TestServer, adminKey: string, body: unknown): Promise<Response> {
  return ts.api('/api/v1/api-keys', {
    key: adminKey,
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}
