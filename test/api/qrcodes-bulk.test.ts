/**
 * POST /api/v1/qrcodes/bulk: up to 100 items, not all-or-nothing, one result
 * per item in index order.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  codeCount,
  createCode,
  expectError,
  expectNothingWritten,
  expectValidationError,
  getCode,
  sendJson,
  type QrCodeBody,
} from './support';

interface BulkResult {
  created: number;
  failed: number;
  results: {
    index: number;
    status: number;
    data?: QrCodeBody;
    error?: { code: string; message: string; details?: { path: string; message: string }[] };
  }[];
}

describe('bulk create', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  const bulk = (body: unknown, headers: Record<string, string> = {}) =>
    sendJson(ts, key, '/api/v1/qrcodes/bulk', body, { headers });

  test('100 items: 100 codes, each result with its index, status 201 and the code', async () => {
    const before = codeCount(ts);
    const items = Array.from({ length: 100 }, (_, i) =>
      i % 2
        ? { type: 'text', content: `item ${i}`, tags: [`t${i % 5}`] }
        : { type: 'url', kind: 'dynamic', content: `https://example.com/${i}` },
    );
    const res = await bulk({ items });
    assert.equal(res.status, 200);
    const body = (await res.json()) as BulkResult;
    assert.equal(body.created, 100);
    assert.equal(body.failed, 0);
    assert.equal(body.results.length, 100);
    assert.equal(codeCount(ts), before + 100);
    const tokens = new Set<string>();
    body.results.forEach((r, i) => {
      assert.equal(r.index, i);
      assert.equal(r.status, 201);
      assert.equal(r.error, undefined);
      assert.equal(r.data!.content, items[i]!.content);
      assert.equal(r.data!.type, items[i]!.type);
      if (r.data!.kind === 'dynamic') tokens.add(r.data!.shortToken!);
    });
    assert.equal(tokens.size, 50, 'every dynamic code has its own token');
    // What was returned is what is stored.
    for (const r of body.results.slice(0, 10)) assert.deepEqual(await getCode(ts, key, r.data!.id), r.data);
  });

  test('101 items is 400 and writes nothing; 0 items, no items or not a list is 400 too', async () => {
    const item = { type: 'text', content: 'x' };
    await expectNothingWritten(ts, async () => {
      await expectValidationError(await bulk({ items: Array.from({ length: 101 }, () => item) }), 'items');
      await expectValidationError(await bulk({ items: [] }), 'items');
      await expectValidationError(await bulk({}), 'items');
      await expectValidationError(await bulk({ items: item }), 'items');
      await expectValidationError(await bulk({ items: 'x' }), 'items');
      await expectValidationError(await bulk({ items: [item], atomic: true }), 'atomic');
      await expectError(await bulk([item]), 400, 'VALIDATION_ERROR');
      await expectError(await bulk('{"items": ['), 400, 'INVALID_BODY');
    });
  });

  test('one bad item: 200 with counts and per-item results in index order; the good ones are stored', async () => {
    const before = codeCount(ts);
    const items = [
      { type: 'text', content: 'good 0' },
      { type: 'wifi', content: { password: 'password1' } },
      { type: 'url', content: 'https://example.com/good-2' },
      { type: 'vcard', content: { firstName: 'A', phones: [{ number: 'nope' }] } },
      { type: 'fax', content: '123' },
      null,
      'not an item',
      { type: 'geo', content: { latitude: '48.8', longitude: 2 } },
      { type: 'text', content: 'good 8', name: 'x'.repeat(101) },
      { type: 'text', content: 'good 9' },
    ];
    const res = await bulk({ items });
    assert.equal(res.status, 200);
    const body = (await res.json()) as BulkResult;
    assert.equal(body.created, 3);
    assert.equal(body.failed, 7);
    assert.deepEqual(
      body.results.map((r) => [r.index, r.status]),
      [
        [0, 201],
        [1, 400],
        [2, 201],
        [3, 400],
        [4, 400],
        [5, 400],
        [6, 400],
        [7, 400],
        [8, 400],
        [9, 201],
      ],
    );
    const paths = (i: number) => body.results[i]!.error!.details!.map((d) => d.path);
    for (const r of body.results.filter((x) => x.status === 400)) {
      assert.equal(r.error!.code, 'VALIDATION_ERROR');
      assert.equal(r.data, undefined);
      assert.ok(r.error!.message.length > 0);
    }
    assert.ok(paths(1).includes('content.ssid'), JSON.stringify(paths(1)));
    assert.ok(paths(3).includes('content.phones.0.number'), JSON.stringify(paths(3)));
    assert.ok(paths(4).includes('type'), JSON.stringify(paths(4)));
    assert.ok(paths(7).includes('content.latitude'), JSON.stringify(paths(7)));
    assert.ok(paths(8).includes('name'), JSON.stringify(paths(8)));
    assert.equal(codeCount(ts), before + 3);
    for (const i of [0, 2, 9]) {
      const stored = await getCode(ts, key, body.results[i]!.data!.id);
      assert.equal(stored.content, (items[i] as { content: string }).content);
    }
  });

  test('two items with one slug: the second gets 409 CONFLICT; a slug already taken too', async () => {
    await createCode(ts, key, { type: 'url', kind: 'dynamic', slug: 'taken-before', content: 'https://a.example' });
    const before = codeCount(ts);
    const items = [
      { type: 'url', kind: 'dynamic', slug: 'same-slug', content: 'https://a.example' },
      { type: 'url', kind: 'dynamic', slug: 'same-slug', content: 'https://b.example' },
      { type: 'url', kind: 'dynamic', slug: 'taken-before', content: 'https://c.example' },
      { type: 'url', kind: 'dynamic', slug: 'other-slug', content: 'https://d.example' },
    ];
    const body = (await (await bulk({ items })).json()) as BulkResult;
    assert.deepEqual(
      body.results.map((r) => [r.index, r.status, r.error?.code ?? null]),
      [
        [0, 201, null],
        [1, 409, 'CONFLICT'],
        [2, 409, 'CONFLICT'],
        [3, 201, null],
      ],
    );
    assert.equal(body.results[0]!.data!.shortToken, 'same-slug');
    assert.equal(body.results[0]!.data!.content, 'https://a.example');
    assert.equal(body.created, 2);
    assert.equal(body.failed, 2);
    assert.equal(codeCount(ts), before + 2);
  });

  test('an item in an unknown folder is refused with path folderId', async () => {
    const body = (await (
      await bulk({
        items: [
          { type: 'text', content: 'x', folderId: 'fld_nope' },
          { type: 'text', content: 'y' },
        ],
      })
    ).json()) as BulkResult;
    assert.equal(body.results[0]!.status, 400);
    assert.deepEqual(
      body.results[0]!.error!.details!.map((d) => d.path),
      ['folderId'],
    );
    assert.equal(body.results[1]!.status, 201);
  });

  test('with an Idempotency-Key, a retry replays the first answer exactly and creates nothing', async () => {
    const items = [
      { type: 'text', content: 'idem 1' },
      { type: 'wifi', content: {} },
      { type: 'url', kind: 'dynamic', content: 'https://example.com/idem' },
    ];
    const headers = { 'Idempotency-Key': 'bulk-retry-1' };
    const first = await bulk({ items }, headers);
    const firstText = await first.text();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    const count = codeCount(ts);
    for (let i = 0; i < 2; i++) {
      const again = await bulk({ items }, headers);
      assert.equal(again.status, 200);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(await again.json(), JSON.parse(firstText));
    }
    assert.equal(codeCount(ts), count, 'the retries created nothing');
    const body = JSON.parse(firstText) as BulkResult;
    assert.equal(body.created, 2);
    assert.equal(body.failed, 1);

    // The same key with other items is a conflict.
    await expectNothingWritten(ts, async () => {
      await expectError(await bulk({ items: items.slice(0, 1) }, headers), 409, 'IDEMPOTENCY_CONFLICT');
    });
  });

  test('the payload capacity is checked per item', async () => {
    const body = (await (
      await bulk({
        items: [
          { type: 'text', content: '東'.repeat(900) },
          { type: 'text', content: '東'.repeat(900), design: { errorCorrection: 'L' } },
        ],
      })
    ).json()) as BulkResult;
    // 2,700 bytes of UTF-8: over the 2,331 bytes of level M, under the 2,953 of level L.
    assert.equal(body.results[0]!.status, 400);
    assert.ok(body.results[0]!.error!.details!.some((d) => d.path === 'content'));
    assert.equal(body.results[1]!.status, 201);
  });
});
