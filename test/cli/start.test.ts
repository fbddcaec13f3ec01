/**
 * `npm start` (scripts/start.mjs) where the desktop app cannot open: one clear
 * line, then browser mode (the same server, its URL printed, the UI served),
 * stopped cleanly by a signal with the server it started.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { cliEnv, cliFixture, makeTempDir, parseBanner, removeDir, request, ROOT } from '../helpers/cli';

interface StartRun {
  stderr(): string;
  ready: Promise<NonNullable<ReturnType<typeof parseBanner>>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

/** `node scripts/start.mjs`, as `npm start` runs it (npm test has built everything first). */
function start(env: Record<string, string | undefined>): StartRun {
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: cliEnv({ QRDESK_START_NO_BUILD: '1', QRDESK_NO_OPEN: '1', QRDESK_PORT: '0', QRDESK_PUBLIC_PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  child.stdout.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<NonNullable<ReturnType<typeof parseBanner>>>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`no banner; stderr so far:\n${err}`)), 30_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const banner = parseBanner(err);
      if (banner) {
        clearTimeout(guard);
        resolve(banner);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(guard);
      reject(new Error(`start exited (${code}) before the banner; stderr:\n${err}`));
    });
  });
  ready.catch(() => undefined);
  return {
    stderr: () => err,
    ready,
    exited,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('npm start without an Electron binary: one line, then browser mode serves the UI; SIGTERM stops it all', async (t) => {
  const fixture = cliFixture(t);
  const dataDir = fixture.dataDir();
  // An empty Electron dist folder: the binary is missing here whether or not this machine has one.
  const noElectron = makeTempDir('qrdesk-no-electron-');
  fixture.defer(() => removeDir(noElectron));
  const run = start({ QRDESK_DATA_DIR: dataDir, ELECTRON_OVERRIDE_DIST_PATH: noElectron });
  fixture.defer(async () => {
    run.kill('SIGKILL');
    await run.exited;
  });
  const banner = await run.ready;

  const lines = run.stderr().split('\n');
  assert.match(
    lines[0]!,
    /^qrdesk: the Electron binary is not installed \(.+ is missing: npm could not download it on this machine\); starting browser mode instead \(open the URL printed below\)\.$/,
  );
  assert.equal(lines.filter((l) => /electron/i.test(l)).length, 1, 'one line about Electron');
  assert.doesNotMatch(run.stderr(), /^\s+at |Error:|ENOENT/m, 'no stack trace');
  assert.equal(banner.dataDir, dataDir);

  const page = await request(`${banner.apiUrl}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await page.text(), /<div id="root"><\/div>/, 'the built UI (npm test builds it first)');
  assert.equal((await request(`${banner.apiUrl}/health`)).status, 200);
  assert.equal(
    (await request(`${banner.apiUrl}/api/v1/auth/verify`, banner.uiKey)).status,
    200,
    'the printed key works',
  );

  const infoFile = path.join(dataDir, 'server.json');
  const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { apiUrl: string; pid: number };
  assert.equal(info.apiUrl, banner.apiUrl);

  run.kill('SIGTERM');
  assert.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());
  assert.equal(alive(info.pid), false, 'the server process it started is gone');
  assert.equal(fs.existsSync(infoFile), false, 'and it stopped cleanly (server.json removed)');
});

test(
  'npm start with Electron but no display: says so in one line and serves in the browser',
  {
    skip: process.platform !== 'linux' && 'only Linux desktops can lack a display',
  },
  async (t) => {
    const fixture = cliFixture(t);
    const dataDir = fixture.dataDir();
    const fakeDist = makeTempDir('qrdesk-fake-electron-');
    fixture.defer(() => removeDir(fakeDist));
    fs.writeFileSync(path.join(fakeDist, 'electron'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    const run = start({
      QRDESK_DATA_DIR: dataDir,
      ELECTRON_OVERRIDE_DIST_PATH: fakeDist,
      DISPLAY: undefined,
      WAYLAND_DISPLAY: undefined,
    });
    fixture.defer(async () => {
      run.kill('SIGKILL');
      await run.exited;
    });
    const banner = await run.ready;
    assert.equal(
      run.stderr().split('\n')[0],
      'qrdesk: there is no display to show the desktop app on; starting browser mode instead (open the URL printed below).',
    );
    assert.equal((await request(`${banner.apiUrl}/health`)).status, 200);
    run.kill('SIGINT');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());
  },
);
