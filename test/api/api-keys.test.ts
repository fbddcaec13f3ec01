import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, expectValidationError, keyCount, postKey } from './support';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  rateLimitPerMinute: number;
  dailyLimit: number | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  createdAt: string;
}
interface Created extends ApiKey {
  key: string;
}
interface Page {
  data: ApiKey[];
  nextCursor: string | null;
}

const utcToday = () => new Date().toISOString().slice(0, 10);

describe('API keys endpoints', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'], name: 'admin' });
  });
  after(() => ts.stop());

  async function create(body: Record<string, unknown>): Promise<Created> {
    const res = await postKey(ts, admin, body);
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Created;
  }

  test('POST creates a key: 201, Location, a long random qrd_ key with its visible prefix', async () => {
    const res = await postKey(ts, admin, { name: 'Shop script', scopes: ['write', 'read'], rateLimitPerMinute: 60 });
    assert.equal(res.status, 201);
    const created = (await res.json()) as Created;
    assert.equal(res.headers.get('location'), `/api/v1/api-keys/${created.id}`);
    assert.match(created.key, /^qrd_[A-Za-z0-9_-]+$/);
    // 32 random bytes in base64url are 43 characters: with "qrd_", at least 47.
    assert.ok(created.key.length >= 47, `key length ${created.key.length}`);
    assert.ok(created.key.startsWith(created.prefix));
    assert.ok(created.prefix.startsWith('qrd_'));
    assert.ok(created.prefix.length < created.key.length);
    assert.equal(created.name, 'Shop script');
    assert.deepEqual([...created.scopes].sort(), ['read', 'write']);
    assert.equal(created.rateLimitPerMinute, 60);
    assert.equal(created.dailyLimit, null);
    assert.equal(created.expiresAt, null);
    assert.equal(created.revokedAt, null);
    assert.equal(created.lastUsedAt, null);
    assert.ok(!Number.isNaN(Date.parse(created.createdAt)));

    // The Location names the key.
    const loc = await ts.api(res.headers.get('location')!, { key: admin });
    assert.equal(loc.status, 200);
    assert.equal(((await loc.json()) as ApiKey).id, created.id);
  });

  test('keys are random: two creations give unrelated keys and ids', async () => {
    const a = await create({ name: 'a' });
    const b = await create({ name: 'b' });
    assert.notEqual(a.key, b.key);
    assert.notEqual(a.id, b.id);
    assert.notEqual(a.prefix, b.prefix);
  });

  test('defaults: scopes read+write and 1000 requests a minute', async () => {
    const created = await create({ name: 'defaults' });
    assert.deepEqual([...created.scopes].sort(), ['read', 'write']);
    assert.equal(created.rateLimitPerMinute, 1000);
  });

  test('the name is trimmed; 100 characters and non-Latin text are fine', async () => {
    assert.equal((await create({ name: '  padded  ' })).name, 'padded');
    const long = 'n'.repeat(100);
    assert.equal((await create({ name: long })).name, long);
    const intl = 'Café 東京 🚀';
    assert.equal((await create({ name: intl })).name, intl);
  });

  test('the secret is shown once: GET and list never return it', async () => {
    const created = await create({ name: 'secret once' });
    const one = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin });
    const list = await ts.api('/api/v1/api-keys?limit=200', { key: admin });
    for (const res of [one, list]) {
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.ok(!text.includes(created.key));
      assert.ok(!text.includes('"key"'));
    }
  });

  test('GET list is newest first and the cursor walks every key exactly once', async (t) => {
    const server = await startTestServer();
    t.after(() => server.stop());
    const root = server.createKey({ scopes: ['admin'], name: 'root' });
    const made: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = await postKey(server, root, { name: `page key ${i}` });
      assert.equal(res.status, 201);
      made.push(((await res.json()) as Created).id);
      // Distinct creation times would make the order trivially right; we do not wait for them.
    }
    const seen: ApiKey[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `?limit=3&cursor=${encodeURIComponent(cursor)}` : '?limit=3';
      const res = await server.api(`/api/v1/api-keys${qs}`, { key: root });
      assert.equal(res.status, 200);
      const page = (await res.json()) as Page;
      assert.ok(page.data.length <= 3);
      if (page.nextCursor !== null) assert.equal(page.data.length, 3, 'only the last page is short');
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
      assert.ok(pages <= 10, 'pagination terminates');
    } while (cursor !== null);

    assert.equal(pages, 3, '8 keys in pages of 3');
    const ids = seen.map((k) => k.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.equal(ids.length, 8);
    for (const id of made) assert.ok(ids.includes(id), `${id} was listed`);
    // Newest first, ties broken by id, both descending.
    for (let i = 1; i < seen.length; i++) {
      const prev = seen[i - 1]!;
      const cur = seen[i]!;
      const dp = Date.parse(prev.createdAt);
      const dc = Date.parse(cur.createdAt);
      assert.ok(dp > dc || (dp === dc && prev.id > cur.id), `order at ${i}`);
    }
    assert.equal(seen.at(-1)!.name, 'root', 'the oldest key comes last');

    // The same walk without a limit gives everything at once, in the same order.
    const all = await server.api('/api/v1/api-keys', { key: root });
    const allPage = (await all.json()) as Page;
    assert.deepEqual(
      allPage.data.map((k) => k.id),
      ids,
    );
    assert.equal(allPage.nextCursor, null);
  });

  test('an invalid cursor is 400 INVALID_CURSOR', async () => {
    const wrongJson = [
      Buffer.from('{"createdAt":1,"id":"x"}').toString('base64url'),
      Buffer.from('[1]').toString('base64url'),
      Buffer.from('["1","key_x"]').toString('base64url'),
      Buffer.from('not json').toString('base64url'),
      Buffer.from('[1.5,"key_x"]').toString('base64url'),
      Buffer.from('[1,""]').toString('base64url'),
    ];
    for (const cursor of ['garbage!!', '%%%', 'a b', ...wrongJson]) {
      const res = await ts.api(`/api/v1/api-keys?cursor=${encodeURIComponent(cursor)}`, { key: admin });
      await expectError(res, 400, 'INVALID_CURSOR');
    }
  });

  test('a bad limit is 400 VALIDATION_ERROR naming limit', async () => {
    for (const limit of ['0', '201', 'abc', '-1', '1.5', '']) {
      const res = await ts.api(`/api/v1/api-keys?limit=${limit}`, { key: admin });
      await expectValidationError(res, 'limit');
    }
    const ok = await ts.api('/api/v1/api-keys?limit=200', { key: admin });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
    const one = await ts.api('/api/v1/api-keys?limit=1', { key: admin });
    assert.equal(((await one.json()) as Page).data.length, 1);
  });

  test("GET /:id has the key's usage with today's count, and lastUsedAt once used", async () => {
    const created = await create({ name: 'used' });
    const fresh = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin });
    const before = (await fresh.json()) as ApiKey & { usage: { date: string; count: number }[] };
    assert.equal(before.lastUsedAt, null);
    assert.deepEqual(before.usage, []);

    const dayBefore = utcToday();
    for (let i = 0; i < 3; i++) {
      const res = await ts.api('/api/v1/auth/verify', { key: created.key });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    const dayAfter = utcToday();
    const res = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin });
    assert.equal(res.status, 200);
    const detail = (await res.json()) as ApiKey & { usage: { date: string; count: number }[] };
    assert.equal(detail.id, created.id);
    assert.ok(detail.lastUsedAt, 'lastUsedAt is set');
    assert.ok(Date.parse(detail.lastUsedAt) >= Date.parse(created.createdAt));
    assert.equal(
      detail.usage.reduce((n, u) => n + u.count, 0),
      3,
    );
    for (const u of detail.usage) assert.ok(u.date === dayBefore || u.date === dayAfter, u.date);
    if (dayBefore === dayAfter) assert.deepEqual(detail.usage, [{ date: dayBefore, count: 3 }]);
    assert.equal('key' in detail, false);
  });

  test('GET an unknown id is 404 NOT_FOUND; so is DELETE', async () => {
    await expectError(await ts.api('/api/v1/api-keys/key_doesnotexist', { key: admin }), 404, 'NOT_FOUND');
    await expectError(
      await ts.api('/api/v1/api-keys/key_doesnotexist', { key: admin, method: 'DELETE' }),
      404,
      'NOT_FOUND',
    );
    await expectError(await ts.api(`/api/v1/api-keys/${'x'.repeat(65)}`, { key: admin }), 400, 'VALIDATION_ERROR');
  });

  test('DELETE revokes; twice is 200 both times and keeps the first revocation time', async () => {
    const created = await create({ name: 'revoke twice' });
    const first = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
    assert.equal(first.status, 200);
    const a = (await first.json()) as ApiKey;
    assert.ok(a.revokedAt);
    const second = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin, method: 'DELETE' });
    assert.equal(second.status, 200);
    const b = (await second.json()) as ApiKey;
    assert.equal(b.revokedAt, a.revokedAt);

    // Still listed, with revokedAt.
    const list = (await (await ts.api('/api/v1/api-keys?limit=200', { key: admin })).json()) as Page;
    assert.equal(list.data.find((k) => k.id === created.id)?.revokedAt, a.revokedAt);
  });

  test('a hostile name is stored verbatim and harms nothing', async () => {
    const before = keyCount(ts);
    const names = ["'; DROP TABLE api_keys; --", 'Robert"); DELETE FROM api_keys; --', '<script>alert(1)</script>'];
    for (const name of names) {
      const created = await create({ name });
      assert.equal(created.name, name);
      const res = await ts.api(`/api/v1/api-keys/${created.id}`, { key: admin });
      assert.equal(((await res.json()) as ApiKey).name, name);
      const verify = await ts.api('/api/v1/auth/verify', { key: created.key });
      assert.equal(((await verify.json()) as ApiKey).name, name);
    }
    assert.equal(keyCount(ts), before + names.length);
    const row = ts.store.db.prepare('SELECT name FROM api_keys WHERE name = ?').get(names[0]) as { name: string };
    assert.equal(row.name, names[0]);
  });
});

