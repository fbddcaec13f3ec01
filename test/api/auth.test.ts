import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, keyCount, postKey } from './support';

interface Verify {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  rateLimitPerMinute: number;
  dailyLimit: number | null;
}

interface Created extends Verify {
  key: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}

describe('key lifecycle', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'], name: 'admin for tests' });
  });
  after(() => ts.stop());

  async function create(body: Record<string, unknown>): Promise<Created> {
    const res = await postKey(ts, admin, body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Created;
  }

  test('a created key works on /auth/verify, which describes it without the secret', async () => {
    const created = await create({ name: 'inventory script', scopes: ['read', 'write'] });
    const res = await ts.api('/api/v1/auth/verify', { key: created.key });
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(created.key), 'the response never contains the key');
    assert.ok(!text.includes(created.key.slice(created.prefix.length)), 'nor its secret part');
    const body = JSON.parse(text) as Verify;
    assert.equal(body.id, created.id);
    assert.equal(body.name, 'inventory script');
    assert.equal(body.prefix, created.prefix);
    assert.ok(created.key.startsWith(body.prefix));
    assert.ok(body.prefix.length < created.key.length / 2, 'the prefix is a small part of the key');
    assert.deepEqual([...body.scopes].sort(), ['read', 'write']);
    assert.equal(body.expiresAt, null);
    assert.equal(body.rateLimitPerMinute, 1000);
    assert.equal(body.dailyLimit, null);
    assert.equal('key' in body, false);
  });

  test('a key made through the service (as the CLI does) verifies too', async () => {
    const key = ts.createKey({ scopes: ['read'], name: 'from the cli' });
    const res = await ts.api('/api/v1/auth/verify', { key });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Verify;
    assert.equal(body.name, 'from the cli');
    assert.deepEqual(body.scopes, ['read']);
    assert.ok(key.startsWith(body.prefix));
  });

  test('verify reports the expiry of a key that has one', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const created = await create({ name: 'expiring', scopes: ['read'], expiresAt });
    const res = await ts.api('/api/v1/auth/verify', { key: created.key });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Verify).expiresAt, expiresAt);
  });

  test('a revoked key is 401 API_KEY_REVOKED', async () => {
    const created = await create({ name: 'to revoke', scopes: ['read'] });
    const ok = await ts.api('/api/v1/auth/verify', { key: created.key });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();

    const del = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
    assert.equal(del.status, 200);
    const revoked = (await del.json()) as Created;
    assert.ok(revoked.revokedAt, 'revokedAt is set');
    assert.equal('key' in revoked, false);

    const res = await ts.api('/api/v1/auth/verify', { key: created.key });
    await expectError(res, 401, 'API_KEY_REVOKED');
  });

  test('an expired key is 401 API_KEY_EXPIRED', async () => {
    const created = await create({
      name: 'soon expired',
      scopes: ['read'],
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const ok = await ts.api('/api/v1/auth/verify', { key: created.key });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    // Setting up state only: move the expiry into the past in the real database.
    const changed = ts.store.db
      .prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?')
      .run(Date.now() - 60_000, created.id).changes;
    assert.equal(changed, 1);
    await expectError(await ts.api('/api/v1/auth/verify', { key: created.key }), 401, 'API_KEY_EXPIRED');
  });

  test('revocation wins over expiry for a key that is both', async () => {
    const created = await create({ name: 'both', scopes: ['read'] });
    ts.store.db.prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(Date.now() - 60_000, created.id);
    const del = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
    assert.equal(del.status, 200);
    await del.arrayBuffer();
    const res = await ts.api('/api/v1/auth/verify', { key: created.key });
    const body = await expectError(res, 401, 'API_KEY_REVOKED');
    assert.ok(body);
  });

  test('an unknown, well-formed key is 401 INVALID_API_KEY', async () => {
    const created = await create({ name: 'template', scopes: ['read'] });
    // Same shape and same visible prefix, different secret.
    const last = created.key.at(-1) === 'A' ? 'B' : 'A';
    const forged = created.key.slice(0, -1) + last;
    await expectError(await ts.api('/api/v1/auth/verify', { key: forged }), 401, 'INVALID_API_KEY');
    const unknown = `qrd_${'x'.repeat(created.key.length - 4)}`;
    await expectError(await ts.api('/api/v1/auth/verify', { key: unknown }), 401, 'INVALID_API_KEY');
  });

  test('no header or a malformed one is 401 UNAUTHORIZED', async () => {
    await expectError(await ts.api('/api/v1/auth/verify'), 401, 'UNAUTHORIZED');
    const bad = [
      'Basic xyz',
      `Basic ${Buffer.from(`user:${admin}`).toString('base64')}`,
      'Bearer nope',
      'Bearer qrd_short',
      'Bearer',
      'Bearer ',
      `Bearer ${admin} extra`,
      `Bearer ${admin}x`,
      `Token ${admin}`,
      admin,
      `Bearer ${admin.replace('qrd_', 'qrx_')}`,
    ];
    for (const header of bad) {
      const res = await ts.api('/api/v1/auth/verify', { headers: { Authorization: header } });
      await expectError(res, 401, 'UNAUTHORIZED');
    }
  });

  test('the Bearer scheme is case-insensitive, as HTTP defines it', async () => {
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      const res = await ts.api('/api/v1/auth/verify', { headers: { Authorization: `${scheme} ${admin}` } });
      assert.equal(res.status, 200, scheme);
      await res.arrayBuffer();
    }
  });

  test('a 401 never echoes the key that was sent', async () => {
    const created = await create({ name: 'gone', scopes: ['read'] });
    const del = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
    await del.arrayBuffer();
    const res = await ts.api('/api/v1/auth/verify', { key: created.key });
    const text = await res.text();
    assert.equal(res.status, 401);
    assert.ok(!text.includes(created.key));
  });

  test('a read-only key on POST /api/v1/api-keys is 403 FORBIDDEN and creates nothing', async () => {
    const read = ts.createKey({ scopes: ['read'] });
    const before = keyCount(ts);
    const res = await postKey(ts, read, { name: 'escalate', scopes: ['admin'] });
    await expectError(res, 403, 'FORBIDDEN');
    assert.equal(keyCount(ts), before);
  });

  test('read and write keys get 403 on every admin endpoint; nothing changes', async () => {
    const victim = await create({ name: 'victim', scopes: ['read'] });
    for (const scopes of [['read'], ['write'], ['read', 'write']] as const) {
      const key = ts.createKey({ scopes: [...scopes] });
      const before = keyCount(ts);
      await expectError(await ts.api('/api/v1/api-keys', { key }), 403, 'FORBIDDEN');
      await expectError(await ts.api(`/api/v1/api-keys/${victim.id}`, { key }), 403, 'FORBIDDEN');
      await expectError(await ts.api(`/api/v1/api-keys/${victim.id}`, { key, method: 'DELETE' }), 403, 'FORBIDDEN');
      await expectError(await postKey(ts, key, { name: 'nope' }), 403, 'FORBIDDEN');
      assert.equal(keyCount(ts), before);
      // Any valid key may describe itself.
      const self = await ts.api('/api/v1/auth/verify', { key });
      assert.equal(self.status, 200);
      await self.arrayBuffer();
    }
    const still = await ts.api('/api/v1/auth/verify', { key: victim.key });
    assert.equal(still.status, 200, 'the victim key was not revoked');
    await still.arrayBuffer();
  });

  test('an admin key on an admin endpoint is allowed', async () => {
    const res = await ts.api('/api/v1/api-keys', { key: admin });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
  });
});

