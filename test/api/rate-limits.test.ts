import net from 'node:net';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { expectError } from './support';

const verify = (ts: TestServer, key: string) => ts.api('/api/v1/auth/verify', { key });

function assertResetInFuture(res: Response) {
  const reset = res.headers.get('x-ratelimit-reset');
  assert.match(reset ?? '', /^\d+$/, 'X-RateLimit-Reset is an integer');
  const seconds = Number(reset);
  // Unix seconds (not milliseconds), at or after the start of the current second and within the minute window.
  assert.ok(seconds >= Math.floor(Date.now() / 1000), `reset ${seconds} is not in the past`);
  assert.ok(seconds <= Math.ceil(Date.now() / 1000) + 61, `reset ${seconds} is within the next minute`);
}

describe('per-minute rate limit', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.stop());

  test('a 5/min key: five requests pass with Remaining 4..0, the sixth is 429 with Retry-After', async () => {
    const key = ts.createKey({ scopes: ['read'], rateLimitPerMinute: 5 });
    for (const remaining of [4, 3, 2, 1, 0]) {
      const res = await verify(ts, key);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-ratelimit-limit'), '5');
      assert.equal(res.headers.get('x-ratelimit-remaining'), String(remaining));
      assertResetInFuture(res);
      assert.equal(res.headers.get('x-daily-limit'), null, 'no daily headers without a cap');
      assert.equal(res.headers.get('x-daily-remaining'), null);
      await res.arrayBuffer();
    }
    const res = await verify(ts, key);
    assert.equal(res.headers.get('x-ratelimit-limit'), '5');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    assertResetInFuture(res);
    const retry = res.headers.get('retry-after');
    assert.match(retry ?? '', /^\d+$/);
    assert.ok(Number(retry) >= 1 && Number(retry) <= 60, `Retry-After ${retry}`);
    assert.ok(res.headers.get('x-request-id'));
    await expectError(res, 429, 'RATE_LIMITED');

    // It stays limited.
    await expectError(await verify(ts, key), 429, 'RATE_LIMITED');
  });

  test('the limit counts requests that end in errors too (403, 404, 400)', async () => {
    const key = ts.createKey({ scopes: ['read'], rateLimitPerMinute: 3 });
    const a = await ts.api('/api/v1/api-keys', { key });
    assert.equal(a.status, 403);
    assert.equal(a.headers.get('x-ratelimit-remaining'), '2', 'headers on a 403 too');
    await a.arrayBuffer();
    const b = await verify(ts, key);
    assert.equal(b.headers.get('x-ratelimit-remaining'), '1');
    await b.arrayBuffer();
    const c = await verify(ts, key);
    assert.equal(c.headers.get('x-ratelimit-remaining'), '0');
    await c.arrayBuffer();
    await expectError(await verify(ts, key), 429, 'RATE_LIMITED');
  });

  test('two keys have independent windows, even with the same limit', async () => {
    const a = ts.createKey({ scopes: ['read'], rateLimitPerMinute: 2 });
    const b = ts.createKey({ scopes: ['read'], rateLimitPerMinute: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await verify(ts, a);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    await expectError(await verify(ts, a), 429, 'RATE_LIMITED');
    const first = await verify(ts, b);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('x-ratelimit-remaining'), '1');
    await first.arrayBuffer();
  });

  test('concurrent requests never exceed the per-minute limit', async () => {
    const key = ts.createKey({ scopes: ['read'], rateLimitPerMinute: 5 });
    const responses = await Promise.all(Array.from({ length: 20 }, () => verify(ts, key)));
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    assert.equal(statuses.filter((s) => s === 200).length, 5);
    assert.equal(statuses.filter((s) => s === 429).length, 15);
  });

  test('unauthenticated endpoints carry no rate-limit headers', async () => {
    const res = await fetch(`${ts.apiUrl}/health`);
    assert.equal(res.headers.get('x-ratelimit-limit'), null);
    await res.arrayBuffer();
  });
});

