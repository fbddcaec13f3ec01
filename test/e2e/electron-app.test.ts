/**
 * The desktop app itself, driven by Playwright's `_electron`: it starts the
 * server in-process, signs the UI in through the preload bridge, keeps the
 * renderer locked down, refuses to navigate away, and stops the server cleanly
 * on quit. It needs the Electron binary, which cannot be downloaded on every
 * machine (see ENVIRONMENT.md): without it, or without a display, the suite
 * is reported as skipped with the reason.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { findElectronBinary, hasDisplay } from '../../scripts/electron-binary.mjs';
import { UI_CSP } from '../../src-shared/csp';
import { DATABASE_FILE } from '../../src-server/store/database';
import type { DesktopBridge } from '../../src-main/bridge';
import { cliEnv, makeTempDir, removeDir, ROOT } from '../helpers/cli';

const electron = findElectronBinary();
const skip = !electron.path
  ? `no Electron binary on this machine: ${electron.reason}`
  : !hasDisplay()
    ? 'no display for the Electron window (set DISPLAY, e.g. run under xvfb-run)'
    : false;

type Bridged = Window & { qrdesk?: DesktopBridge };

// A skipped test rather than a skipped suite, so the run's summary counts it as skipped.
if (skip) test('desktop app (Electron)', { skip }, () => undefined);
else
  describe('desktop app (Electron)', () => {
    let app: ElectronApplication;
    let win: Page;
    let dataDir: string;
    let closed = false;

    before(async () => {
      assert.ok(
        fs.existsSync(path.join(ROOT, 'out', 'main', 'index.js')),
        'the app is built (npm test builds it first)',
      );
      dataDir = makeTempDir('qrdesk-electron-');
      const env = cliEnv({ QRDESK_DATA_DIR: dataDir, QRDESK_PORT: '0', QRDESK_PUBLIC_PORT: '0' });
      app = await _electron.launch({
        executablePath: electron.path!,
        // Chromium refuses to run as root with its OS sandbox (CI machines run as root).
        args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), ROOT],
        cwd: ROOT,
        env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
        timeout: 60_000,
      });
      win = await app.firstWindow();
    });
    after(async () => {
      if (!closed) await app?.close().catch(() => undefined);
      if (dataDir) removeDir(dataDir);
    });

    it('signs the UI in with the key from the preload bridge', async () => {
      await win.getByTestId('connected').waitFor({ timeout: 30_000 });
      const info = await win.evaluate(() => (window as Bridged).qrdesk!.info());
      const server = JSON.parse(fs.readFileSync(path.join(dataDir, 'server.json'), 'utf8')) as { apiUrl: string };
      assert.equal(info.apiBaseUrl, server.apiUrl, 'the bridge gives the URL the server really got');
      assert.match(info.apiKey, /^qrd_/);
      assert.ok(win.url().startsWith(`${server.apiUrl}/`));
    });

    it('runs the renderer without Node, with only the typed bridge exposed and the strict CSP', async () => {
      // Electron does not report a window's webPreferences back: what they mean is checked from the page
      // (no Node, no require, only the bridge), and the source by the Electronegativity test.
      const page = await win.evaluate(() => ({
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
        module: typeof (window as unknown as { module?: unknown }).module,
        bridge: Object.keys((window as Bridged).qrdesk ?? {}).sort(),
      }));
      assert.deepEqual(page, {
        require: 'undefined',
        process: 'undefined',
        module: 'undefined',
        bridge: ['info', 'maxSaveBytes', 'onMenu', 'openExternal', 'revealInFolder', 'saveFile'],
      });
      const csp = await win.evaluate(() => fetch('/').then((r) => r.headers.get('content-security-policy')));
      assert.equal(csp, UI_CSP);
    });

    it('creates a code through the API the UI uses', async () => {
      const status = await win.evaluate(async () => {
        const info = await (window as Bridged).qrdesk!.info();
        const res = await fetch(`${info.apiBaseUrl}/api/v1/qrcodes`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${info.apiKey}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ type: 'text', content: 'hello from the desktop app' }),
        });
        return res.status;
      });
      assert.equal(status, 201);
    });

    it('does not navigate away, open windows, reach other origins or grant permissions', async () => {
      const before = win.url();
      // Schemes that are refused outright (an http link would open the system browser instead).
      await win.evaluate(() => {
        window.location.href = 'file:///etc/hostname';
      });
      await win.waitForTimeout(500);
      assert.equal(win.url(), before);
      const opened = await win.evaluate(() => window.open('about:blank') === null);
      assert.equal(opened, true, 'window.open is denied');
      assert.equal(app.windows().length, 1);
      const fetched = await win.evaluate(() =>
        fetch('http://127.0.0.1:9/').then(
          () => 'reached',
          () => 'blocked',
        ),
      );
      assert.equal(fetched, 'blocked');
      const geolocation = await win.evaluate(() =>
        navigator.permissions.query({ name: 'geolocation' }).then((p) => p.state),
      );
      assert.equal(geolocation, 'denied');
      assert.equal(await win.evaluate(() => (window as Bridged).qrdesk!.openExternal('file:///etc/passwd')), false);
      assert.equal(await win.evaluate(() => (window as Bridged).qrdesk!.revealInFolder('/etc/passwd')), false);
    });

    it('quits cleanly: the server stops, server.json goes, the window state is kept', async () => {
      await app.close();
      closed = true;
      assert.equal(fs.existsSync(path.join(dataDir, 'server.json')), false);
      const wal = path.join(dataDir, `${DATABASE_FILE}-wal`);
      assert.ok(!fs.existsSync(wal) || fs.statSync(wal).size === 0, 'the WAL was checkpointed into the database');
      assert.ok(fs.existsSync(path.join(dataDir, 'window-state.json')));
    });
  });
