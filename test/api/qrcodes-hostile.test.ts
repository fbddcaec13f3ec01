/**
 * Hostile values against the QR codes API: every one a clear 4xx with nothing
 * written, never a 500 or a crash; SQL-looking text stored verbatim and harmless.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  codeCount,
  createCode,
  expectCreateRefused,
  expectError,
  expectNothingWritten,
  expectValidationError,
  getCode,
  listAll,
  patchCode,
  sendJson,
  type QrCodeBody,
} from './support';

/** Control characters: C0, DEL and C1 (NEL, CSI), and an ANSI escape sequence. */
const CONTROLS = [
  'a\u0000b',
  'bell\u0007',
  'line\nbreak',
  'cr\rhere',
  'tab\there',
  '\u001b[31mred',
  'del\u007f',
  'nel\u0085',
  'csi\u009b2J',
];

describe('hostile values', () => {
  let ts: TestServer;
  let key: string;
  let url: QrCodeBody;
  let dynamic: QrCodeBody;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['admin'] });
    url = await createCode(ts, key, { type: 'url', content: 'https://example.com/safe', name: 'Safe' });
    dynamic = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/dyn' });
  });
  after(() => ts.stop());

  /** Asserts a PATCH is refused naming `path` and that the code is unchanged. */
  async function expectPatchRefused(code: QrCodeBody, body: unknown, path: string) {
    await expectNothingWritten(ts, async () => {
      await expectValidationError(await patchCode(ts, key, code.id, body), path);
    });
    assert.deepEqual(await getCode(ts, key, code.id), code, 'unchanged');
  }

  test('a 10,000-character name, category or tag is 400', async () => {
    const long = 'n'.repeat(10_000);
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', name: long }, 'name');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', category: long }, 'category');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: [long] }, 'tags.0');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x'.repeat(10_000) }, 'content');
    await expectPatchRefused(url, { name: long }, 'name');
    await expectPatchRefused(url, { name: 'x'.repeat(101) }, 'name');
    // 100 characters is the documented maximum; emoji count as characters of the string.
    assert.equal((await createCode(ts, key, { type: 'text', content: 'x', name: 'n'.repeat(100) })).name.length, 100);
  });

  test('control characters in name, tags and category are 400', async () => {
    for (const bad of CONTROLS) {
      await expectCreateRefused(ts, key, { type: 'text', content: 'x', name: bad }, 'name');
      await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['ok', bad] }, 'tags.1');
      await expectCreateRefused(ts, key, { type: 'text', content: 'x', category: bad }, 'category');
      await expectPatchRefused(url, { name: bad }, 'name');
    }
  });

  test('lone surrogates are 400, not stored as replacement characters', async () => {
    // JSON.stringify writes a lone surrogate as a \ud800 escape, which JSON.parse turns back into one.
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', name: 'half \ud83d' }, 'name');
    await expectCreateRefused(ts, key, { type: 'text', content: 'half \udc00' }, 'content');
    await expectCreateRefused(
      ts,
      key,
      { type: 'wifi', content: { ssid: '\ud800', encryption: 'nopass' } },
      'content.ssid',
    );
  });

  const HOSTILE_URLS = [
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    'JavaScript:alert(document.cookie)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'file:///etc/passwd',
    'vbscript:msgbox(1)',
    'ftp://example.com/x',
    '//example.com/protocol-relative',
    '/relative/path',
    'https:example.com',
    'https://',
    'http://exa mple.com',
    'https://example.com/\u0000',
    'https://example.com\\@evil.example',
  ];

  test('javascript:, data:, file: and other non-http URLs are 400 on create and on PATCH', async () => {
    for (const bad of HOSTILE_URLS) {
      await expectCreateRefused(ts, key, { type: 'url', content: bad }, 'content');
      await expectCreateRefused(ts, key, { type: 'url', kind: 'dynamic', content: bad }, 'content');
      await expectPatchRefused(url, { content: bad }, 'content');
      await expectPatchRefused(dynamic, { content: bad }, 'content');
      // Where a URL hides inside other content types too.
      await expectCreateRefused(
        ts,
        key,
        { type: 'vcard', content: { firstName: 'A', website: bad } },
        'content.website',
      );
      await expectCreateRefused(ts, key, { type: 'social', content: { url: bad } }, 'content.url');
    }
  });

  test('surrounding white space around a URL is trimmed, as documented; upper-case schemes are http(s) too', async () => {
    const padded = await createCode(ts, key, { type: 'url', content: '  https://x.com\n' });
    assert.equal(padded.content, 'https://x.com');
    assert.equal(padded.payload, 'https://x.com');
    const res = await patchCode(ts, key, padded.id, { content: ' https://x.com/menu ' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as QrCodeBody).payload, 'https://x.com/menu');
    const upper = await createCode(ts, key, { type: 'url', content: 'HTTPS://EXAMPLE.COM/A' });
    assert.equal(upper.payload, 'HTTPS://EXAMPLE.COM/A', 'encoded as typed');
  });

  test('deeply nested JSON is 400 INVALID_BODY, never a 500, and the server keeps answering', async () => {
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
    const objects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    for (const depth of [65, 10_000, 100_000]) {
      const requests: [method: string, path: string, body: string, headers: Record<string, string>][] = [
        ['POST', '/api/v1/qrcodes', `{"type":"text","content":${nested(depth)}}`, {}],
        ['POST', '/api/v1/qrcodes', `{"type":"wifi","content":${objects(depth)}}`, {}],
        ['POST', '/api/v1/qrcodes', `{"type":"text","content":"x","design":${objects(depth)}}`, {}],
        ['POST', '/api/v1/qrcodes', nested(depth), {}],
        [
          'POST',
          '/api/v1/qrcodes',
          `{"type":"text","content":${nested(depth)}}`,
          { 'Idempotency-Key': `deep-${depth}-a` },
        ],
        // Bulk items are checked one by one, after the idempotency fingerprint is taken of the whole body.
        ['POST', '/api/v1/qrcodes/bulk', `{"items":[${nested(depth)}]}`, {}],
        ['POST', '/api/v1/qrcodes/bulk', `{"items":[${nested(depth)}]}`, { 'Idempotency-Key': `deep-${depth}-b` }],
        ['POST', '/api/v1/qrcodes/bulk', `{"items":[${objects(depth)}]}`, { 'Idempotency-Key': `deep-${depth}-c` }],
        ['PATCH', `/api/v1/qrcodes/${url.id}`, `{"content":${nested(depth)}}`, {}],
        ['POST', '/api/v1/folders', `{"name":${nested(depth)}}`, {}],
        ['PATCH', '/api/v1/settings', `{"publicBaseUrl":${objects(depth)}}`, {}],
      ];
      for (const [method, path, body, headers] of requests) {
        await expectNothingWritten(ts, async () => {
          const res = await sendJson(ts, key, path, body, { method, headers });
          const envelope = await expectError(res, 400, 'INVALID_BODY');
          assert.match(envelope.error.message, /deep/);
        });
      }
    }
    const health = await ts.api('/health');
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    assert.deepEqual(await getCode(ts, key, url.id), url);
    const folders = (await (await ts.api('/api/v1/folders', { key })).json()) as { data: unknown[] };
    assert.deepEqual(folders.data, []);
  });

  test('nesting up to 64 levels is judged by the schemas; brackets inside strings do not count', async () => {
    await expectCreateRefused(ts, key, `{"type":"text","content":${'['.repeat(63)}${']'.repeat(63)}}`, 'content');
    const brackets = `[{"\\"${'[{'.repeat(500)}`;
    const code = await createCode(ts, key, { type: 'text', content: brackets, name: '[[[{{{"]]]' });
    assert.equal(code.content, brackets);
    assert.equal(code.name, '[[[{{{"]]]');
  });

  test('numbers as strings, booleans as strings and arrays for objects are 400 naming the field', async () => {
    const cases: [body: unknown, path: string][] = [
      [{ type: 'geo', content: { latitude: '48.8', longitude: 2.35 } }, 'content.latitude'],
      [{ type: 'geo', content: { latitude: 48.8, longitude: '2.35' } }, 'content.longitude'],
      [{ type: 'payment', content: { name: 'A', iban: 'DE89370400440532013000', amount: '12.50' } }, 'content.amount'],
      [{ type: 'text', content: 'x', design: { margin: '4' } }, 'design.margin'],
      [{ type: 'text', content: 'x', design: { logo: { assetId: null, size: '0.2' } } }, 'design.logo.size'],
      [
        { type: 'url', kind: 'dynamic', content: 'https://a.example', protection: { maxScans: '10' } },
        'protection.maxScans',
      ],
      [{ type: 'phone', content: 33123456789 }, 'content'],
      [{ type: 'text', content: 'x', isFavorite: 'true' }, 'isFavorite'],
      [{ type: 'text', content: 'x', isFavorite: 1 }, 'isFavorite'],
      [{ type: 'wifi', content: { ssid: 'Home', password: 'password1', hidden: 'false' } }, 'content.hidden'],
      [{ type: 'event', content: { title: 'x', start: '2026-11-21', allDay: 'true' } }, 'content.allDay'],
      [
        { type: 'text', content: 'x', design: { logo: { assetId: null, hideBackgroundDots: 'yes' } } },
        'design.logo.hideBackgroundDots',
      ],
      [{ type: 'wifi', content: [] }, 'content'],
      [{ type: 'wifi', content: [{ ssid: 'Home', password: 'password1' }] }, 'content'],
      [{ type: 'text', content: 'x', design: [] }, 'design'],
      [{ type: 'url', kind: 'dynamic', content: 'https://a.example', protection: [] }, 'protection'],
      [{ type: 'vcard', content: { firstName: 'A', phones: { number: '123' } } }, 'content.phones'],
      [{ type: 'vcard', content: { firstName: 'A', address: ['1 rue Lepic'] } }, 'content.address'],
      [{ type: 'text', content: 'x', tags: 'a,b' }, 'tags'],
      [{ type: 'text', content: 'x', tags: { a: 1 } }, 'tags'],
      [{ type: 'text', content: 'x', name: ['a'] }, 'name'],
      [{ type: 'text', content: 'x', name: 42 }, 'name'],
      [{ type: ['text'], content: 'x' }, 'type'],
    ];
    for (const [body, path] of cases) await expectCreateRefused(ts, key, body, path);
    await expectPatchRefused(url, { isFavorite: 'false' }, 'isFavorite');
    await expectPatchRefused(url, { tags: 'x' }, 'tags');
    await expectPatchRefused(url, { design: [] }, 'design');
  });

  test('a body that is not an object is 400', async () => {
    for (const body of ['[]', '"text"', '42', 'null', 'true']) {
      await expectNothingWritten(ts, async () => {
        await expectError(await sendJson(ts, key, '/api/v1/qrcodes', body), 400, 'VALIDATION_ERROR');
        await expectError(await patchCode(ts, key, url.id, body), 400, 'VALIDATION_ERROR');
      });
    }
    await expectError(await sendJson(ts, key, '/api/v1/qrcodes', '{"type":"text",'), 400, 'INVALID_BODY');
    const form = await ts.api('/api/v1/qrcodes', {
      key,
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'type=text&content=x',
    });
    await expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const big = JSON.stringify({ type: 'text', content: 'x', name: 'y'.repeat(2 * 1024 * 1024) });
    await expectError(await sendJson(ts, key, '/api/v1/qrcodes', big), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('__proto__, constructor and prototype keys are refused as unknown fields and pollute nothing', async () => {
    const bodies: [string, string][] = [
      ['{"type":"text","content":"x","__proto__":{"polluted":true}}', '__proto__'],
      ['{"type":"text","content":"x","constructor":{"prototype":{"polluted":true}}}', 'constructor'],
      ['{"type":"text","content":"x","prototype":{"polluted":true}}', 'prototype'],
      ['{"type":"text","content":"x","design":{"__proto__":{"margin":9}}}', 'design.__proto__'],
      ['{"type":"text","content":"x","design":{"constructor":{"margin":9}}}', 'design.constructor'],
      ['{"type":"wifi","content":{"ssid":"a","encryption":"nopass","__proto__":{"hidden":true}}}', 'content.__proto__'],
      [
        '{"type":"url","kind":"dynamic","content":"https://a.example","protection":{"__proto__":{"password":"x"}}}',
        'protection.__proto__',
      ],
    ];
    for (const [body, path] of bodies) await expectCreateRefused(ts, key, body, path);
    await expectPatchRefused(url, '{"__proto__":{"name":"polluted"}}', '__proto__');
    await expectPatchRefused(url, '{"design":{"__proto__":{"margin":9}}}', 'design.__proto__');
    await expectNothingWritten(ts, async () => {
      const res = await sendJson(
        ts,
        key,
        '/api/v1/qrcodes/bulk',
        '{"items":[{"type":"text","content":"x","__proto__":{}}]}',
      );
      const body = (await res.json()) as { results: { status: number; error: { details: { path: string }[] } }[] };
      assert.equal(body.results[0]!.status, 400);
      assert.equal(body.results[0]!.error.details[0]!.path, '__proto__');
    });
    const list = await ts.api('/api/v1/qrcodes?__proto__[polluted]=1&constructor[prototype][polluted]=1', { key });
    assert.equal(list.status, 200);
    await list.arrayBuffer();
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    assert.equal((Object.prototype as Record<string, unknown>).margin, undefined);
  });

  test('tags: 1,000 of them, 21, duplicates differing only in case, or empty ones are 400', async () => {
    await expectCreateRefused(
      ts,
      key,
      { type: 'text', content: 'x', tags: Array.from({ length: 1000 }, (_, i) => `t${i}`) },
      'tags',
    );
    await expectCreateRefused(
      ts,
      key,
      { type: 'text', content: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) },
      'tags',
    );
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['Print', 'print'] }, 'tags');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['café', 'CAFÉ'] }, 'tags');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['same', 'same'] }, 'tags');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['  '] }, 'tags.0');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: [null] }, 'tags.0');
    await expectCreateRefused(ts, key, { type: 'text', content: 'x', tags: ['x'.repeat(33)] }, 'tags.0');
    await expectPatchRefused(url, { tags: ['A', 'a'] }, 'tags');
    const twenty = await createCode(ts, key, {
      type: 'text',
      content: 'x',
      tags: Array.from({ length: 20 }, (_, i) => `t${i}`),
    });
    assert.equal(twenty.tags.length, 20);
  });

  test('SQL-looking values are stored verbatim, found by exact filters, and harm nothing', async () => {
    const name = "Robert'); DROP TABLE qr_codes;--";
    const tag = "' OR '1'='1";
    const category = '"; DELETE FROM folders; --';
    const content = "1; DROP TABLE qr_code_tags; SELECT * FROM api_keys WHERE '' = '";
    const code = await createCode(ts, key, { type: 'text', name, tags: [tag, '%', '_'], category, content });
    const got = await getCode(ts, key, code.id);
    assert.equal(got.name, name);
    assert.deepEqual(got.tags, [tag, '%', '_']);
    assert.equal(got.category, category);
    assert.equal(got.content, content);
    assert.equal(got.payload, content);

    const ids = async (query: string) => (await listAll(ts, key, query)).map((c) => c.id);
    assert.deepEqual(await ids(`tag=${encodeURIComponent(tag)}`), [code.id]);
    assert.deepEqual(await ids('tag=%25'), [code.id], 'a % tag is a tag, not a wildcard');
    assert.deepEqual(await ids('tag=_'), [code.id]);
    assert.deepEqual(await ids(`category=${encodeURIComponent(category)}`), [code.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent('DROP TABLE qr_codes;--')}`), [code.id]);
    assert.deepEqual(await ids(`q=${encodeURIComponent("' OR 1=1 --")}`), []);
    assert.deepEqual(await ids(`folderId=${encodeURIComponent("' OR 1=1 --")}`), []);
    // Every table is still there and whole.
    const tables = ts.store.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as {
      name: string;
    }[];
    for (const t of ['qr_codes', 'qr_code_tags', 'folders', 'api_keys', 'settings']) {
      assert.ok(
        tables.some((x) => x.name === t),
        t,
      );
    }
    assert.ok(codeCount(ts) >= 3);
    assert.equal((await listAll(ts, key)).length, codeCount(ts));
  });
});