describe('no plaintext key at rest', () => {
  test('the database file and its WAL hold no key, only hashes', async (t) => {
    const ts = await startTestServer();
    t.after(() => ts.stop());
    const admin = ts.createKey({ scopes: ['admin'] });
    const keys = [admin, ts.createKey({ scopes: ['read'] }), ts.createKey({ scopes: ['write'], dailyLimit: 5 })];
    for (let i = 0; i < 4; i++) {
      const res = await postKey(ts, admin, { name: `posted ${i}`, scopes: ['read'] });
      assert.equal(res.status, 201);
      keys.push(((await res.json()) as Created).key);
    }
    for (const key of keys) {
      const res = await ts.api('/api/v1/auth/verify', { key });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    // The hashes are there: the search below would find the key if it were stored.
    assert.equal(keyCount(ts), keys.length);

    const dbFile = path.join(ts.dataDir, 'qrdesk.db');
    const files = [dbFile, `${dbFile}-wal`].filter((f) => fs.existsSync(f));
    assert.ok(files.includes(dbFile));
    const contents = files.map((f) => fs.readFileSync(f));
    assert.ok(contents.reduce((n, b) => n + b.length, 0) > 0, 'there are bytes to search');
    for (const key of keys) {
      const secret = key.slice(12);
      for (const [i, bytes] of contents.entries()) {
        assert.equal(bytes.indexOf(key), -1, `${files[i]} contains a key`);
        assert.equal(bytes.indexOf(secret), -1, `${files[i]} contains a key's secret part`);
        assert.equal(bytes.indexOf(Buffer.from(secret, 'base64url')), -1, `${files[i]} contains a key's raw bytes`);
      }
    }
    // The visible prefix is stored, which is how the search above would have matched.
    const stored = contents.some((b) => b.indexOf(admin.slice(0, 12)) !== -1);
    assert.ok(stored, 'the visible prefix is stored (sanity check of the search)');
  });
});
