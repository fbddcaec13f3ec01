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

/** Flag, then environment, then the platform default. */
export const resolveDataDir = (flag: string | undefined): string =>
  flag ?? process.env.QRDESK_DATA_DIR ?? defaultDataDir();

export function envPort(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  try {
    return parsePort(raw);
  } catch {
    throw new InvalidArgumentError(`${name} must be a port number from 0 to 65535 (got "${raw}").`);
  }
}
