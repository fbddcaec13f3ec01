// `npm start`: build, then open the desktop app. Where the Electron binary is
// missing (it cannot be downloaded on every machine), say so in one line and
// run the same server in browser mode instead.
import { execSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

execSync('node scripts/build-server.mjs && npx electron-vite build', { stdio: 'inherit' });

// Find the binary without require('electron'): that would try to download it
// again here and print a long stack trace when the download host is unreachable.
function findElectron() {
  const pkgDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : 'electron';
  const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(pkgDir, 'dist');
  const full = path.join(dist, relative);
  return fs.existsSync(full) ? full : undefined;
}
const electronPath = findElectron();
const passArgs = process.argv.slice(2);
if (electronPath) {
  const child = spawn(electronPath, ['.', ...passArgs], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.error(
    'qrdesk: the Electron binary is not installed here; starting browser mode (open the URL printed below).',
  );
  const child = spawn(process.execPath, ['bin/qrdesk.cjs', 'serve', ...passArgs], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}
