/**
 * Issue 10, secrets: every kind of secret qrdesk handles goes through the real
 * `qrdesk serve`: API keys (made by the API and by the CLI, used, misused,
 * revoked), a code's password (set, typed wrong and right on the public form,
 * and the unlock cookie it earns), a webhook's secret (its deliveries signed
 * with it), tunnel credentials (a cloudflared token handed to an executable
 * that prints it back, an ngrok authtoken given to the real SDK offline), and
 * requests that put them where they do not belong (the query string, wrong
 * headers, bodies the API refuses, a URL with a password in it). Then every
 * log file, server.json, the process's stdout and stderr, and every error
 * message it answered are searched for each secret, for the secret part of
 * each key and for its stored hash. The one place a secret is printed on
 * purpose is the banner's UI link (`#key=`, as Jupyter prints its token).
 * logs.test.ts, serve.test.ts and tunnel.test.ts check pieces of this in
 * process; this is the whole, end to end.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cliFixture, runCli } from '../helpers/cli';

const PASSWORD = 'Correct-Horse-9137';
const WRONG_PASSWORD = 'Wrong-Battery-5521';
const CLOUDFLARED_TOKEN = 'eyJhIjoiY2FmZSIsInQiOiJ0dW5uZWwtc2VjcmV0LTQ0MjEiLCJzIjoiWm1GclpTMXpaV055WlhRPSJ9';
const NGROK_AUTHTOKEN = '2qRdEsKnGr0kAuThToKeN_7xYzSecretPart31415';
const URL_PASSWORD = 'hunter2-in-a-url-8812';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Every regular file under `dir`, as UTF-8 text. */
function filesUnder(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  let text = '';
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) text += `${fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')}\n`;
  }
  return text;
}

