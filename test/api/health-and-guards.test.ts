import net from 'node:net';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { assertEnvelope, expectError, keyCount, PACKAGE_VERSION, rawRequest } from './support';

describe('health, request ids and the public listener', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  test('/health answers the app name and package version on the API listener', async () => {
    const res = await fetch(`${ts.apiUrl}/health`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    assert.deepEqual(await res.json(), { app: 'qrdesk', version: PACKAGE_VERSION });
    assert.ok(res.headers.get('x-request-id'));
  });

  test('/health answers the same on the public listener', async () => {
    const res = await fetch(`${ts.publicUrl}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { app: 'qrdesk', version: PACKAGE_VERSION });
    assert.ok(res.headers.get('x-request-id'));
  });

  test('the two listeners are on different ports', () => {
    assert.notEqual(new URL(ts.apiUrl).port, new URL(ts.publicUrl).port);
  });

  test('every response carries an X-Request-Id, errors included, and each one differs', async () => {
    const responses = await Promise.all([
      fetch(`${ts.apiUrl}/health`),
      fetch(`${ts.apiUrl}/no/such/route`),
      ts.api('/api/v1/auth/verify'),
      ts.api('/api/v1/auth/verify', { key: admin }),
      ts.api('/api/v1/api-keys', { key: admin, method: 'PUT' }),
      fetch(`${ts.publicUrl}/health`),
      fetch(`${ts.publicUrl}/nothing`),
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const [i, id] of ids.entries()) {
      assert.ok(id && id.length > 0, `response ${i} (${responses[i]!.status}) has an X-Request-Id`);
    }
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
    await Promise.all(responses.map((r) => r.arrayBuffer()));
  });

  test('a safe incoming X-Request-Id is echoed back', async () => {
    for (const id of ['abc-123', 'trace.id:42_x', 'A'.repeat(64)]) {
      const res = await fetch(`${ts.apiUrl}/health`, { headers: { 'X-Request-Id': id } });
      assert.equal(res.headers.get('x-request-id'), id);
      await res.arrayBuffer();
    }
    const err = await ts.api('/api/v1/auth/verify', { headers: { 'X-Request-Id': 'err-req-7' } });
    assert.equal(err.headers.get('x-request-id'), 'err-req-7');
    await expectError(err, 401, 'UNAUTHORIZED');
  });

  test('an unsafe incoming X-Request-Id is replaced', async () => {
    for (const id of ['has spaces in it', 'x'.repeat(200), '<script>', 'a/b', 'a"b']) {
      const res = await fetch(`${ts.apiUrl}/health`, { headers: { 'X-Request-Id': id } });
      const got = res.headers.get('x-request-id');
      assert.ok(got && got.length > 0, 'an id is still sent');
      assert.notEqual(got, id);
      assert.match(got, /^[A-Za-z0-9._:-]{1,64}$/);
      await res.arrayBuffer();
    }
  });

  test('the public listener does not serve the API, even with a valid key', async () => {
    const valid = await ts.api('/api/v1/auth/verify', { key: admin });
    assert.equal(valid.status, 200, 'the key is valid on the API listener');
    await valid.arrayBuffer();

    const res = await fetch(`${ts.publicUrl}/api/v1/auth/verify`, { headers: { Authorization: `Bearer ${admin}` } });
    assert.ok(res.headers.get('x-request-id'));
    await expectError(res, 404, 'NOT_FOUND');

    const list = await fetch(`${ts.publicUrl}/api/v1/api-keys`, { headers: { Authorization: `Bearer ${admin}` } });
    await expectError(list, 404, 'NOT_FOUND');
  });

  test('a POST to the API through the public listener creates nothing', async () => {
    const before = keyCount(ts);
    const res = await fetch(`${ts.publicUrl}/api/v1/api-keys`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'through the tunnel' }),
    });
    assert.ok(res.status === 404 || res.status === 405, `refused, got ${res.status}`);
    const body = (await res.json()) as { error?: { code?: string } };
    assert.ok(body.error?.code, 'error envelope');
    assert.equal(keyCount(ts), before);
  });

  test('/openapi.json and /docs are 404 on the public listener but served on the API listener', async () => {
    for (const p of ['/openapi.json', '/docs']) {
      const pub = await fetch(`${ts.publicUrl}${p}`);
      await expectError(pub, 404, 'NOT_FOUND');
      const api = await fetch(`${ts.apiUrl}${p}`);
      assert.equal(api.status, 200, `${p} on the API listener`);
      await api.arrayBuffer();
    }
  });

  test('an unknown route is a 404 envelope; a wrong method on a known route a 405 envelope', async () => {
    await expectError(await fetch(`${ts.apiUrl}/api/v1/nothing-here`), 404, 'NOT_FOUND');
    await expectError(await ts.api('/api/v1/nothing-here', { key: admin }), 404, 'NOT_FOUND');
    await expectError(await fetch(`${ts.apiUrl}/no/such/page`), 404, 'NOT_FOUND');

    const put = await ts.api('/api/v1/api-keys', { key: admin, method: 'PUT' });
    assert.match(put.headers.get('allow') ?? '', /GET/);
    await expectError(put, 405, 'METHOD_NOT_ALLOWED');
    await expectError(await ts.api('/api/v1/auth/verify', { key: admin, method: 'POST' }), 405, 'METHOD_NOT_ALLOWED');
    await expectError(await fetch(`${ts.apiUrl}/health`, { method: 'DELETE' }), 405, 'METHOD_NOT_ALLOWED');
  });

  test('a method no route uses at all is a 405 envelope with Allow, not a 500', async () => {
    for (const method of ['TRACE', 'PROPFIND']) {
      for (const base of [ts.apiUrl, ts.publicUrl]) {
        const res = await rawRequest(base, base === ts.apiUrl ? '/api/v1/api-keys' : '/health', {
          method,
          headers: { Authorization: `Bearer ${admin}` },
        });
        assertEnvelope(res.status, res.json(), 405, 'METHOD_NOT_ALLOWED');
        assert.match(String(res.headers.allow), /GET/);
      }
    }
  });
});

describe('Host and Origin guards on the API listener', () => {
  let ts: TestServer;
  let port: string;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    port = new URL(ts.apiUrl).port;
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  test('a foreign Host is refused with 403 FORBIDDEN and the envelope (DNS rebinding)', async () => {
    for (const p of ['/health', '/api/v1/auth/verify', '/openapi.json', '/docs', '/']) {
      const res = await rawRequest(ts.apiUrl, p, {
        headers: { Host: `evil.example:${port}`, Authorization: `Bearer ${admin}` },
      });
      assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
      assert.ok(res.headers['x-request-id'], 'X-Request-Id on the refusal');
    }
  });

  test('localhost and 127.0.0.1 with the right port are accepted, in any case', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const res = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
        headers: { Host: host, Authorization: `Bearer ${admin}` },
      });
      assert.equal(res.status, 200, `${host}: ${res.text}`);
    }
  });

  test('an allowed name with the wrong port, or no port, is refused', async () => {
    const other = String(Number(port) === 65535 ? 1 : Number(port) + 1);
    for (const host of [`127.0.0.1:${other}`, `localhost:${other}`, 'localhost', '127.0.0.1', `127.0.0.1.:${port}`]) {
      const res = await rawRequest(ts.apiUrl, '/health', { headers: { Host: host } });
      assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
    }
  });

  test('a foreign Origin is refused', async () => {
    const res = await rawRequest(ts.apiUrl, '/health', { headers: { Origin: 'http://evil.example' } });
    assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
    const nullOrigin = await rawRequest(ts.apiUrl, '/health', { headers: { Origin: 'null' } });
    assertEnvelope(nullOrigin.status, nullOrigin.json(), 403, 'FORBIDDEN');
    // The right host on another scheme or port is another origin.
    for (const origin of [`https://127.0.0.1:${port}`, 'http://127.0.0.1', `http://127.0.0.1:${Number(port) + 1}`]) {
      const r = await rawRequest(ts.apiUrl, '/health', { headers: { Origin: origin } });
      assertEnvelope(r.status, r.json(), 403, 'FORBIDDEN');
    }
  });

  test('a foreign Origin is refused on an authenticated endpoint with a valid key, and a POST creates nothing', async () => {
    const get = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { Origin: 'http://evil.example', Authorization: `Bearer ${admin}` },
    });
    assertEnvelope(get.status, get.json(), 403, 'FORBIDDEN');

    const before = keyCount(ts);
    const post = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
      method: 'POST',
      headers: {
        Origin: 'http://evil.example',
        Authorization: `Bearer ${admin}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ name: 'csrf', scopes: ['admin'] }),
    });
    assertEnvelope(post.status, post.json(), 403, 'FORBIDDEN');
    assert.equal(keyCount(ts), before, 'nothing was created');
  });

  test("the UI's own origin is allowed", async () => {
    const res = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { Origin: ts.apiUrl, Authorization: `Bearer ${admin}` },
    });
    assert.equal(res.status, 200, res.text);
    const local = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { Host: `localhost:${port}`, Origin: `http://localhost:${port}`, Authorization: `Bearer ${admin}` },
    });
    assert.equal(local.status, 200, local.text);
  });

  test('Sec-Fetch-Site: cross-site on /api/ is refused; same-origin is allowed', async () => {
    const cross = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { 'Sec-Fetch-Site': 'cross-site', Authorization: `Bearer ${admin}` },
    });
    assertEnvelope(cross.status, cross.json(), 403, 'FORBIDDEN');

    const before = keyCount(ts);
    const post = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'cross-site', Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'cross site' }),
    });
    assertEnvelope(post.status, post.json(), 403, 'FORBIDDEN');
    assert.equal(keyCount(ts), before);

    const same = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { 'Sec-Fetch-Site': 'same-origin', Authorization: `Bearer ${admin}` },
    });
    assert.equal(same.status, 200, same.text);
  });

  test('an OPTIONS preflight from a foreign origin is refused and no CORS header is ever sent', async () => {
    const preflight = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization, content-type',
      },
    });
    assertEnvelope(preflight.status, preflight.json(), 403, 'FORBIDDEN');

    const own = await rawRequest(ts.apiUrl, '/api/v1/api-keys', {
      method: 'OPTIONS',
      headers: { Origin: ts.apiUrl, 'Access-Control-Request-Method': 'POST' },
    });
    const plain = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { Origin: ts.apiUrl, Authorization: `Bearer ${admin}` },
    });
    assert.equal(plain.status, 200);
    for (const res of [preflight, own, plain]) {
      const cors = Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
      assert.deepEqual(cors, [], `no CORS headers on a ${res.status}`);
    }
  });

  test('the public listener has no Host guard (tunnels forward foreign names) but still serves no API', async () => {
    const pubPort = new URL(ts.publicUrl).port;
    const health = await rawRequest(ts.publicUrl, '/health', { headers: { Host: `tunnel.example:${pubPort}` } });
    assert.equal(health.status, 200);
    const api = await rawRequest(ts.publicUrl, '/api/v1/auth/verify', {
      headers: { Host: `tunnel.example`, Authorization: `Bearer ${admin}` },
    });
    assertEnvelope(api.status, api.json(), 404, 'NOT_FOUND');
  });
});

