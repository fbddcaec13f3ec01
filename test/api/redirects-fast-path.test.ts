/**
 * The public listener's fast path (`GET/HEAD /r/:token` of an open URL code,
 * answered in front of Koa): it answers byte for byte as the Koa route does,
 * for every state (compared with a server whose fast path is off), writes the
 * same access-log line, is really taken for the common case and only for it,
 * records one scan per 302 under concurrency, and lets a scan in flight finish
 * with Connection: close on shutdown. Its Accept negotiation and Location
 * encoding are checked against Koa's own ctx.accepts() and ctx.redirect().
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import Koa from 'koa';
import { acceptsHtml, redirectParts } from '../../src-server/http/routes/redirects';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { createCode, patchCode } from './support';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DESTINATION = 'https://example.com/menu?a=1&b={x}|y&c=%zz&d=é#top';

interface Exchange {
  status: number;
  /** Raw header lines in the order sent, Date left out (it is the clock's). */
  headers: [string, string][];
  body: string;
}

/** One request over node:http, as sent, with the raw response headers. */
function exchange(
  baseUrl: string,
  pathname: string,
  options: { method?: string; headers?: Record<string, string>; agent?: http.Agent } = {},
): Promise<Exchange> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: pathname,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: [string, string][] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            if (res.rawHeaders[i]!.toLowerCase() !== 'date') headers.push([res.rawHeaders[i]!, res.rawHeaders[i + 1]!]);
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const header = (x: Exchange, name: string) => x.headers.find(([n]) => n.toLowerCase() === name)?.[1];

/** The same codes, with the same tokens, on a server. */
async function setUp(ts: TestServer): Promise<Record<string, string>> {
  const key = ts.createKey();
  const url = (slug: string, extra: Record<string, unknown> = {}) =>
    createCode(ts, key, { type: 'url', kind: 'dynamic', content: DESTINATION, slug, ...extra });
  const ids: Record<string, string> = {};
  ids.open = (await url('fp-open')).id;
  ids.paused = (await url('fp-paused', { status: 'paused' })).id;
  ids.expired = (
    await url('fp-expired', { protection: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() } })
  ).id;
  const past = new Date(Date.now() - 1000).toISOString();
  assert.equal((await patchCode(ts, key, ids.expired, { protection: { expiresAt: past } })).status, 200);
  ids.full = (await url('fp-full', { protection: { maxScans: 1 } })).id;
  ids.locked = (await url('fp-locked', { protection: { password: 'secret1' } })).id;
  ids.text = (await createCode(ts, key, { type: 'text', kind: 'dynamic', content: 'Hello', slug: 'fp-text' })).id;
  ids.trashed = (await url('fp-trashed')).id;
  assert.equal((await ts.api(`/api/v1/qrcodes/${ids.trashed}`, { key, method: 'DELETE' })).status, 200);
  // Use up fp-full's only scan.
  assert.equal((await exchange(ts.publicUrl, '/r/fp-full', { headers: { 'User-Agent': IPHONE } })).status, 302);
  return ids;
}

const scanCount = (ts: TestServer, id: string) =>
  (ts.store.db.prepare('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?').get(id) as { n: number }).n;

