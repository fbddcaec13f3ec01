/**
 * The providers that cannot reach their service from here, each against a
 * local stand-in of its documented interface, through the real server:
 * cloudflared (a fake executable: arguments, TUNNEL_TOKEN, the metrics
 * endpoint), ngrok (the SDK's forward/url/close), and a custom domain (a local
 * reverse proxy). Each stand-in really forwards, so scans and API requests go
 * through it as a phone's would.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { TunnelStatus } from '../../src-shared/schemas/tunnel';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import {
  configureFakeCloudflared,
  FAST_TUNNEL,
  fakeCloudflaredState,
  ngrokStandIn,
  routeToLoopback,
  startForwardingProxy,
  waitFor,
  writeFakeCloudflared,
  type ForwardingProxy,
  type NgrokStandIn,
} from '../helpers/tunnel-standins';
import { createCode, rawRequest, sendJson } from './support';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

async function status(ts: TestServer, key: string): Promise<TunnelStatus> {
  const res = await ts.api('/api/v1/tunnel', { key });
  assert.equal(res.status, 200);
  return (await res.json()) as TunnelStatus;
}

async function call(ts: TestServer, key: string, method: string, pathname: string, body?: unknown) {
  const res =
    body === undefined ? await ts.api(pathname, { key, method }) : await sendJson(ts, key, pathname, body, { method });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as TunnelStatus;
}

const configure = (ts: TestServer, key: string, body: unknown) => call(ts, key, 'PATCH', '/api/v1/tunnel', body);
const start = (ts: TestServer, key: string) => call(ts, key, 'POST', '/api/v1/tunnel/start');
const stop = (ts: TestServer, key: string) => call(ts, key, 'POST', '/api/v1/tunnel/stop');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const lastScanCountry = (ts: TestServer, codeId: string) =>
  (
    ts.store.db.prepare('SELECT country FROM scans WHERE qr_code_id = ? ORDER BY id DESC LIMIT 1').get(codeId) as
      { country: string | null } | undefined
  )?.country;

/** A scan and an API call through an edge (a stand-in's, or the reverse proxy), as a phone at `clientIp`. */
async function scanAndProbe(ts: TestServer, key: string, edgeUrl: string, hostHeader: string) {
  const code = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/menu' });
  const headers = { Host: hostHeader, 'User-Agent': IPHONE, 'X-Test-Client-IP': '8.8.8.8' };
  const scan = await rawRequest(edgeUrl, `/r/${code.shortToken}`, { headers });
  assert.equal(scan.status, 302, scan.text);
  assert.equal(scan.headers.location, 'https://example.com/menu');
  assert.equal(lastScanCountry(ts, code.id), 'US', 'the country of the address the service forwarded');
  const api = await rawRequest(edgeUrl, '/api/v1/auth/verify', {
    headers: { ...headers, Authorization: `Bearer ${key}` },
  });
  assert.equal(api.status, 404, 'the API is not reachable through the tunnel, even with a valid key');
  return code;
}

