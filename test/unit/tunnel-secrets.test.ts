/**
 * The headless secret store: a 0600 file in the data folder, replaced
 * atomically, that survives a restart and never holds anything but strings.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FileSecretStore, SECRETS_FILE, writeFileAtomic0600 } from '../../src-server/tunnel/secrets';

describe('FileSecretStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = () => path.join(dir, SECRETS_FILE);
  const mode = () => fs.statSync(file()).mode & 0o777;

  test('nothing stored: no file, every secret undefined; deleting is a no-op that writes nothing', () => {
    const store = new FileSecretStore(dir);
    assert.equal(store.kind, 'file');
    assert.equal(store.get('ngrokAuthtoken'), undefined);
    store.delete('ngrokAuthtoken');
    assert.equal(fs.existsSync(file()), false);
  });

  test('set writes a 0600 file, kept across instances; delete removes only that secret', () => {
    const store = new FileSecretStore(dir);
    store.set('ngrokAuthtoken', 'ngrok-secret-1');
    store.set('cloudflaredToken', 'cf-secret-2');
    assert.equal(mode(), 0o600);
    assert.deepEqual(JSON.parse(fs.readFileSync(file(), 'utf8')), {
      version: 1,
      secrets: { ngrokAuthtoken: 'ngrok-secret-1', cloudflaredToken: 'cf-secret-2' },
    });
    const again = new FileSecretStore(dir);
    assert.equal(again.get('ngrokAuthtoken'), 'ngrok-secret-1');
    again.delete('ngrokAuthtoken');
    assert.equal(new FileSecretStore(dir).get('ngrokAuthtoken'), undefined);
    assert.equal(new FileSecretStore(dir).get('cloudflaredToken'), 'cf-secret-2');
    assert.equal(mode(), 0o600);
    assert.deepEqual(
      fs.readdirSync(dir).filter((f) => f !== SECRETS_FILE),
      [],
      'no temporary file left behind',
    );
  });

  test('a file made readable by others is narrowed back to 0600 when read', () => {
    new FileSecretStore(dir).set('cloudflaredToken', 'cf');
    fs.chmodSync(file(), 0o644);
    assert.equal(new FileSecretStore(dir).get('cloudflaredToken'), 'cf');
    assert.equal(mode(), 0o600);
  });

  test('a corrupt or foreign file holds no secrets, and only known names of string type are read', () => {
    fs.writeFileSync(file(), '{not json', { mode: 0o600 });
    assert.equal(new FileSecretStore(dir).get('ngrokAuthtoken'), undefined);
    fs.writeFileSync(
      file(),
      JSON.stringify({ version: 1, secrets: { ngrokAuthtoken: 42, cloudflaredToken: 'ok', other: 'x' } }),
      { mode: 0o600 },
    );
    const store = new FileSecretStore(dir);
    assert.equal(store.get('ngrokAuthtoken'), undefined);
    assert.equal(store.get('cloudflaredToken'), 'ok');
    store.set('ngrokAuthtoken', 'n');
    assert.deepEqual(JSON.parse(fs.readFileSync(file(), 'utf8')).secrets, {
      cloudflaredToken: 'ok',
      ngrokAuthtoken: 'n',
    });
  });

  test('writeFileAtomic0600 replaces a file whole, and a failed write leaves the old one', () => {
    const target = path.join(dir, 'x.json');
    writeFileAtomic0600(target, 'one');
    writeFileAtomic0600(target, 'two');
    assert.equal(fs.readFileSync(target, 'utf8'), 'two');
    assert.equal(fs.statSync(target).mode & 0o777, 0o600);
    assert.throws(() => writeFileAtomic0600(path.join(dir, 'missing-dir', 'y.json'), 'z'));
    assert.deepEqual(fs.readdirSync(dir), ['x.json']);
  });
});