describe('the redirect fast path answers as the Koa route does', () => {
  let fast: TestServer;
  let koa: TestServer;
  let fastIds: Record<string, string>;
  let koaIds: Record<string, string>;

  before(async () => {
    [fast, koa] = await Promise.all([
      startTestServer({ log: { level: 'debug' } }),
      startTestServer({ log: { level: 'debug' }, publicFastPath: false }),
    ]);
    fastIds = await setUp(fast);
    koaIds = await setUp(koa);
  });
  after(async () => {
    await Promise.all([fast.stop(), koa.stop()]);
  });

  // [what, method, path, extra request headers, taken by the fast path]
  const cases: [string, string, string, Record<string, string>, boolean][] = [
    ['open, no Accept', 'GET', '/r/fp-open', {}, true],
    ['open, a browser Accept', 'GET', '/r/fp-open', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, true],
    ['open, JSON only (text body)', 'GET', '/r/fp-open', { Accept: 'application/json' }, true],
    ['open, text/html;q=0 (text body)', 'GET', '/r/fp-open', { Accept: 'text/html;q=0, */*' }, true],
    ['open, French', 'GET', '/r/fp-open', { 'Accept-Language': 'fr-FR,fr;q=0.9' }, true],
    ['open, with a query', 'GET', '/r/fp-open?utm_source=flyer&x=%20', {}, true],
    ['open, HEAD', 'HEAD', '/r/fp-open', {}, true],
    ['open, HEAD with a JSON Accept', 'HEAD', '/r/fp-open', { Accept: 'application/json' }, true],
    ['open, a bot', 'GET', '/r/fp-open', { 'User-Agent': 'curl/8.5.0' }, true],
    ['open, forwarded headers (not trusted)', 'GET', '/r/fp-open', { 'X-Forwarded-For': '8.8.8.8' }, true],
    ['open, trailing slash', 'GET', '/r/fp-open/', {}, false],
    ['open, upper-case prefix', 'GET', '/R/fp-open', {}, false],
    ['open, POST', 'POST', '/r/fp-open', { 'Content-Type': 'application/x-www-form-urlencoded' }, false],
    ['open, OPTIONS', 'OPTIONS', '/r/fp-open', {}, false],
    ['paused', 'GET', '/r/fp-paused', {}, false],
    ['paused, French', 'GET', '/r/fp-paused', { 'Accept-Language': 'fr' }, false],
    ['expired', 'GET', '/r/fp-expired', {}, false],
    ['max scans reached', 'GET', '/r/fp-full', {}, false],
    ['max scans reached, HEAD', 'HEAD', '/r/fp-full', {}, false],
    ['password form', 'GET', '/r/fp-locked', {}, false],
    ['password form, HEAD', 'HEAD', '/r/fp-locked', {}, false],
    ['text page', 'GET', '/r/fp-text', {}, false],
    ['trashed', 'GET', '/r/fp-trashed', {}, false],
    ['unknown', 'GET', '/r/no-such-code', {}, false],
    ['unknown, encoded', 'GET', '/r/%3Cscript%3E', {}, false],
    ['download of a URL code', 'GET', '/r/fp-open/contact.vcf', {}, false],
    ['health', 'GET', '/health', {}, false],
    ['no route', 'GET', '/api/v1/qrcodes', {}, false],
  ];

  for (const [what, method, pathname, extra, taken] of cases) {
    test(`${what}: ${method} ${pathname} ${taken ? 'on the fast path' : 'through Koa'}, same answer`, async () => {
      const headers = { 'User-Agent': IPHONE, 'X-Request-Id': 'fp-compare', ...extra };
      const before = { fast: fast.publicFastPath.answered, scans: scanCount(fast, fastIds.open!) };
      const viaFast = await exchange(fast.publicUrl, pathname, { method, headers });
      const viaKoa = await exchange(koa.publicUrl, pathname, { method, headers });
      assert.equal(viaFast.status, viaKoa.status);
      assert.deepEqual(viaFast.headers, viaKoa.headers);
      assert.equal(viaFast.body, viaKoa.body);
      assert.equal(header(viaFast, 'x-request-id'), 'fp-compare');
      assert.equal(fast.publicFastPath.answered - before.fast, taken ? 1 : 0, 'taken by the fast path');
      assert.equal(koa.publicFastPath.answered, 0, 'the other server has none');
      if (taken) {
        assert.equal(viaFast.status, 302);
        assert.equal(header(viaFast, 'cache-control'), 'no-store');
        assert.equal(header(viaFast, 'location'), redirectParts(DESTINATION).html.headers[2]![1]);
        assert.equal(scanCount(fast, fastIds.open!) - before.scans, method === 'GET' ? 1 : 0, 'GET is a scan');
      }
    });
  }

  test('a request id that is not safe to echo is replaced on both paths', async () => {
    const headers = { 'User-Agent': IPHONE, 'X-Request-Id': 'no spaces allowed' };
    for (const ts of [fast, koa]) {
      const res = await exchange(ts.publicUrl, '/r/fp-open', { headers });
      assert.equal(res.status, 302);
      assert.match(header(res, 'x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  test('both paths store the same scan fields', () => {
    const fields = (ts: TestServer, id: string) =>
      ts.store.db
        .prepare(
          `SELECT country, city, device, os, browser, referrer, language, is_bot, is_unique
           FROM scans WHERE qr_code_id = ? ORDER BY id`,
        )
        .all(id);
    assert.deepEqual(fields(fast, fastIds.open!), fields(koa, koaIds.open!));
    assert.ok(fields(fast, fastIds.open!).length >= 6);
  });

  test('the access log has the same line for a fast-path scan as for a Koa one', async () => {
    const headers = { 'User-Agent': IPHONE, 'X-Request-Id': 'fp-log-check' };
    assert.equal((await exchange(fast.publicUrl, '/r/fp-open?q=secret', { headers })).status, 302);
    assert.equal((await exchange(koa.publicUrl, '/r/fp-open?q=secret', { headers })).status, 302);
    const lineOf = async (ts: TestServer) => {
      // The log file is written asynchronously: wait for the line.
      for (let i = 0; i < 100; i++) {
        const dir = path.join(ts.dataDir, 'logs');
        const text = fs
          .readdirSync(dir)
          .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
          .join('\n');
        const line = text.split('\n').find((l) => l.includes('"fp-log-check"'));
        if (line) {
          const entry = JSON.parse(line) as Record<string, unknown>;
          assert.equal(typeof entry.ms, 'number');
          delete entry.time;
          delete entry.pid;
          delete entry.ms;
          return entry;
        }
        await new Promise((r) => setTimeout(r, 20));
      }
      throw new Error('no log line');
    };
    const fromFast = await lineOf(fast);
    assert.deepEqual(fromFast, await lineOf(koa));
    assert.deepEqual(fromFast, {
      level: 20,
      listener: 'public',
      requestId: 'fp-log-check',
      method: 'GET',
      path: '/r/fp-open',
      status: 302,
      msg: 'request',
    });
  });

  test('200 concurrent scans: 200 redirects from the fast path, 200 scans recorded', async () => {
    const key = fast.createKey();
    const code = await createCode(fast, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/' });
    const before = fast.publicFastPath.answered;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
    try {
      const answers = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          exchange(fast.publicUrl, `/r/${code.shortToken}`, {
            agent,
            headers: { 'User-Agent': IPHONE.replace('15E148', `15E${i}`) },
          }),
        ),
      );
      assert.equal(answers.filter((a) => a.status === 302).length, 200);
      // Read at once: every answered redirect is already committed.
      assert.equal(scanCount(fast, code.id), 200);
      assert.equal(fast.publicFastPath.answered - before, 200);
      const counted = fast.store.db.prepare('SELECT scan_count FROM qr_codes WHERE id = ?').get(code.id) as {
        scan_count: number;
      };
      assert.equal(counted.scan_count, 200);
    } finally {
      agent.destroy();
    }
  });
});

test('shutdown: a fast-path scan in flight is committed and answered with Connection: close', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close());
  const key = ts.createKey();
  const code = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/' });
  // Start shutting down while the scan's batch is about to be written: the request is in flight.
  let closing: Promise<void> | undefined;
  const transaction = ts.store.transaction.bind(ts.store);
  ts.store.transaction = <T>(fn: () => T): T => {
    closing ??= ts.close();
    return transaction(fn);
  };
  const agent = new http.Agent({ keepAlive: true });
  try {
    const res = await exchange(ts.publicUrl, `/r/${code.shortToken}`, { agent, headers: { 'User-Agent': IPHONE } });
    assert.ok(closing, 'close() began while the scan was in flight');
    assert.equal(res.status, 302);
    assert.equal(header(res, 'connection'), 'close');
    assert.equal(ts.publicFastPath.answered, 1);
    await closing;
  } finally {
    agent.destroy();
  }
  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  try {
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n, 1);
  } finally {
    db.close();
  }
});

