/**
 * Issue 10, crash safety: `kill -9` while the schema is being migrated. Every
 * migration pending at a start runs in one transaction that also sets
 * user_version, so a killed migration leaves the old schema and its data
 * whole, and the next start simply migrates again. Two ways in: the real
 * `qrdesk serve` killed again and again during its start on a database two
 * versions old; and a long migration (a test-only one appended to the real
 * list through openDatabase's own option) killed while its transaction is
 * open and already spilling pages into the WAL.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DESIGN } from '../../src-shared/schemas/design';
import { openDatabase } from '../../src-server/store/database';
import { MIGRATIONS } from '../../src-server/store/migrations';
import { cliFixture, request } from '../helpers/cli';
import { checkDatabase } from '../helpers/faults';

const LATEST = MIGRATIONS.length;
const SLOW_MIGRATION = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'helpers', 'slow-migration.ts');

const tableNames = (db: { prepare(sql: string): { all(): unknown[] } }) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);

test('kill -9 of qrdesk serve at many moments of its start on an old database: old or new schema, never half', async (t) => {
  const fixture = cliFixture(t);
  // A database as qrdesk at schema version 2 left it, with 20,000 codes.
  const pristine = fixture.dataDir();
  const old = openDatabase(pristine, { migrations: MIGRATIONS.slice(0, 2) });
  const insert = old.prepare(
    `INSERT INTO qr_codes (id, name, kind, type, content, payload, status, design, tags, is_favorite, search_text, created_at, updated_at)
     VALUES (?, ?, 'static', 'text', ?, ?, 'active', ?, '[]', 0, ?, ?, ?)`,
  );
  const design = JSON.stringify(DEFAULT_DESIGN);
  old.transaction(() => {
    for (let i = 0; i < 20_000; i++) {
      const text = `note ${i}`;
      // content is stored as JSON (a text code's is a JSON string).
      insert.run(`qr_old${String(i).padStart(6, '0')}`, `Old ${i}`, JSON.stringify(text), text, design, text, i, i);
    }
  })();
  old.close();
  const copyOf = () => {
    const dir = fixture.dataDir();
    for (const f of fs.readdirSync(pristine)) fs.copyFileSync(path.join(pristine, f), path.join(dir, f));
    return dir;
  };

  // How long a start takes here, to spread the kills over it.
  const timing = fixture.serve(['--data-dir', copyOf(), '--port', '0', '--public-port', '0']);
  const t0 = performance.now();
  await timing.ready;
  const startMs = performance.now() - t0;
  await timing.stop('SIGKILL');

  const seen = new Set<number>();
  const ATTEMPTS = 12;
  for (let i = 0; i < ATTEMPTS; i++) {
    const dir = copyOf();
    const serve = fixture.serve(['--data-dir', dir, '--port', '0', '--public-port', '0']);
    await new Promise((r) => setTimeout(r, (startMs * (0.2 + (0.9 * i) / ATTEMPTS)) | 0));
    serve.child.kill('SIGKILL');
    await serve.exited;
    const check = checkDatabase(dir, (db) => ({
      codes: (db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n,
      logged: (db.prepare('SELECT COUNT(*) AS n FROM migration_log').get() as { n: number }).n,
      tables: tableNames(db),
    }));
    assert.equal(check.integrity, 'ok', `attempt ${i}`);
    assert.ok([2, LATEST].includes(check.userVersion), `attempt ${i}: user_version ${check.userVersion}`);
    assert.equal(check.read.logged, check.userVersion, `attempt ${i}: the migration log matches the version`);
    assert.equal(check.read.tables.includes('scans'), check.userVersion === LATEST, `attempt ${i}: tables`);
    assert.equal(check.read.codes, 20_000, `attempt ${i}: the codes are all there`);
    seen.add(check.userVersion);
    // The next start on that same file comes up migrated, with the data.
    const again = fixture.serve(['--data-dir', dir, '--port', '0', '--public-port', '0']);
    const banner = await again.ready;
    const page = await request(`${banner.apiUrl}/api/v1/qrcodes/qr_old000123`, banner.uiKey);
    assert.equal(page.status, 200, `attempt ${i}`);
    assert.equal(((await page.json()) as { content: string }).content, 'note 123');
    assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, again.stderr());
    assert.equal(checkDatabase(dir, () => null).userVersion, LATEST);
  }
  t.diagnostic(`a start takes ${startMs.toFixed(0)} ms; versions found after the kills: ${[...seen].join(', ')}`);
});

test('kill -9 inside a long migration transaction: the old schema and data survive whole, the next start migrates', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  // A current database with one code and 300,000 scans of it, for the long migration to chew on.
  const serve = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const created = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/', slug: 'menu' }),
  });
  assert.equal(created.status, 201);
  const codeId = ((await created.json()) as { id: string }).id;
  assert.deepEqual(await serve.stop('SIGTERM'), { code: 0, signal: null });
  const SCANS = 300_000;
  checkDatabase(dataDir, (db) => {
    const insert = db.prepare(
      `INSERT INTO scans (qr_code_id, scanned_at, country, device, os, browser, referrer, language, is_bot, is_unique)
       VALUES (?, ?, 'FR', 'mobile', 'iOS', 'Safari', 'example.com', 'fr', 0, 1)`,
    );
    db.transaction(() => {
      for (let i = 0; i < SCANS; i++) insert.run(codeId, 1_700_000_000_000 + i * 1000);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
  });
  const wal = path.join(dataDir, 'qrdesk.db-wal');

  // The long migration in a child process, killed once its open transaction has written pages to the WAL.
  const child = spawn(process.execPath, ['--import', 'tsx', SLOW_MIGRATION, dataDir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
  fixture.defer(() => child.kill('SIGKILL'));
  const deadline = Date.now() + 60_000;
  const walSize = () => (fs.existsSync(wal) ? fs.statSync(wal).size : 0);
  while (!(out.includes('migrating') && walSize() > 4 * 1024 * 1024) && Date.now() < deadline) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.ok(walSize() > 4 * 1024 * 1024, `the migration never spilled to the WAL; stderr: ${err}`);
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.doesNotMatch(out, /migrated/, 'killed in the middle, not after the end');
  t.diagnostic(`killed with ${(walSize() / 1024 / 1024).toFixed(1)} MiB of uncommitted pages in the WAL`);

  // The file is the one from before: same version, same data, nothing of the new table.
  const after = checkDatabase(dataDir, (db) => ({
    scans: (db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n,
    tables: tableNames(db),
    logged: (db.prepare('SELECT MAX(version) AS v FROM migration_log').get() as { v: number }).v,
  }));
  assert.equal(after.integrity, 'ok');
  assert.equal(after.userVersion, LATEST);
  assert.equal(after.read.logged, LATEST);
  assert.equal(after.read.scans, SCANS);
  assert.ok(!after.read.tables.includes('scans_copy'), 'nothing of the killed migration is left');

  // The server starts on it as it is and serves its data.
  const again = fixture.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const second = await again.ready;
  const code = (await (await request(`${second.apiUrl}/api/v1/qrcodes/${codeId}`, second.uiKey)).json()) as {
    shortToken: string;
  };
  assert.equal(code.shortToken, 'menu');
  assert.equal((await fetch(`${second.publicUrl}/r/menu`, { redirect: 'manual' })).status, 302);
  assert.deepEqual(await again.stop('SIGTERM'), { code: 0, signal: null }, again.stderr());

  // And the same migration, run again without a kill, completes.
  const rerun = spawn(process.execPath, ['--import', 'tsx', SLOW_MIGRATION, dataDir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let rerunOut = '';
  rerun.stdout.setEncoding('utf8').on('data', (c: string) => (rerunOut += c));
  await new Promise((resolve) => rerun.on('close', resolve));
  assert.match(rerunOut, new RegExp(`migrated ${LATEST + 1}`));
  const done = checkDatabase(
    dataDir,
    (db) => (db.prepare('SELECT COUNT(*) AS n FROM scans_copy').get() as { n: number }).n,
  );
  assert.equal(done.integrity, 'ok');
  assert.equal(done.userVersion, LATEST + 1);
  assert.equal(done.read, SCANS + 1, 'the copy has every scan (the restarted server recorded one more)');
});
