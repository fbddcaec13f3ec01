/**
 * `qrdesk backup FILE` and `qrdesk restore FILE` through the real CLI: a
 * backup of a live server's database, refusals that leave every file as it
 * was, restoring a database from an older schema (migrated on the way in),
 * and refusing one from a newer qrdesk or while a server runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src-server/store/database';
import { MIGRATIONS } from '../../src-server/store/migrations';
import { Store } from '../../src-server/store/store';
import { cliFixture, linesOf, request, runCli, type CliResult } from '../helpers/cli';

const LATEST = MIGRATIONS.at(-1)!.version;

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every file under `dir` with its hash (names starting with "." included, so a stray temporary file shows). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    out[name] = fs.statSync(file).isDirectory() ? 'dir' : sha(file);
  }
  return out;
}

/** A refused command: exit code 1, nothing on stdout, one stderr line (no stack) matching `reason`. */
function refused(result: CliResult, reason: RegExp): void {
  assert.equal(result.code, 1, `exit code; stderr:\n${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, `one stderr line, got:\n${result.stderr}`);
  assert.match(lines[0]!, /^qrdesk: /);
  assert.match(lines[0]!, reason);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

/** A data folder with a database holding one static code (made through the real store). */
function dataDirWithCode(dir: string): void {
  const store = Store.open(dir);
  store.db.exec(`INSERT INTO qr_codes (id, name, kind, type, content, payload, status, design, tags, is_favorite,
    search_text, created_at, updated_at) VALUES ('qr_seed', 'seed', 'static', 'text', '"hello"', 'hello', 'active',
    '{}', '[]', 0, 'seed', 1, 1)`);
  store.close();
}

function integrityOf(file: string): { integrity: string; codes: string[]; version: number } {
  const db = new Database(file, { fileMustExist: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }) as string,
      codes: db.prepare('SELECT id FROM qr_codes ORDER BY id').pluck().all() as string[],
      version: db.pragma('user_version', { simple: true }) as number,
    };
  } finally {
    db.close();
  }
}

test('backup of a running server: a verified 0600 copy; an existing file needs --force', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  const out = fx.dataDir();
  const serve = fx.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const created = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'text', content: 'kept in the backup' }),
  });
  assert.equal(created.status, 201);
  const code = (await created.json()) as { id: string };

  const file = path.join(out, 'nightly.db');
  const first = await runCli(['backup', file, '--data-dir', dataDir]);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(linesOf(first.stdout).length, 1, 'one summary line');
  assert.match(
    first.stdout,
    new RegExp(
      `^Backed up 1 codes and 0 scans to .*nightly\\.db \\(\\d+ bytes, schema ${LATEST}, integrity ok\\)\\.\\n$`,
    ),
  );
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the backup is private to this user');
  assert.deepEqual(Object.keys(snapshot(out)), ['nightly.db'], 'no temporary file left, no -wal beside it');
  const copy = integrityOf(file);
  assert.equal(copy.integrity, 'ok');
  assert.deepEqual(copy.codes, [code.id]);

  const before = sha(file);
  refused(await runCli(['backup', file, '--data-dir', dataDir]), /already exists; pass --force/);
  assert.equal(sha(file), before, 'the existing file is untouched');

  const forced = await runCli(['backup', file, '--force', '--data-dir', dataDir]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.deepEqual(Object.keys(snapshot(out)), ['nightly.db']);
  assert.equal(integrityOf(file).integrity, 'ok');
});

test('backup refuses bad targets and a missing database with one line, and writes nothing', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  dataDirWithCode(dataDir);
  const out = fx.dataDir();
  const liveBefore = snapshot(dataDir);
  const cases: [string[], RegExp][] = [
    [['backup', out, '--data-dir', dataDir], /is a folder; give a file name/],
    [['backup', path.join(out, 'no', 'such', 'b.db'), '--data-dir', dataDir], /folder .* does not exist/],
    [['backup', path.join(dataDir, 'qrdesk.db'), '--data-dir', dataDir], /is the live database itself/],
    [['backup', path.join(dataDir, 'qrdesk.db'), '--force', '--data-dir', dataDir], /is the live database itself/],
    [['backup', path.join(out, 'b.db'), '--data-dir', path.join(out, 'missing')], /no qrdesk database in/],
    [['backup', path.join(out, 'b.db'), '--data-dir', out], /no qrdesk database in/],
  ];
  for (const [args, reason] of cases) {
    refused(await runCli(args), reason);
    assert.deepEqual(snapshot(out), {}, `${args.join(' ')} wrote nothing`);
    assert.deepEqual(snapshot(dataDir), liveBefore, `${args.join(' ')} left the data folder alone`);
  }
});

test('backup of a damaged database fails its check and leaves no file', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  const store = Store.open(dataDir);
  // Enough rows for several pages, then garbage over the middle of the file.
  const insert = store.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)');
  for (let i = 0; i < 2000; i++) insert.run(`key-${i}`, JSON.stringify('x'.repeat(100)));
  store.close();
  const db = path.join(dataDir, 'qrdesk.db');
  const bytes = fs.readFileSync(db);
  const middle = Math.floor(bytes.length / 4096 / 2) * 4096;
  bytes.fill(0xa5, middle + 8, middle + 4096);
  fs.writeFileSync(db, bytes);
  const out = fx.dataDir();
  refused(await runCli(['backup', path.join(out, 'b.db'), '--data-dir', dataDir]), /damaged|integrity/);
  assert.deepEqual(snapshot(out), {}, 'no backup and no temporary file');
});

test('restore reads a database left in WAL mode whole: commits still in its -wal file come along', async (t) => {
  const fx = cliFixture(t);
  const live = fx.dataDir();
  const store = Store.open(live);
  // No checkpoint: the row stays in the -wal file, as in a copy of a running app's folder.
  store.db.pragma('wal_autocheckpoint = 0');
  store.db.exec(
    `INSERT INTO folders (id, name, created_at, updated_at) VALUES ('fld_in_wal', 'Only in the WAL', 1, 1)`,
  );
  const copies = fx.dataDir();
  fs.copyFileSync(path.join(live, 'qrdesk.db'), path.join(copies, 'copied.db'));
  fs.copyFileSync(path.join(live, 'qrdesk.db-wal'), path.join(copies, 'copied.db-wal'));
  store.close();
  assert.ok(fs.statSync(path.join(copies, 'copied.db-wal')).size > 0);

  const dataDir = fx.dataDir();
  const restored = await runCli(['restore', path.join(copies, 'copied.db'), '--data-dir', dataDir]);
  assert.equal(restored.code, 0, restored.stderr);
  const db = new Database(path.join(dataDir, 'qrdesk.db'), { fileMustExist: true });
  try {
    assert.equal(db.prepare("SELECT name FROM folders WHERE id = 'fld_in_wal'").pluck().get(), 'Only in the WAL');
  } finally {
    db.close();
  }
});

test('restore is refused while a server runs on the folder; a stale server.json does not block it', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  const other = fx.dataDir();
  dataDirWithCode(other);
  const backup = path.join(fx.dataDir(), 'other.db');
  assert.equal((await runCli(['backup', backup, '--data-dir', other])).code, 0);

  const serve = fx.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const live = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'text', content: 'still here' }),
  });
  const liveCode = (await live.json()) as { id: string };
  const dbBefore = sha(path.join(dataDir, 'qrdesk.db'));
  const restore = await runCli(['restore', backup, '--data-dir', dataDir]);
  refused(
    restore,
    new RegExp(`server \\(pid ${serve.pid}, ${banner.apiUrl.replace(/[.]/g, '\\.')}\\) is using .*; stop it first`),
  );
  assert.equal(sha(path.join(dataDir, 'qrdesk.db')), dbBefore);
  assert.ok(!fs.readdirSync(dataDir).some((n) => n.includes('before-restore') || n.includes('restoring')));
  const still = await request(`${banner.apiUrl}/api/v1/qrcodes/${liveCode.id}`, banner.uiKey);
  assert.equal(still.status, 200, 'the server still serves its own code');

  // Killed without cleaning up: server.json stays, naming a process that is gone.
  await serve.stop('SIGKILL');
  assert.ok(fs.existsSync(path.join(dataDir, 'server.json')), 'the crash left server.json behind');
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(path.join(dataDir, 'server.json'), JSON.stringify({ ...info, pid: dead }));
  const after = await runCli(['restore', backup, '--data-dir', dataDir]);
  assert.equal(after.code, 0, after.stderr);
  assert.match(
    after.stdout,
    /^Restored 1 codes and 0 scans from .*other\.db; the previous database is kept as .*qrdesk\.db\.before-restore-\d{8}-\d{6}\.\n$/,
  );
  assert.deepEqual(integrityOf(path.join(dataDir, 'qrdesk.db')).codes, ['qr_seed']);
  // The database it replaced is kept whole: its WAL moved with it.
  const kept = fs.readdirSync(dataDir).find((n) => /^qrdesk\.db\.before-restore-\d{8}-\d{6}$/.test(n))!;
  assert.deepEqual(integrityOf(path.join(dataDir, kept)).codes, [liveCode.id]);
});

test('restore refuses what is not a good qrdesk backup, with the reason, and changes nothing', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  dataDirWithCode(dataDir);
  const files = fx.dataDir();
  const good = path.join(files, 'good.db');
  assert.equal((await runCli(['backup', good, '--data-dir', dataDir])).code, 0);
  const goodBytes = fs.readFileSync(good);

  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(files, name), content);
    return path.join(files, name);
  };
  const sqlite = (name: string, build: (db: Database.Database) => void) => {
    const db = new Database(path.join(files, name));
    build(db);
    db.close();
    return path.join(files, name);
  };
  const corrupted = Buffer.from(goodBytes);
  // Garbage over pages 2-10 (page headers included): the schema's tables live there.
  corrupted.fill(0x5a, 4096, 4096 * 10);
  const future = fx.dataDir();
  openDatabase(future, {
    migrations: [...MIGRATIONS, { version: LATEST + 1, name: 'from the future', sql: 'CREATE TABLE later (id TEXT)' }],
  }).close();

  const cases: [string, RegExp][] = [
    [path.join(files, 'missing.db'), /missing\.db does not exist/],
    [path.join(files, 'no', 'folder', 'b.db'), /b\.db does not exist/],
    [files, /is a folder; name the backup file itself/],
    [write('empty.db', ''), /is empty; it is not a qrdesk backup/],
    [
      write('random.db', Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251))),
      /not a SQLite database/,
    ],
    [write('notes.txt', 'qrdesk backup? no, just text\n'.repeat(20)), /not a SQLite database/],
    [write('export.json', JSON.stringify({ format: 'qrdesk-export', version: 1 })), /not a SQLite database/],
    [write('truncated.db', goodBytes.subarray(0, 5000)), /damaged|not a SQLite database/],
    [write('corrupted.db', corrupted), /damaged/],
    [
      sqlite('foreign.db', (db) => db.exec('CREATE TABLE recipes (name TEXT)')),
      /SQLite database, but not a qrdesk one/,
    ],
    [
      sqlite('posing.db', (db) => {
        db.exec('CREATE TABLE api_keys (id TEXT)');
        db.pragma('user_version = 3');
      }),
      /not a qrdesk database \(schema version 3, but no table/,
    ],
    [path.join(future, 'qrdesk.db'), new RegExp(`schema version ${LATEST + 1}.*newer qrdesk`)],
  ];
  const before = snapshot(dataDir);
  const newFolder = path.join(files, 'new-machine', 'qrdesk');
  for (const [file, reason] of cases) {
    refused(await runCli(['restore', file, '--data-dir', dataDir]), reason);
    assert.deepEqual(snapshot(dataDir), before, `restore ${path.basename(file)} changed nothing`);
    // Into a folder that does not exist yet: refused, and the folder is not left behind.
    refused(await runCli(['restore', file, '--data-dir', newFolder]), reason);
    assert.ok(!fs.existsSync(path.join(files, 'new-machine')), `restore ${path.basename(file)} created no folder`);
  }
});

test(
  'restore of an unreadable file says so',
  { skip: process.getuid?.() === 0 && 'root reads any file' },
  async (t) => {
    const fx = cliFixture(t);
    const dataDir = fx.dataDir();
    dataDirWithCode(dataDir);
    const file = path.join(fx.dataDir(), 'locked.db');
    assert.equal((await runCli(['backup', file, '--data-dir', dataDir])).code, 0);
    fs.chmodSync(file, 0);
    refused(await runCli(['restore', file, '--data-dir', dataDir]), /cannot read/);
  },
);

test('a backup from an older schema restores into a new folder, is migrated, and its codes are served', async (t) => {
  const fx = cliFixture(t);
  // A database as qrdesk's third schema version left it, filled with that schema's SQL.
  const oldDir = fx.dataDir();
  const old = openDatabase(oldDir, { migrations: MIGRATIONS.slice(0, 3) });
  old.exec(`
    INSERT INTO folders (id, name, color, created_at, updated_at) VALUES ('fld_old', 'Old menus', '#112233', 1000, 1000);
    INSERT INTO qr_codes (id, name, kind, type, content, payload, short_token, short_url, status, design, category,
      category_key, tags, folder_id, is_favorite, scan_count, last_scanned_at, search_text, created_at, updated_at)
    VALUES ('qr_old', 'Old menu', 'dynamic', 'url', '"https://example.com/old-menu"', 'https://qr.example/r/oldMenu01',
      'oldMenu01', 'https://qr.example/r/oldMenu01', 'active', '{"foregroundColor":"#112233"}', 'Menus', 'menus',
      '["lunch"]', 'fld_old', 1, 2, 5000, 'old menu', 2000, 2000);
    INSERT INTO qr_code_tags (tag, created_at, qr_code_id) VALUES ('lunch', 2000, 'qr_old');
    INSERT INTO scans (qr_code_id, scanned_at, device, is_bot, is_unique) VALUES ('qr_old', 4000, 'mobile', 0, 1),
      ('qr_old', 5000, 'desktop', 0, 1);
  `);
  assert.equal(old.pragma('user_version', { simple: true }), 3);
  old.pragma('wal_checkpoint(TRUNCATE)');
  old.close();
  const backup = path.join(fx.dataDir(), 'old.db');
  fs.copyFileSync(path.join(oldDir, 'qrdesk.db'), backup);

  const dataDir = path.join(fx.dataDir(), 'new-machine', 'qrdesk');
  const restore = await runCli(['restore', backup, '--data-dir', dataDir]);
  assert.equal(restore.code, 0, restore.stderr);
  assert.equal(
    restore.stdout,
    `Restored 1 codes and 2 scans from ${backup}, schema 3 brought up to ${LATEST}; there was no previous database.\n`,
  );
  const restored = integrityOf(path.join(dataDir, 'qrdesk.db'));
  assert.equal(restored.integrity, 'ok');
  assert.equal(restored.version, LATEST, 'the migrations ran');

  const serve = fx.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const res = await fetch(`${banner.publicUrl}/r/oldMenu01`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://example.com/old-menu');
  const code = (await (await request(`${banner.apiUrl}/api/v1/qrcodes/qr_old`, banner.uiKey)).json()) as {
    name: string;
    folderId: string;
    tags: string[];
    shortUrl: string;
    design: { foregroundColor: string; margin: number };
  };
  assert.equal(code.name, 'Old menu');
  assert.equal(code.folderId, 'fld_old');
  assert.deepEqual(code.tags, ['lunch']);
  assert.equal(code.shortUrl, 'https://qr.example/r/oldMenu01', 'the printed URL is kept');
  assert.equal(code.design.foregroundColor, '#112233');
  assert.equal(code.design.margin, 4, 'fields the old design lacked take their defaults');
  const byTag = (await (await request(`${banner.apiUrl}/api/v1/qrcodes?tag=lunch`, banner.uiKey)).json()) as {
    data: { id: string }[];
  };
  assert.deepEqual(
    byTag.data.map((c) => c.id),
    ['qr_old'],
  );
});
