/**
 * The self-check through the public URL: it must be qrdesk answering /health,
 * and any answer of the API listener (its key checks or its Host guard) marks
 * the URL as exposing the API.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { checkPublicUrl, httpGet } from '../../src-server/tunnel/self-check';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

describe('checkPublicUrl', () => {
  let server: http.Server;
  let url: string;
  let handler: Handler;
  const json = (res: http.ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  before(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });
  const check = () => checkPublicUrl(url, (u, o) => httpGet(u, o), 2_000);

  test("qrdesk's public listener: /health is qrdesk, the API is a 404", async () => {
    handler = (req, res) =>
      req.url === '/health'
        ? json(res, 200, { app: 'qrdesk', version: '1' })
        : json(res, 404, { error: { code: 'NOT_FOUND', message: 'no' } });
    assert.deepEqual(await check(), { ok: true, status: 200, message: null, apiExposed: false });
  });

  test('the API listener behind the URL (401 from its key check, or 403 from its Host guard) is caught', async () => {
    for (const [status, code] of [
      [401, 'UNAUTHORIZED'],
      [403, 'FORBIDDEN'],
    ] as const) {
      handler = (req, res) =>
        req.url === '/health'
          ? json(res, 200, { app: 'qrdesk', version: '1' })
          : json(res, status, { error: { code } });
      const r = await check();
      assert.equal(r.ok, false);
      assert.equal(r.apiExposed, true);
      assert.match(r.message ?? '', /API listener/);
    }
  });

  test('a proxy refusing /api itself (HTML 403) is not the API', async () => {
    handler = (req, res) => {
      if (req.url === '/health') return json(res, 200, { app: 'qrdesk', version: '1' });
      res.writeHead(403, { 'Content-Type': 'text/html' });
      res.end('<h1>Forbidden</h1>');
    };
    assert.equal((await check()).ok, true);
  });

  test('another app, an error status, or no answer at all fail with a message', async () => {
    handler = (_req, res) => json(res, 200, { app: 'other' });
    const other = await check();
    assert.equal(other.ok, false);
    assert.match(other.message ?? '', /not as qrdesk/);
    handler = (_req, res) => json(res, 502, {});
    const bad = await check();
    assert.deepEqual([bad.ok, bad.status], [false, 502]);
    assert.match(bad.message ?? '', /HTTP 502/);
    handler = () => undefined; // never answers
    const slow = await checkPublicUrl(url, (u, o) => httpGet(u, { ...o, timeoutMs: 200 }), 200);
    assert.equal(slow.ok, false);
    assert.equal(slow.status, null);
    assert.match(slow.message ?? '', /not reachable/);
    const closed = await checkPublicUrl('http://127.0.0.1:1', (u, o) => httpGet(u, o), 1_000);
    assert.equal(closed.ok, false);
    assert.match(closed.message ?? '', /ECONNREFUSED/);
  });

  test('httpGet keeps the URL host in Host while dialing another address, and bounds the body', async () => {
    let host = '';
    handler = (req, res) => {
      host = req.headers.host ?? '';
      res.end('x'.repeat(200 * 1024));
    };
    const port = Number(new URL(url).port);
    const r = await httpGet('http://qr.example.com/health', {
      timeoutMs: 2_000,
      connectTo: { host: '127.0.0.1', port },
    });
    assert.equal(host, 'qr.example.com');
    assert.ok(r.body.length <= 64 * 1024);
  });
});
