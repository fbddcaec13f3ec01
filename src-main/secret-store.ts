import path from 'node:path';
import { safeStorage } from 'electron';
import {
  FileSecretStore,
  readSecretsFile,
  writeSecretsFile,
  type SecretName,
  type SecretStore,
} from '../src-server/tunnel/secrets';

/** The desktop's secrets file: each value encrypted by the OS keychain, base64, in a 0600 file. */
export const DESKTOP_SECRETS_FILE = 'tunnel-secrets.safe.json';

/**
 * Tunnel credentials encrypted with Electron's safeStorage: the key lives in
 * the macOS Keychain, Windows DPAPI, or the Secret Service / KWallet on Linux.
 * Only the ciphertext touches the disk.
 */
class SafeStorageSecretStore implements SecretStore {
  readonly kind = 'safeStorage';
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, DESKTOP_SECRETS_FILE);
  }

  get(name: SecretName): string | undefined {
    const sealed = readSecretsFile(this.file)[name];
    if (sealed === undefined) return undefined;
    try {
      return safeStorage.decryptString(Buffer.from(sealed, 'base64'));
    } catch {
      // Sealed by another user or machine: as good as absent.
      return undefined;
    }
  }

  set(name: SecretName, value: string): void {
    const all = readSecretsFile(this.file);
    all[name] = safeStorage.encryptString(value).toString('base64');
    writeSecretsFile(this.file, all);
  }

  delete(name: SecretName): void {
    const all = readSecretsFile(this.file);
    if (all[name] === undefined) return;
    delete all[name];
    writeSecretsFile(this.file, all);
  }
}

/**
 * The secret store for the desktop app (call after `app.whenReady()`): the OS
 * keychain through safeStorage when it really encrypts; otherwise (Linux with
 * no keyring, where safeStorage falls back to a fixed key) the same 0600 file
 * as headless, which is no weaker.
 */
export function desktopSecretStore(dataDir: string): SecretStore {
  const real =
    safeStorage.isEncryptionAvailable() &&
    (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
  return real ? new SafeStorageSecretStore(dataDir) : new FileSecretStore(dataDir);
}
