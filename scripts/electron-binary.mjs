// Finds the Electron binary the way the `electron` package would, without
// require('electron'): that call downloads the binary when it is missing, and
// where the download host cannot be reached it ends in a long stack trace.
// Used by `npm start` (scripts/start.mjs) and the Electron end-to-end test.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The executable inside Electron's dist folder, per platform (as the electron package's install.js names it). */
export function electronPlatformPath(platform = process.platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron';
  if (platform === 'win32') return 'electron.exe';
  return 'electron';
}

/**
 * `{ path }` of a usable Electron binary, or `{ reason }`: one sentence saying
 * why there is none. ELECTRON_OVERRIDE_DIST_PATH is honoured as the electron
 * package honours it.
 */
export function findElectronBinary({ env = process.env, platform = process.platform, from = import.meta.url } = {}) {
  let pkgDir;
  try {
    pkgDir = path.dirname(createRequire(from).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm install)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile)
    ? fs.readFileSync(pathFile, 'utf8').trim() || electronPlatformPath(platform)
    : electronPlatformPath(platform);
  const dist = env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkgDir, 'dist');
  const full = path.join(dist, relative);
  if (!fs.existsSync(full)) {
    const shown = path.relative(process.cwd(), full);
    return {
      reason: `the Electron binary is not installed (${shown.startsWith('..') ? full : shown} is missing: npm could not download it on this machine)`,
    };
  }
  return { path: full };
}

/** Whether a graphical session is there to show a window in (Linux and the BSDs need X11 or Wayland). */
export function hasDisplay(env = process.env, platform = process.platform) {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}
