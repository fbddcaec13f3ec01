import path from 'node:path';
import { app, BrowserWindow, ipcMain, shell } from 'electron';
import { startServer, type RunningServer } from '../src-server/server';
import { ensureUiKey } from '../src-server/services/ui-key';
import { APP_VERSION } from '../src-server/version';
import type { DesktopBridgeInfo } from './bridge';
import { desktopSecretStore } from './secret-store';

// The shell stays thin: it starts the same server `qrdesk serve` runs and
// shows its UI. Window state, tray, menus and packaging come with the Electron
// shell issue.

let server: RunningServer | undefined;
let uiKey = '';

async function createWindow(): Promise<void> {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Only our own server's pages may load in the window; links open in the system browser.
  win.webContents.on('will-navigate', (event, url) => {
    if (!server || !url.startsWith(`${server.apiUrl}/`)) event.preventDefault();
  });
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  await win.loadURL(`${server!.apiUrl}/`);
}

async function boot(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const dataDir = app.getPath('userData');
  server = await startServer({
    dataDir,
    uiDir: path.join(__dirname, '../renderer'),
    // Tunnel credentials in the OS keychain (safeStorage is usable once the app is ready).
    secretStore: desktopSecretStore(dataDir),
  });
  uiKey = ensureUiKey(dataDir, server.services.apiKeys).key;
  ipcMain.handle('qrdesk:info', (): DesktopBridgeInfo => ({
    apiBaseUrl: server!.apiUrl,
    apiKey: uiKey,
    version: APP_VERSION,
  }));
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!server) return;
    event.preventDefault();
    const closing = server;
    server = undefined;
    void closing.close().finally(() => app.quit());
  });
  await createWindow();
}

void boot();
