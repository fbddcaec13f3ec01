import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { BIN, cliFixture, linesOf, PACKAGE_VERSION, runCli } from '../helpers/cli';

const require = createRequire(import.meta.url);
const { nodeVersionProblem, REQUIRED } = require(path.resolve(BIN, '..', 'node-version.cjs')) as {
  nodeVersionProblem(version: string): string | null;
  REQUIRED: number[];
};

test('nodeVersionProblem names an old version and how to run qrdesk instead', () => {
  const message = nodeVersionProblem('20.20.2');
  assert.equal(typeof message, 'string');
  assert.match(message!, /20\.20\.2/);
  assert.match(message!, /npm run serve/);
  assert.match(message!, /Node 22/);
  assert.doesNotMatch(message!, /\n/, 'one line');

  const almost = nodeVersionProblem('v22.11.9');
  assert.equal(typeof almost, 'string');
  assert.match(almost!, /22\.11\.9/);
  assert.doesNotMatch(almost!, /v22/, 'the leading v is dropped');
  assert.equal(typeof nodeVersionProblem('18.0.0'), 'string');
  assert.equal(typeof nodeVersionProblem('21.99.99'), 'string');
});

test('nodeVersionProblem accepts Node 22.12 and newer', () => {
  assert.deepEqual(REQUIRED, [22, 12, 0]);
  for (const version of ['22.12.0', 'v22.12.0', '22.23.3', '23.0.0', '24.0.0', '100.0.0']) {
    assert.equal(nodeVersionProblem(version), null, version);
  }
  assert.equal(nodeVersionProblem(process.versions.node), null, 'the Node running the tests is new enough');
});

/** Executable `node` binaries on PATH outside any node_modules (so not the project's Node 22), with their versions. */
function systemNodes(): { file: string; version: string }[] {
  const found = new Map<string, { file: string; version: string }>();
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir || dir.split(path.sep).includes('node_modules')) continue;
    const file = path.join(dir, process.platform === 'win32' ? 'node.exe' : 'node');
    try {
      fs.accessSync(file, fs.constants.X_OK);
      const real = fs.realpathSync(file);
      if (found.has(real) || real.split(path.sep).includes('node_modules')) continue;
      const version = execFileSync(file, ['--version'], { encoding: 'utf8' }).trim();
      found.set(real, { file, version });
    } catch {
      // not there, not executable or not working: not a candidate
    }
  }
  return [...found.values()];
}

test('bin/qrdesk.cjs on an older Node prints one line and exits 1 instead of crashing', async (t) => {
  const old = systemNodes().find(({ version }) => Number(/^v?(\d+)/.exec(version)?.[1]) < 22);
  if (!old) {
    t.diagnostic('no Node older than 22 on PATH; checking the current Node instead');
    const result = await runCli(['--version']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), PACKAGE_VERSION);
    return;
  }
  t.diagnostic(`old Node found: ${old.file} ${old.version}`);
  const dir = cliFixture(t).dataDir();
  // --version loads nothing native; keys list and serve would load better-sqlite3, which crashes on old Nodes.
  for (const args of [
    ['--version'],
    ['keys', 'list', '--data-dir', dir],
    ['serve', '--data-dir', dir, '--port', '0'],
  ]) {
    const result = await runCli(args, { node: old.file });
    assert.equal(result.signal, null, `${args.join(' ')}: killed by ${result.signal}`);
    assert.equal(result.code, 1, `${args.join(' ')}: exit code; stderr:\n${result.stderr}`);
    assert.equal(result.stdout, '');
    const lines = linesOf(result.stderr);
    assert.equal(lines.length, 1, `one stderr line, got:\n${result.stderr}`);
    assert.match(lines[0]!, /Node 22/);
    assert.ok(lines[0]!.includes(old.version.replace(/^v/, '')), 'names the version it found');
    assert.match(lines[0]!, /npm run serve/);
  }
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing was written by the old Node');
});
