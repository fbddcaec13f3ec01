import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding qrdesk's package.json, found from wherever this module was bundled to. */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'package.json');
    if (fs.existsSync(candidate)) {
      try {
        if ((JSON.parse(fs.readFileSync(candidate, 'utf8')) as { name?: string }).name === 'qrdesk') return dir;
      } catch {
        // not ours; keep walking up
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('qrdesk: cannot find the package root');
    dir = parent;
  }
}

/**
 * Where data lives when no --data-dir or QRDESK_DATA_DIR is given: the same
 * folder Electron uses as userData, so the desktop app and `qrdesk serve`
 * share one library.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  const home = os.homedir();
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'qrdesk');
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'qrdesk');
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'qrdesk');
}

/**
 * Files shipped with the app: fonts, the geo database, label-sheet templates.
 * The packaged desktop app keeps them outside its asar archive and says where
 * with QRDESK_RESOURCES_DIR (set by src-main before the server starts; worker
 * threads inherit it).
 */
export const resourcesDir = (): string => process.env.QRDESK_RESOURCES_DIR || path.join(projectRoot(), 'resources');

/** The built UI that the API listener serves; QRDESK_UI_DIR serves another build (the one electron-vite wrote there). */
export const defaultUiDir = (): string => process.env.QRDESK_UI_DIR || path.join(projectRoot(), 'out', 'renderer');
