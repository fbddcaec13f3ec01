import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PACKAGE_VERSION, runCli } from '../helpers/cli';

test('--version prints the package.json version', async () => {
  for (const flag of ['--version', '-V']) {
    const result = await runCli([flag]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `${PACKAGE_VERSION}\n`);
  }
});

test('--help lists serve and keys', async () => {
  const result = await runCli(['--help']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Usage: qrdesk/m);
  assert.match(result.stdout, /^\s+serve\b/m);
  assert.match(result.stdout, /^\s+keys\b/m);

  const keys = await runCli(['keys', '--help']);
  assert.equal(keys.code, 0, keys.stderr);
  for (const sub of ['create', 'list', 'revoke']) assert.match(keys.stdout, new RegExp(`^\\s+${sub}\\b`, 'm'));

  const serve = await runCli(['serve', '--help']);
  assert.equal(serve.code, 0, serve.stderr);
  for (const flag of ['--data-dir', '--port', '--public-port', '--host']) assert.ok(serve.stdout.includes(flag), flag);
});

test('an unknown command exits non-zero and says which', async () => {
  const result = await runCli(['frobnicate']);
  assert.notEqual(result.code, 0);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /unknown command 'frobnicate'/);

  const sub = await runCli(['keys', 'frobnicate']);
  assert.notEqual(sub.code, 0);
  assert.match(sub.stderr, /unknown command 'frobnicate'/);
});
