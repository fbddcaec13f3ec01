import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  assertEnvelope,
  codeCount,
  createCode,
  expectValidationError,
  getCode,
  patchCode,
  rawRequest,
  sendJson,
  type QrCodeBody,
} from './support';

/**
 * Attacks a web page in the user's browser can make on the local API (and on
 * the public listener's redirects), each against the defence named in the
 * comment above its test. Every test asserts the defence's own answer (403
 * FORBIDDEN from the Host/Origin guard, VALIDATION_ERROR from the URL rules,
 * a header block with nothing injected), so removing that defence fails it,
 * and checks in the database that nothing was written.
 *
 * qrdesk binds 127.0.0.1, but any site the user visits can still make the
 * browser send requests to 127.0.0.1: that is the threat here.
 */

interface RawHttp {
  status: number;
  /** The header lines exactly as received, without the status line. */
  headerLines: string[];
  body: string;
}

/** One request written byte for byte on a socket; the answer read raw (Connection: close). */
function rawExchange(baseUrl: string, request: string): Promise<RawHttp> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const [statusLine, ...headerLines] = text.slice(0, split < 0 ? text.length : split).split('\r\n');
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '')?.[1] ?? 0),
        headerLines,
        body: split < 0 ? '' : text.slice(split + 4),
      });
    });
    socket.on('error', reject);
    socket.setTimeout(10_000, () => socket.destroy(new Error('no answer')));
  });
}

const headerValue = (res: RawHttp, name: string): string[] =>
  res.headerLines
    .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((l) => l.slice(name.length + 1).trim());

/** The header names a response may carry; anything else would have been injected. */
const KNOWN_HEADERS = new Set([
  'x-request-id',
  'x-content-type-options',
  'x-frame-options',
  'referrer-policy',
  'cross-origin-resource-policy',
  'content-security-policy',
  'cross-origin-opener-policy',
  'permissions-policy',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'content-type',
  'content-length',
  'content-disposition',
  'cache-control',
  'location',
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'vary',
]);

/** Asserts no header line was split or added: every line is `Known-Name: value` with no stray CR or LF. */
function assertNoInjectedHeaders(res: RawHttp, what: string): void {
  for (const line of res.headerLines) {
    const name = /^([A-Za-z0-9-]+):/.exec(line)?.[1]?.toLowerCase();
    assert.ok(name, `${what}: a header line that is not "Name: value": ${JSON.stringify(line)}`);
    assert.ok(KNOWN_HEADERS.has(name), `${what}: unexpected header ${JSON.stringify(line)}`);
    assert.ok(!/[\r\n]/.test(line), `${what}: CR or LF inside ${JSON.stringify(line)}`);
  }
}

/** Rows in the tables a cross-site request could try to fill. */
function rowCounts(ts: TestServer): Record<string, number> {
  const count = (table: string) => (ts.store.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    qr_codes: count('qr_codes'),
    api_keys: count('api_keys'),
    folders: count('folders'),
    webhooks: count('webhooks'),
    settings: count('settings'),
  };
}

