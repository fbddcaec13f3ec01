/**
 * The tunnel over real HTTP: its endpoints, scopes, settings and credentials,
 * bad input with nothing written, and the offline end-to-end test through the
 * self-hosted localtunnel server from npm on loopback: a scan through the
 * tunnel is a 302 and is recorded with the forwarded address, the API is a 404
 * through it even with a valid key, and a killed server is reconnected.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TunnelStatus } from '../../src-shared/schemas/tunnel';
import { SECRETS_FILE } from '../../src-server/tunnel/secrets';
import { httpGet } from '../../src-server/tunnel/self-check';
import { startLocaltunnelServer, type LocaltunnelServer } from '../helpers/localtunnel-server';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { FAST_TUNNEL, routeToLoopback, waitFor } from '../helpers/tunnel-standins';
import { createCode, expectError, expectValidationError, rawRequest, sendJson } from './support';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function tunnelStatus(ts: TestServer, key: string): Promise<TunnelStatus> {
  const res = await ts.api('/api/v1/tunnel', { key });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as TunnelStatus;
}

async function post(ts: TestServer, key: string, action: 'start' | 'stop'): Promise<TunnelStatus> {
  const res = await ts.api(`/api/v1/tunnel/${action}`, { key, method: 'POST' });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as TunnelStatus;
}

async function patchTunnel(ts: TestServer, key: string, body: unknown): Promise<TunnelStatus> {
  const res = await sendJson(ts, key, '/api/v1/tunnel', body, { method: 'PATCH' });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as TunnelStatus;
}

const settingsRow = (ts: TestServer) =>
  (ts.store.db.prepare("SELECT value FROM settings WHERE key = 'tunnel'").get() as { value: string } | undefined)
    ?.value;

const secretsText = (ts: TestServer) => {
  try {
    return fs.readFileSync(path.join(ts.dataDir, SECRETS_FILE), 'utf8');
  } catch {
    return null;
  }
};

const logText = (ts: TestServer) => {
  const dir = path.join(ts.dataDir, 'logs');
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'))
        .join('')
    : '';
};

describe('tunnel endpoints', () => {
  let ts: TestServer;
  let admin: string;
  let writer: string;
  let reader: string;
  before(async () => {
    ts = await startTestServer({ tunnel: { timings: FAST_TUNNEL } });
    admin = ts.createKey({ scopes: ['admin'] });
    writer = ts.createKey({ scopes: ['write'] });
    reader = ts.createKey({ scopes: ['read'] });
  });
  after(() => ts.stop());

  test('a fresh server has no tunnel: stopped, provider none, nothing stored; start is a 409', async () => {
    const status = await tunnelStatus(ts, reader);
    assert.deepEqual(status, {
      provider: 'none',
      state: 'stopped',
      publicUrl: null,
      since: null,
      message: null,
      nextRetryAt: null,
      lastCheck: null,
      warnings: [],
      config: {
        provider: 'none',
        autoStart: false,
        customDomainUrl: null,
        cloudflaredPath: null,
        cloudflaredHostname: null,
        ngrokDomain: null,
        localtunnelServerUrl: null,
        localtunnelSubdomain: null,
        hasCloudflaredToken: false,
        hasNgrokAuthtoken: false,
      },
    });
    assert.equal(settingsRow(ts), undefined);
    assert.equal(secretsText(ts), null);
    const res = await ts.api('/api/v1/tunnel/start', { key: admin, method: 'POST' });
    const body = await expectError(res, 409, 'CONFLICT');
    assert.match(body.error.message, /provider/);
    // Stopping a stopped tunnel is fine.
    assert.equal((await post(ts, admin, 'stop')).state, 'stopped');
  });

  test('any key reads the status; only an admin key changes, starts or stops the tunnel', async () => {
    await expectError(await ts.api('/api/v1/tunnel'), 401, 'UNAUTHORIZED');
    for (const key of [reader, writer]) {
      assert.equal((await tunnelStatus(ts, key)).state, 'stopped');
      await expectError(
        await sendJson(ts, key, '/api/v1/tunnel', { provider: 'ngrok' }, { method: 'PATCH' }),
        403,
        'FORBIDDEN',
      );
      await expectError(await ts.api('/api/v1/tunnel/start', { key, method: 'POST' }), 403, 'FORBIDDEN');
      await expectError(await ts.api('/api/v1/tunnel/stop', { key, method: 'POST' }), 403, 'FORBIDDEN');
    }
    assert.equal(settingsRow(ts), undefined, 'nothing written');
  });

  test('credentials are write-only: kept in a 0600 file, never returned nor logged; null removes them', async () => {
    const ngrokToken = '2abcDEFghiJKLmnoPQRstuVWXyz_0123456789SECRET';
    const cfToken = 'eyJhIjoiYWNjb3VudCIsInQiOiJ0dW5uZWwiLCJzIjoiU0VDUkVUIn0=';
    const res = await sendJson(
      ts,
      admin,
      '/api/v1/tunnel',
      { ngrokAuthtoken: ngrokToken, cloudflaredToken: cfToken },
      { method: 'PATCH' },
    );
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.ok(!text.includes(ngrokToken) && !text.includes(cfToken), 'no credential in the answer');
    const status = JSON.parse(text) as TunnelStatus;
    assert.equal(status.config.hasNgrokAuthtoken, true);
    assert.equal(status.config.hasCloudflaredToken, true);
    const file = path.join(ts.dataDir, SECRETS_FILE);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(secretsText(ts)!.includes(ngrokToken));
    assert.deepEqual(
      fs.readdirSync(ts.dataDir).filter((f) => f.startsWith(SECRETS_FILE) && f !== SECRETS_FILE),
      [],
      'no temporary file left',
    );
    const getText = await (await ts.api('/api/v1/tunnel', { key: admin })).text();
    const settingsText = await (await ts.api('/api/v1/settings', { key: admin })).text();
    for (const t of [getText, settingsText, settingsRow(ts) ?? '']) {
      assert.ok(!t.includes(ngrokToken) && !t.includes(cfToken));
    }
    // The database never sees them.
    const dump = ts.store.db.prepare('SELECT value FROM settings').all() as { value: string }[];
    assert.ok(dump.every((r) => !r.value.includes(ngrokToken)));

    const removed = await patchTunnel(ts, admin, { ngrokAuthtoken: null });
    assert.equal(removed.config.hasNgrokAuthtoken, false);
    assert.equal(removed.config.hasCloudflaredToken, true);
    assert.ok(!secretsText(ts)!.includes(ngrokToken));
    await patchTunnel(ts, admin, { cloudflaredToken: null });
    await new Promise((r) => setTimeout(r, 200));
    const logs = logText(ts);
    assert.ok(logs.includes('tunnel settings changed'), 'the change is logged');
    assert.ok(!logs.includes(ngrokToken) && !logs.includes(cfToken), 'but never the credentials');
  });

  test('choosing a provider sets trustProxy: Cloudflare headers only with cloudflared', async () => {
    const trust = async () =>
      ((await (await ts.api('/api/v1/settings', { key: admin })).json()) as { trustProxy: string }).trustProxy;
    const expected: [string, string][] = [
      ['cloudflared', 'cloudflare'],
      ['ngrok', 'x-forwarded-for'],
      ['localtunnel', 'x-forwarded-for'],
      ['custom-domain', 'x-forwarded-for'],
      ['none', 'none'],
    ];
    for (const [provider, trustProxy] of expected) {
      const status = await patchTunnel(ts, admin, { provider });
      assert.equal(status.provider, provider);
      assert.equal(status.state, 'stopped', 'changing the settings does not start anything');
      assert.equal(await trust(), trustProxy, provider);
    }
    // The same provider again leaves a trustProxy chosen by hand alone.
    await sendJson(ts, admin, '/api/v1/settings', { trustProxy: 'cloudflare' }, { method: 'PATCH' });
    await patchTunnel(ts, admin, { provider: 'none' });
    assert.equal(await trust(), 'cloudflare');
    await sendJson(ts, admin, '/api/v1/settings', { trustProxy: 'none' }, { method: 'PATCH' });
  });

  test('values are normalised: trailing slashes dropped, host names lower-cased', async () => {
    const status = await patchTunnel(ts, admin, {
      customDomainUrl: 'https://QR.Example.com/scan/',
      cloudflaredHostname: ' QR.Example.COM ',
      ngrokDomain: 'Cafe.ngrok.app',
      localtunnelServerUrl: 'https://lt.example.com/',
      localtunnelSubdomain: 'cafe-menu',
      autoStart: false,
      cloudflaredPath: null,
    });
    assert.equal(status.config.customDomainUrl, 'https://QR.Example.com/scan');
    assert.equal(status.config.cloudflaredHostname, 'qr.example.com');
    assert.equal(status.config.ngrokDomain, 'cafe.ngrok.app');
    assert.equal(status.config.localtunnelServerUrl, 'https://lt.example.com');
    assert.equal(status.config.localtunnelSubdomain, 'cafe-menu');
    // cloudflared without a token: the quick-tunnel warning shows before anything runs.
    const cf = await patchTunnel(ts, admin, { provider: 'cloudflared' });
    assert.deepEqual(
      cf.warnings.map((w) => w.code),
      ['QUICK_TUNNEL'],
    );
    assert.match(cf.warnings[0]!.message, /changes every time it starts/);
    await patchTunnel(ts, admin, { provider: 'none' });
  });

  test('bad input is refused with the envelope, naming the field, and nothing is written', async () => {
    await patchTunnel(ts, admin, { ngrokAuthtoken: 'kept-token-1234' });
    const before = [settingsRow(ts), secretsText(ts)];
    const cases: [unknown, string][] = [
      [{ provider: 'frp' }, 'provider'],
      [{ provider: 42 }, 'provider'],
      [{ provider: null }, 'provider'],
      [{ autoStart: 'yes' }, 'autoStart'],
      [{ customDomainUrl: 'javascript:alert(1)' }, 'customDomainUrl'],
      [{ customDomainUrl: 'https://user:pw@qr.example.com' }, 'customDomainUrl'],
      [{ customDomainUrl: 'https://qr.example.com/?a=1' }, 'customDomainUrl'],
      [{ customDomainUrl: `https://${'a'.repeat(300)}.example` }, 'customDomainUrl'],
      [{ customDomainUrl: 'qr.example.com' }, 'customDomainUrl'],
      [{ localtunnelServerUrl: 'ftp://lt.example.com' }, 'localtunnelServerUrl'],
      [{ localtunnelServerUrl: 'http://lt.example.com/\r\nX: 1' }, 'localtunnelServerUrl'],
      [{ localtunnelSubdomain: 'UPPER-case' }, 'localtunnelSubdomain'],
      [{ localtunnelSubdomain: 'abc' }, 'localtunnelSubdomain'],
      [{ localtunnelSubdomain: '../etc/passwd' }, 'localtunnelSubdomain'],
      [{ localtunnelSubdomain: 'x'.repeat(70) }, 'localtunnelSubdomain'],
      [{ cloudflaredHostname: 'https://qr.example.com/path' }, 'cloudflaredHostname'],
      [{ cloudflaredHostname: 'qr example.com' }, 'cloudflaredHostname'],
      [{ cloudflaredHostname: 'localhost' }, 'cloudflaredHostname'],
      [{ cloudflaredHostname: `${'a'.repeat(64)}.example.com` }, 'cloudflaredHostname'],
      [{ ngrokDomain: 'bad_domain!.ngrok.app' }, 'ngrokDomain'],
      [{ ngrokDomain: 7 }, 'ngrokDomain'],
      [{ cloudflaredToken: '' }, 'cloudflaredToken'],
      [{ cloudflaredToken: 'two words' }, 'cloudflaredToken'],
      [{ cloudflaredToken: 'tok\r\nX-Injected: 1' }, 'cloudflaredToken'],
      [{ cloudflaredToken: 'a'.repeat(5000) }, 'cloudflaredToken'],
      [{ cloudflaredToken: 123 }, 'cloudflaredToken'],
      [{ ngrokAuthtoken: 'tok --config=/etc/x' }, 'ngrokAuthtoken'],
      [{ ngrokAuthtoken: 'tøken' }, 'ngrokAuthtoken'],
      [{ ngrokAuthtoken: ['a'] }, 'ngrokAuthtoken'],
      [{ cloudflaredPath: 'relative/cloudflared' }, 'cloudflaredPath'],
      [{ cloudflaredPath: '/usr/bin/cloudflared\u0000.txt' }, 'cloudflaredPath'],
      [{ cloudflaredPath: '/no/such/dir/cloudflared' }, 'cloudflaredPath'],
      [{ cloudflaredPath: path.join(ts.dataDir, SECRETS_FILE) }, 'cloudflaredPath'],
      [{ cloudflaredPath: '/' + 'a/'.repeat(600) }, 'cloudflaredPath'],
      [{ tunnel: 'ngrok' }, 'tunnel'],
      [{ provider: 'ngrok', extra: true }, 'extra'],
      // A valid field with a bad one: nothing of it is applied.
      [{ provider: 'ngrok', ngrokAuthtoken: 'new-token-5678', ngrokDomain: 'no spaces.ngrok.app' }, 'ngrokDomain'],
    ];
    for (const [body, field] of cases) {
      const res = await sendJson(ts, admin, '/api/v1/tunnel', body, { method: 'PATCH' });
      await expectValidationError(res, field);
    }
    await expectError(
      await sendJson(ts, admin, '/api/v1/tunnel', '{"provider": ', { method: 'PATCH' }),
      400,
      'INVALID_BODY',
    );
    await expectError(
      await sendJson(ts, admin, '/api/v1/tunnel', 'provider=ngrok', {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectError(
      await sendJson(ts, admin, '/api/v1/tunnel', { ngrokDomain: 'a'.repeat(2 * 1024 * 1024) }, { method: 'PATCH' }),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectValidationError(await sendJson(ts, admin, '/api/v1/tunnel', [], { method: 'PATCH' }), 'body');
    // start and stop take no body.
    await expectValidationError(await sendJson(ts, admin, '/api/v1/tunnel/start', { provider: 'ngrok' }), '(body)');
    await expectValidationError(await sendJson(ts, admin, '/api/v1/tunnel/stop', { force: true }), '(body)');
    assert.deepEqual([settingsRow(ts), secretsText(ts)], before, 'nothing was written');
    assert.equal((await tunnelStatus(ts, admin)).state, 'stopped');
    await patchTunnel(ts, admin, { ngrokAuthtoken: null });
  });

  test('a cloudflaredPath is checked: an executable file is accepted', async () => {
    const dir = tempDataDir('qrdesk-cfpath-');
    const exe = path.join(dir, 'cloudflared');
    fs.writeFileSync(exe, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    try {
      const status = await patchTunnel(ts, admin, { cloudflaredPath: exe });
      assert.equal(status.config.cloudflaredPath, exe);
      fs.chmodSync(exe, 0o644);
      await expectValidationError(
        await sendJson(ts, admin, '/api/v1/tunnel', { cloudflaredPath: exe }, { method: 'PATCH' }),
        'cloudflaredPath',
      );
      assert.equal((await patchTunnel(ts, admin, { cloudflaredPath: null })).config.cloudflaredPath, null);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the endpoints are in the OpenAPI document under the Tunnel tag', async () => {
    const doc = (await (await ts.api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags: string[] }>>;
      tags: { name: string }[];
    };
    assert.ok(doc.tags.some((t) => t.name === 'Tunnel'));
    assert.deepEqual(Object.keys(doc.paths['/api/v1/tunnel']!).sort(), ['get', 'patch']);
    assert.ok(doc.paths['/api/v1/tunnel/start']!.post);
    assert.ok(doc.paths['/api/v1/tunnel/stop']!.post);
    assert.deepEqual(doc.paths['/api/v1/tunnel']!.get!.tags, ['Tunnel']);
  });
});

describe('localtunnel end to end, offline, through the self-hosted server from npm', () => {
  let lt: LocaltunnelServer;
  let ts: TestServer;
  let admin: string;
  const subdomain = 'qrdesk-e2e';
  const host = () => `${subdomain}.${lt.domain}`;
  /** A request to the tunnel server for our subdomain, as a phone's request arrives there. */
  const throughTunnel = (pathname: string, headers: Record<string, string> = {}, method = 'GET') =>
    rawRequest(lt.url, pathname, { method, headers: { Host: host(), 'User-Agent': IPHONE, ...headers } });
  /** The status of a GET through the tunnel server, or 0 if it has no answer within a second. */
  const statusThrough = (pathname: string, h = host()) =>
    httpGet(`http://${h}${pathname}`, { timeoutMs: 1_000, connectTo: { host: '127.0.0.1', port: lt.port } }).then(
      (r) => r.status,
      () => 0,
    );

  before(async () => {
    lt = await startLocaltunnelServer();
    ts = await startTestServer({
      tunnel: {
        timings: FAST_TUNNEL,
        // The tunnel's URLs are http://<id>.localhost: the self-check reaches them on the server's port.
        httpGet: routeToLoopback((u) => (u.hostname.endsWith(`.${lt.domain}`) ? lt.port : undefined)),
      },
    });
    admin = ts.createKey();
  });
  after(async () => {
    await ts.stop();
    await lt.kill();
  });

  test('start: the tunnel comes up, checks itself, and becomes the base URL of new dynamic codes', async () => {
    const older = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/old' });
    const configured = await patchTunnel(ts, admin, {
      provider: 'localtunnel',
      localtunnelServerUrl: lt.url,
      localtunnelSubdomain: subdomain,
    });
    assert.equal(configured.state, 'stopped');
    const status = await post(ts, admin, 'start');
    assert.equal(status.state, 'up', JSON.stringify(status));
    assert.equal(status.publicUrl, `http://${host()}`);
    assert.ok(status.lastCheck?.ok, JSON.stringify(status.lastCheck));
    assert.equal(status.lastCheck?.status, 200);
    // The code made before the tunnel encodes the listener's own URL: the status says so.
    const mismatch = status.warnings.find((w) => w.code === 'BASE_URL_MISMATCH');
    assert.ok(mismatch, JSON.stringify(status.warnings));
    assert.match(mismatch.message, /1 dynamic code encodes http:\/\/127\.0\.0\.1:\d+, not this tunnel's URL/);
    assert.ok(!status.warnings.some((w) => w.code === 'RANDOM_HOSTNAME'), 'a chosen subdomain is stable');
    const settings = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as {
      publicBaseUrl: string;
      trustProxy: string;
    };
    assert.equal(settings.publicBaseUrl, status.publicUrl);
    assert.equal(settings.trustProxy, 'x-forwarded-for');
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/menu' });
    assert.equal(code.shortUrl, `http://${host()}/r/${code.shortToken}`);
    assert.equal(older.shortUrl!.startsWith(ts.publicUrl), true, 'codes made before keep their URL');
    // Starting again while up answers the same tunnel.
    const again = await post(ts, admin, 'start');
    assert.equal(again.state, 'up');
    assert.equal(again.publicUrl, status.publicUrl);
  });

  test('a scan through the tunnel is the 302, recorded once, with the address the proxy forwarded', async () => {
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/landing' });
    // The TLS proxy in front of a self-hosted localtunnel server appends the phone's address to
    // X-Forwarded-For; the localtunnel server passes headers through as they are.
    const res = await throughTunnel(`/r/${code.shortToken}`, { 'X-Forwarded-For': '8.8.8.8' });
    assert.equal(res.status, 302, res.text);
    assert.equal(res.headers.location, 'https://example.com/landing');
    const head = await throughTunnel(`/r/${code.shortToken}`, {}, 'HEAD');
    assert.equal(head.status, 302);
    const rows = ts.store.db
      .prepare('SELECT country, device FROM scans WHERE qr_code_id = ? ORDER BY id')
      .all(code.id) as { country: string | null; device: string }[];
    assert.equal(rows.length, 1, 'the GET is a scan, the HEAD is not');
    assert.equal(rows[0]!.country, 'US', 'the country comes from the forwarded address, not the tunnel client');
    assert.equal(rows[0]!.device, 'mobile');
    // Without a forwarded address the scan has the tunnel client's (loopback) address: no country.
    await throughTunnel(`/r/${code.shortToken}`);
    const last = ts.store.db
      .prepare('SELECT country FROM scans WHERE qr_code_id = ? ORDER BY id DESC LIMIT 1')
      .get(code.id) as { country: string | null };
    assert.equal(last.country, null);
    const count = ts.store.db.prepare('SELECT scan_count FROM qr_codes WHERE id = ?').get(code.id) as {
      scan_count: number;
    };
    assert.equal(count.scan_count, 2);
  });

  test('the API is a 404 through the tunnel, even with a valid admin key; nothing is created', async () => {
    const auth = { Authorization: `Bearer ${admin}` };
    const verify = await throughTunnel('/api/v1/auth/verify', auth);
    assert.equal(verify.status, 404, verify.text);
    assert.ok(!verify.text.includes(admin.slice(0, 12)));
    for (const p of ['/api/v1/qrcodes', '/api/v1/tunnel', '/api/v1/settings', '/openapi.json', '/docs', '/']) {
      assert.equal((await throughTunnel(p, auth)).status, 404, p);
    }
    const before = (ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n;
    const created = await rawRequest(lt.url, '/api/v1/qrcodes', {
      method: 'POST',
      headers: { Host: host(), ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'text', content: 'through the tunnel' }),
    });
    assert.equal(created.status, 404);
    assert.equal((ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n, before);
    // The same key works on the API listener itself.
    assert.equal((await ts.api('/api/v1/auth/verify', { key: admin })).status, 200);
    // /health is the one other thing the public listener answers: the self-check uses it.
    const health = await throughTunnel('/health');
    assert.equal(health.status, 200);
    assert.equal((health.json() as { app: string }).app, 'qrdesk');
  });

  test('killing the tunnel server: down, then reconnected with the same URL once it is back', async () => {
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/again' });
    const { port } = lt;
    await lt.kill('SIGKILL');
    const down = await waitFor(
      () => tunnelStatus(ts, admin),
      (s) => s.state === 'down',
      'state down',
    );
    assert.ok(down.message, 'says why');
    assert.equal(down.publicUrl, null);
    assert.ok(down.nextRetryAt, 'says when it tries again');
    // It keeps retrying while the server is away (backoff capped at 400 ms here).
    await new Promise((r) => setTimeout(r, 1_000));
    assert.notEqual((await tunnelStatus(ts, admin)).state, 'up');
    lt = await startLocaltunnelServer({ port });
    const up = await waitFor(
      () => tunnelStatus(ts, admin),
      (s) => s.state === 'up',
      'state up again',
    );
    assert.equal(up.publicUrl, `http://${host()}`, 'the same subdomain again');
    await waitFor(
      () => tunnelStatus(ts, admin),
      (s) => s.lastCheck?.ok === true,
      'a passing self-check',
    );
    const res = await throughTunnel(`/r/${code.shortToken}`, { 'X-Forwarded-For': '8.8.8.8' });
    assert.equal(res.status, 302);
    assert.equal(
      (ts.store.db.prepare('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?').get(code.id) as { n: number }).n,
      1,
    );
  });

  test('stop disconnects: the tunnel server no longer reaches the public listener', async () => {
    const status = await post(ts, admin, 'stop');
    assert.equal(status.state, 'stopped');
    assert.equal(status.publicUrl, null);
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/x' });
    await waitFor(
      () => statusThrough(`/r/${code.shortToken}`),
      (s) => s === 404,
      'the tunnel server to drop our client',
    );
    assert.equal((await post(ts, admin, 'stop')).state, 'stopped', 'stop is idempotent');
  });
});