describe('cloudflared, against a stand-in executable', () => {
  let dir: string;
  let ts: TestServer;
  let admin: string;
  const state = () => fakeCloudflaredState(dir)!;

  before(async () => {
    dir = tempDataDir('qrdesk-fake-cloudflared-');
    writeFakeCloudflared(dir);
    ts = await startTestServer({
      tunnel: {
        timings: FAST_TUNNEL,
        // Found on PATH, as an installed cloudflared would be; nothing else is searched.
        cloudflared: { env: { PATH: dir }, extraDirs: [], pollMs: 50, watchMs: 100, stopGraceMs: 2_000 },
        httpGet: routeToLoopback((u) =>
          u.hostname.endsWith('.trycloudflare.com') || u.hostname === 'qr.example.com'
            ? fakeCloudflaredState(dir)?.edgePort
            : undefined,
        ),
      },
    });
    admin = ts.createKey();
  });
  after(async () => {
    await ts.stop();
    const s = fakeCloudflaredState(dir);
    if (s) assert.equal(alive(s.pid), false, 'no cloudflared outlives the server');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('quick tunnel: found on PATH, its URL read from the metrics endpoint (not the logs), with the warning', async () => {
    const configured = await configure(ts, admin, { provider: 'cloudflared' });
    assert.equal(configured.warnings[0]?.code, 'QUICK_TUNNEL');
    const up = await start(ts, admin);
    assert.equal(up.state, 'up', JSON.stringify(up));
    const s = state();
    assert.equal(up.publicUrl, `https://${s.hostname}`);
    assert.ok(!up.publicUrl!.includes('decoy'), 'not the URL cloudflared printed in its log');
    assert.deepEqual(s.argv, ['tunnel', '--no-autoupdate', '--metrics', s.metrics, '--url', ts.publicUrl]);
    assert.match(s.metrics, /^127\.0\.0\.1:\d+$/);
    assert.ok(!s.argv.join(' ').includes(new URL(ts.apiUrl).port), 'never the API port');
    assert.equal(s.tunnelTokenEnv, null);
    const quick = up.warnings.find((w) => w.code === 'QUICK_TUNNEL');
    assert.ok(quick);
    assert.ok(quick.message.includes(s.hostname), quick.message);
    assert.match(quick.message, /changes every time it starts/);
    assert.equal(up.lastCheck?.ok, true, JSON.stringify(up.lastCheck));
    const settings = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as Record<string, string>;
    assert.equal(settings.trustProxy, 'cloudflare');
    assert.equal(settings.publicBaseUrl, up.publicUrl);
    await scanAndProbe(ts, admin, `http://127.0.0.1:${s.edgePort}`, s.hostname);
  });

  test('killing cloudflared: down, then a new cloudflared after a backoff (a quick tunnel gets a new name)', async () => {
    const before = state();
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/a' });
    assert.equal(code.shortUrl, `https://${before.hostname}/r/${code.shortToken}`);
    process.kill(before.pid, 'SIGKILL');
    const down = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'down',
      'down',
    );
    assert.match(down.message ?? '', /cloudflared stopped \(killed by SIGKILL\)/);
    const up = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'up' && state().pid !== before.pid,
      'up again',
    );
    const after = state();
    assert.notEqual(after.hostname, before.hostname);
    assert.equal(up.publicUrl, `https://${after.hostname}`);
    assert.equal(alive(before.pid), false);
    // The code printed with the old name no longer comes through: the status says so.
    const mismatch = up.warnings.filter((w) => w.code === 'BASE_URL_MISMATCH').map((w) => w.message);
    assert.ok(
      mismatch.some((m) => m.includes(`https://${before.hostname}`)),
      JSON.stringify(mismatch),
    );
  });

  test('cloudflared losing its edge connection shows down, and up when it reconnects by itself', async () => {
    const { pid } = state();
    process.kill(pid, 'SIGUSR1');
    const down = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'down',
      'down',
    );
    assert.match(down.message ?? '', /reconnecting/);
    process.kill(pid, 'SIGUSR2');
    await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'up',
      'up',
    );
    assert.equal(state().pid, pid, 'the same process: it was not restarted');
  });

  test('named tunnel: the token goes in TUNNEL_TOKEN, never on the command line; the hostname is the setting', async () => {
    const token = 'eyJhIjoiYWNjdCIsInQiOiJ0dW5uZWwiLCJzIjoic2VjcmV0In0';
    configureFakeCloudflared(dir, { origin: ts.publicUrl, badToken: 'refused-token' });
    const previous = state().pid;
    // Changing the settings of a running tunnel restarts it with them.
    const up = await configure(ts, admin, { cloudflaredToken: token, cloudflaredHostname: 'qr.example.com' });
    assert.equal(up.state, 'up', JSON.stringify(up));
    assert.equal(up.publicUrl, 'https://qr.example.com');
    const s = state();
    assert.notEqual(s.pid, previous);
    assert.equal(alive(previous), false);
    assert.deepEqual(s.argv, ['tunnel', '--no-autoupdate', '--metrics', s.metrics, 'run']);
    assert.equal(s.tunnelTokenEnv, token);
    assert.deepEqual(
      up.warnings.filter((w) => w.code === 'QUICK_TUNNEL'),
      [],
    );
    assert.equal(up.config.hasCloudflaredToken, true);
    assert.ok(!JSON.stringify(up).includes(token));
    await scanAndProbe(ts, admin, `http://127.0.0.1:${s.edgePort}`, 'qr.example.com');
  });

  test('a refused token is an error with cloudflared\u2019s own message, and is not retried', async () => {
    const st = await configure(ts, admin, { cloudflaredToken: 'refused-token' });
    assert.equal(st.state, 'error', JSON.stringify(st));
    assert.match(st.message ?? '', /Provided Tunnel token is not valid/);
    assert.equal(st.nextRetryAt, null);
    const pid = state().pid;
    await new Promise((r) => setTimeout(r, 600));
    const later = await status(ts, admin);
    assert.equal(later.state, 'error');
    assert.equal(state().pid, pid, 'no new attempt');
  });

  test('a named tunnel routed to the API listener is caught by the self-check and stopped', async () => {
    configureFakeCloudflared(dir, { origin: ts.apiUrl });
    const st = await configure(ts, admin, { cloudflaredToken: 'eyJ-good-token-for-the-api-test' });
    const err = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'error',
      'error',
    );
    assert.match(err.message ?? '', /reaches qrdesk's API listener/);
    assert.equal(err.publicUrl, null);
    assert.ok(st);
    await waitFor(
      () => alive(state().pid),
      (a) => !a,
      'cloudflared stopped',
    );
  });

  test('a named tunnel without its hostname, or no cloudflared at all, is an error that says what to do', async () => {
    configureFakeCloudflared(dir, { origin: ts.publicUrl });
    const noHost = await configure(ts, admin, { cloudflaredHostname: null });
    assert.equal(noHost.state, 'error');
    assert.match(noHost.message ?? '', /Set cloudflaredHostname/);
    const other = await startTestServer({
      tunnel: { timings: FAST_TUNNEL, cloudflared: { env: { PATH: path.join(dir, 'empty') }, extraDirs: [] } },
    });
    try {
      const key = other.createKey();
      await configure(other, key, { provider: 'cloudflared' });
      const st = await start(other, key);
      assert.equal(st.state, 'error');
      assert.match(st.message ?? '', /cloudflared is not installed.*set cloudflaredPath/);
    } finally {
      await other.stop();
    }
  });

  test('an explicit cloudflaredPath is used as it is, and stop leaves no process behind', async () => {
    await configure(ts, admin, { cloudflaredToken: null, cloudflaredPath: path.join(dir, 'cloudflared') });
    const up = await start(ts, admin);
    assert.equal(up.state, 'up', JSON.stringify(up));
    const { pid } = state();
    assert.equal(alive(pid), true);
    const stopped = await stop(ts, admin);
    assert.equal(stopped.state, 'stopped');
    assert.equal(alive(pid), false, 'cloudflared is gone when stop answers');
  });
});

