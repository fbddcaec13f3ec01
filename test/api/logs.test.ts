import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startTestServer, tempDataDir } from '../helpers/server';
import { postKey, rawRequest } from './support';

function logText(dataDir: string): string {
  const dir = path.join(dataDir, 'logs');
  assert.ok(fs.existsSync(dir), 'the log directory exists');
  const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile());
  assert.ok(files.length > 0, 'there are log files');
  return files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');
}

test('the logs record requests but never a key or an Authorization header', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  const keys: string[] = [];
  const admin = ts.createKey({ scopes: ['admin'] });
  keys.push(admin);

  const res = await postKey(ts, admin, { name: 'logged key', scopes: ['read'] });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: string; key: string };
  keys.push(created.key);
  for (const key of keys) {
    const r = await ts.api('/api/v1/auth/verify', { key, headers: { 'X-Request-Id': 'log-check-ok' } });
    assert.equal(r.status, 200);
    await r.arrayBuffer();
  }
  // Failing requests: a forged key of the right shape, a malformed header, a revoked key, a key in the query.
  const forged = `qrd_${'Z'.repeat(admin.length - 4)}`;
  keys.push(forged);
  const failures = [
    ts.api('/api/v1/auth/verify', { key: forged, headers: { 'X-Request-Id': 'log-check-bad' } }),
    ts.api('/api/v1/auth/verify', { headers: { Authorization: `Basic ${admin}` } }),
    ts.api(`/api/v1/auth/verify?key=${admin}`),
    ts.api('/api/v1/api-keys', { key: created.key }),
    ts.api('/api/v1/api-keys', {
      key: admin,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"name": "${admin}", "broken"`,
    }),
  ];
  for (const r of await Promise.all(failures)) {
    assert.ok(r.status >= 400);
    await r.arrayBuffer();
  }
  const del = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
  await del.arrayBuffer();
  const revoked = await ts.api('/api/v1/auth/verify', { key: created.key });
  assert.equal(revoked.status, 401);
  await revoked.arrayBuffer();
  const evil = await rawRequest(ts.apiUrl, '/api/v1/auth/verify', {
    headers: { Host: 'evil.example', Authorization: `Bearer ${admin}` },
  });
  assert.equal(evil.status, 403);
  const pub = await fetch(`${ts.publicUrl}/api/v1/auth/verify`, { headers: { Authorization: `Bearer ${admin}` } });
  assert.equal(pub.status, 404);
  await pub.arrayBuffer();

  await ts.stop({ keepData: true });

  const text = logText(dataDir);
  // The run was logged, so the searches below had something to search.
  assert.ok(text.includes('log-check-ok'), 'the successful request is in the log');
  assert.ok(text.includes('log-check-bad'), 'the failing request is in the log');
  assert.ok(text.includes('/api/v1/auth/verify'));
  for (const key of keys) {
    assert.ok(!text.includes(key), 'no key in the logs');
    assert.ok(!text.includes(key.slice(12)), "no key's secret part in the logs");
  }
  assert.ok(!/bearer/i.test(text), 'no Bearer in the logs');
  assert.ok(!/authorization/i.test(text), 'no Authorization header in the logs');
});
