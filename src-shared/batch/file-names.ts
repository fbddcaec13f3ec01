import { safeFileName } from '../file-names';

/**
 * File-name patterns for batch outputs, e.g. `{seq:05}-{name}`:
 *
 * - `{seq}` the row's serial number; `{seq:05}` zero-padded to 5 digits
 * - `{row}` the 1-based data row of the source
 * - `{name}` the code's name; `{column:sku}` any source column by header
 * - anything else is literal text
 *
 * Every value is made safe on its own (no separators, no reserved names),
 * so no CSV cell can steer a file outside the output folder.
 */
export interface FileNameValues {
  seq: number;
  row: number;
  name: string;
  columns: Readonly<Record<string, string>>;
}

const TOKEN = /\{(seq|row|name|column:[^{}]+)(?::(\d{1,2}))?\}/g;

export class FileNamePatternError extends Error {}

/** Checks a pattern before a batch runs: braces must name a known placeholder. */
export function checkFileNamePattern(pattern: string, headers: readonly string[] | null): string | null {
  if (pattern.trim() === '') return 'The file-name pattern is empty';
  if (pattern.length > 200) return 'The file-name pattern is over 200 characters';
  const stripped = pattern.replace(TOKEN, '');
  if (/[{}]/.test(stripped)) {
    return 'Unknown placeholder in the file-name pattern; use {seq}, {seq:05}, {row}, {name} or {column:Header}';
  }
  if (headers) {
    for (const m of pattern.matchAll(TOKEN)) {
      const column = m[1]!.startsWith('column:') ? m[1]!.slice('column:'.length) : null;
      if (column !== null && !headers.includes(column))
        return `The file-name pattern names a column "${column}" the file does not have`;
    }
  }
  return null;
}

/** The pattern filled in for one item, without the extension (sanitised, never empty). */
export function fileNameFor(pattern: string, values: FileNameValues): string {
  const filled = pattern.replace(TOKEN, (_, key: string, pad: string | undefined) => {
    let value: string;
    if (key === 'seq') value = String(values.seq);
    else if (key === 'row') value = String(values.row);
    else if (key === 'name') value = values.name;
    else value = values.columns[key.slice('column:'.length)] ?? '';
    if (pad && /^-?\d+$/.test(value))
      value = value.replace(
        /^(-?)(\d+)$/,
        (_m, sign: string, digits: string) => sign + digits.padStart(Number(pad), '0'),
      );
    // Each value alone: a "/" inside a CSV cell is data, not a folder.
    return safeFileName(value, '_');
  });
  return safeFileName(filled, `code-${values.seq}`);
}

/**
 * Hands out unique names: a repeat gets " (2)", " (3)", ... before the
 * extension. Case-insensitive, as Windows and macOS compare names.
 */
export class UniqueNames {
  private readonly taken = new Set<string>();

  claim(base: string, extension: string): string {
    let name = `${base}.${extension}`;
    for (let n = 2; this.taken.has(name.toLowerCase()); n++) name = `${base} (${n}).${extension}`;
    this.taken.add(name.toLowerCase());
    return name;
  }
}
