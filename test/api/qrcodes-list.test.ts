/**
 * GET /api/v1/qrcodes: newest first, cursor paging that stays exact while codes
 * are added, every filter against a fixture whose expected results are worked
 * out here (not asked of the server), and the page-number mode.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { createCode, expectError, expectValidationError, getPage, listAll, sendJson, type QrCodeBody } from './support';

/** Asserts newest first, ties broken by id, both descending. */
function assertNewestFirst(codes: QrCodeBody[]): void {
  for (let i = 1; i < codes.length; i++) {
    const prev = codes[i - 1]!;
    const cur = codes[i]!;
    const dp = Date.parse(prev.createdAt);
    const dc = Date.parse(cur.createdAt);
    assert.ok(
      dp > dc || (dp === dc && prev.id > cur.id),
      `order at ${i}: ${prev.createdAt} ${prev.id} / ${cur.createdAt} ${cur.id}`,
    );
  }
}

async function bulk(ts: TestServer, key: string, items: unknown[]): Promise<QrCodeBody[]> {
  const res = await sendJson(ts, key, '/api/v1/qrcodes/bulk', { items });
  const text = await res.text();
  assert.equal(res.status, 200, text.slice(0, 300));
  const body = JSON.parse(text) as { created: number; failed: number; results: { data?: QrCodeBody }[] };
  assert.equal(body.failed, 0, text.slice(0, 300));
  return body.results.map((r) => r.data!);
}

describe('cursor paging through 1,000 codes while others are added', () => {
  let ts: TestServer;
  let key: string;
  const existing: QrCodeBody[] = [];
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    for (let b = 0; b < 10; b++) {
      existing.push(
        ...(await bulk(
          ts,
          key,
          Array.from({ length: 100 }, (_, i) => ({ type: 'text', content: `pre-existing ${b * 100 + i}` })),
        )),
      );
    }
  });
  after(() => ts.stop());

  test('limit=37 returns every pre-existing code exactly once, newest first, and none of the new ones', async () => {
    assert.equal(existing.length, 1000);
    const seen: QrCodeBody[] = [];
    const inserted = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = cursor ? `limit=37&cursor=${encodeURIComponent(cursor)}` : 'limit=37';
      const page = await getPage(ts, key, `/api/v1/qrcodes?${qs}`);
      if (page.nextCursor !== null) assert.equal(page.data.length, 37, 'only the last page is short');
      assert.equal(page.pagination, undefined, 'no pagination block in cursor mode');
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
      assert.ok(pages <= 40, 'paging terminates');
      // Another client adds codes between our page requests, one by one and in bulk.
      if (pages % 2) inserted.add((await createCode(ts, key, { type: 'text', content: `new ${pages}` })).id);
      else for (const c of await bulk(ts, key, [{ type: 'url', content: 'https://a.example' }])) inserted.add(c.id);
    } while (cursor !== null);

    const ids = seen.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length, 'no code twice');
    assert.equal(pages, Math.ceil(1000 / 37));
    assert.deepEqual([...ids].sort(), existing.map((c) => c.id).sort(), 'exactly the pre-existing codes');
    for (const id of ids) assert.ok(!inserted.has(id), 'no code added during the walk');
    assertNewestFirst(seen);

    // A fresh walk sees the new ones first, then the same sequence.
    const fresh = await listAll(ts, key);
    assert.equal(fresh.length, 1000 + inserted.size);
    assertNewestFirst(fresh);
    assert.deepEqual(new Set(fresh.slice(0, inserted.size).map((c) => c.id)), inserted);
    assert.deepEqual(
      fresh.slice(inserted.size).map((c) => c.id),
      ids,
    );
  });

  test('the default page has 50 codes; limit=200 has 200', async () => {
    const page = await getPage(ts, key, '/api/v1/qrcodes');
    assert.equal(page.data.length, 50);
    assert.ok(page.nextCursor);
    assert.equal((await getPage(ts, key, '/api/v1/qrcodes?limit=200')).data.length, 200);
    assert.equal((await getPage(ts, key, '/api/v1/qrcodes?limit=1')).data.length, 1);
  });

  test('a malformed cursor is 400 INVALID_CURSOR', async () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    for (const cursor of [
      'garbage!!',
      '%%%',
      'a b',
      b64('not json'),
      b64('{"createdAt":1,"id":"x"}'),
      b64('[1]'),
      b64('["1","qr_x"]'),
      b64('[1.5,"qr_x"]'),
      b64('[1,""]'),
      b64(`[1,"${'x'.repeat(65)}"]`),
      b64('[1,"qr_x",3]'),
    ]) {
      await expectError(
        await ts.api(`/api/v1/qrcodes?cursor=${encodeURIComponent(cursor)}`, { key }),
        400,
        'INVALID_CURSOR',
      );
    }
  });

  test('a well-formed cursor past the end gives an empty page', async () => {
    const cursor = Buffer.from('[0,"qr_zzz"]').toString('base64url');
    const page = await getPage(ts, key, `/api/v1/qrcodes?cursor=${cursor}`);
    assert.deepEqual(page, { data: [], nextCursor: null });
  });
});

