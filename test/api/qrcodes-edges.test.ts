import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { codeCount, createCode, expectError, expectValidationError, listAll, sendJson } from './support';

// Races around the slow password hash, and the finer points of search, categories and idempotency.
describe('QR codes: races and edges', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  const protectedUrl = (extra: Record<string, unknown> = {}) => ({
    type: 'url',
    kind: 'dynamic',
    content: 'https://example.com/secret',
    protection: { password: 'open sesame' },
    ...extra,
  });

  test('a PATCH that hashes a password does not write over a trash that happened meanwhile', async () => {
    const code = await createCode(ts, key, protectedUrl());
    // The PATCH hashes its password (tens of milliseconds at least) while the DELETE completes.
    const patching = sendJson(
      ts,
      key,
      `/api/v1/qrcodes/${code.id}`,
      { name: 'renamed', protection: { password: 'new secret' } },
      { method: 'PATCH' },
    );
    const trashed = await ts.api(`/api/v1/qrcodes/${code.id}`, { key, method: 'DELETE' });
    assert.equal(trashed.status, 200);
    await expectError(await patching, 409, 'CONFLICT');
    const row = ts.store.db.prepare('SELECT name, deleted_at FROM qr_codes WHERE id = ?').get(code.id) as {
      name: string;
      deleted_at: number | null;
    };
    assert.notEqual(row.deleted_at, null, 'still in the trash');
    assert.notEqual(row.name, 'renamed');
  });

  test('a create whose folder is deleted while its password hashes is a 400, not a 500', async () => {
    const folder = (await (await sendJson(ts, key, '/api/v1/folders', { name: 'short-lived' })).json()) as {
      id: string;
    };
    const before = codeCount(ts);
    const creating = sendJson(ts, key, '/api/v1/qrcodes', protectedUrl({ folderId: folder.id }));
    const removed = await ts.api(`/api/v1/folders/${folder.id}`, { key, method: 'DELETE' });
    assert.equal(removed.status, 200);
    await expectValidationError(await creating, 'folderId');
    assert.equal(codeCount(ts), before);
  });

  test('bulk hashes passwords without back-dating the codes it creates', async () => {
    const started = Date.now();
    const res = await sendJson(ts, key, '/api/v1/qrcodes/bulk', {
      items: Array.from({ length: 4 }, (_, i) => protectedUrl({ content: `https://example.com/${i}` })),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { created: number; results: { data: { createdAt: string } }[] };
    assert.equal(body.created, 4);
    for (const r of body.results) assert.ok(Date.parse(r.data.createdAt) >= started - 1);
  });

  test('q searches names and content, not payload syntax', async () => {
    const wifi = await createCode(ts, key, { type: 'wifi', content: { ssid: 'Terrasse', password: 'croissant42' } });
    assert.deepEqual(
      (await listAll(ts, key, 'q=terrasse')).map((c) => c.id),
      [wifi.id],
    );
    assert.deepEqual(await listAll(ts, key, 'q=WIFI%3AT'), []);
  });

  test('the category filter folds case beyond ASCII', async () => {
    const code = await createCode(ts, key, { type: 'text', content: 'menu', category: 'Été' });
    for (const q of ['été', 'ÉTÉ', 'Été']) {
      assert.deepEqual(
        (await listAll(ts, key, `category=${encodeURIComponent(q)}`)).map((c) => c.id),
        [code.id],
        q,
      );
    }
  });

  test('an Idempotency-Key replays for the same body with its keys in another order', async () => {
    const headers = { 'Idempotency-Key': 'order-1' };
    const first = await sendJson(ts, key, '/api/v1/qrcodes', { type: 'text', content: 'same', name: 'n' }, { headers });
    const second = await sendJson(
      ts,
      key,
      '/api/v1/qrcodes',
      { name: 'n', content: 'same', type: 'text' },
      { headers },
    );
    assert.equal(first.status, 201);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await second.json(), await first.json());
  });

  test('a code deleted for good leaves no stored response behind', async () => {
    const headers = { 'Idempotency-Key': 'forget-me' };
    const body = { type: 'wifi', content: { ssid: 'Back office', password: 'very-secret-1' } };
    const created = (await (await sendJson(ts, key, '/api/v1/qrcodes', body, { headers })).json()) as { id: string };
    const gone = await ts.api(`/api/v1/qrcodes/${created.id}?permanent=true`, { key, method: 'DELETE' });
    assert.equal(gone.status, 200);
    const leftovers = ts.store.db
      .prepare("SELECT COUNT(*) AS n FROM idempotency_keys WHERE instr(body, 'very-secret-1') > 0")
      .get() as { n: number };
    assert.equal(leftovers.n, 0);
    // The key is free again: the same request makes a new code rather than replaying a deleted one.
    const again = await sendJson(ts, key, '/api/v1/qrcodes', body, { headers });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), null);
    assert.notEqual(((await again.json()) as { id: string }).id, created.id);
  });

  test('a WPA passphrase must be printable ASCII, as the standard says', async () => {
    const res = await sendJson(ts, key, '/api/v1/qrcodes', {
      type: 'wifi',
      content: { ssid: 'Café', password: '🍕🍕🍕🍕🍕🍕🍕🍕' },
    });
    await expectValidationError(res, 'content.password');
  });

  test('a destination URL with a user name or password is refused (https://bank@evil reads as the bank)', async () => {
    for (const content of ['https://paypal.com@evil.example/login', 'https://user:pw@example.com/']) {
      await expectValidationError(await sendJson(ts, key, '/api/v1/qrcodes', { type: 'url', content }), 'content');
    }
  });

  test('empty filter values mean no filter, as an empty search does', async () => {
    const all = await listAll(ts, key);
    for (const q of ['tag=', 'category=', 'folderId=', 'q=']) {
      assert.equal((await listAll(ts, key, q)).length, all.length, q);
    }
  });
});
