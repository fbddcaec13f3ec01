import fs from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { defaultDataDir } from '../paths';

/** Parses a TCP port argument (0 = any free port). */
export function parsePort(value: string): number {
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new InvalidArgumentError('must be a port number from 0 to 65535.');
  }
  return Number(value);
}

export function parsePositiveInt(value: string): number {
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1)
    throw new InvalidArgumentError('must be a whole number of 1 or more.');
  return Number(value);
}

/** Flag, then environment (an empty QRDESK_DATA_DIR counts as unset), then the platform default. */
export const resolveDataDir = (flag: string | undefined): string =>
  path.resolve(flag ?? (process.env.QRDESK_DATA_DIR || defaultDataDir()));

/** A problem the user can fix that is not a malformed flag value: shown as one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Resolves the data folder and creates it (mode 0700) when missing, as the first `serve` would. */
export function ensureDataDir(flag: string | undefined): string {
  const dir = resolveDataDir(flag);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? 'a file is in the way (it must be a folder)'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : String((err as Error).message ?? err);
    throw new CliError(`qrdesk: cannot use ${dir} as the data folder: ${why}. Choose another with --data-dir.`);
  }
  return dir;
}

export function envPort(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return parsePort(raw);
  } catch {
    throw new InvalidArgumentError(`${name} must be a port number from 0 to 65535 (got ${JSON.stringify(raw)}).`);
  }
}
