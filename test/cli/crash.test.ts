import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliFixture, request } from '../helpers/cli';
import { checkDatabase } from '../helpers/faults';

const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

const SLUGS = ['menu', 'wifi', 'promo'];
const CLIENTS = 24;

// Issues 5 and 10: a scan whose redirect was answered is in the database, even when the server is killed
// outright (kill -9) in the middle of a stream of scans over several codes; the restarted server opens
// the same file, finds it intact, counts every one of them, and goes on redirecting.
test('kill -9 under scan load: every redirect a client received has its scan row, before and after a restart', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const ids = new Map<string, string>();
  for (const slug of SLUGS) {
    const created = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'url', kind: 'dynamic', content: `https://example.com/${slug}`, slug }),
    });
    assert.equal(created.status, 201);
    ids.set(slug, ((await created.json()) as { id: string }).id);
  }

  // Clients scanning in loops over the codes; each redirect actually received is counted for its code.
  const received = new Map(SLUGS.map((s) => [s, 0]));
  const total = () => [...received.values()].reduce((a, b) => a + b, 0);
  let killed = false;
  const client = async (n: number) => {
    for (let i = n; !killed; i++) {
      const slug = SLUGS[i % SLUGS.length]!;
      try {
        const res = await fetch(`${banner.publicUrl}/r/${slug}`, {
          redirect: 'manual',
          headers: { 'User-Agent': PHONE_UA },
        });
        if (res.status === 302) received.set(slug, received.get(slug)! + 1);
        await res.arrayBuffer();
      } catch {
        return; // the server is gone
      }
    }
  };
  // And a script creating codes meanwhile: each one whose 201 arrived is committed.
  const acknowledged: string[] = [];
  const writer = async () => {
    for (let i = 0; !killed; i++) {
      try {
        const res = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ type: 'text', content: `written under load ${i}` }),
        });
        if (res.status === 201) acknowledged.push(((await res.json()) as { id: string }).id);
        else await res.arrayBuffer();
      } catch {
        return;
      }
    }
  };
  const clients = [...Array.from({ length: CLIENTS }, (_, n) => client(n)), writer()];
  const deadline = Date.now() + 20_000;
  while (total() < 600 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  assert.ok(total() >= 600, `only ${total()} redirects in 20 s`);
  serve.child.kill('SIGKILL');
  killed = true;
  await Promise.all(clients);
  assert.deepEqual((await serve.exited).signal, 'SIGKILL');

  // Opening the file recovers the WAL as a restarted server would.
  const check = checkDatabase(dataDir, (db) => ({
    codes: new Set((db.prepare('SELECT id FROM qr_codes').all() as { id: string }[]).map((r) => r.id)),
    scans: SLUGS.map((slug) => ({
      slug,
      rows: (db.prepare('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?').get(ids.get(slug)) as { n: number }).n,
      counted: (db.prepare('SELECT scan_count AS n FROM qr_codes WHERE short_token = ?').get(slug) as { n: number }).n,
    })),
  }));
  assert.equal(check.integrity, 'ok');
  assert.ok(acknowledged.length > 0, 'codes were created under load');
  for (const id of acknowledged) assert.ok(check.read.codes.has(id), `created code ${id} is in the database`);
  for (const { slug, rows, counted } of check.read.scans) {
    const got = received.get(slug)!;
    assert.ok(got > 0, `${slug} was scanned`);
    assert.ok(rows >= got, `${slug}: ${rows} scan rows for ${got} redirects received`);
    // At most the requests in flight at the kill were committed without their answer arriving.
    assert.ok(rows <= got + CLIENTS, `${slug}: ${rows} scan rows for ${got} redirects received`);
    assert.equal(counted, rows, `${slug}: the code counter moved in the same transactions`);
  }

  // The restarted server on the same folder reports the same counts and redirects again.
  const again = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const second = await again.ready;
  assert.equal(second.uiKey, banner.uiKey, 'the same UI key: the keys table survived');
  for (const { slug, rows } of check.read.scans) {
    const res = await request(`${second.apiUrl}/api/v1/qrcodes/${ids.get(slug)}`, second.uiKey);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { scanCount: number }).scanCount, rows, slug);
    const scan = await fetch(`${second.publicUrl}/r/${slug}`, {
      redirect: 'manual',
      headers: { 'User-Agent': PHONE_UA },
    });
    assert.equal(scan.status, 302);
    assert.equal(scan.headers.get('location'), `https://example.com/${slug}`);
  }
  assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, again.stderr());
});