describe('ngrok, against a stand-in of the SDK', () => {
  let ts: TestServer;
  let admin: string;
  let ngrok: NgrokStandIn;
  let loads = 0;

  before(async () => {
    ngrok = ngrokStandIn();
    ts = await startTestServer({
      tunnel: {
        timings: FAST_TUNNEL,
        ngrokSdk: async () => {
          loads++;
          return ngrok.sdk;
        },
        httpGet: routeToLoopback((u) => ngrok.portOf(u)),
      },
    });
    admin = ts.createKey();
  });
  after(async () => {
    await ts.stop();
    assert.equal(ngrok.open.length, 0, 'every listener closed with the server');
  });

  test('without an authtoken it is an error that says where to find one; the SDK is not called', async () => {
    await configure(ts, admin, { provider: 'ngrok' });
    const st = await start(ts, admin);
    assert.equal(st.state, 'error');
    assert.match(st.message ?? '', /Set ngrokAuthtoken/);
    assert.equal(ngrok.calls.length, 0);
  });

  test('forward() gets the authtoken, the reserved domain and the public listener only', async () => {
    const authtoken = '2Tok3nFromTheNgrokDashboard_abcdef123456';
    const up = await configure(ts, admin, { ngrokAuthtoken: authtoken, ngrokDomain: 'qr-cafe.ngrok.app' });
    // The tunnel was in error: fixing the settings starts it again.
    assert.equal(up.state, 'up', JSON.stringify(up));
    assert.equal(up.publicUrl, 'https://qr-cafe.ngrok.app');
    assert.equal(up.lastCheck?.ok, true, JSON.stringify(up.lastCheck));
    assert.deepEqual(up.warnings, []);
    const cfg = ngrok.calls.at(-1)!;
    assert.equal(cfg.addr, new URL(ts.publicUrl).host);
    assert.notEqual(cfg.addr, new URL(ts.apiUrl).host);
    assert.equal(cfg.authtoken, authtoken);
    assert.equal(cfg.domain, 'qr-cafe.ngrok.app');
    assert.equal(cfg.proto, 'http');
    assert.equal(typeof cfg.onStatusChange, 'function');
    const settings = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as Record<string, string>;
    assert.equal(settings.trustProxy, 'x-forwarded-for');
    assert.equal(settings.publicBaseUrl, 'https://qr-cafe.ngrok.app');
    await scanAndProbe(ts, admin, `http://127.0.0.1:${ngrok.portOf(new URL(up.publicUrl!))}`, 'qr-cafe.ngrok.app');
    assert.ok(loads >= 1);
  });

  test('a lost session shows down, and up when ngrok has reconnected it', async () => {
    const onStatus = ngrok.calls.at(-1)!.onStatusChange!;
    onStatus('closed');
    const down = await status(ts, admin);
    assert.equal(down.state, 'down');
    assert.match(down.message ?? '', /reconnecting/);
    onStatus('connected');
    assert.equal((await status(ts, admin)).state, 'up');
  });

  test('an error from ngrok is the error state with its code and message, the token masked, not retried', async () => {
    await stop(ts, admin);
    const token = '2Tok3nFromTheNgrokDashboard_abcdef123456';
    ngrok.failNext({
      message: `authentication failed: The authtoken you specified (${token}) is invalid.\n\nerror_code: ERR_NGROK_105`,
      errorCode: 'ERR_NGROK_105',
    });
    const calls = ngrok.calls.length;
    const st = await start(ts, admin);
    assert.equal(st.state, 'error');
    assert.match(st.message ?? '', /^ngrok refused the tunnel \(ERR_NGROK_105\): authentication failed/);
    assert.ok(!st.message!.includes(token), st.message!);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(ngrok.calls.length, calls + 1, 'not retried');
    ngrok.failNext(null);
  });

  test('a network failure is down and retried with backoff until ngrok answers', async () => {
    await stop(ts, admin);
    ngrok.failNext({ message: 'failed to connect to connect.ngrok-agent.com: connection refused' });
    const calls = ngrok.calls.length;
    const st = await start(ts, admin);
    assert.equal(st.state === 'down' || st.state === 'starting', true, JSON.stringify(st));
    await waitFor(
      () => ngrok.calls.length,
      (n) => n >= calls + 3,
      'retries',
    );
    ngrok.failNext(null);
    const up = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'up',
      'up',
    );
    assert.equal(up.publicUrl, 'https://qr-cafe.ngrok.app');
  });

  test('stop during a slow connect answers at once, and the listener that arrives late is closed', async () => {
    await stop(ts, admin);
    const release = ngrok.holdNext();
    const calls = ngrok.calls.length;
    const starting = ts.api('/api/v1/tunnel/start', { key: admin, method: 'POST' });
    await waitFor(
      () => ngrok.calls.length,
      (n) => n > calls,
      'forward() called',
    );
    assert.equal((await status(ts, admin)).state, 'starting');
    const t0 = Date.now();
    assert.equal((await stop(ts, admin)).state, 'stopped');
    assert.ok(Date.now() - t0 < 1_000, 'stop did not wait for ngrok');
    assert.equal((await starting).status, 200);
    release();
    await waitFor(
      () => ngrok.open.length,
      (n) => n === 0,
      'the late listener closed',
    );
    assert.equal((await status(ts, admin)).state, 'stopped');
  });

  test('without a reserved domain ngrok gives a random URL, and the status warns', async () => {
    assert.equal((await configure(ts, admin, { ngrokDomain: null })).state, 'stopped');
    const st = await start(ts, admin);
    assert.equal(st.state, 'up');
    assert.match(st.publicUrl ?? '', /^https:\/\/standin-\d+\.ngrok-free\.app$/);
    assert.equal(ngrok.calls.at(-1)!.domain, undefined);
    const w = st.warnings.find((x) => x.code === 'RANDOM_HOSTNAME');
    assert.ok(w);
    assert.match(w.message, /changes at every start/);
    assert.equal((await stop(ts, admin)).state, 'stopped');
    assert.equal(ngrok.open.length, 0, 'stop closed the listener');
  });
});