describe('configured allowed hosts', () => {
  let ts: TestServer;
  let port: string;
  before(async () => {
    ts = await startTestServer({ allowedHosts: ['qrdesk.lan'] });
    port = new URL(ts.apiUrl).port;
  });
  after(() => ts.stop());

  test('a configured name with our port is accepted, as Host and as Origin', async () => {
    const key = ts.createKey({ scopes: ['read'] });
    const res = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
      headers: { Host: `qrdesk.lan:${port}`, Origin: `http://qrdesk.lan:${port}`, Authorization: `Bearer ${key}` },
    });
    assert.equal(res.status, 200, res.text);
  });

  test('the configured name on another port, and other names, are still refused', async () => {
    for (const host of [`qrdesk.lan:${Number(port) + 1}`, `evil.qrdesk.lan:${port}`, `evil.example:${port}`]) {
      const res = await rawRequest(ts.apiUrl, '/health', { headers: { Host: host } });
      assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
    }
  });
});

describe('request targets', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.stop());

  /** Sends one raw request line and headers, returns the status line's code. */
  const rawStatus = (target: string): Promise<number> => {
    const { hostname, port } = new URL(ts.apiUrl);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () =>
        socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\n\r\n`),
      );
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (c: string) => (text += c));
      socket.on('end', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)));
      socket.on('error', reject);
    });
  };

  test('an absolute-form target naming another host is refused, whatever Host says', async () => {
    assert.equal(await rawStatus('http://evil.example/health'), 403);
    assert.equal(await rawStatus(`${ts.apiUrl}/health`), 403);
    assert.equal(await rawStatus('/health'), 200);
  });
});
