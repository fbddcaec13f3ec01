import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { defaultCountryDbPath } from '../../src-server/scans/capture';
import { buildMmdb, MOUNTAIN_VIEW } from '../helpers/mmdb';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { createCode, expectValidationError, sendJson } from './support';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const patchSettings = (ts: TestServer, key: string, body: unknown) =>
  sendJson(ts, key, '/api/v1/settings', body, { method: 'PATCH' });

async function scanFrom8888(ts: TestServer, token: string) {
  const res = await fetch(`${ts.publicUrl}/r/${token}`, {
    redirect: 'manual',
    headers: { 'User-Agent': PHONE_UA, 'X-Forwarded-For': '8.8.8.8' },
  });
  assert.equal(res.status, 302);
  return ts.store.db.prepare('SELECT country, city, latitude FROM scans ORDER BY id DESC LIMIT 1').get() as {
    country: string | null;
    city: string | null;
    latitude: number | null;
  };
}

test('the geoCityDbPath setting adds city and coordinates, refuses unusable files, and survives restarts', async (t) => {
  const dataDir = tempDataDir();
  let ts = await startTestServer({ dataDir });
  t.after(() => ts.stop());
  const admin = ts.createKey({ scopes: ['admin'] });
  assert.equal((await patchSettings(ts, admin, { trustProxy: 'x-forwarded-for' })).status, 200);
  const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/' });

  // Without a city database: the country only.
  assert.deepEqual(await scanFrom8888(ts, code.shortToken!), { country: 'US', city: null, latitude: null });

  // Unusable files are refused and nothing is saved.
  for (const bad of [path.join(dataDir, 'missing.mmdb'), defaultCountryDbPath()]) {
    await expectValidationError(await patchSettings(ts, admin, { geoCityDbPath: bad }), 'geoCityDbPath');
  }
  const settings = (await (await ts.api('/api/v1/settings', { key: admin })).json()) as { geoCityDbPath: unknown };
  assert.equal(settings.geoCityDbPath, null);

  // A real city file (a tiny one built here: GeoLite2-City itself is licensed and not shipped).
  const cityFile = path.join(dataDir, 'city.mmdb');
  fs.writeFileSync(cityFile, buildMmdb('GeoLite2-City', MOUNTAIN_VIEW));
  const ok = await patchSettings(ts, admin, { geoCityDbPath: cityFile });
  assert.equal(ok.status, 200);
  assert.equal(((await ok.json()) as { geoCityDbPath: string }).geoCityDbPath, cityFile);
  const withCity = await scanFrom8888(ts, code.shortToken!);
  assert.equal(withCity.city, 'Mountain View');
  assert.equal(withCity.country, 'US');
  assert.ok(Math.abs(withCity.latitude! - 37.386) < 0.001);

  // The setting is kept across a restart; a file that has since gone does not stop the server.
  await ts.stop({ keepData: true });
  ts = await startTestServer({ dataDir });
  assert.equal((await scanFrom8888(ts, code.shortToken!)).city, 'Mountain View');
  await ts.stop({ keepData: true });
  fs.rmSync(cityFile);
  ts = await startTestServer({ dataDir });
  assert.deepEqual(await scanFrom8888(ts, code.shortToken!), { country: 'US', city: null, latitude: null });

  // null turns it off.
  const off = await patchSettings(ts, admin, { geoCityDbPath: null });
  assert.equal(((await off.json()) as { geoCityDbPath: unknown }).geoCityDbPath, null);
});