describe('custom domain, with a local reverse proxy', () => {
  let ts: TestServer;
  let admin: string;
  let proxy: ForwardingProxy;
  let origin: () => string;
  const xff = (ip: string) => ({ 'X-Forwarded-For': ip });

  before(async () => {
    ts = await startTestServer({ tunnel: { timings: FAST_TUNNEL } });
    admin = ts.createKey();
    origin = () => ts.publicUrl;
    proxy = await startForwardingProxy({ origin: () => origin(), headers: xff });
  });
  after(async () => {
    await proxy.close();
    await ts.stop();
  });

  test('without a URL it is an error', async () => {
    await configure(ts, admin, { provider: 'custom-domain' });
    const st = await start(ts, admin);
    assert.equal(st.state, 'error');
    assert.match(st.message ?? '', /Set customDomainUrl/);
  });

  test('start checks that the URL reaches this server, then makes it the public base URL', async () => {
    const up = await configure(ts, admin, { customDomainUrl: `${proxy.url}/` });
    assert.equal(up.state, 'up', JSON.stringify(up));
    assert.equal(up.publicUrl, proxy.url);
    assert.equal(up.lastCheck?.ok, true);
    assert.ok(
      proxy.seen.some((r) => r.path === '/health'),
      'checked through the proxy',
    );
    const settings = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as Record<string, string>;
    assert.equal(settings.publicBaseUrl, proxy.url);
    assert.equal(settings.trustProxy, 'x-forwarded-for');
    const code = await scanAndProbe(ts, admin, proxy.url, new URL(proxy.url).host);
    assert.equal(code.shortUrl, `${proxy.url}/r/${code.shortToken}`);
  });

  test('when the proxy goes away the self-check marks it down; it is up again once the proxy is back', async () => {
    const { port } = proxy;
    await proxy.close();
    const down = await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'down',
      'down',
    );
    assert.match(down.message ?? '', /self-check failed 2 times in a row|not reachable/);
    assert.equal(down.lastCheck?.ok, false);
    proxy = await startForwardingProxy({ origin: () => origin(), headers: xff, port });
    await waitFor(
      () => status(ts, admin),
      (s) => s.state === 'up' && s.lastCheck?.ok === true,
      'up',
    );
  });

  test('a proxy that forwards to the API listener is refused: error, and the tunnel stopped', async () => {
    await stop(ts, admin);
    origin = () => ts.apiUrl;
    const st = await start(ts, admin);
    assert.equal(st.state, 'error');
    assert.match(st.message ?? '', /reaches qrdesk's API listener/);
    origin = () => ts.publicUrl;
  });

  test('something else answering at the URL is not taken for qrdesk', async () => {
    await stop(ts, admin);
    // A server that answers 200 with another app's JSON.
    const impostor = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"app":"something-else"}');
    });
    await new Promise<void>((r) => impostor.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const st = await configure(ts, admin, { customDomainUrl: url });
      assert.equal(st.state, 'stopped');
      const started = await start(ts, admin);
      assert.notEqual(started.state, 'up');
      assert.match(started.message ?? '', /not as qrdesk/);
    } finally {
      await stop(ts, admin);
      impostor.closeAllConnections();
      await new Promise((r) => impostor.close(r));
    }
  });
});
