import path from 'node:path';
import { app, dialog, session, shell, type BrowserWindow } from 'electron';
import { envPublicBaseUrl } from '../src-server/cli/commands/serve';
import { DEFAULT_API_PORT, DEFAULT_PUBLIC_PORT, startServer, type RunningServer } from '../src-server/server';
import { ensureUiKey } from '../src-server/services/ui-key';
import { APP_NAME, APP_VERSION } from '../src-server/version';
import { IPC } from './bridge';
import { portFromEnv, startWithPortFallback } from './core/ports';
import type { ServerView, TunnelView } from './core/tray-view';
import { guardWebContents, hardenSession, openExternalSafely } from './guards';
import { registerIpc } from './ipc';
import { installMenu } from './menu';
import { desktopSecretStore } from './secret-store';
import { AppTray } from './tray';
import { createMainWindow } from './window';

// The shell stays thin: it starts the same server `qrdesk serve` runs, in this process, and shows
// its UI in a locked-down window. Every decision about URLs, permissions, window placement, ports
// and the tray's text is a plain function in ./core, unit-tested without Electron.

// Tests and power users point the app at another data folder, as with `qrdesk serve`.
if (process.env.QRDESK_DATA_DIR) app.setPath('userData', path.resolve(process.env.QRDESK_DATA_DIR));
// Every renderer sandboxed, whatever a window asks for.
app.enableSandbox();

/** Fonts, the geo database and tray icons: beside app.asar when packaged, in the project otherwise. */
const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'resources');
// The server (and its worker threads) find their resources through this, not through the asar archive.
if (app.isPackaged) process.env.QRDESK_RESOURCES_DIR = resourcesDir;

let server: RunningServer | undefined;
/** The server's start, while it runs (a quit then waits for it, to close what it opens). */
let serverStart: Promise<RunningServer> | undefined;
let serverView: ServerView = { state: 'starting' };
let mainWindow: BrowserWindow | undefined;
let tray: AppTray | undefined;
let quit: 'running' | 'closing' | 'closed' = 'running';

const apiUrl = () => server?.apiUrl;

function tunnelView(): TunnelView | undefined {
  if (!server) return undefined;
  const status = server.tunnel.status();
  return { provider: status.provider, state: status.state, publicUrl: status.publicUrl, message: status.message };
}

function refreshTray(): void {
  tray?.update(serverView, tunnelView());
}

function showWindow(): void {
  if (mainWindow && !mainWindow.isDestroyed()) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
    return;
  }
  if (!server || quit !== 'running') return;
  mainWindow = createMainWindow({
    apiUrl: server.apiUrl,
    stateDir: app.getPath('userData'),
    preload: path.join(__dirname, '../preload/index.cjs'),
    icon: path.join(resourcesDir, 'icons', '512x512.png'),
  });
  mainWindow.on('closed', () => (mainWindow = undefined));
}

/** Stops the server cleanly (in-flight requests, scans, the WAL checkpointed into the database file). */
async function shutdown(): Promise<void> {
  serverView = { state: 'stopping' };
  refreshTray();
  try {
    const closing = server ?? (await serverStart?.catch(() => undefined));
    server = undefined;
    await closing?.close();
  } catch (err) {
    console.error('qrdesk: error while stopping the server:', err);
  }
  tray?.destroy();
}

async function start(): Promise<void> {
  app.on('second-instance', () => showWindow());
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, apiUrl));
  app.on('window-all-closed', () => {
    // macOS apps stay in the Dock (and the tray) with no window; elsewhere the last window quits.
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => showWindow());
  app.on('before-quit', (event) => {
    if (quit === 'closed') return;
    event.preventDefault();
    if (quit === 'closing') return;
    quit = 'closing';
    void shutdown().finally(() => {
      quit = 'closed';
      app.quit();
    });
  });
  // `kill`, Ctrl+C in the terminal, a session logout: the same clean quit.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  await app.whenReady();
  app.setAboutPanelOptions({ applicationName: APP_NAME, applicationVersion: APP_VERSION });
  hardenSession(session.defaultSession, apiUrl);
  installMenu(
    { platform: process.platform, appName: APP_NAME, devTools: !app.isPackaged },
    {
      exportCurrent: () => {
        showWindow();
        mainWindow?.webContents.send(IPC.menu, 'export');
      },
      openApiDocs: () => void (server && openExternalSafely(`${server.apiUrl}/docs`)),
      showDataFolder: () => void shell.openPath(app.getPath('userData')),
    },
  );
  try {
    tray = new AppTray(path.join(resourcesDir, 'icons', 'tray'), { open: showWindow, quit: () => app.quit() });
    refreshTray();
  } catch (err) {
    // Some Linux desktops have no tray: the app works without it.
    console.error('qrdesk: no tray icon:', err);
  }

  const dataDir = app.getPath('userData');
  try {
    const starting = startWithPortFallback(
      (ports) =>
        startServer({
          dataDir,
          ...ports,
          uiDir: process.env.QRDESK_UI_DIR || path.join(__dirname, '../renderer'),
          publicBaseUrl: envPublicBaseUrl(),
          // Tunnel credentials in the OS keychain (safeStorage is usable once the app is ready).
          secretStore: desktopSecretStore(dataDir),
        }),
      {
        apiPort: portFromEnv(process.env.QRDESK_PORT, DEFAULT_API_PORT),
        publicPort: portFromEnv(process.env.QRDESK_PUBLIC_PORT, DEFAULT_PUBLIC_PORT),
      },
    );
    serverStart = starting.then((started) => started.server);
    serverStart.catch(() => undefined); // its failure is handled below, not by whoever awaits it
    const started = await starting;
    // Quit while the server was starting: shutdown() closes it.
    if (quit !== 'running') return;
    server = started.server;
    for (const [listener, port] of Object.entries(started.movedFrom)) {
      console.error(
        `qrdesk: port ${port} (${listener} listener) is taken; using ${listener === 'API' ? server.apiUrl : server.publicUrl}`,
      );
    }
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    serverView = { state: 'failed', message };
    refreshTray();
    dialog.showErrorBox('qrdesk could not start', message);
    quit = 'closed';
    app.exit(1);
    return;
  }
  const running = server;
  serverView = { state: 'running', apiUrl: running.apiUrl, publicUrl: running.publicUrl };
  running.tunnel.on('change', refreshTray);
  refreshTray();

  const uiKey = ensureUiKey(dataDir, running.services.apiKeys).key;
  registerIpc({
    apiUrl,
    info: () => ({ apiBaseUrl: running.apiUrl, apiKey: uiKey, version: APP_VERSION }),
  });
  showWindow();
}

// One app per profile: a second launch focuses the first one's window and exits.
if (app.requestSingleInstanceLock()) {
  void start();
} else {
  app.quit();
}
