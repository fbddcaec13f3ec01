/**
 * Design presets: the built-ins listed first and undeletable, saved presets
 * created (complete designs, logos that must exist, Idempotency-Key) and
 * deleted, the cap on saved presets, scopes, and bad input of every kind
 * refused in the error envelope with nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { BUILT_IN_PRESETS } from '../../src-shared/design-presets';
import { DEFAULT_DESIGN } from '../../src-shared/schemas/design';
import { MAX_USER_PRESETS } from '../../src-shared/schemas/design-presets';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, expectValidationError, postChunked, sendJson } from './support';

interface PresetBody {
  id: string;
  name: string;
  design: Record<string, unknown> & { logo: { assetId: string | null; size: number } | null };
  builtIn: boolean;
  createdAt: string | null;
}
interface PresetList {
  data: PresetBody[];
  nextCursor: null;
}

const URL_PATH = '/api/v1/design-presets';
const presetCount = (ts: TestServer) =>
  (ts.store.db.prepare('SELECT COUNT(*) AS n FROM design_presets').get() as { n: number }).n;

describe('design presets', () => {
  let ts: TestServer;
  let writer: string;
  let reader: string;
  before(async () => {
    ts = await startTestServer();
    writer = ts.createKey({ scopes: ['write'] });
    reader = ts.createKey({ scopes: ['read'] });
  });
  after(() => ts.stop());

  const list = async (key = reader): Promise<PresetList> => {
    const res = await ts.api(URL_PATH, { key });
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as PresetList;
  };
  async function create(body: unknown, headers: Record<string, string> = {}): Promise<PresetBody> {
    const res = await sendJson(ts, writer, URL_PATH, body, { headers });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    const preset = JSON.parse(text) as PresetBody;
    assert.equal(res.headers.get('location'), `${URL_PATH}/${preset.id}`);
    return preset;
  }
  /** Asserts that `fn` adds, changes or removes no saved preset. */
  async function expectNothingWritten(fn: () => Promise<unknown>): Promise<void> {
    const snapshot = () => JSON.stringify(ts.store.db.prepare('SELECT * FROM design_presets ORDER BY id').all());
    const before = snapshot();
    await fn();
    assert.equal(snapshot(), before, 'nothing was written');
  }
  async function uploadLogo(): Promise<string> {
    const png = await sharp({ create: { width: 64, height: 64, channels: 4, background: '#D62828' } })
      .png()
      .toBuffer();
    const res = await ts.api('/api/v1/assets', {
      key: writer,
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: new Uint8Array(png),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    return (JSON.parse(text) as { id: string }).id;
  }

  test('a new library lists the built-ins, in order, complete and marked built-in', async () => {
    const body = await list();
    assert.equal(body.nextCursor, null);
    assert.deepEqual(
      body.data.map((p) => p.id),
      BUILT_IN_PRESETS.map((p) => p.id),
    );
    for (const preset of body.data) {
      assert.equal(preset.builtIn, true);
      assert.equal(preset.createdAt, null);
      assert.deepEqual(Object.keys(preset.design).sort(), Object.keys(DEFAULT_DESIGN).sort(), 'a complete design');
    }
    const classic = body.data[0]!;
    assert.equal(classic.id, 'builtin-classic');
    assert.deepEqual(classic.design, DEFAULT_DESIGN);
    const one = await ts.api('/api/v1/design-presets/builtin-night', { key: reader });
    assert.equal(one.status, 200);
    assert.equal(((await one.json()) as PresetBody).name, 'Night');
  });

  test('save, list (built-ins first, then newest first), get and delete a preset', async () => {
    const first = await create({ name: '  Café menu  ', design: { foregroundColor: '#6B2E1F', dotStyle: 'rounded' } });
    assert.match(first.id, /^dp_/);
    assert.equal(first.name, 'Café menu', 'trimmed');
    assert.equal(first.builtIn, false);
    assert.ok(first.createdAt && !Number.isNaN(Date.parse(first.createdAt)));
    assert.deepEqual(first.design, { ...DEFAULT_DESIGN, foregroundColor: '#6B2E1F', dotStyle: 'rounded' });

    const gradient = {
      type: 'linear',
      rotation: 0.5,
      colorStops: [
        { offset: 0, color: '#0B3C5D' },
        { offset: 1, color: '#1D6FA3' },
      ],
    };
    const second = await create({ name: '東京 🍣 <b>bold</b>', design: { gradient, frame: { text: 'Scan me' } } });
    assert.equal(second.name, '東京 🍣 <b>bold</b>', 'stored as text, exactly');
    assert.deepEqual(second.design.gradient, gradient);
    assert.deepEqual(second.design.frame, { text: 'Scan me', color: null, textColor: null }, 'defaults filled in');
    const empty = await create({ name: 'Defaults', design: {} });
    assert.deepEqual(empty.design, DEFAULT_DESIGN);

    const ids = (await list()).data.map((p) => p.id);
    assert.deepEqual(ids, [...BUILT_IN_PRESETS.map((p) => p.id), empty.id, second.id, first.id]);

    const got = await ts.api(`${URL_PATH}/${second.id}`, { key: reader });
    assert.equal(got.status, 200);
    assert.deepEqual(await got.json(), second);

    const del = await ts.api(`${URL_PATH}/${first.id}`, { key: writer, method: 'DELETE' });
    assert.equal(del.status, 204);
    assert.equal(await del.text(), '');
    await expectError(await ts.api(`${URL_PATH}/${first.id}`, { key: reader }), 404, 'NOT_FOUND');
    await expectError(await ts.api(`${URL_PATH}/${first.id}`, { key: writer, method: 'DELETE' }), 404, 'NOT_FOUND');
    assert.ok(!(await list()).data.some((p) => p.id === first.id));
  });

  test('built-in presets cannot be deleted: 409 CONFLICT, and they stay', async () => {
    for (const { id } of BUILT_IN_PRESETS) {
      const res = await ts.api(`${URL_PATH}/${id}`, { key: writer, method: 'DELETE' });
      const envelope = await expectError(res, 409, 'CONFLICT');
      assert.match(envelope.error.message, /built-in/i);
    }
    assert.deepEqual(
      (await list()).data.filter((p) => p.builtIn).map((p) => p.id),
      BUILT_IN_PRESETS.map((p) => p.id),
    );
  });

  test('unknown and malformed ids: 404 for unknown, 400 for oversized, on GET and DELETE', async () => {
    for (const id of ['dp_nope', 'builtin-nope', 'builtin-', '..%2F..%2Fetc%2Fpasswd', "x'%20OR%201=1--"]) {
      await expectError(await ts.api(`${URL_PATH}/${id}`, { key: reader }), 404, 'NOT_FOUND');
      await expectNothingWritten(async () =>
        expectError(await ts.api(`${URL_PATH}/${id}`, { key: writer, method: 'DELETE' }), 404, 'NOT_FOUND'),
      );
    }
    const long = 'x'.repeat(65);
    await expectValidationError(await ts.api(`${URL_PATH}/${long}`, { key: reader }), 'id');
    await expectValidationError(await ts.api(`${URL_PATH}/${long}`, { key: writer, method: 'DELETE' }), 'id');
  });

  test('a DELETE with a body is refused and deletes nothing', async () => {
    const preset = await create({ name: 'Keep me', design: {} });
    await expectNothingWritten(async () => {
      const res = await sendJson(ts, writer, `${URL_PATH}/${preset.id}`, { force: true }, { method: 'DELETE' });
      await expectValidationError(res, '(body)');
    });
  });

  test('scopes: a read key lists and gets but cannot save or delete; no key is 401', async () => {
    const preset = await create({ name: 'Scoped', design: {} });
    await expectNothingWritten(async () => {
      await expectError(await sendJson(ts, reader, URL_PATH, { name: 'x', design: {} }), 403, 'FORBIDDEN');
      await expectError(await ts.api(`${URL_PATH}/${preset.id}`, { key: reader, method: 'DELETE' }), 403, 'FORBIDDEN');
      await expectError(await ts.api(URL_PATH), 401, 'UNAUTHORIZED');
      await expectError(
        await ts.api(URL_PATH, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' }),
        401,
        'UNAUTHORIZED',
      );
      await expectError(await ts.api(`${URL_PATH}/${preset.id}`, { method: 'DELETE' }), 401, 'UNAUTHORIZED');
      const forged = `qrd_${'x'.repeat(writer.length - 4)}`;
      await expectError(await sendJson(ts, forged, URL_PATH, { name: 'x', design: {} }), 401, 'INVALID_API_KEY');
    });
  });

  test('missing, wrong-typed, oversized and hostile fields are 400 naming the field; nothing is written', async () => {
    const ok = { name: 'ok', design: {} };
    const cases: [unknown, string][] = [
      [{}, 'name'],
      [{ design: {} }, 'name'],
      [{ name: 'ok' }, 'design'],
      [{ name: '', design: {} }, 'name'],
      [{ name: '   ', design: {} }, 'name'],
      [{ name: 'x'.repeat(61), design: {} }, 'name'],
      [{ name: 'a\u0000b', design: {} }, 'name'],
      [{ name: 'esc\u001b[31m', design: {} }, 'name'],
      [{ name: 'nel\u0085', design: {} }, 'name'],
      [{ name: 'lone \ud800', design: {} }, 'name'],
      [{ name: 42, design: {} }, 'name'],
      [{ name: null, design: {} }, 'name'],
      [{ name: ['a'], design: {} }, 'name'],
      [{ ...ok, design: null }, 'design'],
      [{ ...ok, design: 'classic' }, 'design'],
      [{ ...ok, design: [] }, 'design'],
      [{ ...ok, design: { foregroundColor: 'red' } }, 'design.foregroundColor'],
      [{ ...ok, design: { foregroundColor: '#12345' } }, 'design.foregroundColor'],
      [{ ...ok, design: { backgroundColor: '#FFFFFF; background:url(x)' } }, 'design.backgroundColor'],
      [{ ...ok, design: { dotStyle: 'hearts' } }, 'design.dotStyle'],
      [{ ...ok, design: { errorCorrection: 'X' } }, 'design.errorCorrection'],
      [{ ...ok, design: { margin: 21 } }, 'design.margin'],
      [{ ...ok, design: { margin: 1.5 } }, 'design.margin'],
      [{ ...ok, design: { margin: '4' } }, 'design.margin'],
      [{ ...ok, design: { transparentBackground: 'yes' } }, 'design.transparentBackground'],
      [
        { ...ok, design: { gradient: { type: 'linear', colorStops: [{ offset: 0, color: '#000000' }] } } },
        'design.gradient',
      ],
      [
        {
          ...ok,
          design: {
            gradient: {
              type: 'conic',
              colorStops: [
                { offset: 0, color: '#000000' },
                { offset: 1, color: '#111111' },
              ],
            },
          },
        },
        'design.gradient.type',
      ],
      [{ ...ok, design: { logo: { assetId: 'ast_x', size: 0.9 } } }, 'design.logo.size'],
      [{ ...ok, design: { logo: { assetId: 'x'.repeat(65) } } }, 'design.logo.assetId'],
      [{ ...ok, design: { frame: { text: 'x'.repeat(41) } } }, 'design.frame.text'],
      [{ ...ok, design: { frame: { text: '<script>\u0007' } } }, 'design.frame.text'],
      [{ ...ok, design: { onload: 'alert(1)' } }, 'design.onload'],
      [{ ...ok, id: 'builtin-classic' }, 'id'],
      [{ ...ok, builtIn: true }, 'builtIn'],
      [{ ...ok, createdAt: '2020-01-01T00:00:00.000Z' }, 'createdAt'],
    ];
    await expectNothingWritten(async () => {
      for (const [body, path] of cases) await expectValidationError(await sendJson(ts, writer, URL_PATH, body), path);
    });
  });

  test('a logo must be an uploaded asset; one deleted later leaves the preset with no logo chosen', async () => {
    await expectNothingWritten(async () => {
      await expectValidationError(
        await sendJson(ts, writer, URL_PATH, { name: 'Logo', design: { logo: { assetId: 'ast_doesnotexist' } } }),
        'design.logo.assetId',
      );
    });
    const assetId = await uploadLogo();
    const preset = await create({ name: 'With logo', design: { errorCorrection: 'H', logo: { assetId, size: 0.3 } } });
    assert.deepEqual(preset.design.logo, { assetId, size: 0.3, hideBackgroundDots: true });
    // A preset does not hold the asset: it can still be deleted, and the preset forgets it.
    const del = await ts.api(`/api/v1/assets/${assetId}`, { key: writer, method: 'DELETE' });
    assert.equal(del.status, 204, await del.text());
    const after = (await (await ts.api(`${URL_PATH}/${preset.id}`, { key: reader })).json()) as PresetBody;
    assert.deepEqual(after.design.logo, { assetId: null, size: 0.3, hideBackgroundDots: true });
    assert.equal(after.design.errorCorrection, 'H');
  });

  test('bodies that are not a JSON object are refused: not JSON, wrong type, too large, too deep', async () => {
    await expectNothingWritten(async () => {
      await expectError(await sendJson(ts, writer, URL_PATH, '{"name": "x", '), 400, 'INVALID_BODY');
      await expectValidationError(await sendJson(ts, writer, URL_PATH, '[]'), 'body');
      await expectValidationError(await sendJson(ts, writer, URL_PATH, 'null'), 'body');
      await expectValidationError(await sendJson(ts, writer, URL_PATH, '"Classic"'), 'body');
      await expectError(
        await ts.api(URL_PATH, {
          key: writer,
          method: 'POST',
          headers: { 'Content-Type': 'text/plain' },
          body: JSON.stringify({ name: 'x', design: {} }),
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      const huge = JSON.stringify({ name: 'x', design: {}, pad: 'x'.repeat(2 * 1024 * 1024) });
      await expectError(await sendJson(ts, writer, URL_PATH, huge), 413, 'PAYLOAD_TOO_LARGE');
      const chunked = await postChunked(
        ts.apiUrl,
        URL_PATH,
        { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' },
        (function* () {
          yield '{"name":"x","design":{},"pad":"';
          for (let i = 0; i < 32; i++) yield 'x'.repeat(64 * 1024);
          yield '"}';
        })(),
      );
      assert.equal(chunked.status, 413, chunked.text);
      const deep = `{"name":"x","design":${'['.repeat(5000)}${']'.repeat(5000)}}`;
      const res = await sendJson(ts, writer, URL_PATH, deep);
      assert.ok(res.status >= 400 && res.status < 500, `a deep body is a 4xx, got ${res.status}`);
      await res.text();
      // An own __proto__ key is an unknown field like any other, never a prototype.
      await expectValidationError(
        await sendJson(ts, writer, URL_PATH, '{"name":"x","design":{"__proto__":{"foregroundColor":"#FF0000"}}}'),
        'design',
      );
    });
    assert.equal(({} as Record<string, unknown>).foregroundColor, undefined, 'no prototype was polluted');
  });

  test('Idempotency-Key replays the first answer; another body with the same key is 409', async () => {
    const body = { name: 'Once', design: { dotStyle: 'dots' } };
    const before = presetCount(ts);
    const first = await create(body, { 'Idempotency-Key': 'preset-once-1' });
    const again = await sendJson(ts, writer, URL_PATH, body, { headers: { 'Idempotency-Key': 'preset-once-1' } });
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await again.json(), first);
    await expectNothingWritten(async () => {
      const other = await sendJson(
        ts,
        writer,
        URL_PATH,
        { ...body, name: 'Twice' },
        { headers: { 'Idempotency-Key': 'preset-once-1' } },
      );
      await expectError(other, 409, 'IDEMPOTENCY_CONFLICT');
    });
    assert.equal(presetCount(ts), before + 1);
  });

  test('the OpenAPI document has the presets, with their scopes and schemas', async () => {
    const doc = (await (await ts.api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { 'x-required-scope'?: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    const ops = doc.paths['/api/v1/design-presets']!;
    const one = doc.paths['/api/v1/design-presets/{id}']!;
    assert.equal(ops.get!['x-required-scope'], 'read');
    assert.equal(ops.post!['x-required-scope'], 'write');
    assert.equal(one.get!['x-required-scope'], 'read');
    assert.equal(one.delete!['x-required-scope'], 'write');
    assert.ok(ops.post!.responses['201']);
    assert.deepEqual(ops.post!.responses['409'], { $ref: '#/components/responses/Conflict' });
    assert.deepEqual(one.delete!.responses['409'], { $ref: '#/components/responses/Conflict' });
    assert.deepEqual(one.delete!.responses['404'], { $ref: '#/components/responses/NotFound' });
    assert.ok(one.delete!.responses['204']);
    for (const name of ['DesignPreset', 'DesignPresetList', 'CreateDesignPresetInput']) {
      assert.ok(doc.components.schemas[name], `schema ${name}`);
    }
  });
});

describe('design presets: the cap on saved presets', () => {
  let ts: TestServer;
  let writer: string;
  before(async () => {
    ts = await startTestServer();
    writer = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  test(`past ${MAX_USER_PRESETS} saved presets a new one is 409 CONFLICT until one is deleted`, async () => {
    // All but the last through the data layer (fast); the last through the API.
    const design = JSON.stringify(DEFAULT_DESIGN);
    ts.store.transaction(() => {
      for (let i = 0; i < MAX_USER_PRESETS - 1; i++) {
        ts.store.designPresets.insert({
          id: `dp_fill${i}`,
          name: `Fill ${i}`,
          design,
          created_at: 1_700_000_000_000 + i,
        });
      }
    });
    const last = await sendJson(ts, writer, URL_PATH, { name: 'Last one', design: {} });
    assert.equal(last.status, 201, await last.text());
    assert.equal(presetCount(ts), MAX_USER_PRESETS);

    const full = await sendJson(ts, writer, URL_PATH, { name: 'One too many', design: {} });
    const envelope = await expectError(full, 409, 'CONFLICT');
    assert.match(envelope.error.message, new RegExp(`${MAX_USER_PRESETS}`));
    assert.equal(presetCount(ts), MAX_USER_PRESETS, 'nothing was written');

    const body = (await (await ts.api(URL_PATH, { key: writer })).json()) as PresetList;
    assert.equal(body.data.length, BUILT_IN_PRESETS.length + MAX_USER_PRESETS, 'every preset on the one page');
    assert.equal(body.data[BUILT_IN_PRESETS.length]!.name, 'Last one', 'newest saved first, after the built-ins');
    assert.equal(body.data.at(-1)!.id, 'dp_fill0');

    assert.equal((await ts.api(`${URL_PATH}/dp_fill0`, { key: writer, method: 'DELETE' })).status, 204);
    const again = await sendJson(ts, writer, URL_PATH, { name: 'Fits again', design: {} });
    assert.equal(again.status, 201, await again.text());
  });
});
