import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startServer } from '../../src-server/server';
import { MIGRATIONS } from '../../src-server/store/migrations';
import { startTestServer, tempDataDir } from '../helpers/server';
import { PACKAGE_VERSION, postKey } from './support';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const dbPath = (dataDir: string) => path.join(dataDir, 'qrdesk.db');

/** Starts the real server and expects a refusal; a server that starts anyway is closed before failing. */
async function refusedStart(dataDir: string): Promise<Error> {
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ dataDir, apiPort: 0, publicPort: 0, uiDir: path.join(dataDir, 'no-ui') });
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  await server.close();
  assert.fail('startServer accepted a database from a newer qrdesk');
}

function removeLater(t: { after(fn: () => void): void }, dir: string) {
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
}

test('a database made by this version reopens, and keys survive a restart', async (t) => {
  const dataDir = tempDataDir();
  removeLater(t, dataDir);
  const first = await startTestServer({ dataDir });
  t.after(() => first.close()); // a no-op when the test stopped it already
  const admin = first.createKey({ scopes: ['admin'], name: 'survivor' });
  const res = await postKey(first, admin, { name: 'posted before restart', scopes: ['read'], dailyLimit: 10 });
  assert.equal(res.status, 201);
  const posted = (await res.json()) as { id: string; key: string };
  const revokedRes = await postKey(first, admin, { name: 'revoked before restart' });
  const revoked = (await revokedRes.json()) as { id: string; key: string };
  const del = await first.api(`/api/v1/api-keys/${revoked.id}`, { key: admin, method: 'DELETE' });
  assert.equal(del.status, 200);
  await del.arrayBuffer();
  const used = await first.api('/api/v1/auth/verify', { key: posted.key });
  assert.equal(used.headers.get('x-daily-remaining'), '9');
  await used.arrayBuffer();
  await first.stop({ keepData: true });

  const second = await startTestServer({ dataDir });
  t.after(() => second.stop({ keepData: true }));
  const verify = await second.api('/api/v1/auth/verify', { key: admin });
  assert.equal(verify.status, 200);
  assert.equal(((await verify.json()) as { name: string }).name, 'survivor');
  const again = await second.api('/api/v1/auth/verify', { key: posted.key });
  assert.equal(again.status, 200);
  assert.equal(again.headers.get('x-daily-remaining'), '8', 'the day count carried over');
  await again.arrayBuffer();
  const gone = await second.api('/api/v1/auth/verify', { key: revoked.key });
  assert.equal(gone.status, 401);
  assert.equal(((await gone.json()) as { error: { code: string } }).error.code, 'API_KEY_REVOKED');
  const list = await second.api('/api/v1/api-keys', { key: admin });
  assert.equal(((await list.json()) as { data: unknown[] }).data.length, 3);
  // Reopening did not run the migration again.
  const log = second.store.db.prepare('SELECT COUNT(*) AS n FROM migration_log').get() as { n: number };
  assert.equal(log.n, MIGRATIONS.length);
});