describe('auto-start', () => {
  test('a tunnel set to auto-start comes up with the server, and the server closes it', async () => {
    const lt = await startLocaltunnelServer();
    const dataDir = tempDataDir();
    const options = {
      dataDir,
      tunnel: {
        timings: FAST_TUNNEL,
        httpGet: routeToLoopback((u) => (u.hostname.endsWith(`.${lt.domain}`) ? lt.port : undefined)),
      },
    };
    try {
      const first = await startTestServer(options);
      const key = first.createKey();
      await patchTunnel(first, key, {
        provider: 'localtunnel',
        localtunnelServerUrl: lt.url,
        localtunnelSubdomain: 'qrdesk-auto',
        autoStart: true,
      });
      assert.equal((await tunnelStatus(first, key)).state, 'stopped', 'autoStart applies at the next server start');
      await first.stop({ keepData: true });

      const second = await startTestServer(options);
      const status = await waitFor(
        () => tunnelStatus(second, key),
        (s) => s.state === 'up',
        'auto-started tunnel',
      );
      assert.equal(status.publicUrl, 'http://qrdesk-auto.localhost');
      const health = await rawRequest(lt.url, '/health', { headers: { Host: 'qrdesk-auto.localhost' } });
      assert.equal(health.status, 200);
      await second.stop();
      // Closed with the server: the tunnel server has no client for it any more.
      await waitFor(
        () =>
          httpGet('http://qrdesk-auto.localhost/health', {
            timeoutMs: 1_000,
            connectTo: { host: '127.0.0.1', port: lt.port },
          }).then(
            (r) => r.status,
            () => 0,
          ),
        (s) => s === 404,
        'the tunnel to close with the server',
      );
    } finally {
      await lt.kill();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
