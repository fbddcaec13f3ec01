// Loaded after register.mjs: once the app's window has loaded, plays Electron's part (calls the
// handlers the app registered, as Chromium and the renderer would) and prints what happened as
// one line, `STUB-REPORT {...}`, for test/e2e/electron-main.test.ts.
import fs from 'node:fs';
import path from 'node:path';

const stub = () => globalThis.__electronStub;
const frame = (url) => ({ senderFrame: url === null ? null : { url }, sender: stub().windows[0]?.webContents });
const settle = (fn) =>
  Promise.resolve()
    .then(fn)
    .then(
      (value) => ({ ok: true, value }),
      (err) => ({ ok: false, error: String(err?.message ?? err) }),
    );

async function probe() {
  const s = stub();
  const win = s.windows[0];
  const app = new URL(win.url).origin;
  const ipc = (channel, url, ...args) => settle(() => s.ipc.get(channel)(frame(url), ...args));
  const permission = (name, url) =>
    new Promise((resolve) => s.session.permissionRequest(win.webContents, name, resolve, { requestingUrl: url }));
  const request = (url) => new Promise((resolve) => s.session.beforeRequest({ url }, resolve));
  const headers = (url, resourceType) =>
    new Promise((resolve) =>
      s.session.headersReceived(
        {
          url,
          resourceType,
          responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Request-Id': ['1'] },
        },
        resolve,
      ),
    );
  const navigate = (url) => {
    let prevented = false;
    win.webContents.emit('will-navigate', { url, preventDefault: () => (prevented = true) });
    return prevented;
  };
  const attach = () => {
    let prevented = false;
    win.webContents.emit('will-attach-webview', { preventDefault: () => (prevented = true) }, {}, {});
    return prevented;
  };
  const fileMenu = s.menu.find((m) => m.label === '&File');
  fileMenu.submenu.find((i) => i.id === 'export').click();

  const saved = await ipc('qrdesk:save-file', `${app}/`, '../../evil.png', new Uint8Array([1, 2, 3]));
  const savedPath = saved.ok && saved.value.saved ? saved.value.path : null;
  const report = {
    app,
    about: s.about,
    sandboxAll: s.sandboxAll === true,
    window: { options: win.options, url: win.url, loaded: win.loaded, shown: win.shown === true },
    channels: [...s.ipc.keys()].sort(),
    info: await ipc('qrdesk:info', `${app}/library`),
    infoFromElsewhere: await ipc('qrdesk:info', 'https://evil.example/'),
    infoFromNoFrame: await ipc('qrdesk:info', null),
    saved,
    savedBytes: savedPath ? [...fs.readFileSync(savedPath)] : null,
    savedDir: savedPath ? path.dirname(savedPath) : null,
    revealSaved: await ipc('qrdesk:reveal-in-folder', `${app}/`, savedPath),
    revealOther: await ipc('qrdesk:reveal-in-folder', `${app}/`, '/etc/passwd'),
    openHttps: await ipc('qrdesk:open-external', `${app}/`, 'https://example.com/menu'),
    openFile: await ipc('qrdesk:open-external', `${app}/`, 'file:///etc/passwd'),
    permissions: {
      media: await permission('media', `${app}/`),
      clipboardFromApp: await permission('clipboard-sanitized-write', `${app}/codes/new`),
      clipboardFromElsewhere: await permission('clipboard-sanitized-write', 'https://evil.example/'),
      check: s.session.permissionCheck(win.webContents, 'geolocation', app, {}),
      device: s.session.devicePermission({}),
    },
    requests: {
      app: await request(`${app}/api/v1/qrcodes`),
      external: await request('https://cdn.example.com/x.js'),
      publicListener: await request('http://127.0.0.1:1/r/x'),
    },
    headers: {
      page: await headers(`${app}/`, 'mainFrame'),
      script: await headers(`${app}/assets/x.js`, 'script'),
    },
    navigation: {
      app: navigate(`${app}/settings`),
      external: navigate('https://example.com/x'),
      file: navigate('file:///etc/passwd'),
    },
    windowOpen: win.webContents.windowOpenHandler({ url: 'https://example.com/y' }),
    webviewRefused: attach(),
    opened: s.opened,
    menu: s.menu.map((m) => m.label ?? m.role),
    menuSent: win.webContents.sent,
    tray: { tooltip: s.tray?.tooltip, items: s.tray?.menu?.map((i) => i.label ?? i.type), icon: s.tray?.image },
    errors: s.errors,
  };
  process.stdout.write(`STUB-REPORT ${JSON.stringify(report)}\n`);
}

const started = Date.now();
const timer = setInterval(() => {
  const win = stub()?.windows[0];
  if (win?.loaded) {
    clearInterval(timer);
    // Let ready-to-show and the tray's first update run first.
    setTimeout(
      () =>
        void probe().catch((err) =>
          process.stdout.write(`STUB-REPORT ${JSON.stringify({ crash: String(err?.stack ?? err) })}\n`),
        ),
      50,
    );
  } else if (Date.now() - started > 30_000 || stub()?.errors.length) {
    clearInterval(timer);
    process.stdout.write(`STUB-REPORT ${JSON.stringify({ crash: 'no window loaded', errors: stub()?.errors })}\n`);
  }
}, 20);
timer.unref();
