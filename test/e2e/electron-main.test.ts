/**
 * The built desktop main process (out/main/index.js) run under plain Node with
 * a stand-in for Electron's API (test/helpers/electron-stub): where the real
 * binary cannot be downloaded, this still runs the shell's own code as
 * packaged: the server starting in-process (moving off a taken port), the
 * window's options, the guards and IPC handlers as Electron would call them,
 * the menu and tray, and a clean stop on SIGTERM. Chromium's enforcement is
 * what only test/e2e/electron-app.test.ts (with the real binary) can check.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { UI_CSP } from '../../src-shared/csp';
import { DATABASE_FILE } from '../../src-server/store/database';
import { cliEnv, cliFixture, makeTempDir, occupyPort, removeDir, ROOT } from '../helpers/cli';

const STUB = path.join(ROOT, 'test', 'helpers', 'electron-stub');
const MAIN = path.join(ROOT, 'out', 'main', 'index.js');

interface Settled<T = unknown> {
  ok: boolean;
  value?: T;
  error?: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON report, checked field by field below
type Report = Record<string, any>;

function runMain(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--import', path.join(STUB, 'register.mjs'), '--import', path.join(STUB, 'probe.mjs'), MAIN],
    {
      cwd: ROOT,
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const report = new Promise<Report>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`no report; stderr:\n${err}`)), 30_000);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const line = /^STUB-REPORT (.*)$/m.exec(out)?.[1];
      if (line) {
        clearTimeout(guard);
        resolve(JSON.parse(line) as Report);
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(guard);
      reject(new Error(`main exited (${code}) before its report; stderr:\n${err}\nstdout:\n${out}`));
    });
  });
  report.catch(() => undefined);
  return { child, report, exited, stderr: () => err };
}

test(
  'the built main process: server in-process, locked-down window, guarded IPC, clean quit',
  {
    skip: !fs.existsSync(MAIN) && 'out/main is not built (npm test builds it first)',
  },
  async (t) => {
    const fixture = cliFixture(t);
    const dataDir = fixture.dataDir();
    const downloads = makeTempDir('qrdesk-downloads-');
    fixture.defer(() => removeDir(downloads));
    const taken = await occupyPort();
    fixture.defer(() => taken.close());
    const run = runMain({
      QRDESK_DATA_DIR: dataDir,
      QRDESK_PORT: String(taken.port),
      QRDESK_PUBLIC_PORT: '0',
      QRDESK_STUB_DOWNLOADS: downloads,
    });
    fixture.defer(() => run.child.kill('SIGKILL'));
    const r = await run.report;
    assert.equal(r.crash, undefined, `${r.crash}\n${run.stderr()}`);

    // The server: moved off the taken port, and server.json says where it is.
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { apiUrl: string };
    assert.equal(info.apiUrl, r.app);
    assert.notEqual(new URL(r.app).port, String(taken.port));
    assert.match(run.stderr(), new RegExp(`port ${taken.port} \\(API listener\\) is taken; using ${r.app}`));

    // The window: locked down, showing the app, the page served with the strict CSP.
    assert.equal(r.sandboxAll, true, 'app.enableSandbox()');
    const prefs = r.window.options.webPreferences;
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.preload, path.join(ROOT, 'out', 'preload', 'index.cjs'));
    assert.ok(fs.existsSync(prefs.preload));
    assert.equal(r.window.url, `${r.app}/`);
    assert.deepEqual(r.window.loaded, { status: 200, csp: UI_CSP });
    assert.equal(r.window.shown, true);
    assert.equal(r.window.options.icon, path.join(ROOT, 'resources', 'icons', '512x512.png'));

    // IPC: the bridge's channels, answering the app's own frames only.
    assert.deepEqual(r.channels, [
      'qrdesk:info',
      'qrdesk:open-external',
      'qrdesk:reveal-in-folder',
      'qrdesk:save-file',
    ]);
    const bridgeInfo = (r.info as Settled<{ apiBaseUrl: string; apiKey: string; version: string }>).value!;
    assert.equal(bridgeInfo.apiBaseUrl, r.app);
    assert.equal(bridgeInfo.apiKey, fs.readFileSync(path.join(dataDir, 'ui-key'), 'utf8').trim());
    const verify = await fetch(`${r.app}/api/v1/auth/verify`, {
      headers: { Authorization: `Bearer ${bridgeInfo.apiKey}` },
    });
    assert.equal(verify.status, 200, 'the key the bridge hands out works');
    assert.equal(r.infoFromElsewhere.ok, false);
    assert.match(r.infoFromElsewhere.error, /not the app/);
    assert.equal(r.infoFromNoFrame.ok, false);

    // Save: a plain name in the folder the dialog offered, the bytes written; reveal only that file.
    assert.deepEqual(r.saved, { ok: true, value: { saved: true, path: path.join(downloads, 'evil.png') } });
    assert.deepEqual(r.savedBytes, [1, 2, 3]);
    assert.deepEqual(r.revealSaved, { ok: true, value: true });
    assert.deepEqual(r.revealOther, { ok: true, value: false });

    // Open external: http(s) only.
    assert.deepEqual(r.openHttps, { ok: true, value: true });
    assert.deepEqual(r.openFile, { ok: true, value: false });

    // Permissions, requests, headers, navigation, windows, webviews.
    assert.deepEqual(r.permissions, {
      media: false,
      clipboardFromApp: true,
      clipboardFromElsewhere: false,
      check: false,
      device: false,
    });
    assert.deepEqual(r.requests, {
      app: { cancel: false },
      external: { cancel: true },
      publicListener: { cancel: true },
    });
    assert.deepEqual(r.headers.page.responseHeaders, {
      'X-Request-Id': ['1'],
      'Content-Security-Policy': [UI_CSP],
    });
    assert.deepEqual(r.headers.script, {}, 'only pages get the header');
    assert.deepEqual(r.navigation, { app: false, external: true, file: true });
    assert.deepEqual(r.windowOpen, { action: 'deny' });
    assert.equal(r.webviewRefused, true);
    assert.deepEqual(r.opened, ['https://example.com/menu', 'https://example.com/x', 'https://example.com/y']);

    // Menu and tray.
    assert.deepEqual(r.menu, ['&File', 'editMenu', '&View', 'windowMenu', '&Help']);
    assert.deepEqual(r.menuSent, [['qrdesk:menu', 'export']]);
    assert.match(r.tray.tooltip, /^qrdesk: server running\n/);
    assert.ok(r.tray.items.includes(`API: ${r.app}`), String(r.tray.items));
    assert.equal(r.tray.icon.file, path.join(ROOT, 'resources', 'icons', 'tray', 'tray.png'));
    assert.equal(r.tray.icon.exists, true);
    assert.deepEqual(r.errors, []);

    // Quit on SIGTERM: the server closes (server.json gone, WAL folded in), the window's place kept.
    run.child.kill('SIGTERM');
    assert.deepEqual(await run.exited, { code: 0, signal: null }, run.stderr());
    assert.equal(fs.existsSync(path.join(dataDir, 'server.json')), false);
    const wal = path.join(dataDir, `${DATABASE_FILE}-wal`);
    assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'the WAL was checkpointed into the database');
    const windowState = JSON.parse(fs.readFileSync(path.join(dataDir, 'window-state.json'), 'utf8')) as {
      bounds: { width: number };
    };
    assert.equal(windowState.bounds.width, 1280);
  },
);
