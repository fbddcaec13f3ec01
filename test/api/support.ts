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

// ---------------------------------------------------------------------------
// QR codes

/** A QR code as the API returns it (only what the tests read is typed). */
export interface QrCodeBody {
  id: string;
  name: string;
  kind: 'static' | 'dynamic';
  type: string;
  content: unknown;
  payload: string;
  shortToken: string | null;
  shortUrl: string | null;
  status: 'active' | 'paused' | 'expired';
  design: Record<string, unknown>;
  category: string | null;
  tags: string[];
  folderId: string | null;
  isFavorite: boolean;
  protection: { hasPassword: boolean; expiresAt: string | null; maxScans: number | null };
  scanCount: number;
  lastScannedAt: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

export interface QrCodePageBody {
  data: QrCodeBody[];
  nextCursor: string | null;
  pagination?: { total: number; page: number; limit: number; pages: number };
}

/** Sends a JSON body (a value, or a string sent as it is) with a key. */
export function sendJson(
  ts: TestServer,
  key: string,
  pathname: string,
  body: unknown,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return ts.api(pathname, {
    key,
    method: options.method ?? 'POST',
    headers: { 'Content-Type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** POST /api/v1/qrcodes, asserting 201 with a Location naming the new code. */
export async function createCode(ts: TestServer, key: string, body: unknown): Promise<QrCodeBody> {
  const res = await sendJson(ts, key, '/api/v1/qrcodes', body);
  const text = await res.text();
  assert.equal(res.status, 201, `create ${JSON.stringify(body).slice(0, 200)}: ${text.slice(0, 500)}`);
  const code = JSON.parse(text) as QrCodeBody;
  assert.equal(res.headers.get('location'), `/api/v1/qrcodes/${code.id}`);
  return code;
}

/** GET /api/v1/qrcodes/:id, asserting 200. */
export async function getCode(ts: TestServer, key: string, id: string): Promise<QrCodeBody> {
  const res = await ts.api(`/api/v1/qrcodes/${encodeURIComponent(id)}`, { key });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 500));
  return JSON.parse(text) as QrCodeBody;
}

/** PATCH /api/v1/qrcodes/:id, returning the response. */
export function patchCode(ts: TestServer, key: string, id: string, body: unknown): Promise<Response> {
  return sendJson(ts, key, `/api/v1/qrcodes/${encodeURIComponent(id)}`, body, { method: 'PATCH' });
}

/** GET a list URL, asserting 200. */
export async function getPage(ts: TestServer, key: string, pathname: string): Promise<QrCodePageBody> {
  const res = await ts.api(pathname, { key });
  const text = await res.text();
  assert.equal(res.status, 200, `${pathname}: ${text.slice(0, 500)}`);
  return JSON.parse(text) as QrCodePageBody;
}

/** Every code a list query returns, following nextCursor to the end. */
export async function listAll(ts: TestServer, key: string, query = ''): Promise<QrCodeBody[]> {
  const all: QrCodeBody[] = [];
  let cursor: string | null = null;
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 1000, 'pagination terminates');
    const params = new URLSearchParams(query);
    params.set('limit', '200');
    if (cursor) params.set('cursor', cursor);
    const page = await getPage(ts, key, `/api/v1/qrcodes?${params}`);
    all.push(...page.data);
    cursor = page.nextCursor;
    if (cursor === null) return all;
  }
}

/** Number of rows in qr_codes, read with SQL. */
export function codeCount(ts: TestServer): number {
  return (ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n;
}

/** One qr_codes row, read with SQL. */
export function codeRow(ts: TestServer, id: string): Record<string, unknown> | undefined {
  return ts.store.db.prepare('SELECT * FROM qr_codes WHERE id = ?').get(id) as Record<string, unknown> | undefined;
}

/** Asserts that `fn` writes nothing to qr_codes (nor to qr_code_tags). */
export async function expectNothingWritten(ts: TestServer, fn: () => Promise<unknown>): Promise<void> {
  const tags = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_code_tags').get() as { n: number }).n;
  const before = [codeCount(ts), tags()];
  await fn();
  assert.deepEqual([codeCount(ts), tags()], before, 'nothing was written');
}

/** Asserts a VALIDATION_ERROR naming `path` for a create, and that no row was added. */
export async function expectCreateRefused(ts: TestServer, key: string, body: unknown, path: string): Promise<Envelope> {
  let envelope: Envelope | undefined;
  await expectNothingWritten(ts, async () => {
    envelope = await expectValidationError(await sendJson(ts, key, '/api/v1/qrcodes', body), path);
  });
  return envelope!;
}

/**
 * POSTs a body in chunks with no Content-Length (chunked transfer), as a
 * client streaming an unknown amount would, and collects the answer. The
 * server may answer and close before it has read everything: a broken pipe
 * then is expected, not an error.
 */
export function postChunked(
  baseUrl: string,
  pathname: string,
  headers: Record<string, string>,
  chunks: Iterable<string | Buffer>,
): Promise<{ status: number; text: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path: pathname, method: 'POST', agent: false, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    assert.equal(req.getHeader('content-length'), undefined);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}
