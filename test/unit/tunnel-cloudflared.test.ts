/**
 * Finding the user's cloudflared and the command line it is given (checked
 * against cloudflared's documented flags: `tunnel --no-autoupdate --metrics
 * ADDR --url ORIGIN` for a quick tunnel, `tunnel ... run` with TUNNEL_TOKEN for
 * a named one).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  cloudflaredArgs,
  defaultCloudflaredDirs,
  findCloudflared,
  isExecutableFile,
} from '../../src-server/tunnel/providers/cloudflared';

describe('cloudflared detection and arguments', () => {
  let dir: string;
  let a: string;
  let b: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-cf-detect-'));
    a = path.join(dir, 'a');
    b = path.join(dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    fs.writeFileSync(path.join(a, 'cloudflared'), 'not executable', { mode: 0o644 });
    fs.writeFileSync(path.join(b, 'cloudflared'), '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(dir, 'c', 'cloudflared'), { recursive: true });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('the first executable `cloudflared` on PATH wins; files that are not executable and folders are skipped', () => {
    const env = { PATH: [path.join(dir, 'c'), a, 'relative/dir', b].join(path.delimiter) };
    assert.equal(findCloudflared(null, env, []), path.join(b, 'cloudflared'));
  });

  test('then the folders the installers use', () => {
    assert.equal(findCloudflared(null, { PATH: a }, [b]), path.join(b, 'cloudflared'));
    assert.equal(findCloudflared(null, { PATH: a }, []), null);
    assert.equal(findCloudflared(null, {}, []), null);
    assert.ok(defaultCloudflaredDirs('linux').includes('/usr/local/bin'));
    assert.ok(defaultCloudflaredDirs('darwin').includes('/opt/homebrew/bin'));
    assert.ok(defaultCloudflaredDirs('win32').some((d) => d.includes('cloudflared')));
  });

  test('a configured path is used as it is, and only if it is an executable file', () => {
    const exe = path.join(b, 'cloudflared');
    assert.equal(findCloudflared(exe, { PATH: '' }, []), exe);
    assert.equal(findCloudflared(path.join(a, 'cloudflared'), { PATH: b }, []), null, 'no fallback to PATH');
    assert.equal(isExecutableFile(path.join(dir, 'c', 'cloudflared')), false);
    assert.equal(isExecutableFile(path.join(dir, 'missing')), false);
  });

  test('quick tunnel: the origin is the public listener given with --url; named: `run`, no token argument', () => {
    assert.deepEqual(cloudflaredArgs('quick', '127.0.0.1:20241', 'http://127.0.0.1:4781'), [
      'tunnel',
      '--no-autoupdate',
      '--metrics',
      '127.0.0.1:20241',
      '--url',
      'http://127.0.0.1:4781',
    ]);
    assert.deepEqual(cloudflaredArgs('named', '127.0.0.1:20241', 'http://127.0.0.1:4781'), [
      'tunnel',
      '--no-autoupdate',
      '--metrics',
      '127.0.0.1:20241',
      'run',
    ]);
  });
});
