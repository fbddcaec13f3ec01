import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const SECRET_FILE = 'secret';

/**
 * 32 random bytes private to this installation, in `DATA_DIR/secret` (mode
 * 0600), made on first start. Kept out of the database so that a copy of the
 * database alone (a backup, say) cannot be used to test guesses.
 */
export function installSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, SECRET_FILE);
  try {
    const existing = fs.readFileSync(file);
    if (existing.length === 32) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const secret = randomBytes(32);
  fs.writeFileSync(file, secret, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return secret;
}
