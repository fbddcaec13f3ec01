/**
 * GET /api/v1/export and POST /api/v1/import: a library moved from one real
 * server to another keeps every code (ids, short tokens, designs, tags,
 * folders, protection), logo, preset, barcode and, on request, scan; an import
 * is all or nothing; conflicts fail or are skipped as asked; hostile files are
 * refused field by field with nothing written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import type { ExportDocument } from '../../src-shared/schemas/transfer';
import { IMPORT_LIMITS } from '../../src-shared/schemas/transfer';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  createCode,
  expectError,
  expectValidationError,
  getCode,
  postChunked,
  sendJson,
  type QrCodeBody,
} from './support';

const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

const TABLES = [
  'folders',
  'assets',
  'design_presets',
  'qr_codes',
  'qr_code_tags',
  'barcodes',
  'scans',
  'scan_rollups',
] as const;

/** Rows in every table an import writes, read with SQL. */
const rowCounts = (ts: TestServer): Record<(typeof TABLES)[number], number> =>
  Object.fromEntries(
    TABLES.map((t) => [t, (ts.store.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
  ) as Record<(typeof TABLES)[number], number>;

async function json<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  assert.equal(res.status, status, text.slice(0, 800));
  return JSON.parse(text) as T;
}

const importDoc = (ts: TestServer, key: string, doc: unknown, query = '') =>
  sendJson(ts, key, `/api/v1/import${query}`, typeof doc === 'string' ? doc : JSON.stringify(doc));

const exportDoc = async (ts: TestServer, key: string, query = ''): Promise<ExportDocument> =>
  json<ExportDocument>(await ts.api(`/api/v1/export${query}`, { key }));

/** A small valid export with one static code, to break in one place at a time. */
function minimalDoc(): ExportDocument {
  const at = '2026-01-02T03:04:05.000Z';
  return {
    format: 'qrdesk-export',
    version: 1,
    exportedAt: at,
    appVersion: '0.1.0',
    folders: [{ id: 'fld_min', name: 'Min', color: null, createdAt: at, updatedAt: at }],
    assets: [],
    designPresets: [],
    qrCodes: [
      {
        id: 'qr_min',
        name: 'Minimal',
        kind: 'static',
        type: 'text',
        content: 'hello',
        shortToken: null,
        shortUrl: null,
        status: 'active',
        design: {},
        category: null,
        tags: [],
        folderId: 'fld_min',
        isFavorite: false,
        protection: { passwordHash: null, expiresAt: null, maxScans: null },
        scanCount: 0,
        lastScannedAt: null,
        createdAt: at,
        updatedAt: at,
        deletedAt: null,
      },
    ],
    barcodes: [],
    scans: null,
  };
}

describe('moving a library between two servers', () => {
  let from: TestServer;
  let to: TestServer;
  let keyFrom: string;
  let keyTo: string;
  const made: Record<string, QrCodeBody> = {};
  let assetId: string;
  let presetId: string;
  let barcodeId: string;

  before(async () => {
    from = await startTestServer();
    to = await startTestServer();
    keyFrom = from.createKey();
    keyTo = to.createKey();
    const png = await sharp({ create: { width: 40, height: 40, channels: 4, background: '#c03' } })
      .png()
      .toBuffer();
    const asset = await json<{ id: string }>(
      await from.api('/api/v1/assets?name=Caf%C3%A9%20logo', {
        key: keyFrom,
        method: 'POST',
        headers: { 'Content-Type': 'image/png' },
        body: png,
      }),
      201,
    );
    assetId = asset.id;
    const folder = await json<{ id: string }>(
      await sendJson(from, keyFrom, '/api/v1/folders', { name: 'Menus', color: '#336699' }),
      201,
    );
    const preset = await json<{ id: string }>(
      await sendJson(from, keyFrom, '/api/v1/design-presets', {
        name: 'House style',
        design: { foregroundColor: '#224466', dotStyle: 'rounded', logo: { assetId, size: 0.2 } },
      }),
      201,
    );
    presetId = preset.id;
    made.menu = await createCode(from, keyFrom, {
      type: 'url',
      kind: 'dynamic',
      name: 'Lunch menu',
      content: 'https://cafe.example/menu',
      folderId: folder.id,
      tags: ['Menu', 'Café'],
      category: 'Food',
      isFavorite: true,
      design: { dotStyle: 'classy', logo: { assetId }, frame: { text: 'Scan me' }, errorCorrection: 'H' },
    });
    made.locked = await createCode(from, keyFrom, {
      type: 'url',
      kind: 'dynamic',
      slug: 'staff-only',
      content: 'https://cafe.example/staff',
      protection: { password: 'open sesame', maxScans: 50, expiresAt: '2099-01-01T00:00:00.000Z' },
    });
    made.wifi = await createCode(from, keyFrom, {
      type: 'wifi',
      content: { ssid: 'Café Guest', password: 'croissant', encryption: 'WPA' },
      status: 'paused',
    });
    made.trashed = await createCode(from, keyFrom, { type: 'text', content: 'in the trash' });
    assert.equal(
      (await from.api(`/api/v1/qrcodes/${made.trashed.id}`, { key: keyFrom, method: 'DELETE' })).status,
      200,
    );
    barcodeId = (
      await json<{ id: string }>(
        await sendJson(from, keyFrom, '/api/v1/barcodes', {
          name: 'Croissant',
          format: 'EAN13',
          value: '590123412345',
          sku: 'CR-1',
          price: '1.20',
          options: { barColor: '#112233' },
        }),
        201,
      )
    ).id;
    // Scans from a phone and from a bot.
    for (const ua of [PHONE, PHONE, 'curl/8.5.0']) {
      const res: Response = await fetch(`${from.publicUrl}/r/${made.menu!.shortToken}`, {
        redirect: 'manual',
        headers: { 'User-Agent': ua, 'Accept-Language': 'fr-FR' },
      });
      assert.equal(res.status, 302);
    }
  });

  after(async () => {
    await from.stop();
    await to.stop();
  });

  test('export → import keeps every field, logo, preset, barcode and scan; printed codes still work', async () => {
    const exported = await from.api('/api/v1/export?scans=true', { key: keyFrom });
    assert.equal(exported.status, 200);
    assert.match(exported.headers.get('content-type') ?? '', /^application\/json/);
    assert.match(
      exported.headers.get('content-disposition') ?? '',
      /^attachment; filename="qrdesk-export-\d{8}-\d{6}\.json"$/,
    );
    const text = await exported.text();
    const doc = JSON.parse(text) as ExportDocument;
    assert.equal(doc.format, 'qrdesk-export');
    assert.equal(doc.version, 1);
    assert.equal(doc.qrCodes.length, 4, 'the trash is exported too');
    assert.equal(doc.scans?.length, 3);
    assert.ok(!text.includes('open sesame'), 'never a password, only its hash');

    const report = await json<{ imported: Record<string, number>; skipped: Record<string, number> }>(
      await importDoc(to, keyTo, text),
    );
    assert.deepEqual(report.imported, {
      folders: 1,
      assets: 1,
      designPresets: 1,
      qrCodes: 4,
      barcodes: 1,
      scans: 3,
    });
    assert.ok(Object.values(report.skipped).every((n) => n === 0));

    for (const code of Object.values(made)) {
      assert.deepEqual(await getCode(to, keyTo, code.id), await getCode(from, keyFrom, code.id), code.name);
    }
    const same = async (path: string) => {
      const a = await from.api(path, { key: keyFrom });
      const b = await to.api(path, { key: keyTo });
      assert.equal(b.status, 200, path);
      assert.deepEqual(Buffer.from(await b.arrayBuffer()), Buffer.from(await a.arrayBuffer()), path);
    };
    await same(`/api/v1/assets/${assetId}`);
    await same(`/api/v1/assets/${assetId}/content`);
    await same(`/api/v1/design-presets/${presetId}`);
    await same(`/api/v1/barcodes/${barcodeId}`);
    await same('/api/v1/folders');
    await same(`/api/v1/qrcodes?tag=caf%C3%A9`);
    const hour = 3_600_000;
    const range = `from=${new Date(Math.floor(Date.now() / hour) * hour - 24 * hour).toISOString()}&to=${new Date(Math.floor(Date.now() / hour) * hour + 2 * hour).toISOString()}`;
    await same(`/api/v1/qrcodes/${made.menu!.id}/analytics?${range}&includeBots=true`);
    await same(`/api/v1/qrcodes/${made.menu!.id}/analytics?${range}`);

    // The dynamic code answers on the new machine under its old token, and its scan count goes on.
    const res = await fetch(`${to.publicUrl}/r/${made.menu!.shortToken}`, {
      redirect: 'manual',
      headers: { 'User-Agent': PHONE },
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://cafe.example/menu');
    assert.equal((await getCode(to, keyTo, made.menu!.id)).scanCount, 3);
    // The password still opens the protected code, and only the password does.
    const unlock = (password: string) =>
      fetch(`${to.publicUrl}/r/staff-only`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ password }),
      });
    assert.equal((await unlock('wrong guess')).status, 401);
    assert.equal((await unlock('open sesame')).status, 303);
  });

  test('the same file again: 409 listing the conflicts and nothing written; skip imports only what is new', async () => {
    const doc = await exportDoc(from, keyFrom);
    assert.equal(doc.scans, null, 'no scans unless asked');
    const before = rowCounts(to);
    const refused = await expectError(await importDoc(to, keyTo, doc), 409, 'CONFLICT');
    assert.match(refused.error.message, /already here.*nothing was imported/);
    assert.ok(refused.error.details!.some((d) => d.path === `qrCodes.${made.menu!.id}` && d.message === 'id exists'));
    assert.deepEqual(rowCounts(to), before);

    // One new code, and one whose short token is taken here by another code.
    const holder = await createCode(to, keyTo, {
      type: 'url',
      kind: 'dynamic',
      slug: 'taken-here',
      content: 'https://elsewhere.example/',
    });
    const before2 = rowCounts(to);
    const withToken = (id: string, token: string) => {
      const code = structuredClone(doc.qrCodes.find((c) => c.id === made.menu!.id)!);
      code.id = id;
      code.shortToken = token;
      code.shortUrl = code.shortUrl!.replace(/[^/]+$/, token);
      return code;
    };
    doc.qrCodes.push(withToken('qr_brandnew', 'brand-new'), withToken('qr_clash', 'taken-here'));
    const failed = await expectError(await importDoc(to, keyTo, doc), 409, 'CONFLICT');
    assert.ok(
      failed.error.details!.some((d) => d.path === 'qrCodes.qr_clash' && d.message.includes(`used by ${holder.id}`)),
      JSON.stringify(failed.error.details),
    );
    assert.deepEqual(rowCounts(to), before2);

    const report = await json<{ imported: Record<string, number>; skipped: Record<string, number> }>(
      await importDoc(to, keyTo, doc, '?onConflict=skip'),
    );
    assert.equal(report.imported.qrCodes, 1);
    assert.equal(report.skipped.qrCodes, 5);
    assert.equal(report.skipped.folders, 1);
    assert.equal(rowCounts(to).qr_codes, before2.qr_codes + 1);
    assert.equal((await getCode(to, keyTo, 'qr_brandnew')).shortToken, 'brand-new');
    await expectError(await to.api('/api/v1/qrcodes/qr_clash', { key: keyTo }), 404, 'NOT_FOUND');
    await expectError(await importDoc(to, keyTo, doc, '?onConflict=merge'), 400, 'VALIDATION_ERROR');
  });

  test('export and import need an admin key', async () => {
    for (const scopes of [['read'], ['write']] as const) {
      const key = from.createKey({ scopes: [...scopes] });
      await expectError(await from.api('/api/v1/export', { key }), 403, 'FORBIDDEN');
      await expectError(await importDoc(from, key, minimalDoc()), 403, 'FORBIDDEN');
    }
    await expectError(await from.api('/api/v1/export'), 401, 'UNAUTHORIZED');
    await expectValidationError(await from.api('/api/v1/export?scans=yes', { key: keyFrom }), 'scans');
  });
});

test('a logo deleted with force=true since: the export leaves it out of the designs, so the file imports', async () => {
  const a = await startTestServer();
  const b = await startTestServer();
  try {
    const key = a.createKey();
    const png = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#036' } })
      .png()
      .toBuffer();
    const asset = await json<{ id: string }>(
      await a.api('/api/v1/assets', { key, method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png }),
      201,
    );
    const code = await createCode(a, key, {
      type: 'text',
      content: 'logo gone',
      design: { logo: { assetId: asset.id } },
    });
    await json(
      await sendJson(a, key, '/api/v1/design-presets', { name: 'P', design: { logo: { assetId: asset.id } } }),
      201,
    );
    assert.equal((await a.api(`/api/v1/assets/${asset.id}?force=true`, { key, method: 'DELETE' })).status, 204);

    const doc = await exportDoc(a, key);
    assert.equal(doc.qrCodes[0]!.design.logo?.assetId, null);
    assert.equal(doc.designPresets[0]!.design.logo?.assetId, null);
    const keyB = b.createKey();
    await json(await importDoc(b, keyB, doc));
    const moved = await getCode(b, keyB, code.id);
    assert.deepEqual(moved.design, { ...code.design, logo: { ...(code.design.logo as object), assetId: null } });
  } finally {
    await a.stop();
    await b.stop();
  }
});

describe('hostile and broken imports', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey();
  });
  after(() => ts.stop());

  /** Imports `doc` expecting a 400 naming `path`; asserts that nothing was written. */
  async function refused(doc: unknown, path: string, message?: RegExp) {
    const before = rowCounts(ts);
    const body = await expectValidationError(await importDoc(ts, key, doc), path);
    if (message) assert.match(JSON.stringify(body.error), message);
    assert.deepEqual(rowCounts(ts), before, `nothing written for ${path}`);
    return body;
  }

  const withCode = (patch: Record<string, unknown>) => {
    const doc = minimalDoc();
    Object.assign(doc.qrCodes[0]!, patch);
    return doc;
  };

  test('the minimal document imports (the cases below differ from it in one place each)', async () => {
    const fresh = await startTestServer();
    try {
      const report = await json<{ imported: { qrCodes: number } }>(
        await importDoc(fresh, fresh.createKey(), minimalDoc()),
      );
      assert.equal(report.imported.qrCodes, 1);
    } finally {
      await fresh.stop();
    }
  });

  test('a file that is not an export, or from a newer qrdesk, is refused with that reason', async () => {
    await refused({ ...minimalDoc(), format: 'shlink-export' }, 'format', /Not a qrdesk export/);
    await refused({ ...minimalDoc(), version: 2, qrCodes: 'different now' }, 'version', /newer qrdesk/);
    await refused({ ...minimalDoc(), version: '1' }, 'version');
    await refused([minimalDoc()], 'body');
    await refused({}, 'format');
    await expectError(await importDoc(ts, key, '{"format": "qrdesk-export", '), 400, 'INVALID_BODY');
    await expectError(
      await ts.api('/api/v1/import', {
        key,
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify(minimalDoc()),
      }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectError(await importDoc(ts, key, `${'['.repeat(100)}${']'.repeat(100)}`), 400, 'INVALID_BODY');
  });

  test('wrong types and out-of-range values are named field by field', async () => {
    await refused({ ...minimalDoc(), qrCodes: {} }, 'qrCodes');
    await refused(withCode({ scanCount: -1 }), 'qrCodes.0.scanCount');
    await refused(withCode({ scanCount: 1.5 }), 'qrCodes.0.scanCount');
    await refused(withCode({ createdAt: 'yesterday' }), 'qrCodes.0.createdAt');
    await refused(withCode({ isFavorite: 'yes' }), 'qrCodes.0.isFavorite');
    await refused(withCode({ kind: 'eternal' }), 'qrCodes.0.kind');
    await refused(withCode({ type: 'text', content: { text: 'an object' } }), 'qrCodes.0.content');
    await refused(withCode({ name: 'x'.repeat(101) }), 'qrCodes.0.name');
    await refused(withCode({ name: 'bell\u0007' }), 'qrCodes.0.name');
    await refused(withCode({ tags: ['a', 'A'] }), 'qrCodes.0.tags');
    await refused(withCode({ design: { margin: 1000 } }), 'qrCodes.0.design.margin');
    await refused(withCode({ content: 'x'.repeat(1990), design: { errorCorrection: 'H' } }), 'qrCodes.0.content');
    await refused(withCode({ shortToken: 'abc123', shortUrl: null }), 'qrCodes.0.shortToken');
    await refused(
      withCode({ protection: { passwordHash: null, expiresAt: null, maxScans: 5 } }),
      'qrCodes.0.protection',
    );
  });

  test('hostile values: prototype keys, path-like ids, script URLs, costly hashes, non-images', async () => {
    // __proto__ as JSON text is an own key after parsing: refused as an unknown field, and nothing is polluted.
    const proto = JSON.stringify(minimalDoc()).replace(
      '"name":"Minimal"',
      '"name":"Minimal","__proto__":{"polluted":1}',
    );
    await refused(proto, 'qrCodes.0.__proto__');
    await refused(
      JSON.stringify(minimalDoc()).replace('"design":{}', '"design":{"constructor":{"prototype":{"polluted":1}}}'),
      'qrCodes.0.design.constructor',
    );
    assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');

    await refused(withCode({ id: 'qr_../../etc/passwd' }), 'qrCodes.0.id');
    await refused(withCode({ id: '../qr_x' }), 'qrCodes.0.id');
    await refused(withCode({ folderId: 'fld_..%2f' }), 'qrCodes.0.folderId');
    const dynamic = {
      kind: 'dynamic',
      type: 'url',
      content: 'https://example.com/',
      shortToken: 'tok12345',
      shortUrl: 'https://qr.example/r/tok12345',
    };
    await refused(withCode({ ...dynamic, shortUrl: 'javascript:alert(1)//r/tok12345' }), 'qrCodes.0.shortUrl');
    await refused(withCode({ ...dynamic, shortUrl: 'https://qr.example/r/someone-else' }), 'qrCodes.0.shortUrl');
    await refused(
      withCode({ ...dynamic, shortToken: '../admin', shortUrl: 'https://qr.example/r/../admin' }),
      'qrCodes.0.shortToken',
    );
    await refused(withCode({ ...dynamic, content: 'javascript:alert(1)' }), 'qrCodes.0.content');
    await refused(withCode({ ...dynamic, type: 'wifi' }), 'qrCodes.0.content');
    const salt = 'A'.repeat(22);
    const hash = 'B'.repeat(43);
    await refused(
      withCode({
        ...dynamic,
        protection: { passwordHash: `scrypt$1048576$8$1$${salt}$${hash}`, expiresAt: null, maxScans: null },
      }),
      'qrCodes.0.protection.passwordHash',
    );
    await refused(
      withCode({
        ...dynamic,
        protection: { passwordHash: `scrypt$32768$8$64$${salt}$${hash}`, expiresAt: null, maxScans: null },
      }),
      'qrCodes.0.protection.passwordHash',
    );
    await refused(
      withCode({ ...dynamic, protection: { passwordHash: 'plain-text-password', expiresAt: null, maxScans: null } }),
      'qrCodes.0.protection.passwordHash',
    );

    const at = '2026-01-02T03:04:05.000Z';
    const asset = (data: string, name = 'logo') => ({
      ...minimalDoc(),
      assets: [{ id: 'ast_x', name, mediaType: 'image/png', createdAt: at, data }],
    });
    await refused(
      asset(Buffer.from('just text, not an image').toString('base64')),
      'assets.0.data',
      /PNG, JPEG, WebP or SVG/,
    );
    await refused(asset('not base64 at all!'), 'assets.0.data');
    await refused(asset('A'.repeat(Math.ceil(IMPORT_LIMITS.apiBytes / 20))), 'assets.0.data');
    // A logo whose SVG carries a script is stored sanitised, under a name that stays a name.
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script>' +
      '<rect width="10" height="10" onload="alert(2)"/></svg>';
    const fresh = await startTestServer();
    try {
      const k = fresh.createKey();
      await json(await importDoc(fresh, k, asset(Buffer.from(svg).toString('base64'), '../../etc/passwd.svg')));
      const meta = await json<{ name: string; mediaType: string }>(await fresh.api('/api/v1/assets/ast_x', { key: k }));
      assert.equal(meta.name, '../../etc/passwd.svg', 'kept as a label');
      assert.equal(meta.mediaType, 'image/svg+xml');
      const content = await fresh.api('/api/v1/assets/ast_x/content', { key: k });
      const stored = await content.text();
      assert.doesNotMatch(stored, /script|onload/i);
      assert.doesNotMatch(content.headers.get('content-disposition') ?? '', /filename="[^"]*\//);
    } finally {
      await fresh.stop();
    }
  });

  test('references must resolve, and ids must not repeat in the file', async () => {
    await refused(withCode({ folderId: 'fld_elsewhere' }), 'qrCodes.0.folderId', /No folder fld_elsewhere/);
    await refused(withCode({ design: { logo: { assetId: 'ast_gone' } } }), 'qrCodes.0.design.logo.assetId');
    const presetLogo = minimalDoc();
    presetLogo.designPresets = [
      {
        id: 'dp_x',
        name: 'P',
        design: { logo: { assetId: 'ast_gone', size: 0.2, hideBackgroundDots: true } },
        createdAt: presetLogo.exportedAt,
      },
    ];
    await refused(presetLogo, 'designPresets.0.design.logo.assetId');
    const twice = minimalDoc();
    twice.qrCodes.push(structuredClone(twice.qrCodes[0]!));
    await refused(twice, 'qrCodes.1.id', /appears twice/);
    const orphanScans = minimalDoc();
    const scan = {
      qrCodeId: 'qr_nowhere',
      scannedAt: orphanScans.exportedAt,
      country: null,
      city: null,
      latitude: null,
      longitude: null,
      device: 'mobile' as const,
      os: null,
      browser: null,
      referrer: null,
      language: null,
      isBot: false,
      isUnique: true,
    };
    orphanScans.scans = Array.from({ length: 5000 }, () => scan);
    const body = await refused(orphanScans, 'scans.0.qrCodeId');
    assert.ok(body.error.details!.length <= 100, 'the details are capped');
    assert.match(body.error.message, /5000 fields are invalid/);
    const badScans = minimalDoc();
    badScans.scans = [{ ...scan, qrCodeId: 'qr_min', latitude: 91, device: 'toaster' as 'mobile' }];
    await refused(badScans, 'scans.0.latitude');
  });

  test('one bad item among good ones: nothing at all is written', async () => {
    const doc = minimalDoc();
    for (let i = 0; i < 50; i++) {
      doc.qrCodes.push({ ...structuredClone(doc.qrCodes[0]!), id: `qr_ok${i}`, name: `ok ${i}` });
    }
    doc.qrCodes.push({ ...structuredClone(doc.qrCodes[0]!), id: 'qr_bad', folderId: 'fld_missing' });
    await refused(doc, 'qrCodes.51.folderId');
  });

  test('a body over the import limit is 413 PAYLOAD_TOO_LARGE, also when streamed without a length', async () => {
    const before = rowCounts(ts);
    const big = await ts
      .api('/api/v1/import', {
        key,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': String(IMPORT_LIMITS.apiBytes + 1) },
        body: 'x',
      })
      .catch(() => null);
    if (big) await expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    const mb = Buffer.alloc(1024 * 1024, 0x20);
    const streamed = await postChunked(
      ts.apiUrl,
      '/api/v1/import',
      { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      (function* () {
        yield '{"format":"qrdesk-export","pad":"';
        for (let i = 0; i <= IMPORT_LIMITS.apiBytes / mb.length; i++) yield mb;
        yield '"}';
      })(),
    );
    assert.equal(streamed.status, 413);
    assert.equal((JSON.parse(streamed.text) as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
    assert.deepEqual(rowCounts(ts), before);
  });

  test('the API export refuses more scans than it builds in memory; without scans it still works', async () => {
    const fresh = await startTestServer();
    try {
      const k = fresh.createKey();
      await json(await importDoc(fresh, k, minimalDoc()));
      const insert = fresh.store.db.prepare(
        "INSERT INTO scans (qr_code_id, scanned_at, device, is_bot, is_unique) VALUES ('qr_min', ?, 'mobile', 0, 0)",
      );
      fresh.store.transaction(() => {
        for (let i = 0; i <= 200_000; i++) insert.run(1_700_000_000_000 + i);
      });
      const body = await expectValidationError(await fresh.api('/api/v1/export?scans=true', { key: k }), 'scans');
      assert.match(body.error.message, /qrdesk export FILE --scans/);
      const doc = await exportDoc(fresh, k);
      assert.equal(doc.qrCodes.length, 1);
    } finally {
      await fresh.stop();
    }
  });
});
