// `npm start`: build, then open the desktop app. Where the Electron binary is
// missing (it cannot be downloaded on every machine), say so in one line and
// run the same server in browser mode instead.
import { execSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';

execSync('node scripts/build-server.mjs && npx electron-vite build', { stdio: 'inherit' });

let electronPath;
try {
  // The electron package exports the binary's path, and throws if the binary was never downloaded.
  electronPath = createRequire(import.meta.url)('electron');
} catch {
  electronPath = undefined;
}
const passArgs = process.argv.slice(2);
if (typeof electronPath === 'string' && fs.existsSync(electronPath)) {
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