// ---------------------------------------------------------------------------

interface Spec {
  type: string;
  kind: 'static' | 'dynamic';
  content: unknown;
  name?: string;
  category?: string;
  tags?: string[];
  folder?: 'A' | 'B';
  isFavorite?: boolean;
  status?: 'paused';
  expired?: boolean;
  trashed?: boolean;
}

/** The fixture: every filter has matches and non-matches, trashed codes included. */
function fixture(): Spec[] {
  const specs: Spec[] = [];
  const types: [string, unknown][] = [
    ['url', 'https://example.com/menu'],
    ['text', 'Daily specials'],
    ['wifi', { ssid: 'Guest', password: 'password1' }],
    ['vcard', { firstName: 'Ana', lastName: 'Lima' }],
    ['geo', { latitude: 48.85, longitude: 2.35 }],
  ];
  for (let i = 0; i < 30; i++) {
    const [type, content] = types[i % types.length]!;
    const dynamic = (type === 'url' || type === 'text') && i % 3 === 0;
    specs.push({
      type,
      kind: dynamic ? 'dynamic' : 'static',
      content,
      name: i % 7 === 0 ? `Summer Café ${i}` : `Code ${i}`,
      category: i % 4 === 0 ? 'Menus' : i % 4 === 1 ? 'Été' : undefined,
      tags: i % 3 === 0 ? ['Print', 'Café'] : i % 3 === 1 ? ['print-2'] : [],
      folder: i % 5 === 0 ? 'A' : i % 5 === 1 ? 'B' : undefined,
      isFavorite: i % 2 === 0,
      // Dynamic codes are 0, 6, 15 and 21.
      status: i === 6 ? 'paused' : undefined,
      expired: i === 21,
      trashed: i % 8 === 4,
    });
  }
  return specs;
}