describe('browser attacks on the local API', () => {
  let ts: TestServer;
  let key: string;
  let port: string;
  let attacker: http.Server;
  let attackerUrl: string;
  let browser: Browser;

  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['admin'], rateLimitPerMinute: 100_000 });
    port = new URL(ts.apiUrl).port;
    // The attacker's site: another origin on this machine, serving whatever page a test puts in `pages`.
    attacker = http.createServer((req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(pages.get(req.url ?? '/') ?? '<!doctype html><title>attacker</title><p>hello');
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
    // evil.example resolves to 127.0.0.1 in this browser: DNS rebinding without a DNS server.
    browser = await launchChromium(['--host-resolver-rules=MAP evil.example 127.0.0.1']);
  });
  after(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await ts?.stop();
  });

  const pages = new Map<string, string>();
  const jsonCreate = JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://evil.example/', name: 'csrf' });

  /** What the browser received from our API listener for one request, as the DevTools protocol reports it. */
  interface Seen {
    url: string;
    status: number;
    requestId: string | undefined;
  }

  /**
   * Opens a page (the attacker's, unless told otherwise) and records, through the DevTools protocol, the
   * status of every answer the browser got from our API listener, including answers the page itself never
   * sees (beacons, images, fetches blocked by CORS or by Cross-Origin-Resource-Policy).
   */
  async function openPage(url: string): Promise<{ page: Page; seen: () => Seen[]; status: number | undefined }> {
    const page = await browser.newPage();
    const cdp = await page.context().newCDPSession(page);
    const urls = new Map<string, string>();
    const answers: { id: string; status: number; headers: Record<string, string> }[] = [];
    cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
    cdp.on('Network.responseReceivedExtraInfo', (e) =>
      answers.push({ id: e.requestId, status: e.statusCode, headers: e.headers }),
    );
    await cdp.send('Network.enable');
    const nav = await page.goto(url);
    const seen = () =>
      answers
        .map((a) => ({
          url: urls.get(a.id) ?? '',
          status: a.status,
          requestId: Object.entries(a.headers).find(([k]) => k.toLowerCase() === 'x-request-id')?.[1],
        }))
        .filter((a) => a.url !== '' && new URL(a.url).origin === ts.apiUrl);
    return { page, seen, status: nav?.status() };
  }

  /** Waits until the browser has had `n` answers from the API listener (forms and beacons are asynchronous). */
  async function apiAnswers(seen: () => Seen[], n: number): Promise<Seen[]> {
    for (let i = 0; i < 100 && seen().length < n; i++) await new Promise((r) => setTimeout(r, 50));
    const answers = seen();
    assert.ok(answers.length >= n, `the browser sent ${n} request(s) to the API (saw ${answers.length})`);
    return answers;
  }

  /**
   * The guard's refusal as the browser received it: 403 with a request id. Without the guard these
   * requests would reach the routes and get another status (401 for the missing key, 415 for the type).
   */
  function assertGuardRefusals(answers: Seen[]): void {
    for (const a of answers) {
      assert.equal(a.status, 403, `${a.url} → ${a.status}`);
      assert.ok(a.requestId, 'the refusal carries an X-Request-Id');
    }
  }

  /**
   * Runs a script in the page and returns its result. A string, not a function: the test runner's
   * transpiler adds helpers to functions that the page does not have. `${...}` values are JSON.
   */
  const run = (page: Page, script: string): Promise<unknown> => page.evaluate(script);
  const js = (value: unknown) => JSON.stringify(value);

  describe('DNS rebinding: the Host allow-list', () => {
    const foreignHosts = () => [
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `localhost.:${port}`,
      `127.1:${port}`,
      `2130706433:${port}`,
      `0x7f000001:${port}`,
      `[::ffff:127.0.0.1]:${port}`,
      `localhost:${port}.evil.example`,
      'evil.example',
    ];

    // Defence: the Host allow-list (host-origin-guard.ts). Without it these reads and the write succeed.
    test('a foreign Host is refused with 403 FORBIDDEN even with a valid key, on the API, the UI and /openapi.json', async () => {
      const before = rowCounts(ts);
      for (const host of foreignHosts()) {
        for (const path of ['/api/v1/auth/verify', '/api/v1/qrcodes', '/', '/openapi.json', '/docs', '/health']) {
          const res = await rawRequest(ts.apiUrl, path, { headers: { Host: host, Authorization: `Bearer ${key}` } });
          assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
          assert.ok(res.headers['x-request-id'], 'the refusal has an X-Request-Id');
        }
        const post = await rawRequest(ts.apiUrl, '/api/v1/qrcodes', {
          method: 'POST',
          headers: { Host: host, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: jsonCreate,
        });
        assertEnvelope(post.status, post.json(), 403, 'FORBIDDEN');
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
      // The allowed names still work, so the refusals above are about the name, not the request.
      const ok = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
        headers: { Host: `LocalHost:${port}`, Authorization: `Bearer ${key}` },
      });
      assert.equal(ok.status, 200);
    });

    // Defence: the Host allow-list treats a missing Host as foreign (HTTP/1.1 without Host never reaches the app at all).
    test('a request with no Host header is refused', async () => {
      const http11 = await rawExchange(
        ts.apiUrl,
        `GET /api/v1/auth/verify HTTP/1.1\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
      );
      assert.ok(http11.status === 400 || http11.status === 403, `HTTP/1.1 without Host → ${http11.status}`);
      const http10 = await rawExchange(
        ts.apiUrl,
        `GET /api/v1/auth/verify HTTP/1.0\r\nAuthorization: Bearer ${key}\r\n\r\n`,
      );
      assertEnvelope(http10.status, JSON.parse(http10.body), 403, 'FORBIDDEN');
    });

    // Defence: only origin-form targets are accepted (an absolute-form target names its own host, over Host).
    test('absolute-form request targets are refused even with an allowed Host and a valid key', async () => {
      for (const target of [`${ts.apiUrl}/api/v1/auth/verify`, 'http://evil.example/api/v1/auth/verify', '*']) {
        const res = await rawExchange(
          ts.apiUrl,
          `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
        );
        assert.ok(res.status === 403 || res.status === 400, `${target} → ${res.status}`);
        if (res.status === 403) assertEnvelope(res.status, JSON.parse(res.body), 403, 'FORBIDDEN');
      }
    });

    // Defence: the Host allow-list, seen from a real browser: a rebound name is same-origin for the page,
    // so without the guard its scripts could read and write the API with a key they found or guessed.
    test('in Chromium, a page on a rebound name (evil.example → 127.0.0.1) can neither read nor write the API', async () => {
      const before = rowCounts(ts);
      const { page, status } = await openPage(`http://evil.example:${port}/`);
      try {
        assert.equal(status, 403, 'the UI is refused on a foreign name');
        const results = (await run(
          page,
          `(async () => {
            const auth = { Authorization: 'Bearer ' + ${js(key)} };
            const out = {};
            for (const [name, url, init] of [
              ['verify', '/api/v1/auth/verify', { headers: auth }],
              ['openapi', '/openapi.json', {}],
              ['create', '/api/v1/qrcodes', {
                method: 'POST',
                headers: { ...auth, 'Content-Type': 'application/json' },
                body: ${js(jsonCreate)},
              }],
            ]) {
              const r = await fetch(url, init);
              out[name] = { status: r.status, text: await r.text() };
            }
            return out;
          })()`,
        )) as Record<string, { status: number; text: string }>;
        assert.deepEqual(Object.keys(results), ['verify', 'openapi', 'create']);
        for (const [what, r] of Object.entries(results)) {
          assert.equal(r.status, 403, `${what}: ${r.text}`);
          assertEnvelope(r.status, JSON.parse(r.text), 403, 'FORBIDDEN');
        }
      } finally {
        await page.close();
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });
  });

  describe('cross-site requests from a page on another origin (Chromium)', () => {
    // Defence: the Origin check refuses the CORS preflight, and no Access-Control-* header is ever sent,
    // so a script on another origin cannot send its key-bearing request at all.
    test('fetch with a key (a CORS request with a preflight) fails in the page and writes nothing', async () => {
      const before = rowCounts(ts);
      const { page, seen } = await openPage(attackerUrl);
      try {
        const outcome = await run(
          page,
          `fetch(${js(`${ts.apiUrl}/api/v1/qrcodes`)}, {
            method: 'POST',
            headers: { Authorization: 'Bearer ' + ${js(key)}, 'Content-Type': 'application/json' },
            body: ${js(jsonCreate)},
          }).then((r) => 'answered ' + r.status, (err) => 'failed: ' + err.name)`,
        );
        assert.equal(outcome, 'failed: TypeError', 'the browser blocked the request');
        // Whatever reached the server (the preflight, where the browser reports it) got the guard's 403.
        assertGuardRefusals(seen());
      } finally {
        await page.close();
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
      // What the browser's preflight gets: the guard's refusal, with no CORS grant.
      const preflight = await rawRequest(ts.apiUrl, '/api/v1/qrcodes', {
        method: 'OPTIONS',
        headers: {
          Origin: attackerUrl,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'authorization,content-type',
        },
      });
      assertEnvelope(preflight.status, preflight.json(), 403, 'FORBIDDEN');
      assert.equal(preflight.headers['access-control-allow-origin'], undefined);
    });

    // Defence: the Origin / Sec-Fetch-Site check. These "simple" requests need no preflight, so the browser
    // sends them; the guard must refuse them before any route.
    test('simple fetches (cors and no-cors, text/plain bodies shaped like JSON, the key in the URL) are refused by the guard', async () => {
      const before = rowCounts(ts);
      const { page, seen } = await openPage(attackerUrl);
      try {
        const url = `${ts.apiUrl}/api/v1/qrcodes?key=${key}&access_token=${key}`;
        const outcomes = await run(
          page,
          `(async () => {
            const out = [];
            for (const [name, init] of [
              ['cors', { method: 'POST', body: ${js(jsonCreate)}, headers: { 'Content-Type': 'text/plain' } }],
              ['no-cors', { method: 'POST', body: ${js(jsonCreate)}, mode: 'no-cors' }],
              ['no-cors get', { mode: 'no-cors' }],
            ]) {
              out.push(await fetch(${js(url)}, init).then(
                (r) => name + ': ' + r.type + ' ' + r.status,
                (err) => name + ': ' + err.name,
              ));
            }
            return out;
          })()`,
        );
        // The page learns nothing: no CORS grant, and Cross-Origin-Resource-Policy: same-origin fails even
        // the opaque no-cors answers.
        assert.deepEqual(outcomes, ['cors: TypeError', 'no-cors: TypeError', 'no-cors get: TypeError']);
        assertGuardRefusals(await apiAnswers(seen, 3));
      } finally {
        await page.close();
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });

    // Defence: the Origin check (a form POST carries the attacker's Origin).
    test('auto-submitted forms (text/plain and urlencoded bodies shaped like JSON) are refused by the guard', async () => {
      const before = rowCounts(ts);
      const action = `${ts.apiUrl}/api/v1/qrcodes?key=${key}&access_token=${key}`;
      // text/plain forms send `name=value`: split the JSON so the body reads as JSON ({"...","x":"=ignored"}).
      const jsonName = jsonCreate.slice(0, -1) + ',"x":"';
      pages.set(
        '/forms',
        `<!doctype html><title>win a prize</title>
        <iframe name="sink1"></iframe><iframe name="sink2"></iframe><iframe name="sink3"></iframe>
        <form id="f1" method="post" enctype="text/plain" action="${action}" target="sink1">
          <input name='${jsonName}' value='"}'></form>
        <form id="f2" method="post" enctype="application/x-www-form-urlencoded" action="${action}" target="sink2">
          <input name='${jsonCreate}' value=''><input name="authorization" value="Bearer ${key}"></form>
        <form id="f3" method="post" action="${ts.apiUrl}/api/v1/api-keys" target="sink3">
          <input name="name" value="stolen"><input name="scopes" value="admin"></form>
        <script>for (const f of ['f1', 'f2', 'f3']) document.getElementById(f).submit();</script>`,
      );
      const { page, seen } = await openPage(`${attackerUrl}/forms`);
      try {
        assertGuardRefusals(await apiAnswers(seen, 3));
      } finally {
        await page.close();
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });

    // Defence: the Origin check, for the one request a page can send as it closes (sendBeacon, a POST).
    test('navigator.sendBeacon with a JSON-shaped body and the key in the URL is refused by the guard', async () => {
      const before = rowCounts(ts);
      const { page, seen } = await openPage(attackerUrl);
      try {
        const url = `${ts.apiUrl}/api/v1/qrcodes?key=${key}`;
        const queued = await run(
          page,
          `[
            navigator.sendBeacon(${js(url)}, ${js(jsonCreate)}),
            navigator.sendBeacon(${js(url)}, new Blob([${js(jsonCreate)}], { type: 'text/plain' })),
          ].every(Boolean)`,
        );
        assert.equal(queued, true, 'the browser queued both beacons');
        assertGuardRefusals(await apiAnswers(seen, 2));
      } finally {
        await page.close();
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });

    // Defence: the Sec-Fetch-Site check on /api/: an <img> or <script> GET carries no Origin, only
    // Sec-Fetch-Site, and must not be answered with data.
    test('embedding API URLs as images and scripts is refused by the guard', async () => {
      pages.set(
        '/embed',
        `<!doctype html><img src="${ts.apiUrl}/api/v1/qrcodes?key=${key}"><script src="${ts.apiUrl}/api/v1/api-keys"></script>`,
      );
      const { page, seen } = await openPage(`${attackerUrl}/embed`);
      try {
        assertGuardRefusals(await apiAnswers(seen, 2));
      } finally {
        await page.close();
      }
    });
  });

  describe('cross-site markers sent by plain fetch', () => {
    // Defence: the Origin check: a foreign Origin is refused even with a valid key (defence in depth should
    // CORS ever be opened by mistake).
    test('a foreign Origin with a valid key is refused with 403 on reads and writes, and nothing is written', async () => {
      const before = rowCounts(ts);
      for (const origin of ['http://evil.example', 'null', attackerUrl, `http://localhost:${port}.evil.example`]) {
        const read = await rawRequest(ts.apiUrl, '/api/v1/qrcodes', {
          headers: { Origin: origin, Authorization: `Bearer ${key}` },
        });
        assertEnvelope(read.status, read.json(), 403, 'FORBIDDEN');
        const write = await rawRequest(ts.apiUrl, '/api/v1/qrcodes', {
          method: 'POST',
          headers: { Origin: origin, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: jsonCreate,
        });
        assertEnvelope(write.status, write.json(), 403, 'FORBIDDEN');
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });

    // Defence: the Sec-Fetch-Site check (browsers send it even where they leave Origin out).
    test('Sec-Fetch-Site cross-site or same-site with a valid key is refused on /api/', async () => {
      const before = rowCounts(ts);
      for (const site of ['cross-site', 'same-site']) {
        const res = await rawRequest(ts.apiUrl, '/api/v1/folders', {
          method: 'POST',
          headers: { 'Sec-Fetch-Site': site, Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ name: 'cross-site folder' }),
        });
        assertEnvelope(res.status, res.json(), 403, 'FORBIDDEN');
      }
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });

    // Defence: no CORS middleware at all, and the Origin check answering the preflight itself: a foreign
    // origin's preflight is refused and gets no Access-Control-Allow-Origin.
    test('a CORS preflight from a foreign origin grants nothing', async () => {
      for (const path of ['/api/v1/qrcodes', '/api/v1/api-keys', '/openapi.json', '/health']) {
        const res = await rawRequest(ts.apiUrl, path, {
          method: 'OPTIONS',
          headers: {
            Origin: 'http://evil.example',
            'Access-Control-Request-Method': 'POST',
            'Access-Control-Request-Headers': 'authorization, content-type',
          },
        });
        assert.ok(res.status >= 400, `${path} preflight → ${res.status}`);
        const granted = Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
        assert.deepEqual(granted, [], `${path}: no Access-Control-* headers`);
      }
    });

    // Defence: keys are taken from the Authorization header only, which no cross-site page can set without
    // a preflight; keys in URLs, bodies or cookies (which forms, beacons and images can carry) are ignored.
    test('a valid key in the query string, a form body or a cookie does not authenticate', async () => {
      const before = rowCounts(ts);
      for (const query of [`key=${key}`, `api_key=${key}`, `access_token=${key}`, `token=${key}`]) {
        const res = await rawRequest(ts.apiUrl, `/api/v1/auth/verify?${query}`);
        assertEnvelope(res.status, res.json(), 401, 'UNAUTHORIZED');
      }
      const cookie = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
        headers: { Cookie: `key=${key}; Authorization=Bearer ${key}` },
      });
      assertEnvelope(cookie.status, cookie.json(), 401, 'UNAUTHORIZED');
      const form = await rawRequest(ts.apiUrl, '/api/v1/folders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `name=x&authorization=${encodeURIComponent(`Bearer ${key}`)}&key=${key}`,
      });
      assertEnvelope(form.status, form.json(), 401, 'UNAUTHORIZED');
      assert.deepEqual(rowCounts(ts), before, 'nothing was written');
    });
  });

  describe('open redirects through /r/', () => {
    const HOSTILE_DESTINATIONS = [
      'javascript:alert(document.cookie)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'vbscript:msgbox(1)',
      '//evil.example/',
      '///evil.example/',
      '/\\evil.example',
      'https:\\\\evil.example',
      'https:/\\evil.example',
      'https://menu.invalid@evil.example/',
      'https://user:pass@evil.example/',
      'https://evil.example\r\nSet-Cookie: a=b',
      'https://evil.example/\u0000',
      'https://evil .example/',
      'https://\tevil.example/',
      'ftp://evil.example/',
      'evil.example',
      '',
    ];

    const dynamicUrl = (content: string) =>
      createCode(ts, key, { type: 'url', kind: 'dynamic', content, name: 'redirect test' });

    // Defence: the URL rules of a url code (httpUrlProblem in src-shared/schemas/text.ts).
    test('a dynamic code cannot be created pointing at javascript:, data:, file:, //host, backslash tricks, credentials or control characters', async () => {
      const before = codeCount(ts);
      for (const destination of HOSTILE_DESTINATIONS) {
        const res = await sendJson(ts, key, '/api/v1/qrcodes', { type: 'url', kind: 'dynamic', content: destination });
        await expectValidationError(res, 'content');
      }
      assert.equal(codeCount(ts), before, 'nothing was created');
    });

    // Defence: the same URL rules on update: a code already printed cannot be turned into an open redirect.
    test("an existing code's destination cannot be changed to any of those; it keeps redirecting where it did", async () => {
      const code = await dynamicUrl('https://menu.invalid/carte');
      for (const destination of HOSTILE_DESTINATIONS) {
        await expectValidationError(await patchCode(ts, key, code.id, { content: destination }), 'content');
      }
      assert.equal((await getCode(ts, key, code.id)).content, 'https://menu.invalid/carte');
      const res = await rawRequest(ts.publicUrl, `/r/${code.shortToken}`);
      assert.equal(res.status, 302);
      assert.equal(res.headers.location, 'https://menu.invalid/carte');
    });

    // Defence: /r/ looks the token up exactly and has no fallback: an unknown token is a page, never a redirect.
    test('crafted tokens on /r/ get the 404 page, never a redirect to a value from the request', async () => {
      const tokens = [
        '..%2f..%2fapi%2fv1%2fqrcodes',
        '%2e%2e%2f%2e%2e%2f',
        '%2F%2Fevil.example',
        '%5C%5Cevil.example',
        'https%3A%2F%2Fevil.example',
        'x%0d%0aLocation:%20https://evil.example',
        'x%00',
        encodeURIComponent('🍕\u202eevil'),
        '%E0%A4%A',
        'a'.repeat(5000),
      ];
      for (const token of tokens) {
        for (const method of ['GET', 'HEAD', 'POST']) {
          const res = await rawExchange(
            ts.publicUrl,
            `${method} /r/${token} HTTP/1.1\r\nHost: qr.menu.invalid\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
          );
          assert.ok([400, 404].includes(res.status), `${method} /r/${token.slice(0, 40)} → ${res.status}`);
          assert.deepEqual(headerValue(res, 'location'), [], 'no Location header');
          assertNoInjectedHeaders(res, `/r/${token.slice(0, 40)}`);
        }
      }
    });

    // Defence: the redirect sends the stored destination, re-serialised but never rebuilt from the request.
    test("a real code's Location is exactly its stored destination, and request headers cannot change it", async () => {
      for (const destination of [
        'https://menu.invalid/carte?table=4&lang=fr#desserts',
        'http://127.0.0.1:8080/path/to?q=%C3%A9',
        'https://menu.invalid/a%0D%0ASet-Cookie:%20x=1',
      ]) {
        const code = await dynamicUrl(destination);
        assert.equal(code.content, destination, 'stored as given');
        const res = await rawExchange(
          ts.publicUrl,
          `GET /r/${code.shortToken} HTTP/1.1\r\nHost: evil.example\r\nX-Forwarded-Host: evil.example\r\n` +
            `X-Forwarded-Proto: javascript\r\nX-Original-URL: //evil.example\r\nConnection: close\r\n\r\n`,
        );
        assert.equal(res.status, 302);
        assert.deepEqual(headerValue(res, 'location'), [destination]);
        assertNoInjectedHeaders(res, destination);
      }
    });
  });

  describe('header injection through names and destinations', () => {
    const get = (base: string, path: string) =>
      rawExchange(
        base,
        `GET ${path} HTTP/1.1\r\nHost: ${new URL(base).host}\r\nAuthorization: Bearer ${key}\r\nConnection: close\r\n\r\n`,
      );

    // Defence: names are single lines (no control characters at all), so CR and LF never reach a header.
    test('a code name with CR, LF or NUL is refused', async () => {
      const before = codeCount(ts);
      for (const name of ['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\u0000b', 'a\u0085b']) {
        await expectValidationError(
          await sendJson(ts, key, '/api/v1/qrcodes', { type: 'text', content: 'x', name }),
          'name',
        );
      }
      assert.equal(codeCount(ts), before);
    });

    // Defence: contentDisposition() in routes/render.ts: an ASCII file name with quotes and separators replaced,
    // and the UTF-8 name percent-encoded in filename*.
    test("a code's image download names the file from the code name without splitting or breaking the header", async () => {
      const names = [
        'Menu "du jour"; filename=evil.exe',
        "Café %0d%0aX-Injected: 1 l'été",
        "x\" filename*=UTF-8''evil.exe",
        '..\\..\\windows\\evil.bat',
        '\u202eexe.txt',
        '東京タワー 🍕',
      ];
      for (const name of names) {
        const code: QrCodeBody = await createCode(ts, key, { type: 'text', content: 'x', name });
        const res = await get(ts.apiUrl, `/api/v1/qrcodes/${code.id}/image?format=svg&download=true`);
        assert.equal(res.status, 200, `${name}: ${res.body.slice(0, 200)}`);
        assertNoInjectedHeaders(res, name);
        const [disposition, ...more] = headerValue(res, 'content-disposition');
        assert.equal(more.length, 0, 'one Content-Disposition');
        const m = /^attachment; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%._~!$&+,;=:@-]*)$/.exec(disposition!);
        assert.ok(m, `${name}: Content-Disposition is well formed: ${disposition}`);
        assert.match(m[1]!, /^[\x20-\x7e]+\.svg$/, 'the plain file name is printable ASCII');
        assert.ok(!/["\\/]/.test(m[1]!), 'no quote, backslash or slash in the plain file name');
        const decoded = decodeURIComponent(m[2]!);
        assert.ok(
          !/[\r\n"\\/]/.test(decoded) && !decoded.includes('\u0000'),
          `the UTF-8 file name is safe: ${decoded}`,
        );
      }
    });

    // Defence: barcodeFilename() in services/barcodes.ts keeps only [A-Za-z0-9._-] of the value.
    test('a barcode value full of quotes and line breaks cannot reach the image headers', async () => {
      const body = JSON.stringify({ format: 'QR', value: 'a"b\r\nX-Injected: 1\r\n\r\n<script>' });
      const res = await rawExchange(
        ts.apiUrl,
        `POST /api/v1/barcodes/render HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${key}\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      assert.equal(res.status, 200, res.body.slice(0, 200));
      assertNoInjectedHeaders(res, 'barcode');
      assert.deepEqual(headerValue(res, 'content-disposition').length, 1);
      assert.match(headerValue(res, 'content-disposition')[0]!, /^inline; filename="[A-Za-z0-9._-]+"$/);
    });

    // Defence: the CSV export's file name is built from the code id with everything but [A-Za-z0-9_-] replaced,
    // and an unknown id is a 404 before any header is set.
    test('CSV export file names cannot be split, from a real id or a crafted one', async () => {
      const code = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://menu.invalid/csv' });
      const ok = await get(ts.apiUrl, `/api/v1/qrcodes/${code.id}/scans?format=csv`);
      assert.equal(ok.status, 200, ok.body.slice(0, 200));
      assertNoInjectedHeaders(ok, 'scans csv');
      assert.deepEqual(headerValue(ok, 'content-disposition'), [`attachment; filename="qrdesk-scans-${code.id}.csv"`]);
      for (const id of ['x%22%0d%0aX-Injected:%201', '%22;filename=evil.exe', 'a%0aSet-Cookie:%20b=c']) {
        for (const path of [`/api/v1/qrcodes/${id}/scans?format=csv`, `/api/v1/batches/${id}/report.csv`]) {
          const res = await get(ts.apiUrl, path);
          assert.equal(res.status, 404, path);
          assertNoInjectedHeaders(res, path);
        }
      }
    });

    // Defence: the redirect's Location is percent-encoded (encodeLocation), so a destination can never carry a raw CR or LF.
    test('destinations cannot split the /r/ response headers', async () => {
      const before = codeCount(ts);
      for (const content of ['https://menu.invalid/\r\nSet-Cookie: a=b', 'https://menu.invalid/\nX-Injected: 1']) {
        const res = await sendJson(ts, key, '/api/v1/qrcodes', { type: 'url', kind: 'dynamic', content });
        await expectValidationError(res, 'content');
      }
      assert.equal(codeCount(ts), before);
      const code = await createCode(ts, key, {
        type: 'url',
        kind: 'dynamic',
        content: 'https://menu.invalid/%0d%0aSet-Cookie:%20a=b?x="%22\u00e9\u{1F355}',
      });
      const res = await rawExchange(
        ts.publicUrl,
        `GET /r/${code.shortToken} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      assert.equal(res.status, 302);
      assertNoInjectedHeaders(res, 'redirect');
      const [location] = headerValue(res, 'location');
      assert.match(location ?? '', /^https:\/\/menu\.invalid\/[\x21-\x7e]*$/, 'an ASCII, percent-encoded Location');
    });
  });
});