describe("the fast path's negotiation and Location match Koa's", () => {
  const app = new Koa();
  /** A Koa context over real (unconnected) node:http objects. */
  const koaContext = (accept: string | undefined) => {
    const req = new http.IncomingMessage(new net.Socket());
    req.method = 'GET';
    req.url = '/';
    if (accept !== undefined) req.headers.accept = accept;
    return app.createContext(req, new http.ServerResponse(req));
  };
  const ACCEPTS = [
    undefined,
    '',
    '*/*',
    'text/html',
    'TEXT/HTML',
    'application/json',
    'text/*',
    'text/plain',
    'text/html;q=0',
    'text/html;q=0, */*',
    '*/*;q=0.1, text/html;q=0',
    'text/html;q=0.5, text/*;q=0',
    'text/html;level=1',
    'text/html;level=*',
    'text/html;charset=utf-8, application/json',
    'text/html;q=abc, text/html',
    'text/html;q=abc',
    'text/html; q=0',
    'text/html;q = 0',
    'application/xml;q=0.9, */*;q=0.8',
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
    'image/png, */*;q=0',
    'text/html;foo="a,b";q=0, */*',
    'garbage',
    ',,,',
    '*/*;q=0',
    '*;q=1',
    'text/html;=x',
    'text/html;foo',
    'text/html;foo=',
    'text/html;foo=""',
  ];
  for (const accept of ACCEPTS) {
    test(`Accept ${JSON.stringify(accept)}`, () => {
      assert.equal(acceptsHtml(accept), koaContext(accept).accepts('html') !== false);
    });
  }

  for (const destination of [
    'https://example.com/menu',
    'https://EXAMPLE.com:443/a/../b?x=1',
    DESTINATION,
    'http://plain.example/x?q=%C3%A9&b=2#frag',
    'https://example.com/`quote`/"q"/<a>/{b}/^c^/[d]',
    'https://xn--caf-dma.example/ça?é=ü',
    'https://café.example/🍕?x=😀',
  ]) {
    for (const accept of [undefined, 'text/html', 'application/json']) {
      test(`ctx.redirect(${JSON.stringify(destination)}) with Accept ${JSON.stringify(accept)}`, () => {
        const ctx = koaContext(accept);
        ctx.redirect(destination);
        const ours = acceptsHtml(accept) ? redirectParts(destination).html : redirectParts(destination).text;
        const set = Object.fromEntries(ours.headers);
        assert.equal(ours.status, ctx.status);
        assert.equal(set.Location, ctx.response.get('Location'));
        assert.equal(set['Content-Type'], ctx.response.get('Content-Type'));
        assert.equal(ours.body, ctx.body);
      });
    }
  }
});
