import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Store } from '../../src-server/store/store';
import { cliFixture, linesOf, runCli } from '../helpers/cli';

interface KeyRecord {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  rateLimitPerMinute: number;
  key?: string;
}

const KEY_PATTERN = /^qrd_[A-Za-z0-9_-]{40,}$/;

/** The keys in a data folder; a folder with no database yet holds none (a refused command must not create one). */
async function listJson(dataDir: string): Promise<KeyRecord[]> {
  if (!fs.existsSync(path.join(dataDir, 'qrdesk.db'))) return [];
  const result = await runCli(['keys', 'list', '--json', '--data-dir', dataDir]);
  assert.equal(result.code, 0, result.stderr);
  const parsed: unknown = JSON.parse(result.stdout);
  assert.ok(Array.isArray(parsed), 'keys list --json prints an array');
  return parsed as KeyRecord[];
}

/** Asserts a refused command: the exit code, nothing on stdout, exactly one stderr line, and returns that line. */
function refusedWithOneLine(result: { code: number | null; stdout: string; stderr: string }, code: number): string {
  assert.equal(result.code, code, `exit code; stderr:\n${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, `one stderr line, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}

test('keys create prints only the key on stdout and the notice on stderr', async (t) => {
  const dir = cliFixture(t).dataDir();
  const result = await runCli([
    'keys',
    'create',
    '--name',
    'inventory',
    '--scopes',
    'read,write,admin',
    '--data-dir',
    dir,
  ]);
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split('\n');
  assert.deepEqual(lines.slice(1), [''], 'exactly one line, newline-terminated');
  const key = lines[0]!;
  assert.match(key, KEY_PATTERN);
  assert.match(result.stderr, /inventory/);
  assert.match(result.stderr, /shown only this once/i);
  assert.ok(!result.stderr.includes(key), 'the notice does not repeat the secret');

  const [record, ...others] = await listJson(dir);
  assert.equal(others.length, 0);
  assert.equal(record!.name, 'inventory');
  assert.deepEqual(record!.scopes, ['read', 'write', 'admin']);
  assert.ok(key.startsWith(record!.prefix), 'the listed prefix is the start of the key');

  // Only a hash is stored: the database file never holds the key itself.
  const db = fs.readFileSync(path.join(dir, 'qrdesk.db'));
  assert.equal(db.indexOf(key), -1, 'plaintext key found in qrdesk.db');
});

test('keys create --json prints the record with key, id and scopes', async (t) => {
  const dir = cliFixture(t).dataDir();
  const result = await runCli(['keys', 'create', '--name', 'script', '--scopes', 'read', '--json', '--data-dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  const record = JSON.parse(result.stdout) as KeyRecord;
  assert.match(record.key!, KEY_PATTERN);
  assert.match(record.id, /\S/);
  assert.deepEqual(record.scopes, ['read']);
  assert.equal(record.name, 'script');
  assert.equal(record.revokedAt, null);
  assert.equal(record.expiresAt, null);

  const listed = await listJson(dir);
  assert.deepEqual(
    listed.map((k) => k.id),
    [record.id],
  );
});

test('keys create without --scopes gives read,write', async (t) => {
  const dir = cliFixture(t).dataDir();
  const result = await runCli(['keys', 'create', '--name', 'plain', '--json', '--data-dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual((JSON.parse(result.stdout) as KeyRecord).scopes, ['read', 'write']);
});

test('keys create --expires stores a future expiry', async (t) => {
  const dir = cliFixture(t).dataDir();
  const expires = new Date(Date.now() + 30 * 86_400_000);
  expires.setUTCMilliseconds(0);
  const iso = expires.toISOString().replace('.000Z', 'Z');
  const result = await runCli(['keys', 'create', '--name', 'temp', '--expires', iso, '--json', '--data-dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  const created = JSON.parse(result.stdout) as KeyRecord;
  assert.equal(Date.parse(created.expiresAt!), expires.getTime());
  const [listed] = await listJson(dir);
  assert.equal(Date.parse(listed!.expiresAt!), expires.getTime());
});

test('keys create refuses a past or malformed --expires with exit 2 and one line', async (t) => {
  const dir = cliFixture(t).dataDir();
  const past = refusedWithOneLine(
    await runCli(['keys', 'create', '--name', 'old', '--expires', '2001-01-01T00:00:00Z', '--data-dir', dir]),
    2,
  );
  assert.match(past, /future/i);
  const garbage = refusedWithOneLine(
    await runCli(['keys', 'create', '--name', 'bad', '--expires', 'garbage', '--data-dir', dir]),
    2,
  );
  assert.match(garbage, /--expires/);
  assert.match(garbage, /garbage/);
  assert.match(garbage, /ISO 8601/);
  assert.doesNotMatch(garbage, /future/i, 'a malformed date is not also told to be in the future');
  assert.deepEqual(await listJson(dir), [], 'no key was written');
});

test('keys create refuses bad scopes with exit 2', async (t) => {
  const dir = cliFixture(t).dataDir();
  for (const scopes of ['root', '', 'read,root', 'read,read']) {
    const line = refusedWithOneLine(
      await runCli(['keys', 'create', '--name', 'x', '--scopes', scopes, '--data-dir', dir]),
      2,
    );
    assert.match(line, /scope/i, `--scopes ${JSON.stringify(scopes)}: ${line}`);
  }
  assert.deepEqual(await listJson(dir), [], 'no key was written');
});

test('keys create without --name fails and says so', async (t) => {
  const dir = cliFixture(t).dataDir();
  const result = await runCli(['keys', 'create', '--scopes', 'read', '--data-dir', dir]);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /--name/);
  const blank = await runCli(['keys', 'create', '--name', '   ', '--data-dir', dir]);
  assert.equal(blank.code, 2, blank.stderr);
  assert.match(blank.stderr, /name/i);
  assert.deepEqual(await listJson(dir), [], 'no key was written');
});

test('keys create refuses --rate-limit 0 and --rate-limit abc', async (t) => {
  const dir = cliFixture(t).dataDir();
  for (const value of ['0', 'abc', '-5', '1.5']) {
    const result = await runCli(['keys', 'create', '--name', 'x', '--rate-limit', value, '--data-dir', dir]);
    assert.notEqual(result.code, 0, `--rate-limit ${value}`);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /--rate-limit/);
  }
  assert.deepEqual(await listJson(dir), [], 'no key was written');
  const ok = await runCli(['keys', 'create', '--name', 'slow', '--rate-limit', '5', '--json', '--data-dir', dir]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal((JSON.parse(ok.stdout) as KeyRecord).rateLimitPerMinute, 5);
});

test('keys list shows id, name and prefix but never the secret', async (t) => {
  const dir = cliFixture(t).dataDir();
  const secrets: string[] = [];
  for (const name of ['alpha', 'beta']) {
    const result = await runCli(['keys', 'create', '--name', name, '--json', '--data-dir', dir]);
    assert.equal(result.code, 0, result.stderr);
    secrets.push((JSON.parse(result.stdout) as KeyRecord).key!);
  }
  const records = await listJson(dir);
  assert.equal(records.length, 2);

  const table = await runCli(['keys', 'list', '--data-dir', dir]);
  assert.equal(table.code, 0, table.stderr);
  for (const record of records) {
    assert.ok(table.stdout.includes(record.id), `id ${record.id} listed`);
    assert.ok(table.stdout.includes(record.name), `name ${record.name} listed`);
    assert.ok(table.stdout.includes(record.prefix), `prefix ${record.prefix} listed`);
  }
  assert.match(table.stdout, /active/);
  const json = await runCli(['keys', 'list', '--json', '--data-dir', dir]);
  for (const secret of secrets) {
    assert.ok(!table.stdout.includes(secret), 'secret in keys list');
    assert.ok(!json.stdout.includes(secret), 'secret in keys list --json');
  }
  for (const record of records) assert.equal(record.key, undefined);
});

test('keys list and revoke refuse a folder with no database, and create nothing there', async (t) => {
  const dir = cliFixture(t).dataDir();
  for (const args of [
    ['keys', 'list'],
    ['keys', 'revoke', 'key_x'],
  ]) {
    const line = refusedWithOneLine(await runCli([...args, '--data-dir', dir]), 1);
    assert.match(line, /no qrdesk database/);
    assert.match(line, /--data-dir/);
  }
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('keys list on a database with no keys prints a hint', async (t) => {
  const dir = cliFixture(t).dataDir();
  Store.open(dir).close();
  const result = await runCli(['keys', 'list', '--data-dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /No API keys yet/);
  assert.match(result.stdout, /keys create --name/);
  assert.deepEqual(await listJson(dir), []);
});

test('a file that is not a database gets one clear line, not a stack trace', async (t) => {
  const dir = cliFixture(t).dataDir();
  fs.writeFileSync(path.join(dir, 'qrdesk.db'), 'this is not sqlite'.repeat(100));
  const line = refusedWithOneLine(await runCli(['keys', 'list', '--data-dir', dir]), 1);
  assert.match(line, /qrdesk\.db/);
  assert.match(line, /not a qrdesk database|cannot be read/);
});

test('keys revoke marks the key revoked', async (t) => {
  const dir = cliFixture(t).dataDir();
  const created = await runCli(['keys', 'create', '--name', 'doomed', '--json', '--data-dir', dir]);
  const keep = await runCli(['keys', 'create', '--name', 'kept', '--json', '--data-dir', dir]);
  const { id } = JSON.parse(created.stdout) as KeyRecord;
  const keptId = (JSON.parse(keep.stdout) as KeyRecord).id;

  const result = await runCli(['keys', 'revoke', id, '--data-dir', dir]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`Revoked ${id}`));

  const records = await listJson(dir);
  const revoked = records.find((k) => k.id === id)!;
  assert.ok(revoked.revokedAt && !Number.isNaN(Date.parse(revoked.revokedAt)), 'revokedAt set');
  assert.equal(records.find((k) => k.id === keptId)!.revokedAt, null, 'the other key is untouched');
  const table = await runCli(['keys', 'list', '--data-dir', dir]);
  assert.match(
    table.stdout.split('\n').find((line) => line.includes(id))!,
    /revoked/,
  );
});

test('keys revoke of an unknown id fails with a not-found line', async (t) => {
  const dir = cliFixture(t).dataDir();
  Store.open(dir).close();
  const line = refusedWithOneLine(await runCli(['keys', 'revoke', 'key_doesnotexist', '--data-dir', dir]), 2);
  assert.match(line, /not found/i);
});

test('keys create makes a missing data dir; a file in its place is refused', async (t) => {
  const fixture = cliFixture(t);
  const parent = fixture.dataDir();
  const nested = path.join(parent, 'a', 'b');
  const created = await runCli(['keys', 'create', '--name', 'first', '--data-dir', nested]);
  assert.equal(created.code, 0, created.stderr);
  assert.ok(fs.statSync(nested).isDirectory());
  assert.equal(fs.statSync(nested).mode & 0o077, 0, 'data dir is private to its user');
  assert.equal((await listJson(nested)).length, 1);

  const file = path.join(parent, 'a-file');
  fs.writeFileSync(file, 'not a folder');
  const line = refusedWithOneLine(await runCli(['keys', 'list', '--data-dir', file]), 1);
  assert.ok(line.includes(file), line);
  assert.match(line, /--data-dir/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'not a folder');
});

test('keys commands honour QRDESK_DATA_DIR when --data-dir is absent', async (t) => {
  const dir = cliFixture(t).dataDir();
  const result = await runCli(['keys', 'create', '--name', 'from-env', '--json'], { env: { QRDESK_DATA_DIR: dir } });
  assert.equal(result.code, 0, result.stderr);
  const { id } = JSON.parse(result.stdout) as KeyRecord;
  assert.deepEqual(
    (await listJson(dir)).map((k) => k.id),
    [id],
  );
  // --data-dir wins over the environment.
  const other = cliFixture(t).dataDir();
  Store.open(other).close();
  const listed = await runCli(['keys', 'list', '--json', '--data-dir', other], { env: { QRDESK_DATA_DIR: dir } });
  assert.deepEqual(JSON.parse(listed.stdout), []);
});