describe('daily cap', () => {
  test('a dailyLimit 3 key: Daily-Remaining 2,1,0, then 429 with Retry-After; still 429 after a restart', async (t) => {
    const dataDir = tempDataDir();
    let ts = await startTestServer({ dataDir });
    t.after(() => ts.stop());
    const key = ts.createKey({ scopes: ['read'], dailyLimit: 3 });
    const other = ts.createKey({ scopes: ['read'], dailyLimit: 3 });

    for (const remaining of [2, 1, 0]) {
      const res = await verify(ts, key);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('x-daily-limit'), '3');
      assert.equal(res.headers.get('x-daily-remaining'), String(remaining));
      assert.equal(res.headers.get('x-ratelimit-limit'), '1000');
      await res.arrayBuffer();
    }
    const capped = await verify(ts, key);
    assert.equal(capped.headers.get('x-daily-limit'), '3');
    assert.equal(capped.headers.get('x-daily-remaining'), '0');
    const retry = Number(capped.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 86_400, `Retry-After ${retry}`);
    // Retry-After points at the next UTC midnight, counted once.
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    assert.ok(Math.abs(Date.now() / 1000 + retry - midnight.getTime() / 1000) <= 2, `Retry-After ${retry}`);
    // The X-RateLimit-* headers still describe the one-minute window, not the day.
    const reset = Number(capped.headers.get('x-ratelimit-reset'));
    assert.ok(reset > Date.now() / 1000 && reset <= Date.now() / 1000 + 61, `X-RateLimit-Reset ${reset}`);
    assert.equal(capped.headers.get('x-ratelimit-remaining'), '996');
    await expectError(capped, 429, 'RATE_LIMITED');

    // Another capped key is not affected.
    const otherRes = await verify(ts, other);
    assert.equal(otherRes.status, 200);
    assert.equal(otherRes.headers.get('x-daily-remaining'), '2');
    await otherRes.arrayBuffer();

    await ts.stop({ keepData: true });
    ts = await startTestServer({ dataDir });
    const after = await verify(ts, key);
    assert.equal(after.headers.get('x-daily-remaining'), '0');
    assert.ok(Number(after.headers.get('retry-after')) >= 1);
    await expectError(after, 429, 'RATE_LIMITED');
    const otherAfter = await verify(ts, other);
    assert.equal(otherAfter.status, 200);
    assert.equal(otherAfter.headers.get('x-daily-remaining'), '1');
    await otherAfter.arrayBuffer();
  });

  test('concurrent requests never exceed the daily cap', async (t) => {
    const ts = await startTestServer();
    t.after(() => ts.stop());
    const key = ts.createKey({ scopes: ['read'], dailyLimit: 3 });
    const responses = await Promise.all(Array.from({ length: 12 }, () => verify(ts, key)));
    const statuses = responses.map((r) => r.status);
    await Promise.all(responses.map((r) => r.arrayBuffer()));
    assert.equal(statuses.filter((s) => s === 200).length, 3, `statuses ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, 9);
  });

  test('pipelined requests on one connection never exceed the daily cap', async (t) => {
    const ts = await startTestServer();
    t.after(() => ts.stop());
    const key = ts.createKey({ scopes: ['read'], dailyLimit: 3 });
    const statuses = await pipelined(ts, key, 10);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
  });
});

/** Sends `count` GET /api/v1/auth/verify requests in one write on one socket and returns the statuses in order. */
function pipelined(ts: TestServer, key: string, count: number): Promise<number[]> {
  const { hostname, port } = new URL(ts.apiUrl);
  const one = `GET /api/v1/auth/verify HTTP/1.1\r\nHost: ${hostname}:${port}\r\nAuthorization: Bearer ${key}\r\n\r\n`;
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(one.repeat(count)));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));
      if (statuses.length === count) {
        socket.destroy();
        resolve(statuses);
      }
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => {
      socket.destroy();
      reject(new Error(`timed out with: ${text.slice(0, 500)}`));
    });
  });
}