describe('list filters return exactly the matching set', () => {
  let ts: TestServer;
  let key: string;
  let folders: Record<'A' | 'B', string>;
  const made: { spec: Spec; code: QrCodeBody }[] = [];

  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    const folder = async (name: string) => {
      const res = await sendJson(ts, key, '/api/v1/folders', { name });
      assert.equal(res.status, 201);
      return ((await res.json()) as { id: string }).id;
    };
    folders = { A: await folder('A'), B: await folder('B') };
    const specs = fixture();
    const items = specs.map((s) => ({
      type: s.type,
      kind: s.kind,
      content: s.content,
      name: s.name,
      ...(s.category ? { category: s.category } : {}),
      tags: s.tags,
      ...(s.folder ? { folderId: folders[s.folder] } : {}),
      isFavorite: s.isFavorite,
      ...(s.status ? { status: s.status } : {}),
      ...(s.expired ? { protection: { expiresAt: '2021-06-01T00:00:00Z' } } : {}),
    }));
    const codes = await bulk(ts, key, items);
    specs.forEach((spec, i) => made.push({ spec, code: codes[i]! }));
    for (const { spec, code } of made) {
      if (spec.trashed)
        assert.equal((await ts.api(`/api/v1/qrcodes/${code.id}`, { key, method: 'DELETE' })).status, 200);
    }
  });
  after(() => ts.stop());

  const expected = (pred: (s: Spec) => boolean, trashed = false) =>
    made
      .filter(({ spec }) => !!spec.trashed === trashed && pred(spec))
      .map(({ code }) => code.id)
      .sort();
  const actual = async (query: string) => {
    const codes = await listAll(ts, key, query);
    assertNewestFirst(codes);
    return codes.map((c) => c.id).sort();
  };
  const check = async (query: string, pred: (s: Spec) => boolean, trashed = false) => {
    const want = expected(pred, trashed);
    assert.deepEqual(await actual(query), want, query);
    return want.length;
  };

  test('the fixture has trashed, expired and paused codes', () => {
    assert.ok(made.some((m) => m.spec.trashed));
    assert.ok(made.some((m) => m.spec.expired && !m.spec.trashed));
    assert.ok(made.some((m) => m.spec.status === 'paused' && !m.spec.trashed));
  });

  test('no filter: the library without the trash; trashed=true: only the trash', async () => {
    assert.ok((await check('', () => true)) > 0);
    assert.ok((await check('trashed=true', () => true, true)) > 0);
    await check('trashed=false', () => true);
  });

  test('type and kind', async () => {
    for (const type of ['url', 'text', 'wifi', 'vcard', 'geo'])
      assert.ok((await check(`type=${type}`, (s) => s.type === type)) > 0);
    await check('type=payment', () => false);
    assert.ok((await check('kind=dynamic', (s) => s.kind === 'dynamic')) > 0);
    assert.ok((await check('kind=static', (s) => s.kind === 'static')) > 0);
    await check('type=url&trashed=true', (s) => s.type === 'url', true);
  });

  test('status: active, paused, expired', async () => {
    assert.ok((await check('status=paused', (s) => s.status === 'paused')) > 0);
    assert.ok((await check('status=expired', (s) => !!s.expired && s.status !== 'paused')) > 0);
    assert.ok((await check('status=active', (s) => !s.expired && s.status !== 'paused')) > 0);
    for (const { spec, code } of made) {
      const want = spec.status === 'paused' ? 'paused' : spec.expired ? 'expired' : 'active';
      assert.equal(code.status, want, code.name);
    }
  });

  test('q: name and content, case-insensitive', async () => {
    assert.ok((await check('q=summer%20caf%C3%A9', (s) => !!s.name?.startsWith('Summer Café'))) > 0);
    await check(`q=${encodeURIComponent('SUMMER CAFÉ')}`, (s) => !!s.name?.startsWith('Summer Café'));
    assert.ok((await check('q=daily%20SPECIALS', (s) => s.content === 'Daily specials')) > 0);
    assert.ok((await check('q=lima', (s) => s.type === 'vcard')) > 0);
  });

  test('category, case-insensitive', async () => {
    const n = await check('category=Menus', (s) => s.category === 'Menus');
    assert.ok(n > 0);
    await check('category=menus', (s) => s.category === 'Menus');
    await check('category=MENUS', (s) => s.category === 'Menus');
    assert.ok((await check(`category=${encodeURIComponent('Été')}`, (s) => s.category === 'Été')) > 0);
    await check('category=Men', () => false);
  });

  test('tag, case-insensitive (beyond ASCII too), and only whole tags', async () => {
    assert.ok((await check('tag=Print', (s) => !!s.tags?.includes('Print'))) > 0);
    await check('tag=print', (s) => !!s.tags?.includes('Print'));
    await check('tag=PRINT', (s) => !!s.tags?.includes('Print'));
    assert.ok((await check('tag=print-2', (s) => !!s.tags?.includes('print-2'))) > 0);
    await check('tag=prin', () => false);
    await check(`tag=${encodeURIComponent('café')}`, (s) => !!s.tags?.includes('Café'));
    await check(`tag=${encodeURIComponent('CAFÉ')}`, (s) => !!s.tags?.includes('Café'));
  });

  test('folderId and folderId=none', async () => {
    assert.ok((await check(`folderId=${folders.A}`, (s) => s.folder === 'A')) > 0);
    assert.ok((await check(`folderId=${folders.B}`, (s) => s.folder === 'B')) > 0);
    assert.ok((await check('folderId=none', (s) => s.folder === undefined)) > 0);
    await check('folderId=fld_unknown', () => false);
  });

  test('favorite=true and favorite=false', async () => {
    assert.ok((await check('favorite=true', (s) => !!s.isFavorite)) > 0);
    assert.ok((await check('favorite=false', (s) => !s.isFavorite)) > 0);
  });

  test('filters combine with AND', async () => {
    assert.ok(
      (await check(
        `type=url&favorite=true&tag=print&folderId=${folders.A}`,
        (s) => s.type === 'url' && !!s.isFavorite && !!s.tags?.includes('Print') && s.folder === 'A',
      )) > 0,
    );
    await check('type=url&folderId=none', () => false);
    assert.ok(
      (await check(
        'kind=dynamic&status=active&category=menus',
        (s) => s.kind === 'dynamic' && !s.expired && s.status !== 'paused' && s.category === 'Menus',
      )) > 0,
    );
    assert.ok((await check('favorite=true&trashed=true', (s) => !!s.isFavorite, true)) > 0);
  });

  test('bad filter values are 400 naming the parameter', async () => {
    for (const [query, name] of [
      ['type=fax', 'type'],
      ['type=URL', 'type'],
      ['kind=live', 'kind'],
      ['status=deleted', 'status'],
      ['favorite=yes', 'favorite'],
      ['favorite=1', 'favorite'],
      ['trashed=1', 'trashed'],
      [`tag=${'x'.repeat(33)}`, 'tag'],
      [`category=${'x'.repeat(51)}`, 'category'],
      ['type=url&type=text', 'type'],
    ]) {
      await expectValidationError(await ts.api(`/api/v1/qrcodes?${query}`, { key }), name!);
    }
  });

  test('page mode: pagination numbers are right and the pages tile the set, with filters too', async () => {
    for (const [filter, limit] of [
      ['', 7],
      ['', 1],
      ['', 200],
      ['favorite=true&', 4],
      ['trashed=true&', 2],
      ['type=payment&', 5],
    ] as const) {
      const all = await listAll(ts, key, filter);
      const total = all.length;
      const pages = Math.ceil(total / limit);
      const tiled: string[] = [];
      for (let page = 1; page <= pages + 1; page++) {
        const body = await getPage(ts, key, `/api/v1/qrcodes?${filter}page=${page}&limit=${limit}`);
        assert.deepEqual(body.pagination, { total, page, limit, pages }, `${filter} page ${page}`);
        assert.equal(body.nextCursor, null);
        if (page <= pages) {
          assert.equal(body.data.length, page < pages ? limit : total - (pages - 1) * limit);
        } else {
          assert.deepEqual(body.data, [], 'past the last page: empty');
        }
        tiled.push(...body.data.map((c) => c.id));
      }
      assert.deepEqual(
        tiled,
        all.map((c) => c.id),
        `${filter} limit ${limit}: the pages tile the cursor order`,
      );
    }
    // The default limit applies in page mode too.
    assert.equal((await getPage(ts, key, '/api/v1/qrcodes?page=1')).pagination!.limit, 50);
  });

  test('page and cursor together, and bad limits or pages, are 400', async () => {
    const first = await getPage(ts, key, '/api/v1/qrcodes?limit=2');
    assert.ok(first.nextCursor);
    await expectValidationError(await ts.api(`/api/v1/qrcodes?page=2&cursor=${first.nextCursor}`, { key }), 'page');
    for (const limit of ['0', '201', 'x', '-1', '1.5', '']) {
      await expectValidationError(await ts.api(`/api/v1/qrcodes?limit=${limit}`, { key }), 'limit');
      await expectValidationError(await ts.api(`/api/v1/qrcodes?page=1&limit=${limit}`, { key }), 'limit');
    }
    for (const page of ['0', '-1', 'x', '1.5', '']) {
      await expectValidationError(await ts.api(`/api/v1/qrcodes?page=${page}`, { key }), 'page');
    }
  });
});
