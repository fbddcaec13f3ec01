import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliFixture, freePort, linesOf, PACKAGE_VERSION, request, runCli } from '../helpers/cli';

const SERVE_ON_ANY_PORT = ['--port', '0', '--public-port', '0'];

/** Every file under `dir`, as text (the log files, the database). */
function readAll(dir: string): string {
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += fs.readFileSync(path.join(entry.parentPath, entry.name), 'latin1');
  }
  return text;
}

test('serve prints its URLs, answers /health on both ports, writes server.json and stops cleanly on SIGTERM', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', dir, ...SERVE_ON_ANY_PORT]);
  const banner = await serve.ready;

  assert.match(banner.apiUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.match(banner.publicUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
  assert.notEqual(banner.apiUrl, banner.publicUrl);
  assert.equal(banner.dataDir, dir);
  assert.ok(banner.created, 'the first start says it created a UI key');
  assert.match(serve.stderr(), new RegExp(`^qrdesk ${PACKAGE_VERSION.replaceAll('.', '\\.')}$`, 'm'));

  const health = await request(`${banner.apiUrl}/health`);
  assert.equal(health.status, 200);
  assert.deepEqual(await health.json(), { app: 'qrdesk', version: PACKAGE_VERSION });
  const publicHealth = await request(`${banner.publicUrl}/health`);
  assert.equal(publicHealth.status, 200);
  assert.equal(((await publicHealth.json()) as { app: string }).app, 'qrdesk');

  const infoFile = path.join(dir, 'server.json');
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, unknown>;
  assert.equal(info.apiUrl, banner.apiUrl);
  assert.equal(info.publicUrl, banner.publicUrl);
  assert.equal(info.pid, serve.pid);
  assert.equal(info.version, PACKAGE_VERSION);
  assert.equal(fs.statSync(infoFile).mode & 0o777, 0o600);

  const exit = await serve.stop('SIGTERM');
  assert.deepEqual(exit, { code: 0, signal: null }, serve.stderr());
  assert.equal(fs.existsSync(infoFile), false, 'server.json removed on exit');
  assert.match(serve.stderr(), /SIGTERM/);
});

test('serve: the printed UI key works, keys made or revoked by the CLI take effect at once, no secret is logged', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', dir, ...SERVE_ON_ANY_PORT]);
  const { apiUrl, publicUrl, uiKey } = await serve.ready;
  const verify = (key: string) => request(`${apiUrl}/api/v1/auth/verify`, key);

  const ui = await verify(uiKey);
  assert.equal(ui.status, 200);
  assert.ok(((await ui.json()) as { scopes: string[] }).scopes.includes('admin'), 'the UI key is an admin key');
  const onPublic = await request(`${publicUrl}/api/v1/auth/verify`, uiKey);
  assert.equal(onPublic.status, 404, 'the public listener serves nothing of the API');

  const created = await runCli(['keys', 'create', '--name', 'live', '--scopes', 'read', '--json', '--data-dir', dir]);
  assert.equal(created.code, 0, created.stderr);
  const { key, id } = JSON.parse(created.stdout) as { key: string; id: string };
  const live = await verify(key);
  assert.equal(live.status, 200);
  const described = (await live.json()) as { id: string; name: string; scopes: string[] };
  assert.equal(described.id, id);
  assert.equal(described.name, 'live');
  assert.deepEqual(described.scopes, ['read']);

  const revoked = await runCli(['keys', 'revoke', id, '--data-dir', dir]);
  assert.equal(revoked.code, 0, revoked.stderr);
  const after = await verify(key);
  assert.equal(after.status, 401);
  assert.equal(((await after.json()) as { error: { code: string } }).error.code, 'API_KEY_REVOKED');
  assert.equal((await verify(uiKey)).status, 200, 'the UI key is untouched');

  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());
  for (const secret of [uiKey, key]) {
    assert.ok(!serve.stdout().includes(secret), 'a key appears in the stdout log');
    assert.ok(!readAll(path.join(dir, 'logs')).includes(secret), 'a key appears in the log files');
    assert.ok(!fs.readFileSync(path.join(dir, 'qrdesk.db'), 'latin1').includes(secret), 'a key is in the database');
  }
});

test('serve reuses the same UI key when restarted on the same data dir', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const first = fixture.serve(['--data-dir', dir, ...SERVE_ON_ANY_PORT]);
  const one = await first.ready;
  assert.deepEqual(await first.stop('SIGTERM'), { code: 0, signal: null }, first.stderr());

  const second = fixture.serve(['--data-dir', dir, ...SERVE_ON_ANY_PORT]);
  const two = await second.ready;
  assert.equal(two.uiKey, one.uiKey);
  assert.equal(two.created, false, 'the second start does not claim a new key');
  const verify = await request(`${two.apiUrl}/api/v1/auth/verify`, two.uiKey);
  assert.equal(verify.status, 200);
  assert.deepEqual(await second.stop('SIGTERM'), { code: 0, signal: null }, second.stderr());
});