test('no key, password, webhook secret or tunnel token in logs, errors, server.json or the process output', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  const tools = fixture.dataDir();

  // A webhook receiver on loopback.
  const deliveries: Delivery[] = [];
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      deliveries.push({ headers: req.headers, body });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  fixture.defer(() => new Promise((resolve) => receiver.close(resolve)));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

  // A cloudflared that prints its token back, as a chatty tool might, and gives up.
  const cloudflared = path.join(tools, 'cloudflared');
  fs.writeFileSync(
    cloudflared,
    '#!/bin/sh\necho "INF starting tunnel with token $TUNNEL_TOKEN" >&2\necho "ERR token $TUNNEL_TOKEN was refused" >&2\nexit 1\n',
    { mode: 0o755 },
  );

  const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const { apiUrl, publicUrl, uiKey } = await serve.ready;
  const serverJson = fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8');

  /** Every error body the server answered, and the bodies of reads that must not show secrets. */
  const answers: string[] = [];
  const call = async (
    method: string,
    pathname: string,
    options: { body?: unknown; headers?: Record<string, string>; key?: string | null; raw?: string } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? uiKey : options.key;
    if (key) headers.Authorization = `Bearer ${key}`;
    if (options.body !== undefined || options.raw !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${apiUrl}${pathname}`, {
      method,
      headers,
      body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
    });
    const text = await res.text();
    // The answer only: the request itself carries the secrets on purpose.
    if (res.status >= 400) answers.push(`${res.status} ${text}`);
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  };

  // --- API keys: made by the API and by the CLI, used, then one revoked and used again.
  const adminRes = await call('POST', '/api/v1/api-keys', { body: { name: 'script', scopes: ['admin'] } });
  assert.equal(adminRes.status, 201);
  const { key: adminKey } = adminRes.json() as { key: string };
  const readRes = await call('POST', '/api/v1/api-keys', { body: { name: 'reader', scopes: ['read'] } });
  const { key: readKey, id: readId } = readRes.json() as { key: string; id: string };
  const cli = await runCli(['keys', 'create', '--name', 'cli', '--json', '--data-dir', dataDir]);
  assert.equal(cli.code, 0, cli.stderr);
  const cliKey = (JSON.parse(cli.stdout) as { key: string }).key;
  for (const key of [adminKey, readKey, cliKey]) {
    assert.equal((await call('GET', '/api/v1/auth/verify', { key })).status, 200);
  }
  assert.equal((await call('DELETE', `/api/v1/api-keys/${readId}`, { key: adminKey })).status, 200);
  assert.equal((await call('GET', '/api/v1/auth/verify', { key: readKey })).status, 401);

  // Keys where they do not belong.
  for (const pathname of [
    `/api/v1/auth/verify?key=${adminKey}`,
    `/api/v1/auth/verify?api_key=${adminKey}`,
    `/api/v1/qrcodes?access_token=${adminKey}`,
  ]) {
    assert.equal((await call('GET', pathname, { key: null })).status, 401);
  }
  const misplaced: Record<string, string>[] = [
    { Authorization: `Basic ${adminKey}` },
    { Authorization: adminKey },
    { Authorization: `Bearer ${adminKey}x` },
    { Authorization: `Bearer ${adminKey.slice(0, -1)}` },
    { 'X-Api-Key': adminKey },
  ];
  for (const headers of misplaced) {
    assert.equal((await call('GET', '/api/v1/auth/verify', { key: null, headers })).status, 401);
  }
  // Bodies the API refuses, carrying a key.
  assert.equal((await call('POST', '/api/v1/api-keys', { raw: `{"name": "${adminKey}", "broken"` })).status, 400);
  assert.equal((await call('POST', '/api/v1/api-keys', { body: { name: adminKey, scopes: ['root'] } })).status, 400);

  // --- A code's password: set, refused when malformed, typed wrong and right on the public form.
  const locked = await call('POST', '/api/v1/qrcodes', {
    body: { type: 'url', kind: 'dynamic', content: 'https://example.com/locked', protection: { password: PASSWORD } },
  });
  assert.equal(locked.status, 201, locked.text);
  const token = (locked.json() as { shortToken: string }).shortToken;
  for (const password of [`${PASSWORD}${'x'.repeat(200)}`, 12345678, { value: PASSWORD }]) {
    const res = await call('POST', '/api/v1/qrcodes', {
      body: { type: 'url', kind: 'dynamic', content: 'https://example.com/x', protection: { password } },
    });
    assert.equal(res.status, 400);
  }
  const form = (password: string, cookie?: string) =>
    fetch(`${publicUrl}/r/${token}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: new URLSearchParams({ password }).toString(),
    });
  const wrong = await form(WRONG_PASSWORD);
  assert.equal(wrong.status, 401);
  answers.push(await wrong.text());
  const right = await form(PASSWORD);
  assert.equal(right.status, 303);
  await right.arrayBuffer();
  const unlockCookie = (right.headers.get('set-cookie') ?? '').split(';')[0]!;
  assert.match(unlockCookie, /^qrd_unlock_/);
  const unlockValue = unlockCookie.split('=')[1]!;
  const unlocked = await fetch(`${publicUrl}/r/${token}`, { redirect: 'manual', headers: { Cookie: unlockCookie } });
  assert.equal(unlocked.status, 302, 'the cookie unlocks the code');
  await unlocked.arrayBuffer();
  const huge = await form(`${PASSWORD}${'y'.repeat(200_000)}`);
  answers.push(await huge.text());
  assert.ok(huge.status >= 400);

  // --- A webhook: its secret signs each delivery; a URL with a password in it is refused.
  const hook = await call('POST', '/api/v1/webhooks', {
    body: { url: receiverUrl, events: ['qrcode.created', 'scan.created'] },
  });
  assert.equal(hook.status, 201, hook.text);
  const { secret: webhookSecret, id: hookId } = hook.json() as { secret: string; id: string };
  assert.equal(
    (
      await call('POST', '/api/v1/webhooks', {
        body: { url: `https://user:${URL_PASSWORD}@example.com/h`, events: ['scan.created'] },
      })
    ).status,
    400,
  );
  const open = await call('POST', '/api/v1/qrcodes', {
    body: { type: 'url', kind: 'dynamic', content: 'https://example.com/' },
  });
  const openToken = (open.json() as { shortToken: string }).shortToken;
  await (await fetch(`${publicUrl}/r/${openToken}`, { redirect: 'manual' })).arrayBuffer();
  assert.equal((await call('POST', `/api/v1/webhooks/${hookId}/test`)).status < 300, true);
  for (let i = 0; i < 200 && deliveries.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(deliveries.length >= 3, `${deliveries.length} deliveries`);
  for (const d of deliveries) {
    const header = String(d.headers['qrdesk-signature']);
    const t0 = /t=(\d+)/.exec(header)?.[1];
    const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1];
    assert.equal(
      v1,
      createHmac('sha256', webhookSecret).update(`${t0}.${d.body}`).digest('hex'),
      'signed with the secret',
    );
    assert.ok(!JSON.stringify(d).includes(webhookSecret), 'the secret itself is not sent');
  }

  // --- Tunnel credentials: stored, handed to providers that fail, refused when malformed.
  const tunnel = await call('PATCH', '/api/v1/tunnel', {
    body: {
      provider: 'cloudflared',
      cloudflaredPath: cloudflared,
      cloudflaredToken: CLOUDFLARED_TOKEN,
      cloudflaredHostname: 'qr.example.com',
      ngrokAuthtoken: NGROK_AUTHTOKEN,
    },
  });
  assert.equal(tunnel.status, 200, tunnel.text);
  answers.push(tunnel.text);
  const tunnelState = async () =>
    (await call('GET', '/api/v1/tunnel')).json() as { state: string; message: string | null };
  const waitSettled = async () => {
    let state = await tunnelState();
    for (let i = 0; i < 300 && ['starting', 'reconnecting'].includes(state.state); i++) {
      await new Promise((r) => setTimeout(r, 100));
      state = await tunnelState();
    }
    return state;
  };
  answers.push((await call('POST', '/api/v1/tunnel/start')).text);
  const cfState = await waitSettled();
  assert.match(cfState.message ?? '', /cloudflared/, JSON.stringify(cfState));
  assert.match(cfState.message ?? '', /\[redacted\]|refused/, 'cloudflared said what went wrong');
  answers.push(JSON.stringify(cfState), (await call('POST', '/api/v1/tunnel/stop')).text);
  await call('PATCH', '/api/v1/tunnel', { body: { provider: 'ngrok' } });
  answers.push((await call('POST', '/api/v1/tunnel/start')).text);
  const ngState = await waitSettled();
  t.diagnostic(`cloudflared: ${cfState.state}: ${cfState.message}`);
  t.diagnostic(`ngrok: ${ngState.state}: ${ngState.message}`);
  answers.push(JSON.stringify(ngState), (await call('POST', '/api/v1/tunnel/stop')).text);
  for (const bad of [
    { ngrokAuthtoken: `${NGROK_AUTHTOKEN} ${NGROK_AUTHTOKEN}` },
    { ngrokAuthtoken: `${NGROK_AUTHTOKEN}é` },
    { cloudflaredToken: `${CLOUDFLARED_TOKEN}${'z'.repeat(20_000)}` },
  ]) {
    assert.equal((await call('PATCH', '/api/v1/tunnel', { body: bad })).status, 400, JSON.stringify(bad).slice(0, 80));
  }

  // Reads that must never show a stored secret.
  for (const pathname of [
    '/api/v1/tunnel',
    '/api/v1/settings',
    '/api/v1/webhooks',
    `/api/v1/webhooks/${hookId}`,
    '/api/v1/api-keys',
    '/api/v1/server',
  ]) {
    const res = await call('GET', pathname);
    assert.equal(res.status, 200, pathname);
    answers.push(res.text);
  }

  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null }, serve.stderr());

  // What the searches look in, and proof that each has something in it.
  const logs = filesUnder(path.join(dataDir, 'logs'));
  assert.match(logs, /"requestId"/, 'the requests were logged');
  assert.match(logs, /tunnel/, 'the tunnel attempts were logged');
  const stdout = serve.stdout();
  assert.match(stdout, /"msg":"request"/, 'stdout carries the log');
  // The banner prints the UI key in its #key= link, once, on purpose: everything else is searched.
  const stderr = serve.stderr();
  const bannerLine = stderr.split('\n').find((l) => l.includes('#key='))!;
  assert.ok(bannerLine.endsWith(`#key=${uiKey}`));
  const stderrRest = stderr.replace(bannerLine, '');
  assert.ok(answers.length > 25, `${answers.length} answers searched`);
  const places: Record<string, string> = {
    'the log files': logs,
    'server.json': serverJson,
    stdout,
    'stderr (besides the banner link)': stderrRest,
    'the answers': answers.join('\n'),
  };

  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  const passwordHash = (
    db.prepare('SELECT password_hash AS h FROM qr_codes WHERE short_token = ?').get(token) as { h: string }
  ).h;
  db.close();
  const installSecret = fs.readFileSync(path.join(dataDir, 'secret'));
  const secrets: Record<string, string> = {
    'the webhook secret': webhookSecret,
    'the cloudflared token': CLOUDFLARED_TOKEN,
    'the ngrok authtoken': NGROK_AUTHTOKEN,
    'the password in a webhook URL': URL_PASSWORD,
    "the code's password": PASSWORD,
    'a wrong password': WRONG_PASSWORD,
    'the unlock cookie': unlockValue,
    "the password's hash": passwordHash,
    'the install secret (hex)': installSecret.toString('hex'),
    'the install secret (base64)': installSecret.toString('base64'),
  };
  for (const [name, key] of Object.entries({ uiKey, adminKey, readKey, cliKey })) {
    secrets[name] = key;
    // The prefix (qrd_ and 8 characters) is meant to be shown; the rest is the secret.
    secrets[`${name}'s secret part`] = key.slice(12);
    const hash = createHash('sha256').update(key).digest();
    secrets[`${name}'s hash (hex)`] = hash.toString('hex');
    secrets[`${name}'s hash (base64)`] = hash.toString('base64');
  }
  for (const [name, secret] of Object.entries(secrets)) {
    assert.ok(secret.length >= 8, name);
    for (const [where, text] of Object.entries(places)) {
      assert.ok(
        !text.includes(secret),
        `${name} appears in ${where}: ${text
          .split('\n')
          .filter((l) => l.includes(secret))
          .join(' / ')
          .slice(0, 600)}`,
      );
      // Percent-encoded, as a query string or a form would carry it.
      assert.ok(!text.includes(encodeURIComponent(secret)), `${name} appears percent-encoded in ${where}`);
    }
  }
});