test('migrations are recorded: migration_log has version 1 and user_version matches', async (t) => {
  const ts = await startTestServer();
  t.after(() => ts.stop());
  const rows = ts.store.db.prepare('SELECT version, name, applied_at, app_version FROM migration_log').all() as {
    version: number;
    name: string;
    applied_at: number;
    app_version: string;
  }[];
  const v1 = rows.find((r) => r.version === 1);
  assert.ok(v1, 'a row for version 1');
  assert.ok(v1.name.length > 0);
  assert.equal(v1.app_version, PACKAGE_VERSION);
  assert.ok(v1.applied_at > 0);
  const userVersion = ts.store.db.pragma('user_version', { simple: true }) as number;
  assert.equal(userVersion, Math.max(...rows.map((r) => r.version)));
  assert.equal(ts.store.db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(ts.store.db.pragma('foreign_keys', { simple: true }), 1);
});

test('a database from a newer schema version is refused and left byte-identical', async (t) => {
  const dataDir = tempDataDir();
  removeLater(t, dataDir);
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  ts.createKey({ name: 'from the future' });
  await ts.stop({ keepData: true });

  const file = dbPath(dataDir);
  const marker = new Database(file);
  marker.pragma('user_version = 999');
  marker.close();
  for (const suffix of ['-wal', '-shm']) assert.ok(!fs.existsSync(file + suffix), `no ${suffix} before the attempt`);
  const before = sha256(file);
  const sizeBefore = fs.statSync(file).size;

  const err = await refusedStart(dataDir);
  assert.match(err.message, /999/, 'the message names the version found');
  assert.match(err.message, /newer/i);
  assert.ok(err.message.includes(file), 'the message names the file');
  assert.equal(sha256(file), before, 'the database file is byte-identical');
  assert.equal(fs.statSync(file).size, sizeBefore);
  for (const suffix of ['-wal', '-shm', '-journal']) {
    assert.ok(!fs.existsSync(file + suffix), `no ${suffix} left behind`);
  }
  // And it refuses again, the same way: nothing was half-migrated.
  assert.match((await refusedStart(dataDir)).message, /999/);
  assert.equal(sha256(file), before);
  assert.ok(!fs.existsSync(path.join(dataDir, 'server.json')), 'no server.json from a refused start');
});

test('a newer schema version still in the WAL (a newer qrdesk has it open) is refused too', async (t) => {
  const dataDir = tempDataDir();
  removeLater(t, dataDir);
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  await ts.stop({ keepData: true });

  const file = dbPath(dataDir);
  // A newer qrdesk holding the database open: its migration sits in the WAL, not yet in the main file.
  const newer = new Database(file);
  t.after(() => newer.close());
  newer.pragma('wal_autocheckpoint = 0');
  newer.pragma('user_version = 1000');
  assert.ok(fs.statSync(`${file}-wal`).size > 0, 'the change is in the WAL');
  const before = sha256(file);
  const walBefore = sha256(`${file}-wal`);

  assert.match((await refusedStart(dataDir)).message, /1000/);
  assert.equal(sha256(file), before);
  assert.equal(sha256(`${file}-wal`), walBefore);
  assert.equal(newer.pragma('user_version', { simple: true }), 1000);
});

test('server.json exists while running (0600, apiUrl, publicUrl, pid, version, no key) and goes after stop', async (t) => {
  const dataDir = tempDataDir();
  removeLater(t, dataDir);
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  const admin = ts.createKey({ scopes: ['admin'] });
  const res = await postKey(ts, admin, { name: 'in server json?' });
  const created = (await res.json()) as { key: string };

  const file = path.join(dataDir, 'server.json');
  assert.ok(fs.existsSync(file));
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const text = fs.readFileSync(file, 'utf8');
  const info = JSON.parse(text) as Record<string, unknown>;
  assert.equal(info.apiUrl, ts.apiUrl);
  assert.equal(info.publicUrl, ts.publicUrl);
  assert.equal(info.pid, process.pid);
  assert.equal(info.version, PACKAGE_VERSION);
  assert.ok(!text.includes('qrd_'), 'no key in server.json');
  assert.ok(!text.includes(admin) && !text.includes(created.key));
  // The URL in it works.
  const health = await fetch(`${info.apiUrl as string}/health`);
  assert.equal(health.status, 200);
  await health.arrayBuffer();

  await ts.stop({ keepData: true });
  assert.ok(!fs.existsSync(file), 'server.json is removed after stop');
  assert.deepEqual(
    fs.readdirSync(dataDir).filter((f) => f.endsWith('.tmp')),
    [],
    'no temporary files left',
  );
});

test('stopping folds the WAL back: the closed database is one self-contained file', async (t) => {
  const dataDir = tempDataDir();
  removeLater(t, dataDir);
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  ts.createKey({ name: 'checkpointed' });
  await ts.stop({ keepData: true });
  assert.ok(!ts.store.db.open, 'the database handle is closed');
  const file = dbPath(dataDir);
  const walSize = fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0;
  assert.equal(walSize, 0);
  const db = new Database(file, { readonly: true });
  try {
    const row = db.prepare("SELECT COUNT(*) AS n FROM api_keys WHERE name = 'checkpointed'").get() as { n: number };
    assert.equal(row.n, 1);
  } finally {
    db.close();
  }
});