test('serve honours QRDESK_DATA_DIR, QRDESK_PORT and QRDESK_PUBLIC_PORT', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const apiPort = await freePort();
  const publicPort = await freePort();
  const serve = fixture.serve([], {
    env: { QRDESK_DATA_DIR: dir, QRDESK_PORT: String(apiPort), QRDESK_PUBLIC_PORT: String(publicPort) },
  });
  const banner = await serve.ready;
  assert.equal(banner.dataDir, dir);
  assert.equal(banner.apiUrl, `http://127.0.0.1:${apiPort}`);
  assert.equal(banner.publicUrl, `http://127.0.0.1:${publicPort}`);
  assert.ok(fs.existsSync(path.join(dir, 'server.json')), 'server.json written in QRDESK_DATA_DIR');
  assert.ok(fs.existsSync(path.join(dir, 'qrdesk.db')), 'database created in QRDESK_DATA_DIR');
  assert.equal((await request(`${banner.apiUrl}/health`)).status, 200);
  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());
});

test('serve: flags win over QRDESK_DATA_DIR and QRDESK_PORT', async (t) => {
  const fixture = cliFixture(t);
  const envDir = fixture.dataDir();
  const flagDir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', flagDir, ...SERVE_ON_ANY_PORT], {
    env: { QRDESK_DATA_DIR: envDir, QRDESK_PORT: 'not-used-because-of-the-flag' },
  });
  const banner = await serve.ready;
  assert.equal(banner.dataDir, flagDir);
  assert.deepEqual(fs.readdirSync(envDir), [], 'nothing written to QRDESK_DATA_DIR');
  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());
});

test('serve refuses a malformed QRDESK_PORT or QRDESK_PUBLIC_PORT with one clear line', async (t) => {
  const dir = cliFixture(t).dataDir();
  for (const [name, value, otherFlag] of [
    ['QRDESK_PORT', 'abc', '--public-port'],
    ['QRDESK_PUBLIC_PORT', '99999', '--port'],
  ] as const) {
    const result = await runCli(['serve', '--data-dir', dir, otherFlag, '0'], { env: { [name]: value } });
    assert.notEqual(result.code, 0, `${name}=${value}`);
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, `one stderr line for ${name}=${value}, got:\n${result.stderr}`);
    assert.ok(lines[0]!.includes(name), lines[0]);
    assert.ok(lines[0]!.includes(value), lines[0]);
    assert.equal(fs.existsSync(path.join(dir, 'server.json')), false);
  }
});

test('serve stops cleanly on a signal sent the moment the banner appears', async (t) => {
  // The banner is the "ready" cue scripts wait for; a signal right after it must still close cleanly.
  const fixture = cliFixture(t);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const dir = fixture.dataDir();
    const serve = fixture.serve(['--data-dir', dir, ...SERVE_ON_ANY_PORT]);
    await serve.ready;
    assert.deepEqual(await serve.stop(signal), { code: 0, signal: null }, `${signal}:\n${serve.stderr()}`);
    assert.equal(fs.existsSync(path.join(dir, 'server.json')), false, `server.json left behind after ${signal}`);
  }
});

test('serve uses QRDESK_PUBLIC_BASE_URL for new dynamic codes, and refuses a bad one in one line', async (t) => {
  const fixture = cliFixture(t);
  const serve = fixture.serve(['--data-dir', fixture.dataDir(), '--port', '0', '--public-port', '0'], {
    env: { QRDESK_PUBLIC_BASE_URL: 'https://qr.example.com/' },
  });
  const banner = await serve.ready;
  const res = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/menu', slug: 'menu' }),
  });
  assert.equal(res.status, 201);
  assert.equal(((await res.json()) as { shortUrl: string }).shortUrl, 'https://qr.example.com/r/menu');
  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());

  for (const bad of ['javascript:alert(1)', 'https://user:pw@qr.example.com', 'not a url']) {
    const result = await runCli(['serve', '--data-dir', fixture.dataDir(), '--port', '0', '--public-port', '0'], {
      env: { QRDESK_PUBLIC_BASE_URL: bad },
    });
    assert.equal(result.code, 1, result.stderr);
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, /QRDESK_PUBLIC_BASE_URL/);
  }
});
