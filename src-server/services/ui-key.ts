import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import type { ApiKeyService } from './api-keys';

export const UI_KEY_FILE = 'ui-key';

/**
 * The key the UI uses, kept in `DATA_DIR/ui-key` (mode 0600) so the browser
 * URL printed at each start keeps working. Like the OS keychain on the desktop,
 * the file is readable by this user only; the database holds only its hash.
 * A missing, revoked or expired key is replaced by a new admin key.
 */
export function ensureUiKey(dataDir: string, apiKeys: ApiKeyService): { key: string; created: boolean } {
  const file = path.join(dataDir, UI_KEY_FILE);
  if (fs.existsSync(file)) {
    const key = fs.readFileSync(file, 'utf8').trim();
    try {
      if (apiKeys.verify(key).kind === 'ui') return { key, created: false };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
    }
  }
  apiKeys.revokeUiKeys();
  const created = apiKeys.create(
    { name: 'qrdesk UI', scopes: ['admin'], rateLimitPerMinute: 10_000, dailyLimit: null, expiresAt: null },
    { kind: 'ui' },
  );
  fs.writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return { key: created.key, created: true };
}
