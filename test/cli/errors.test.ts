import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cliFixture, linesOf, occupyPort, runCli, type CliResult } from '../helpers/cli';

/** Asserts a failed command with exactly one stderr line and no stack trace, and returns that line. */
function oneLineFailure(result: CliResult): string {
  assert.notEqual(result.code, 0, `expected a failure; stderr:\n${result.stderr}`);
  assert.equal(result.signal, null, 'exited, not killed by a signal');
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, `one stderr line, got:\n${result.stderr}`);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  return lines[0]!;
}

const sha256 = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

test('serve on a taken --port exits with one line naming the port and --port', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const taken = await occupyPort();
  fixture.defer(() => taken.close());
  const line = oneLineFailure(
    await runCli(['serve', '--data-dir', dir, '--port', String(taken.port), '--public-port', '0']),
  );
  assert.match(line, new RegExp(`\\b${taken.port}\\b`));
  assert.match(line, /--port\b/);
  assert.doesNotMatch(line, /--public-port/);
  assert.equal(fs.existsSync(path.join(dir, 'server.json')), false, 'no server.json for a server that never ran');
});

test('serve on a taken --public-port exits with one line naming the port and --public-port', async (t) => {
  const fixture = cliFixture(t);
  const dir = fixture.dataDir();
  const taken = await occupyPort();
  fixture.defer(() => taken.close());
  const line = oneLineFailure(
    await runCli(['serve', '--data-dir', dir, '--port', '0', '--public-port', String(taken.port)]),
  );
  assert.match(line, new RegExp(`\\b${taken.port}\\b`));
  assert.match(line, /--public-port\b/);
  assert.equal(fs.existsSync(path.join(dir, 'server.json')), false, 'no server.json for a server that never ran');
});

test('serve refuses --port 70000 and --port x while parsing arguments', async (t) => {
  const dir = cliFixture(t).dataDir();
  for (const args of [
    ['--port', '70000'],
    ['--port', 'x'],
    ['--public-port', '-1'],
  ]) {
    const result = await runCli(['serve', '--data-dir', dir, ...args]);
    assert.notEqual(result.code, 0, args.join(' '));
    assert.equal(result.stdout, '');
    assert.match(result.stderr, new RegExp(`option '${args[0]}`), result.stderr);
    assert.match(result.stderr, /0 to 65535/);
    assert.ok(result.stderr.includes(`'${args[1]}'`), 'names the refused value');
  }
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing written before the arguments were checked');
});

test('a database from a newer qrdesk is refused by serve and keys list, and left byte-identical', async (t) => {
  const dir = cliFixture(t).dataDir();
  const made = await runCli(['keys', 'create', '--name', 'old', '--data-dir', dir]);
  assert.equal(made.code, 0, made.stderr);
  const file = path.join(dir, 'qrdesk.db');
  const db = new Database(file);
  db.pragma('user_version = 999');
  db.close();
  const before = sha256(file);

  for (const args of [
    ['serve', '--data-dir', dir, '--port', '0', '--public-port', '0'],
    ['keys', 'list', '--data-dir', dir],
    ['keys', 'create', '--name', 'new', '--data-dir', dir],
  ]) {
    const result = await runCli(args);
    const line = oneLineFailure(result);
    assert.equal(result.stdout, '', `${args[0]} ${args[1]} printed to stdout`);
    assert.match(line, /newer/i, line);
    assert.match(line, /schema version 999/, line);
    assert.equal(sha256(file), before, `${args.join(' ')} changed the database`);
  }
  assert.equal(fs.existsSync(path.join(dir, 'server.json')), false);
});

test('serve refuses a data dir that is a file, with one line', async (t) => {
  const dir = cliFixture(t).dataDir();
  const file = path.join(dir, 'not-a-folder');
  fs.writeFileSync(file, 'x');
  const line = oneLineFailure(await runCli(['serve', '--data-dir', file, '--port', '0', '--public-port', '0']));
  assert.ok(line.includes(file), line);
  assert.match(line, /--data-dir/);
});
