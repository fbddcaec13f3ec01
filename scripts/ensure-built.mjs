// Rebuilds only what is older than its sources, so `npm run serve` starts in
// well under a second once built, yet never runs stale code.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const newest = (paths) => {
  let latest = 0;
  const visit = (p) => {
    if (!fs.existsSync(p)) return;
    const stat = fs.statSync(p);
    if (stat.isDirectory()) for (const entry of fs.readdirSync(p)) visit(path.join(p, entry));
    else latest = Math.max(latest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return latest;
};
const builtAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const run = (cmd) => execSync(cmd, { stdio: 'inherit' });

const shared = ['src-shared', 'package.json', 'package-lock.json'];
if (newest(['src-server', ...shared]) > builtAt('dist-server/cli.js')) run('node scripts/build-server.mjs');
// One electron-vite build writes the UI, and the desktop app's main process (which bundles the
// server) and preload; `npm start` (--desktop) needs all three fresh, `npm run serve` the UI.
const desktop = process.argv.includes('--desktop');
const uiBuiltAt = builtAt('out/renderer/index.html');
const desktopBuiltAt = Math.min(uiBuiltAt, builtAt('out/main/index.js'), builtAt('out/preload/index.cjs'));
if (
  newest(['src-renderer', 'src-main', 'electron.vite.config.ts', ...shared]) > uiBuiltAt ||
  (desktop && newest(['src-renderer', 'src-main', 'src-server', 'electron.vite.config.ts', ...shared]) > desktopBuiltAt)
) {
  run('npx electron-vite build');
}
