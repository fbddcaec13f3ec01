// A stand-in for the parts of Electron's main-process API that src-main uses, so the built main
// process (out/main/index.js) runs under plain Node in tests: it records what the app asks of
// Electron (the window's options, handlers, menus, tray) and lets the test call the handlers as
// Electron would. It is not Electron: it proves the wiring, not Chromium's enforcement.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const paths = { userData: process.env.QRDESK_DATA_DIR ?? '', downloads: process.env.QRDESK_STUB_DOWNLOADS ?? '' };

/** What the app did, for the test (globalThis so the test's probe in this process can read it). */
export const recorded = (globalThis.__electronStub = {
  windows: [],
  ipc: new Map(),
  session: {},
  menu: null,
  tray: null,
  opened: [],
  revealed: [],
  errors: [],
});

class Emitter extends EventEmitter {}

function event() {
  return {
    defaultPrevented: false,
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

class App extends Emitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  enableSandbox() {
    recorded.sandboxAll = true;
  }
  getPath(name) {
    if (!(name in paths)) throw new Error(`stub: no path ${name}`);
    return paths[name];
  }
  setPath(name, value) {
    paths[name] = value;
  }
  getAppPath() {
    return ROOT;
  }
  setAboutPanelOptions(options) {
    recorded.about = options;
  }
  quit() {
    const e = event();
    this.emit('before-quit', e);
    if (e.defaultPrevented) return;
    for (const win of [...BrowserWindow.all]) win.close();
    this.emit('will-quit', event());
    setImmediate(() => process.exit(0));
  }
  exit(code = 0) {
    process.exit(code);
  }
}
export const app = new App();

class WebContents extends Emitter {
  sent = [];
  windowOpenHandler = null;
  setWindowOpenHandler(fn) {
    this.windowOpenHandler = fn;
  }
  send(channel, ...args) {
    this.sent.push([channel, ...args]);
  }
}

export class BrowserWindow extends Emitter {
  static all = [];
  static getAllWindows() {
    return [...BrowserWindow.all];
  }
  static fromWebContents(contents) {
    return BrowserWindow.all.find((w) => w.webContents === contents) ?? null;
  }
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    this.destroyed = false;
    BrowserWindow.all.push(this);
    recorded.windows.push(this);
    app.emit('web-contents-created', event(), this.webContents);
    setImmediate(() => this.emit('ready-to-show'));
  }
  async loadURL(url) {
    this.url = url;
    const res = await fetch(url);
    this.loaded = { status: res.status, csp: res.headers.get('content-security-policy') };
    await res.arrayBuffer();
  }
  getNormalBounds() {
    return { x: this.options.x ?? 40, y: this.options.y ?? 30, width: this.options.width, height: this.options.height };
  }
  isMaximized() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  maximize() {}
  restore() {}
  show() {
    this.shown = true;
  }
  focus() {}
  close() {
    if (this.destroyed) return;
    this.emit('close', event());
    this.destroyed = true;
    BrowserWindow.all = BrowserWindow.all.filter((w) => w !== this);
    this.emit('closed');
  }
}

export const ipcMain = {
  handle(channel, fn) {
    if (recorded.ipc.has(channel)) throw new Error(`stub: ${channel} handled twice`);
    recorded.ipc.set(channel, fn);
  },
};

const webRequest = {
  onBeforeRequest(fn) {
    recorded.session.beforeRequest = fn;
  },
  onHeadersReceived(fn) {
    recorded.session.headersReceived = fn;
  },
};
class Session extends Emitter {
  webRequest = webRequest;
  setPermissionRequestHandler(fn) {
    recorded.session.permissionRequest = fn;
  }
  setPermissionCheckHandler(fn) {
    recorded.session.permissionCheck = fn;
  }
  setDevicePermissionHandler(fn) {
    recorded.session.devicePermission = fn;
  }
}
export const session = { defaultSession: new Session() };
recorded.session.emitter = session.defaultSession;

export const dialog = {
  async showSaveDialog(...args) {
    const options = args.at(-1);
    recorded.saveDialog = options;
    return { canceled: false, filePath: options.defaultPath };
  },
  showErrorBox(title, content) {
    recorded.errors.push(`${title}: ${content}`);
    process.stderr.write(`stub error box: ${title}: ${content}\n`);
  },
};

export const shell = {
  async openExternal(url) {
    recorded.opened.push(url);
  },
  async openPath() {
    return '';
  },
  showItemInFolder(file) {
    recorded.revealed.push(file);
  },
};

export const Menu = {
  buildFromTemplate(template) {
    return { template };
  },
  setApplicationMenu(menu) {
    recorded.menu = menu.template;
  },
};

export class Tray extends Emitter {
  constructor(image) {
    super();
    this.image = image;
    recorded.tray = this;
  }
  setToolTip(text) {
    this.tooltip = text;
  }
  setContextMenu(menu) {
    this.menu = menu.template;
  }
  isDestroyed() {
    return Boolean(this.destroyed);
  }
  destroy() {
    this.destroyed = true;
  }
}

export const nativeImage = {
  createFromPath(file) {
    return { file, exists: fs.existsSync(file), setTemplateImage() {} };
  },
};
export const nativeTheme = { shouldUseDarkColors: false };
export const clipboard = { writeText() {} };
export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }],
  getPrimaryDisplay: () => ({ workArea: { x: 0, y: 0, width: 1920, height: 1040 } }),
};
export const safeStorage = {
  isEncryptionAvailable: () => false,
  getSelectedStorageBackend: () => 'basic_text',
};
export const contextBridge = {};
export const ipcRenderer = {};

export default {
  app,
  BrowserWindow,
  ipcMain,
  session,
  dialog,
  shell,
  Menu,
  Tray,
  nativeImage,
  nativeTheme,
  clipboard,
  screen,
  safeStorage,
};
