/**
 * One QR code's life through the API: static and dynamic codes, slugs,
 * protection and status, designs, PATCH, the trash, and the scopes that guard
 * each operation.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  codeCount,
  codeRow,
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

const BASE62_TOKEN = /^[A-Za-z0-9]{8,}$/;
// Written out rather than imported, so a change to the defaults shows up here as a failing test.
const DEFAULT_DESIGN = {
  foregroundColor: '#000000',
  backgroundColor: '#FFFFFF',
  transparentBackground: false,
  backgroundGradient: null,
  gradient: null,
  cornerSquareColor: null,
  cornerSquareGradient: null,
  cornerDotColor: null,
  cornerDotGradient: null,
  shape: 'square',
  dotStyle: 'square',
  cornerSquareStyle: 'square',
  cornerDotStyle: 'square',
  errorCorrection: 'M',
  margin: 4,
  logo: null,
  frame: null,
};

async function settingsBase(ts: TestServer, admin: string): Promise<string> {
  const res = await ts.api('/api/v1/settings', { key: admin });
  assert.equal(res.status, 200);
  return ((await res.json()) as { publicBaseUrl: string }).publicBaseUrl;
}

describe('static and dynamic codes', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  test('a static code has no token and encodes its content; the defaults are filled in', async () => {
    const code = await createCode(ts, admin, { type: 'url', content: 'https://example.com/menu' });
    assert.match(code.id, /^qr_[A-Za-z0-9_-]+$/);
    assert.equal(code.kind, 'static');
    assert.equal(code.shortToken, null);
    assert.equal(code.shortUrl, null);
    assert.equal(code.payload, 'https://example.com/menu');
    assert.equal(code.status, 'active');
    assert.deepEqual(code.design, DEFAULT_DESIGN);
    assert.equal(code.category, null);
    assert.deepEqual(code.tags, []);
    assert.equal(code.folderId, null);
    assert.equal(code.isFavorite, false);
    assert.deepEqual(code.protection, { hasPassword: false, expiresAt: null, maxScans: null });
    assert.equal(code.scanCount, 0);
    assert.equal(code.lastScannedAt, null);
    assert.equal(code.deletedAt, null);
    assert.equal(code.createdAt, code.updatedAt);
    assert.ok(Math.abs(Date.parse(code.createdAt) - Date.now()) < 60_000, 'createdAt is now');
  });

  test('name, category, tags and favourite are stored as given (trimmed)', async () => {
    const code = await createCode(ts, admin, {
      type: 'text',
      content: 'hello',
      name: '  Table cards  ',
      category: ' Menus ',
      tags: [' print ', 'Summer 2026'],
      isFavorite: true,
    });
    assert.equal(code.name, 'Table cards');
    assert.equal(code.category, 'Menus');
    assert.deepEqual(code.tags, ['print', 'Summer 2026']);
    assert.equal(code.isFavorite, true);
    const tags = ts.store.db.prepare('SELECT tag FROM qr_code_tags WHERE qr_code_id = ? ORDER BY tag').all(code.id) as {
      tag: string;
    }[];
    assert.equal(tags.length, 2);
  });

  test('a dynamic url gets a base62 token of 8+ characters and encodes publicBaseUrl/r/token', async () => {
    const base = await settingsBase(ts, admin);
    assert.equal(base, ts.publicUrl.replace(/\/$/, ''), 'by default, the public listener');
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: `https://example.com/${i}` });
      assert.equal(code.kind, 'dynamic');
      assert.match(code.shortToken!, BASE62_TOKEN);
      assert.equal(code.shortUrl, `${base}/r/${code.shortToken}`);
      assert.equal(code.payload, code.shortUrl);
      assert.equal(code.content, `https://example.com/${i}`, 'the content is the destination');
      tokens.add(code.shortToken!);
    }
    assert.equal(tokens.size, 5, 'tokens are unique');
  });

  test('text, vcard and event can be dynamic; the other types cannot', async () => {
    for (const [type, content] of [
      ['text', 'Hello'],
      ['vcard', { firstName: 'Ana' }],
      ['event', { title: 'Fair', start: '2026-12-30', allDay: true }],
    ] as const) {
      const code = await createCode(ts, admin, { type, kind: 'dynamic', content });
      assert.match(code.shortToken!, BASE62_TOKEN);
      assert.equal(code.payload, code.shortUrl);
    }
    for (const [type, content] of [
      ['wifi', { ssid: 'Home', password: 'password1' }],
      ['email', { to: 'a@example.com' }],
      ['phone', '+33 1 23 45 67 89'],
      ['sms', { phone: '+33 1 23 45 67 89' }],
      ['whatsapp', { phone: '+49 151 2345 6789' }],
      ['geo', { latitude: 1, longitude: 2 }],
      ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000' }],
      ['social', { network: 'x', handle: 'jack' }],
    ] as const) {
      await expectCreateRefused(ts, admin, { type, kind: 'dynamic', content }, 'kind');
    }
    await expectCreateRefused(ts, admin, { type: 'url', kind: 'live', content: 'https://example.com' }, 'kind');
  });

  test('a custom slug becomes the token; a taken one is 409 CONFLICT, even by a code in the trash', async () => {
    const base = await settingsBase(ts, admin);
    const code = await createCode(ts, admin, {
      type: 'url',
      kind: 'dynamic',
      slug: 'Menu_2026-summer',
      content: 'https://example.com/menu',
    });
    assert.equal(code.shortToken, 'Menu_2026-summer');
    assert.equal(code.shortUrl, `${base}/r/Menu_2026-summer`);
    assert.equal(code.payload, code.shortUrl);

    await expectNothingWritten(ts, async () => {
      const res = await sendJson(ts, admin, '/api/v1/qrcodes', {
        type: 'text',
        kind: 'dynamic',
        slug: 'Menu_2026-summer',
        content: 'other',
      });
      const envelope = await expectError(res, 409, 'CONFLICT');
      assert.match(envelope.error.message, /Menu_2026-summer/);
    });

    const trashed = await createCode(ts, admin, {
      type: 'url',
      kind: 'dynamic',
      slug: 'old',
      content: 'https://a.example',
    });
    assert.equal((await ts.api(`/api/v1/qrcodes/${trashed.id}`, { key: admin, method: 'DELETE' })).status, 200);
    await expectNothingWritten(ts, async () => {
      const res = await sendJson(ts, admin, '/api/v1/qrcodes', {
        type: 'url',
        kind: 'dynamic',
        slug: 'old',
        content: 'https://b.example',
      });
      await expectError(res, 409, 'CONFLICT');
    });

    // 3 and 64 characters are the bounds.
    assert.equal(
      (await createCode(ts, admin, { type: 'url', kind: 'dynamic', slug: 'abc', content: 'https://a.example' }))
        .shortToken,
      'abc',
    );
    const long = 'x'.repeat(64);
    assert.equal(
      (await createCode(ts, admin, { type: 'url', kind: 'dynamic', slug: long, content: 'https://a.example' }))
        .shortToken,
      long,
    );
  });

  test('bad slugs are 400 naming slug', async () => {
    for (const slug of ['ab', 'a b', 'x'.repeat(65), 'café', 'a/b', 'a.b', '', 42, null]) {
      await expectCreateRefused(
        ts,
        admin,
        { type: 'url', kind: 'dynamic', slug, content: 'https://a.example' },
        'slug',
      );
    }
  });

  test('a slug or protection on a static code is 400', async () => {
    await expectCreateRefused(ts, admin, { type: 'url', slug: 'static-slug', content: 'https://a.example' }, 'slug');
    await expectCreateRefused(
      ts,
      admin,
      { type: 'url', kind: 'static', protection: { maxScans: 5 }, content: 'https://a.example' },
      'protection',
    );
    await expectCreateRefused(
      ts,
      admin,
      { type: 'wifi', protection: { password: 'secret1' }, content: { ssid: 'Home', password: 'password1' } },
      'protection',
    );
  });

  test('PATCH of a dynamic code changes where it leads, never its token, short URL or payload', async () => {
    const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/old' });
    const res = await patchCode(ts, admin, code.id, { content: 'https://example.com/new' });
    assert.equal(res.status, 200);
    const patched = (await res.json()) as QrCodeBody;
    assert.equal(patched.content, 'https://example.com/new');
    assert.equal(patched.shortToken, code.shortToken);
    assert.equal(patched.shortUrl, code.shortUrl);
    assert.equal(patched.payload, code.payload);
    assert.equal(patched.createdAt, code.createdAt);
    assert.ok(Date.parse(patched.updatedAt) >= Date.parse(code.updatedAt));
    assert.deepEqual(await getCode(ts, admin, code.id), patched);
    assert.equal(codeRow(ts, code.id)!.payload, code.payload);

    // The destination is still checked against the type.
    await expectNothingWritten(ts, async () => {
      await expectValidationError(await patchCode(ts, admin, code.id, { content: 'javascript:alert(1)' }), 'content');
    });
    assert.equal((await getCode(ts, admin, code.id)).content, 'https://example.com/new');

    // Kind, type and slug cannot change.
    for (const body of [{ kind: 'static' }, { type: 'text' }, { slug: 'new-slug' }, { shortToken: 'abcdefgh' }]) {
      await expectValidationError(await patchCode(ts, admin, code.id, body), Object.keys(body)[0]!);
    }
    assert.deepEqual(await getCode(ts, admin, code.id), patched);
  });

  test('PATCH of a static code re-encodes its payload; other fields stay', async () => {
    const code = await createCode(ts, admin, {
      type: 'wifi',
      name: 'Guest',
      tags: ['lobby'],
      content: { ssid: 'Guest', password: 'password1' },
    });
    const res = await patchCode(ts, admin, code.id, { content: { ssid: 'Guest 2', password: 'password2' } });
    assert.equal(res.status, 200);
    const patched = (await res.json()) as QrCodeBody;
    assert.equal(patched.payload, 'WIFI:T:WPA;S:Guest 2;P:password2;;');
    assert.deepEqual(patched.content, { ssid: 'Guest 2', password: 'password2', encryption: 'WPA', hidden: false });
    assert.equal(patched.name, 'Guest');
    assert.deepEqual(patched.tags, ['lobby']);

    // Invalid content for the code's own type, field by field.
    await expectValidationError(await patchCode(ts, admin, code.id, { content: { ssid: 'x' } }), 'content.password');
    await expectValidationError(await patchCode(ts, admin, code.id, { content: 'https://example.com' }), 'content');
    assert.deepEqual(await getCode(ts, admin, code.id), patched);

    // Fields one at a time; null clears the category.
    const renamed = (await (
      await patchCode(ts, admin, code.id, { name: 'Lobby', category: 'Venue', isFavorite: true, tags: ['a', 'B'] })
    ).json()) as QrCodeBody;
    assert.equal(renamed.name, 'Lobby');
    assert.equal(renamed.category, 'Venue');
    assert.equal(renamed.isFavorite, true);
    assert.deepEqual(renamed.tags, ['a', 'B']);
    assert.equal(renamed.payload, patched.payload);
    const rows = ts.store.db.prepare('SELECT tag FROM qr_code_tags WHERE qr_code_id = ? ORDER BY tag').all(code.id);
    assert.equal(rows.length, 2, 'the tag index follows the change');
    const cleared = (await (await patchCode(ts, admin, code.id, { category: null, tags: [] })).json()) as QrCodeBody;
    assert.equal(cleared.category, null);
    assert.deepEqual(cleared.tags, []);
    assert.equal(cleared.name, 'Lobby');
    // An empty PATCH changes nothing but is fine.
    const same = (await (await patchCode(ts, admin, code.id, {})).json()) as QrCodeBody;
    assert.deepEqual({ ...same, updatedAt: '' }, { ...cleared, updatedAt: '' });
  });

  test('a new publicBaseUrl applies to new dynamic codes only; existing ones keep their short URL', async () => {
    const oldBase = await settingsBase(ts, admin);
    const before = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/a' });

    const res = await sendJson(
      ts,
      admin,
      '/api/v1/settings',
      { publicBaseUrl: 'https://qr.example.com/' },
      {
        method: 'PATCH',
      },
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      publicBaseUrl: 'https://qr.example.com',
      trustProxy: 'none',
      geoCityDbPath: null,
      backupIntervalHours: 24,
      backupRetention: 7,
    });
    assert.equal(await settingsBase(ts, admin), 'https://qr.example.com');

    const kept = await getCode(ts, admin, before.id);
    assert.equal(kept.shortUrl, `${oldBase}/r/${before.shortToken}`);
    assert.equal(kept.payload, kept.shortUrl);
    // Even after a change of destination.
    const patched = (await (
      await patchCode(ts, admin, before.id, { content: 'https://example.com/b' })
    ).json()) as QrCodeBody;
    assert.equal(patched.shortUrl, kept.shortUrl);
    assert.equal(patched.payload, kept.payload);

    const after = await createCode(ts, admin, { type: 'text', kind: 'dynamic', content: 'new' });
    assert.equal(after.shortUrl, `https://qr.example.com/r/${after.shortToken}`);
    assert.equal(after.payload, after.shortUrl);

    // null goes back to the default.
    const reset = await sendJson(ts, admin, '/api/v1/settings', { publicBaseUrl: null }, { method: 'PATCH' });
    assert.deepEqual(await reset.json(), {
      publicBaseUrl: oldBase,
      trustProxy: 'none',
      geoCityDbPath: null,
      backupIntervalHours: 24,
      backupRetention: 7,
    });
    assert.equal((await getCode(ts, admin, after.id)).shortUrl, `https://qr.example.com/r/${after.shortToken}`);
  });
});

describe('protection and status', () => {
  let ts: TestServer;
  let admin: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(() => ts.stop());

  test('the password is stored as an scrypt hash and never returned anywhere', async () => {
    const password = 'Sésame-ouvre-toi-7f3a';
    const bodies: string[] = [];
    const keep = async (res: Response) => {
      const text = await res.text();
      bodies.push(text);
      return text;
    };
    const createRes = await sendJson(ts, admin, '/api/v1/qrcodes', {
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/vip',
      protection: { password, maxScans: 100 },
    });
    assert.equal(createRes.status, 201);
    const code = JSON.parse(await keep(createRes)) as QrCodeBody;
    assert.deepEqual(code.protection, { hasPassword: true, expiresAt: null, maxScans: 100 });

    await keep(await ts.api(`/api/v1/qrcodes/${code.id}`, { key: admin }));
    await keep(await ts.api('/api/v1/qrcodes', { key: admin }));
    await keep(await ts.api(`/api/v1/qrcodes?q=${encodeURIComponent(password)}`, { key: admin }));
    await keep(await ts.api('/api/v1/qrcodes?page=1', { key: admin }));
    const patchRes = await patchCode(ts, admin, code.id, { protection: { maxScans: 50 } });
    const patched = JSON.parse(await keep(patchRes)) as QrCodeBody;
    assert.deepEqual(patched.protection, { hasPassword: true, expiresAt: null, maxScans: 50 }, 'the password stays');
    await keep(
      await sendJson(ts, admin, '/api/v1/qrcodes/bulk', {
        items: [{ type: 'text', kind: 'dynamic', content: 'x', protection: { password } }],
      }),
    );
    await keep(await ts.api(`/api/v1/qrcodes/${code.id}`, { key: admin, method: 'DELETE' }));
    await keep(await ts.api('/api/v1/qrcodes?trashed=true', { key: admin }));
    await keep(await ts.api(`/api/v1/qrcodes/${code.id}/restore`, { key: admin, method: 'POST' }));
    assert.equal(bodies.length, 10);
    for (const body of bodies) {
      assert.ok(!body.includes(password), `no password in ${body.slice(0, 80)}`);
      assert.ok(!body.includes('scrypt'), 'no hash either');
      assert.ok(!/password"\s*:/.test(body), 'no password field');
    }

    // The column holds scrypt$N$r$p$salt$hash; two codes with one password get different salts.
    const hash = codeRow(ts, code.id)!.password_hash as string;
    assert.match(hash, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]{16,}\$[A-Za-z0-9_-]{32,}$/);
    assert.ok(!hash.includes(password));
    const other = ts.store.db.prepare("SELECT password_hash FROM qr_codes WHERE type = 'text'").get() as {
      password_hash: string;
    };
    assert.notEqual(other.password_hash, hash);
    assert.equal(other.password_hash.split('$')[0], 'scrypt');

    // Not anywhere in the data directory either: database, WAL, logs.
    let files = 0;
    for (const file of fs.readdirSync(ts.dataDir, { recursive: true }) as string[]) {
      const full = path.join(ts.dataDir, file);
      if (!fs.statSync(full).isFile()) continue;
      files++;
      assert.ok(!fs.readFileSync(full).includes(Buffer.from(password, 'utf8')), `${file} does not hold the password`);
    }
    assert.ok(files >= 2, 'the database and its log were searched');

    // null removes the password.
    const removed = (await (
      await patchCode(ts, admin, code.id, { protection: { password: null } })
    ).json()) as QrCodeBody;
    assert.equal(removed.protection.hasPassword, false);
    assert.equal(codeRow(ts, code.id)!.password_hash, null);
  });

  test('bad protection values are 400 naming the field', async () => {
    const dyn = { type: 'url', kind: 'dynamic', content: 'https://a.example' };
    for (const [protection, field] of [
      [{ password: 'abc' }, 'protection.password'],
      [{ password: 'x'.repeat(129) }, 'protection.password'],
      [{ password: 1234 }, 'protection.password'],
      [{ maxScans: 0 }, 'protection.maxScans'],
      [{ maxScans: 1.5 }, 'protection.maxScans'],
      [{ maxScans: '10' }, 'protection.maxScans'],
      [{ expiresAt: 'next week' }, 'protection.expiresAt'],
      [{ expiresAt: 1767225600000 }, 'protection.expiresAt'],
      [{ pin: '1234' }, 'protection.pin'],
      ['secret', 'protection'],
    ] as const) {
      await expectCreateRefused(ts, admin, { ...dyn, protection }, field);
    }
  });

  test('expiresAt in the past makes the code expired, in GET and in status filters; maxScans is stored', async () => {
    const past = await createCode(ts, admin, {
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/past',
      protection: { expiresAt: '2020-01-01T00:00:00Z', maxScans: 3 },
    });
    assert.equal(past.status, 'expired');
    assert.equal(past.protection.expiresAt, '2020-01-01T00:00:00.000Z');
    assert.equal(past.protection.maxScans, 3);
    assert.equal((await getCode(ts, admin, past.id)).status, 'expired');
    assert.equal(codeRow(ts, past.id)!.max_scans, 3);

    const future = await createCode(ts, admin, {
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/future',
      protection: { expiresAt: '2099-01-01T00:00:00+02:00' },
    });
    assert.equal(future.status, 'active');
    assert.equal(future.protection.expiresAt, '2098-12-31T22:00:00.000Z');

    const paused = await createCode(ts, admin, {
      type: 'url',
      kind: 'dynamic',
      status: 'paused',
      content: 'https://example.com/paused',
    });
    assert.equal(paused.status, 'paused');

    const ids = async (status: string) =>
      (await listAll(ts, admin, `status=${status}`))
        .map((c) => c.id)
        .filter((id) => [past.id, future.id, paused.id].includes(id));
    assert.deepEqual(await ids('expired'), [past.id]);
    assert.deepEqual(await ids('active'), [future.id]);
    assert.deepEqual(await ids('paused'), [paused.id]);

    // Clearing the expiry makes it active again; pausing and resuming works.
    const revived = (await (
      await patchCode(ts, admin, past.id, { protection: { expiresAt: null } })
    ).json()) as QrCodeBody;
    assert.equal(revived.status, 'active');
    assert.equal(revived.protection.maxScans, 3);
    const pausedAgain = (await (await patchCode(ts, admin, past.id, { status: 'paused' })).json()) as QrCodeBody;
    assert.equal(pausedAgain.status, 'paused');
    const resumed = (await (await patchCode(ts, admin, past.id, { status: 'active' })).json()) as QrCodeBody;
    assert.equal(resumed.status, 'active');

    // expired is reported, never set.
    await expectValidationError(await patchCode(ts, admin, past.id, { status: 'expired' }), 'status');
    await expectCreateRefused(ts, admin, { type: 'text', content: 'x', status: 'expired' }, 'status');
    await expectCreateRefused(ts, admin, { type: 'text', content: 'x', status: 'deleted' }, 'status');
  });

  test('a static code can be paused but not protected, on PATCH too', async () => {
    const code = await createCode(ts, admin, { type: 'text', content: 'static', status: 'paused' });
    assert.equal(code.status, 'paused');
    await expectValidationError(await patchCode(ts, admin, code.id, { protection: { maxScans: 1 } }), 'protection');
    assert.deepEqual(await getCode(ts, admin, code.id), code);
  });
});

describe('designs', () => {
  let ts: TestServer;
  let key: string;
  let code: QrCodeBody;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    code = await createCode(ts, key, { type: 'text', content: 'design me' });
  });
  after(() => ts.stop());

  test('a partial design on create is completed with the defaults', async () => {
    const styled = await createCode(ts, key, {
      type: 'url',
      content: 'https://example.com',
      design: { foregroundColor: '#1a1a2e', dotStyle: 'classy-rounded', margin: 0, frame: { text: ' Scan me ' } },
    });
    assert.deepEqual(styled.design, {
      ...DEFAULT_DESIGN,
      foregroundColor: '#1a1a2e',
      dotStyle: 'classy-rounded',
      margin: 0,
      frame: { text: 'Scan me', color: null, textColor: null },
    });
    assert.deepEqual(JSON.parse(codeRow(ts, styled.id)!.design as string), styled.design);
  });

  test('every enum value is accepted', async () => {
    for (const dotStyle of ['square', 'dots', 'rounded', 'extra-rounded', 'classy', 'classy-rounded']) {
      assert.equal(
        (await createCode(ts, key, { type: 'text', content: 'x', design: { dotStyle } })).design.dotStyle,
        dotStyle,
      );
    }
    for (const cornerSquareStyle of ['square', 'dot', 'extra-rounded']) {
      const c = await createCode(ts, key, { type: 'text', content: 'x', design: { cornerSquareStyle } });
      assert.equal(c.design.cornerSquareStyle, cornerSquareStyle);
    }
    for (const cornerDotStyle of ['square', 'dot']) {
      const c = await createCode(ts, key, { type: 'text', content: 'x', design: { cornerDotStyle } });
      assert.equal(c.design.cornerDotStyle, cornerDotStyle);
    }
    for (const errorCorrection of ['L', 'M', 'Q', 'H']) {
      const c = await createCode(ts, key, { type: 'text', content: 'x', design: { errorCorrection } });
      assert.equal(c.design.errorCorrection, errorCorrection);
    }
  });

  test('a logo with assetId null is accepted and gets its defaults; a gradient too', async () => {
    const res = await patchCode(ts, key, code.id, {
      design: {
        logo: { assetId: null },
        gradient: {
          type: 'linear',
          colorStops: [
            { offset: 0, color: '#FF0000' },
            { offset: 1, color: '#0000FF' },
          ],
        },
      },
    });
    assert.equal(res.status, 200);
    const patched = (await res.json()) as QrCodeBody;
    assert.deepEqual(patched.design.logo, { assetId: null, size: 0.25, hideBackgroundDots: true });
    assert.deepEqual(patched.design.gradient, {
      type: 'linear',
      rotation: 0,
      colorStops: [
        { offset: 0, color: '#FF0000' },
        { offset: 1, color: '#0000FF' },
      ],
    });
    code = patched;
  });

  test('a partial design on PATCH changes only the fields given', async () => {
    const before = code.design;
    const res = await patchCode(ts, key, code.id, { design: { margin: 10, backgroundColor: '#FFFFF0' } });
    assert.equal(res.status, 200);
    const patched = (await res.json()) as QrCodeBody;
    assert.deepEqual(patched.design, { ...before, margin: 10, backgroundColor: '#FFFFF0' });
    assert.equal(patched.payload, code.payload);
    // null removes an optional part.
    const noLogo = (await (
      await patchCode(ts, key, code.id, { design: { logo: null, gradient: null } })
    ).json()) as QrCodeBody;
    assert.deepEqual(noLogo.design, { ...patched.design, logo: null, gradient: null });
    code = noLogo;
  });

  test('a payload too long for the symbol is refused, on create and when a PATCH raises the error correction', async () => {
    // 900 CJK characters are 2,700 bytes of UTF-8: over level M (2,331 bytes), within level L (2,953).
    const long = '東'.repeat(900);
    await expectCreateRefused(ts, key, { type: 'text', content: long }, 'content');
    const fits = await createCode(ts, key, { type: 'text', content: long, design: { errorCorrection: 'L' } });
    assert.equal(Buffer.byteLength(fits.payload), 2700);
    await expectNothingWritten(ts, async () => {
      const res = await patchCode(ts, key, fits.id, { design: { errorCorrection: 'H' } });
      const envelope = await expectError(res, 400, 'VALIDATION_ERROR');
      assert.match(envelope.error.message, /2700 bytes/);
    });
    assert.deepEqual(await getCode(ts, key, fits.id), fits);
    // A dynamic code encodes its short URL, whatever the length of the text it opens.
    const dynamic = await createCode(ts, key, {
      type: 'text',
      kind: 'dynamic',
      content: long,
      design: { errorCorrection: 'H' },
    });
    assert.equal(dynamic.content, long);
  });

  const bad: [design: unknown, path: string][] = [
    [{ foregroundColor: 'red' }, 'design.foregroundColor'],
    [{ foregroundColor: '#12345' }, 'design.foregroundColor'],
    [{ foregroundColor: '#GGGGGG' }, 'design.foregroundColor'],
    [{ foregroundColor: '#1234567' }, 'design.foregroundColor'],
    [{ backgroundColor: 'rgb(0,0,0)' }, 'design.backgroundColor'],
    [{ backgroundColor: '#FFF' }, 'design.backgroundColor'],
    [{ dotStyle: 'star' }, 'design.dotStyle'],
    [{ dotStyle: 'Square' }, 'design.dotStyle'],
    [{ cornerSquareStyle: 'dots' }, 'design.cornerSquareStyle'],
    [{ cornerDotStyle: 'extra-rounded' }, 'design.cornerDotStyle'],
    [{ errorCorrection: 'X' }, 'design.errorCorrection'],
    [{ errorCorrection: 'l' }, 'design.errorCorrection'],
    [{ margin: -1 }, 'design.margin'],
    [{ margin: 21 }, 'design.margin'],
    [{ margin: 1.5 }, 'design.margin'],
    [{ margin: '4' }, 'design.margin'],
    [{ logo: { assetId: null, size: 0.05 } }, 'design.logo.size'],
    [{ logo: { assetId: null, size: 0.5 } }, 'design.logo.size'],
    [{ logo: { size: 0.2 } }, 'design.logo.assetId'],
    [{ logo: { assetId: null, url: 'https://x.example/logo.png' } }, 'design.logo.url'],
    [{ gradient: { type: 'conic', colorStops: [] } }, 'design.gradient'],
    [{ gradient: { type: 'linear', colorStops: [{ offset: 0, color: '#000000' }] } }, 'design.gradient.colorStops'],
    [
      {
        gradient: {
          type: 'linear',
          colorStops: [
            { offset: 1, color: '#000000' },
            { offset: 0, color: '#FFFFFF' },
          ],
        },
      },
      'design.gradient.colorStops',
    ],
    [{ frame: { text: 'x'.repeat(41) } }, 'design.frame.text'],
    [{ frame: { text: 'line\nbreak' } }, 'design.frame.text'],
    [{ shape: 'hexagon' }, 'design.shape'],
    [{ shape3d: true }, 'design.shape3d'],
    [{ cornerSquareColor: 'red' }, 'design.cornerSquareColor'],
    [{ frame: { text: 'Scan', color: '#12345' } }, 'design.frame.color'],
    [{ logo: { assetId: 'asset_missing', size: 0.25, hideBackgroundDots: true } }, 'design.logo.assetId'],
    [{ imageOptions: {} }, 'design.imageOptions'],
    ['#000000', 'design'],
    [[], 'design'],
    [null, 'design'],
  ];

  for (const [design, path] of bad) {
    test(`${JSON.stringify(design)} → 400 ${path}, on create and on PATCH`, async () => {
      await expectCreateRefused(ts, key, { type: 'text', content: 'x', design }, path);
      await expectValidationError(await patchCode(ts, key, code.id, { design }), path);
      assert.deepEqual((await getCode(ts, key, code.id)).design, code.design, 'the design did not change');
    });
  }
});

describe('trash, restore and permanent delete', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  const del = (id: string, query = '') => ts.api(`/api/v1/qrcodes/${id}${query}`, { key, method: 'DELETE' });
  const restore = (id: string) => ts.api(`/api/v1/qrcodes/${id}/restore`, { key, method: 'POST' });
  const listedIds = async (query = '') => (await listAll(ts, key, query)).map((c) => c.id);

  test('DELETE moves to the trash; GET still works; restore brings it back', async () => {
    const keep = await createCode(ts, key, { type: 'text', content: 'keep' });
    const code = await createCode(ts, key, { type: 'text', content: 'bin me', tags: ['x'] });

    const res = await del(code.id);
    assert.equal(res.status, 200);
    const result = (await res.json()) as { id: string; permanent: boolean; deletedAt: string };
    assert.equal(result.id, code.id);
    assert.equal(result.permanent, false);
    assert.ok(!Number.isNaN(Date.parse(result.deletedAt)));

    const trashed = await getCode(ts, key, code.id);
    assert.equal(trashed.deletedAt, result.deletedAt);
    assert.equal(codeRow(ts, code.id)!.deleted_at, Date.parse(result.deletedAt));
    assert.deepEqual(await listedIds(), [keep.id]);
    assert.deepEqual(await listedIds('trashed=true'), [code.id]);
    assert.deepEqual(await listedIds('trashed=false'), [keep.id]);

    // Trashing again changes nothing.
    const again = (await (await del(code.id)).json()) as { deletedAt: string };
    assert.equal(again.deletedAt, result.deletedAt);

    // A code in the trash cannot be changed.
    await expectNothingWritten(ts, async () => {
      await expectError(await patchCode(ts, key, code.id, { name: 'changed' }), 409, 'CONFLICT');
    });
    assert.equal((await getCode(ts, key, code.id)).name, code.name);

    const restored = await restore(code.id);
    assert.equal(restored.status, 200);
    const back = (await restored.json()) as QrCodeBody;
    assert.equal(back.deletedAt, null);
    assert.deepEqual({ ...back, updatedAt: '' }, { ...code, updatedAt: '' });
    assert.deepEqual((await listedIds()).sort(), [keep.id, code.id].sort());
    assert.deepEqual(await listedIds('trashed=true'), []);
    // Restoring a code that is not in the trash changes nothing.
    const twice = await restore(code.id);
    assert.equal(twice.status, 200);
    assert.equal(((await twice.json()) as QrCodeBody).deletedAt, null);
    assert.equal((await patchCode(ts, key, code.id, { name: 'changed' })).status, 200);
  });

  test('DELETE ?permanent=true removes the code and its tags, from the library or the trash', async () => {
    const fromTrash = await createCode(ts, key, { type: 'text', content: 'a', tags: ['gone', 'also gone'] });
    const direct = await createCode(ts, key, {
      type: 'url',
      kind: 'dynamic',
      content: 'https://a.example',
      tags: ['t'],
    });
    assert.equal((await del(fromTrash.id)).status, 200);

    for (const code of [fromTrash, direct]) {
      const res = await del(code.id, '?permanent=true');
      assert.equal(res.status, 200);
      const result = (await res.json()) as { id: string; permanent: boolean };
      assert.equal(result.id, code.id);
      assert.equal(result.permanent, true);
      assert.equal(codeRow(ts, code.id), undefined, 'the row is gone');
      const tags = ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_code_tags WHERE qr_code_id = ?').get(code.id) as {
        n: number;
      };
      assert.equal(tags.n, 0, 'its tags are gone');
      await expectError(await ts.api(`/api/v1/qrcodes/${code.id}`, { key }), 404, 'NOT_FOUND');
      await expectError(await restore(code.id), 404, 'NOT_FOUND');
      await expectError(await del(code.id), 404, 'NOT_FOUND');
      await expectError(await patchCode(ts, key, code.id, { name: 'x' }), 404, 'NOT_FOUND');
      assert.ok(!(await listedIds('trashed=true')).includes(code.id));
    }
  });

  test('a bad permanent value is 400; permanent=false only trashes', async () => {
    const code = await createCode(ts, key, { type: 'text', content: 'maybe' });
    await expectValidationError(await del(code.id, '?permanent=yes'), 'permanent');
    await expectValidationError(await del(code.id, '?permanent=1'), 'permanent');
    assert.equal((await getCode(ts, key, code.id)).deletedAt, null);
    const res = await del(code.id, '?permanent=false');
    assert.equal(((await res.json()) as { permanent: boolean }).permanent, false);
    assert.ok(codeRow(ts, code.id));
  });

  test('an unknown id is 404 NOT_FOUND on GET, PATCH, DELETE and restore', async () => {
    const count = codeCount(ts);
    for (const id of ['qr_doesnotexist00', 'nope', "qr_' OR '1'='1", '%F0%9F%98%80']) {
      await expectError(await ts.api(`/api/v1/qrcodes/${encodeURIComponent(id)}`, { key }), 404, 'NOT_FOUND');
      await expectError(await patchCode(ts, key, id, { name: 'x' }), 404, 'NOT_FOUND');
      await expectError(await del(encodeURIComponent(id)), 404, 'NOT_FOUND');
      await expectError(await del(encodeURIComponent(id), '?permanent=true'), 404, 'NOT_FOUND');
      await expectError(await restore(encodeURIComponent(id)), 404, 'NOT_FOUND');
    }
    assert.equal(codeCount(ts), count);
  });
});

describe('scopes on QR codes', () => {
  let ts: TestServer;
  let reader: string;
  let writer: string;
  let code: QrCodeBody;
  before(async () => {
    ts = await startTestServer();
    reader = ts.createKey({ scopes: ['read'] });
    writer = ts.createKey({ scopes: ['write'] });
    code = await createCode(ts, writer, { type: 'text', content: 'scoped' });
  });
  after(() => ts.stop());

  test('a read key can list and get', async () => {
    assert.deepEqual(await getCode(ts, reader, code.id), code);
    assert.deepEqual(
      (await listAll(ts, reader)).map((c) => c.id),
      [code.id],
    );
  });

  test('a read key gets 403 FORBIDDEN on every write, and nothing changes', async () => {
    await expectNothingWritten(ts, async () => {
      const body = { type: 'text', content: 'nope' };
      await expectError(await sendJson(ts, reader, '/api/v1/qrcodes', body), 403, 'FORBIDDEN');
      await expectError(await sendJson(ts, reader, '/api/v1/qrcodes/bulk', { items: [body] }), 403, 'FORBIDDEN');
      await expectError(await patchCode(ts, reader, code.id, { name: 'nope' }), 403, 'FORBIDDEN');
      await expectError(
        await ts.api(`/api/v1/qrcodes/${code.id}`, { key: reader, method: 'DELETE' }),
        403,
        'FORBIDDEN',
      );
      await expectError(
        await ts.api(`/api/v1/qrcodes/${code.id}?permanent=true`, { key: reader, method: 'DELETE' }),
        403,
        'FORBIDDEN',
      );
      await expectError(
        await ts.api(`/api/v1/qrcodes/${code.id}/restore`, { key: reader, method: 'POST' }),
        403,
        'FORBIDDEN',
      );
    });
    assert.deepEqual(await getCode(ts, reader, code.id), code);
  });

  test('no key or a wrong key is 401', async () => {
    const res = await ts.api('/api/v1/qrcodes');
    await expectError(res, 401, 'UNAUTHORIZED');
    await expectError(await ts.api('/api/v1/qrcodes', { key: `qrd_${'x'.repeat(54)}` }), 401, 'INVALID_API_KEY');
  });
});
