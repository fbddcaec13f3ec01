/**
 * Folders (CRUD, code counts, codes left in no folder when one is deleted) and
 * the admin-only settings, with the scopes that guard them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  createCode,
  expectCreateRefused,
  expectError,
  expectValidationError,
  getCode,
  listAll,
  patchCode,
  sendJson,
  type QrCodeBody,
} from './support';

interface Folder {
  id: string;
  name: string;
  color: string | null;
  codeCount: number;
  createdAt: string;
  updatedAt: string;
}

const folderCount = (ts: TestServer) =>
  (ts.store.db.prepare('SELECT COUNT(*) AS n FROM folders').get() as { n: number }).n;

describe('folders', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  async function createFolder(body: unknown): Promise<Folder> {
    const res = await sendJson(ts, key, '/api/v1/folders', body);
    assert.equal(res.status, 201, await res.clone().text());
    const folder = (await res.json()) as Folder;
    assert.equal(res.headers.get('location'), `/api/v1/folders/${folder.id}`);
    return folder;
  }
  const getFolder = async (id: string) => {
    const res = await ts.api(`/api/v1/folders/${id}`, { key });
    assert.equal(res.status, 200);
    return (await res.json()) as Folder;
  };

  test('create, get, list, rename, recolour and delete a folder', async () => {
    const folder = await createFolder({ name: '  Menus été  ', color: '#FF8800' });
    assert.match(folder.id, /^fld_/);
    assert.equal(folder.name, 'Menus été');
    assert.equal(folder.color, '#FF8800');
    assert.equal(folder.codeCount, 0);
    assert.deepEqual(await getFolder(folder.id), folder);

    const plain = await createFolder({ name: 'Flyers' });
    assert.equal(plain.color, null);

    const list = (await (await ts.api('/api/v1/folders', { key })).json()) as { data: Folder[]; nextCursor: null };
    assert.deepEqual(
      list.data.map((f) => f.id),
      [plain.id, folder.id],
      'newest first',
    );
    assert.equal(list.nextCursor, null);

    const renamed = await sendJson(ts, key, `/api/v1/folders/${folder.id}`, { name: 'Menus' }, { method: 'PATCH' });
    assert.equal(renamed.status, 200);
    const r = (await renamed.json()) as Folder;
    assert.equal(r.name, 'Menus');
    assert.equal(r.color, '#FF8800', 'the colour stays');
    const uncoloured = await sendJson(ts, key, `/api/v1/folders/${folder.id}`, { color: null }, { method: 'PATCH' });
    assert.equal(((await uncoloured.json()) as Folder).color, null);
    assert.equal((await getFolder(folder.id)).name, 'Menus');

    const del = await ts.api(`/api/v1/folders/${plain.id}`, { key, method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal(((await del.json()) as Folder).id, plain.id);
    await expectError(await ts.api(`/api/v1/folders/${plain.id}`, { key }), 404, 'NOT_FOUND');
  });

  test('codeCount counts the codes in the folder, not the trash', async () => {
    const folder = await createFolder({ name: 'Counted' });
    const codes: QrCodeBody[] = [];
    for (let i = 0; i < 3; i++) {
      codes.push(await createCode(ts, key, { type: 'text', content: `c${i}`, folderId: folder.id }));
    }
    assert.equal(codes[0]!.folderId, folder.id);
    await createCode(ts, key, { type: 'text', content: 'elsewhere' });
    assert.equal((await getFolder(folder.id)).codeCount, 3);
    assert.equal((await ts.api(`/api/v1/qrcodes/${codes[0]!.id}`, { key, method: 'DELETE' })).status, 200);
    assert.equal((await getFolder(folder.id)).codeCount, 2);
    // Moving a code out and back in.
    assert.equal((await patchCode(ts, key, codes[1]!.id, { folderId: null })).status, 200);
    assert.equal((await getFolder(folder.id)).codeCount, 1);
    const moved = await patchCode(ts, key, codes[1]!.id, { folderId: folder.id });
    assert.equal(((await moved.json()) as QrCodeBody).folderId, folder.id);
    assert.equal((await getFolder(folder.id)).codeCount, 2);
  });

  test('deleting a folder leaves its codes, in no folder', async () => {
    const folder = await createFolder({ name: 'Doomed' });
    const inside = await createCode(ts, key, { type: 'text', content: 'inside', folderId: folder.id });
    const trashed = await createCode(ts, key, { type: 'text', content: 'trashed inside', folderId: folder.id });
    assert.equal((await ts.api(`/api/v1/qrcodes/${trashed.id}`, { key, method: 'DELETE' })).status, 200);
    const del = await ts.api(`/api/v1/folders/${folder.id}`, { key, method: 'DELETE' });
    assert.equal(del.status, 200);
    assert.equal(((await del.json()) as Folder).codeCount, 1);

    const after = await getCode(ts, key, inside.id);
    assert.equal(after.folderId, null);
    assert.equal(after.content, 'inside');
    assert.equal((await getCode(ts, key, trashed.id)).folderId, null);
    assert.ok((await listAll(ts, key, 'folderId=none')).some((c) => c.id === inside.id));
    assert.deepEqual(await listAll(ts, key, `folderId=${folder.id}`), []);
  });

  test('a code in an unknown folder is 400 naming folderId, on create and on PATCH', async () => {
    const code = await createCode(ts, key, { type: 'text', content: 'homeless' });
    for (const folderId of ['fld_doesnotexist', 'none', '', 'x'.repeat(65), 42]) {
      await expectCreateRefused(ts, key, { type: 'text', content: 'x', folderId }, 'folderId');
      await expectValidationError(await patchCode(ts, key, code.id, { folderId }), 'folderId');
    }
    assert.equal((await getCode(ts, key, code.id)).folderId, null);
  });

  test('bad folder bodies are 400 naming the field; nothing is written', async () => {
    const before = folderCount(ts);
    for (const [body, path] of [
      [{}, 'name'],
      [{ name: '' }, 'name'],
      [{ name: '   ' }, 'name'],
      [{ name: 'x'.repeat(61) }, 'name'],
      [{ name: 'a\u0000b' }, 'name'],
      [{ name: 'nel\u0085' }, 'name'],
      [{ name: 42 }, 'name'],
      [{ name: 'ok', color: 'red' }, 'color'],
      [{ name: 'ok', color: '#12345' }, 'color'],
      [{ name: 'ok', parentId: 'fld_x' }, 'parentId'],
    ] as const) {
      await expectValidationError(await sendJson(ts, key, '/api/v1/folders', body), path);
    }
    assert.equal(folderCount(ts), before);
    const folder = await createFolder({ name: 'Stable' });
    await expectValidationError(
      await sendJson(ts, key, `/api/v1/folders/${folder.id}`, { name: '' }, { method: 'PATCH' }),
      'name',
    );
    await expectValidationError(
      await sendJson(ts, key, `/api/v1/folders/${folder.id}`, { color: '#GGGGGG' }, { method: 'PATCH' }),
      'color',
    );
    assert.deepEqual(await getFolder(folder.id), folder);
  });

  test('an unknown folder is 404 on GET, PATCH and DELETE; a malformed cursor is 400', async () => {
    await expectError(await ts.api('/api/v1/folders/fld_nope', { key }), 404, 'NOT_FOUND');
    await expectError(
      await sendJson(ts, key, '/api/v1/folders/fld_nope', { name: 'x' }, { method: 'PATCH' }),
      404,
      'NOT_FOUND',
    );
    await expectError(await ts.api('/api/v1/folders/fld_nope', { key, method: 'DELETE' }), 404, 'NOT_FOUND');
    await expectError(await ts.api('/api/v1/folders?cursor=%%%', { key }), 400, 'INVALID_CURSOR');
    await expectValidationError(await ts.api('/api/v1/folders?limit=0', { key }), 'limit');
  });

  test('the folder list pages with its cursor', async () => {
    for (let i = 0; i < 5; i++) await createFolder({ name: `Paged ${i}` });
    const all = ((await (await ts.api('/api/v1/folders?limit=200', { key })).json()) as { data: Folder[] }).data;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const qs: string = cursor ? `&cursor=${cursor}` : '';
      const page = (await (await ts.api(`/api/v1/folders?limit=2${qs}`, { key })).json()) as {
        data: Folder[];
        nextCursor: string | null;
      };
      seen.push(...page.data.map((f) => f.id));
      cursor = page.nextCursor;
    } while (cursor);
    assert.deepEqual(
      seen,
      all.map((f) => f.id),
    );
  });
});

describe('settings and scopes', () => {
  let ts: TestServer;
  let admin: string;
  let writer: string;
  let reader: string;
  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey({ scopes: ['admin'] });
    writer = ts.createKey({ scopes: ['write'] });
    reader = ts.createKey({ scopes: ['read'] });
  });
  after(() => ts.stop());

  const patchSettings = (key: string, body: unknown) =>
    sendJson(ts, key, '/api/v1/settings', body, { method: 'PATCH' });

  test('only an admin key reads or changes the settings', async () => {
    for (const key of [writer, reader]) {
      await expectError(await ts.api('/api/v1/settings', { key }), 403, 'FORBIDDEN');
      await expectError(await patchSettings(key, { publicBaseUrl: 'https://evil.example' }), 403, 'FORBIDDEN');
    }
    const res = await ts.api('/api/v1/settings', { key: admin });
    assert.equal(res.status, 200);
    const settings = (await res.json()) as { publicBaseUrl: string };
    assert.equal(settings.publicBaseUrl, ts.publicUrl.replace(/\/$/, ''));
    assert.equal(
      (ts.store.db.prepare('SELECT COUNT(*) AS n FROM settings').get() as { n: number }).n,
      0,
      'nothing stored',
    );
    const ok = await patchSettings(admin, { publicBaseUrl: 'https://qr.example.com/base/' });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      publicBaseUrl: 'https://qr.example.com/base',
      trustProxy: 'none',
      geoCityDbPath: null,
      backupIntervalHours: 24,
      backupRetention: 7,
    });
    // A path in the base is kept.
    const code = await createCode(ts, writer, { type: 'url', kind: 'dynamic', content: 'https://a.example' });
    assert.equal(code.shortUrl, `https://qr.example.com/base/r/${code.shortToken}`);
  });

  test('a bad publicBaseUrl is 400 naming it, and the setting stays', async () => {
    const before = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as { publicBaseUrl: string };
    for (const publicBaseUrl of [
      'ftp://qr.example.com',
      'javascript:alert(1)',
      'qr.example.com',
      'https://qr.example.com?a=1',
      'https://qr.example.com/#top',
      'https://user:pass@qr.example.com',
      'https://qr example.com',
      `https://${'a'.repeat(200)}.example`,
      '',
      42,
    ]) {
      await expectValidationError(await patchSettings(admin, { publicBaseUrl }), 'publicBaseUrl');
    }
    await expectValidationError(await patchSettings(admin, { theme: 'dark' }), 'theme');
    assert.deepEqual(await (await ts.api('/api/v1/settings', { key: admin })).json(), before);
  });

  test('a read key cannot touch folders; a write key can', async () => {
    await expectError(await sendJson(ts, reader, '/api/v1/folders', { name: 'x' }), 403, 'FORBIDDEN');
    const res = await sendJson(ts, writer, '/api/v1/folders', { name: 'x' });
    assert.equal(res.status, 201);
    const folder = (await res.json()) as Folder;
    const list = await ts.api('/api/v1/folders', { key: reader });
    assert.equal(list.status, 200);
    await list.arrayBuffer();
    await expectError(
      await sendJson(ts, reader, `/api/v1/folders/${folder.id}`, { name: 'y' }, { method: 'PATCH' }),
      403,
      'FORBIDDEN',
    );
    await expectError(
      await ts.api(`/api/v1/folders/${folder.id}`, { key: reader, method: 'DELETE' }),
      403,
      'FORBIDDEN',
    );
    assert.equal(folderCount(ts), 1);
  });
});
