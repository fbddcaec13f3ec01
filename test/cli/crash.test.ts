import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cliFixture, request } from '../helpers/cli';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

// Issue 5: a scan whose redirect was answered is in the database, even when the server is killed
// outright (kill -9) in the middle of a stream of scans.
test('kill -9 under scan load: every redirect a client received has its scan row, and the file is intact', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const created = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/menu', slug: 'menu' }),
  });
  assert.equal(created.status, 201);

  // 20 clients scanning in loops; each counts the redirects it actually received.
  let received = 0;
  let killed = false;
  const client = async () => {
    while (!killed) {
      try {
        const res = await fetch(`${banner.publicUrl}/r/menu`, {
          redirect: 'manual',
          headers: { 'User-Agent': PHONE_UA },
        });
        if (res.status === 302) received += 1;
        await res.arrayBuffer();
      } catch {
        return; // the server is gone
      }
    }
  };
  const clients = Array.from({ length: 20 }, client);
  const deadline = Date.now() + 20_000;
  while (received < 400 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(received >= 400, `only ${received} redirects in 20 s`);
  serve.child.kill('SIGKILL');
  killed = true;
  await Promise.all(clients);
  assert.deepEqual((await serve.exited).signal, 'SIGKILL');

  // Opening the file recovers the WAL as a restarted server would.
  const db = new Database(path.join(dataDir, 'qrdesk.db'));
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
    const scans = (db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n;
    assert.ok(scans >= received, `${scans} scan rows for ${received} redirects received`);
    // At most the requests in flight at the kill were committed without their answer arriving.
    assert.ok(scans <= received + 20, `${scans} scan rows for ${received} redirects received`);
    const counted = (
      db.prepare("SELECT scan_count FROM qr_codes WHERE short_token = 'menu'").get() as { scan_count: number }
    ).scan_count;
    assert.equal(counted, scans, 'the code counter moved in the same transactions');
  } finally {
    db.close();
  }
});
