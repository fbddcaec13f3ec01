import fs from 'node:fs';
import path from 'node:path';

/** The credentials the tunnel providers need. Never logged, never returned by the API. */
export const SECRET_NAMES = ['cloudflaredToken', 'ngrokAuthtoken'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/**
 * Where tunnel credentials are kept. Headless, a 0600 file in the data folder
 * (FileSecretStore); on the desktop the Electron shell passes a store backed by
 * the OS keychain through Electron's safeStorage (src-main/secret-store.ts).
 */
export interface SecretStore {
  /** What keeps the secrets, for logs and diagnostics: e.g. `file` or `safeStorage`. */
  readonly kind: string;
  get(name: SecretName): string | undefined;
  set(name: SecretName, value: string): void;
  delete(name: SecretName): void;
}

export const SECRETS_FILE = 'tunnel-secrets.json';

/**
 * Writes `text` to `file` so that a reader sees the old content or the new one,
 * never a half-written file, and nobody but the owner can read it (0600 from
 * the first byte: the temporary file is created with that mode).
 */
export function writeFileAtomic0600(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    fs.chmodSync(tmp, 0o600);
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

interface SecretsFile {
  version: 1;
  secrets: Partial<Record<SecretName, string>>;
}

/** Reads a secrets file written by writeSecretsFile; a missing or unreadable file holds nothing. */
export function readSecretsFile(file: string): Partial<Record<SecretName, string>> {
  let text: string;
  try {
    // Someone widened the mode by hand: narrow it again before reading.
    if ((fs.statSync(file).mode & 0o077) !== 0 && process.platform !== 'win32') fs.chmodSync(file, 0o600);
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(text) as Partial<SecretsFile>;
    const out: Partial<Record<SecretName, string>> = {};
    for (const name of SECRET_NAMES) {
      const value = parsed.secrets?.[name];
      if (typeof value === 'string') out[name] = value;
    }
    return out;
  } catch {
    return {};
  }
}

export function writeSecretsFile(file: string, secrets: Partial<Record<SecretName, string>>): void {
  const body: SecretsFile = { version: 1, secrets };
  writeFileAtomic0600(file, `${JSON.stringify(body, null, 2)}\n`);
}

/** Secrets in `DATA_DIR/tunnel-secrets.json`, mode 0600, replaced atomically on every change. */
export class FileSecretStore implements SecretStore {
  readonly kind = 'file';
  readonly file: string;
  private cache: Partial<Record<SecretName, string>> | undefined;

  constructor(dataDir: string) {
    this.file = path.join(dataDir, SECRETS_FILE);
  }

  private all(): Partial<Record<SecretName, string>> {
    this.cache ??= readSecretsFile(this.file);
    return this.cache;
  }

  get(name: SecretName): string | undefined {
    return this.all()[name];
  }

  set(name: SecretName, value: string): void {
    const next = { ...this.all(), [name]: value };
    writeSecretsFile(this.file, next);
    this.cache = next;
  }

  delete(name: SecretName): void {
    if (this.all()[name] === undefined) return;
    const next = { ...this.all() };
    delete next[name];
    writeSecretsFile(this.file, next);
    this.cache = next;
  }
}
