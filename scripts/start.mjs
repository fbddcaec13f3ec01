// `npm start`: build what changed, then open the desktop app. Where the Electron
// binary is missing (it cannot be downloaded on every machine) or there is no
// display to show it on, say so in one line and run the same server in browser
// mode instead: its URL printed, and the browser opened when there is one.
//
// QRDESK_START_NO_BUILD=1 skips the build (the tests build first); QRDESK_NO_OPEN=1
// or BROWSER=none keeps the browser closed. Other arguments go to Electron, or in
// browser mode to `qrdesk serve` (e.g. `npm start -- --port 4790`); the desktop app
// reads QRDESK_DATA_DIR, QRDESK_PORT and QRDESK_PUBLIC_PORT as `qrdesk serve` does.
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary, hasDisplay } from './electron-binary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const passArgs = process.argv.slice(2);

if (!process.env.QRDESK_START_NO_BUILD) {
  execFileSync(process.execPath, [path.join(root, 'scripts', 'ensure-built.mjs'), '--desktop'], {
    cwd: root,
    stdio: 'inherit',
  });
}

/**
 * Runs `child` to its end, passing Ctrl+C and kill on to it, and exits with its code. One
 * Ctrl+C can arrive twice (from the terminal and again from npm, which forwards it): the copy
 * within a second is dropped, since the server takes a second signal as "stop now, unclean".
 */
function follow(child) {
  let forwardedAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() - forwardedAt < 1000) return;
      forwardedAt = Date.now();
      child.kill(signal);
    });
  }
  child.on('error', (err) => {
    console.error(`qrdesk: could not start ${child.spawnfile}: ${err.message}`);
    process.exit(1);
  });
  // 'close', not 'exit': the child's last output has been passed on by then.
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Opens `url` in the default browser, quietly; nothing happens where that is not possible. */
function openBrowser(url) {
  const env = process.env;
  if (env.QRDESK_NO_OPEN || env.BROWSER === 'none' || env.CI || !hasDisplay()) return;
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  try {
    const opener = spawn(command, args, { stdio: 'ignore', detached: true });
    opener.on('error', () => undefined); // no xdg-open: the URL is printed anyway
    opener.unref();
  } catch {
    // as above
  }
}

const electron = findElectronBinary();
const noDisplay = !hasDisplay();
if (electron.path && !noDisplay) {
  follow(spawn(electron.path, [root, ...passArgs], { cwd: root, stdio: 'inherit' }));
} else {
  const why = electron.path ? 'there is no display to show the desktop app on' : electron.reason;
  console.error(`qrdesk: ${why}; starting browser mode instead (open the URL printed below).`);
  const child = spawn(process.execPath, [path.join(root, 'bin', 'qrdesk.cjs'), 'serve', ...passArgs], {
    cwd: root,
    stdio: ['inherit', 'inherit', 'pipe'],
    // Its own process group: a Ctrl+C in the terminal reaches it once, through us, not also directly.
    detached: process.platform !== 'win32',
  });
  // The server's banner goes on to our stderr as it comes; its "Open the UI" URL opens the browser.
  let banner = '';
  let opened = false;
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    process.stderr.write(chunk);
    if (opened) return;
    banner += chunk;
    const url = /^Open the UI[^:]*: (http:\/\/\S+)$/m.exec(banner)?.[1];
    if (url) {
      opened = true;
      openBrowser(url);
    }
  });
  follow(child);
}
