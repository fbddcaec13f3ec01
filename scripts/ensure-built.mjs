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
if (newest(['src-renderer', 'src-main', 'electron.vite.config.ts', ...shared]) > builtAt('out/renderer/index.html')) {
  run('npx electron-vite build');
}