describe('POST /api/v1/api-keys refuses bad input and writes nothing', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  const future = () => new Date(Date.now() + 86_400_000).toISOString();
  const cases: { title: string; body: unknown; path: string }[] = [
    { title: 'missing name', body: { scopes: ['read'] }, path: 'name' },
    { title: 'empty name', body: { name: '' }, path: 'name' },
    { title: 'blank name', body: { name: '   ' }, path: 'name' },
    { title: 'name of 101 characters', body: { name: 'n'.repeat(101) }, path: 'name' },
    { title: 'name of 10,000 characters', body: { name: 'n'.repeat(10_000) }, path: 'name' },
    { title: 'name with a newline', body: { name: 'line\nbreak' }, path: 'name' },
    { title: 'name with a NUL', body: { name: 'nul\u0000byte' }, path: 'name' },
    { title: 'name with an escape', body: { name: 'esc\u001b[31m' }, path: 'name' },
    { title: 'name with DEL', body: { name: 'del\u007f' }, path: 'name' },
    { title: 'name as a number', body: { name: 42 }, path: 'name' },
    { title: 'name as null', body: { name: null }, path: 'name' },
    { title: 'name as an object', body: { name: { $gt: '' } }, path: 'name' },
    { title: 'scopes []', body: { name: 'x', scopes: [] }, path: 'scopes' },
    { title: "scopes ['root']", body: { name: 'x', scopes: ['root'] }, path: 'scopes' },
    { title: "scopes ['read','read']", body: { name: 'x', scopes: ['read', 'read'] }, path: 'scopes' },
    { title: "scopes 'admin' as a string", body: { name: 'x', scopes: 'admin' }, path: 'scopes' },
    { title: "scopes ['ADMIN']", body: { name: 'x', scopes: ['ADMIN'] }, path: 'scopes' },
    { title: 'scopes null', body: { name: 'x', scopes: null }, path: 'scopes' },
    { title: 'rateLimitPerMinute 0', body: { name: 'x', rateLimitPerMinute: 0 }, path: 'rateLimitPerMinute' },
    { title: 'rateLimitPerMinute -1', body: { name: 'x', rateLimitPerMinute: -1 }, path: 'rateLimitPerMinute' },
    { title: 'rateLimitPerMinute 1.5', body: { name: 'x', rateLimitPerMinute: 1.5 }, path: 'rateLimitPerMinute' },
    { title: "rateLimitPerMinute 'x'", body: { name: 'x', rateLimitPerMinute: 'x' }, path: 'rateLimitPerMinute' },
    { title: "rateLimitPerMinute '5'", body: { name: 'x', rateLimitPerMinute: '5' }, path: 'rateLimitPerMinute' },
    { title: 'rateLimitPerMinute 1e12', body: { name: 'x', rateLimitPerMinute: 1e12 }, path: 'rateLimitPerMinute' },
    { title: 'dailyLimit 0', body: { name: 'x', dailyLimit: 0 }, path: 'dailyLimit' },
    { title: 'dailyLimit -5', body: { name: 'x', dailyLimit: -5 }, path: 'dailyLimit' },
    { title: 'dailyLimit 2.5', body: { name: 'x', dailyLimit: 2.5 }, path: 'dailyLimit' },
    { title: 'expiresAt in the past', body: { name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, path: 'expiresAt' },
    { title: "expiresAt 'tomorrow'", body: { name: 'x', expiresAt: 'tomorrow' }, path: 'expiresAt' },
    { title: 'expiresAt as a number', body: { name: 'x', expiresAt: Date.now() + 86_400_000 }, path: 'expiresAt' },
    { title: 'expiresAt without a time', body: { name: 'x', expiresAt: '2999-01-01' }, path: 'expiresAt' },
    { title: 'an unknown extra field', body: { name: 'x', isAdmin: true }, path: 'isAdmin' },
    { title: 'a key supplied by the client', body: { name: 'x', key: `qrd_${'a'.repeat(54)}` }, path: 'key' },
    { title: 'a prototype-polluting field', body: JSON.parse('{"name":"x","__proto__":{"x":1}}'), path: '__proto__' },
    { title: 'body as a JSON array', body: [{ name: 'x' }], path: 'body' },
    { title: 'body as a JSON string', body: 'name', path: 'body' },
    { title: 'body as a JSON number', body: 7, path: 'body' },
    { title: 'body as JSON null', body: null, path: 'body' },
  ];

  for (const c of cases) {
    test(`${c.title}: 400 VALIDATION_ERROR naming ${c.path}`, async () => {
      const before = keyCount(ts);
      const res = await postKey(ts, admin, c.body);
      await expectValidationError(res, c.path);
      assert.equal(keyCount(ts), before, 'no key was written');
    });
  }

  test('several bad fields are all named', async () => {
    const res = await postKey(ts, admin, { name: '', scopes: ['root'], dailyLimit: 0 });
    const body = await expectValidationError(res, 'name');
    const paths = body.error.details!.map((d) => d.path);
    assert.ok(paths.some((p) => p.startsWith('scopes')));
    assert.ok(paths.includes('dailyLimit'));
  });

  test('an error message does not echo a 10k hostile value back whole', async () => {
    const res = await postKey(ts, admin, { name: 'n'.repeat(10_000) });
    const text = await res.text();
    assert.equal(res.status, 400);
    assert.ok(text.length < 5_000, `error response is ${text.length} bytes`);
  });

  test('the good versions of those values are accepted', async () => {
    const before = keyCount(ts);
    const res = await postKey(ts, admin, {
      name: 'all fields',
      scopes: ['admin'],
      rateLimitPerMinute: 1,
      dailyLimit: 1,
      expiresAt: future(),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const created = (await res.json()) as Created;
    assert.equal(created.dailyLimit, 1);
    assert.equal(created.rateLimitPerMinute, 1);
    assert.deepEqual(created.scopes, ['admin']);
    assert.equal(keyCount(ts), before + 1);
    const nulls = await postKey(ts, admin, { name: 'nulls', expiresAt: null, dailyLimit: null });
    assert.equal(nulls.status, 201, await nulls.clone().text());
  });
});
