import path from 'node:path';
import { safeFileName } from '../../src-shared/file-names';
import { MAX_SAVE_BYTES } from '../bridge';

export { MAX_SAVE_BYTES };

export interface SaveRequest {
  /** The name offered in the dialog: one plain file name, never a path. */
  name: string;
  bytes: Uint8Array;
}

export class SaveRequestError extends Error {
  override name = 'SaveRequestError';
}

/**
 * Checks what the renderer sent: a name (reduced to a plain file name valid on
 * every OS; separators, `..`, controls and reserved names cannot survive) and
 * the bytes, no more than MAX_SAVE_BYTES.
 */
export function validateSaveRequest(name: unknown, bytes: unknown): SaveRequest {
  if (!(bytes instanceof Uint8Array)) throw new SaveRequestError('the file must be bytes');
  if (bytes.byteLength > MAX_SAVE_BYTES) {
    throw new SaveRequestError(`the file is over ${MAX_SAVE_BYTES / 1024 / 1024} MB`);
  }
  return { name: suggestedFileName(name), bytes };
}

/** A plain file name for the dialog to suggest, from whatever the renderer sent. */
export function suggestedFileName(name: unknown): string {
  const text = typeof name === 'string' ? name.slice(0, 1000) : '';
  // Only the last path segment counts: "../../.bashrc" suggests "bashrc" (leading dots go too), never a folder.
  const base = text.split(/[\\/]/).pop() ?? '';
  // Bidirectional and zero-width marks would let "gnp.exe" read as "exe.png" in the dialog.
  return safeFileName(base.replace(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, ''), 'qrdesk-export', 150);
}

const TYPES: Record<string, string> = {
  png: 'PNG image',
  jpg: 'JPEG image',
  jpeg: 'JPEG image',
  webp: 'WebP image',
  svg: 'SVG image',
  pdf: 'PDF document',
  eps: 'EPS file',
  zip: 'ZIP archive',
  csv: 'CSV file',
  json: 'JSON file',
};

/** The save dialog's type filters: the file's own type first, then any file. */
export function saveDialogFilters(name: string): { name: string; extensions: string[] }[] {
  const ext = path.extname(name).slice(1).toLowerCase();
  const label = TYPES[ext];
  const all = { name: 'All files', extensions: ['*'] };
  return label ? [{ name: label, extensions: [ext] }, all] : [all];
}

/**
 * The path the dialog returned, if it is one the app may write: absolute, and
 * not a folder name. The dialog is the user's choice; this only refuses what
 * a dialog would never return.
 */
export function dialogTarget(chosen: unknown): string | null {
  if (typeof chosen !== 'string' || chosen === '' || chosen.includes('\0')) return null;
  if (!path.isAbsolute(chosen) || /[\\/]$/.test(chosen)) return null;
  return path.normalize(chosen);
}

/**
 * The files saved through the dialog in this session: the only paths
 * "Show in folder" will reveal (the renderer cannot name any other).
 */
export class SavedFiles {
  private readonly paths = new Set<string>();
  private readonly limit: number;

  constructor(limit = 100) {
    this.limit = limit;
  }

  add(file: string): void {
    this.paths.delete(file);
    this.paths.add(file);
    if (this.paths.size > this.limit) this.paths.delete(this.paths.values().next().value!);
  }

  has(file: unknown): file is string {
    return typeof file === 'string' && this.paths.has(file);
  }
}
