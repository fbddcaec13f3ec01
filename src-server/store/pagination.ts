import { AppError } from '../errors';

/** Position after which the next page starts, for lists ordered newest first. */
export interface PageCursor {
  createdAt: number;
  id: string;
}

/** Cursors are opaque to clients: base64url of a small JSON tuple. */
export function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(raw: string | undefined): PageCursor | undefined {
  if (raw === undefined) return undefined;
  const invalid = new AppError('INVALID_CURSOR', 'The cursor is malformed; use the nextCursor of a previous page.');
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(raw)) throw invalid;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    !Number.isSafeInteger(parsed[0]) ||
    typeof parsed[1] !== 'string' ||
    parsed[1].length === 0 ||
    parsed[1].length > 64
  ) {
    throw invalid;
  }
  return { createdAt: parsed[0] as number, id: parsed[1] };
}

/** Splits the `limit + 1` rows a store query returned into a page and its next cursor. */
export function toPage<T extends { created_at: number; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1]!;
  return { rows: page, nextCursor: encodeCursor({ createdAt: last.created_at, id: last.id }) };
}
