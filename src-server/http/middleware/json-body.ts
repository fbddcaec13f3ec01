import getRawBody from 'raw-body';
import typeis from 'type-is';
import { AppError } from '../../errors';
import type { AppContext } from '../context';

/** Large enough for any JSON document the API takes; uploads get their own limit. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/** Far deeper than any body the API takes (a bulk item's gradient stops are 6 levels down). */
export const JSON_MAX_DEPTH = 64;

/**
 * Whether valid JSON text nests arrays and objects deeper than `max`. Such a
 * document parses, but JSON.stringify (idempotency fingerprints, storage)
 * recurses and would overflow the stack on it: refuse it up front.
 */
export function jsonNestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character; an unescaped quote ends the string.
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

const hasBody = (ctx: AppContext): boolean =>
  ctx.req.headers['transfer-encoding'] !== undefined || Number(ctx.req.headers['content-length'] ?? 0) > 0;

/**
 * Reads a JSON request body, refusing anything else: 415 for another content
 * type, 413 past the limit (checked against Content-Length before reading),
 * 400 INVALID_BODY for text that is not JSON. Returns undefined for no body.
 */
export async function readJsonBody(ctx: AppContext, limit = JSON_BODY_LIMIT): Promise<unknown> {
  if (!hasBody(ctx)) return undefined;
  const length = ctx.req.headers['content-length'];
  if (length !== undefined && Number(length) > limit) {
    throw new AppError('PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes.`);
  }
  if (!typeis(ctx.req, ['application/json', '+json'])) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send the request body as JSON with "Content-Type: application/json".',
    );
  }
  const charset = /;\s*charset="?([^";\s]+)/i.exec(ctx.get('content-type'))?.[1];
  if (charset && !['utf-8', 'utf8'].includes(charset.toLowerCase())) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'JSON bodies must be UTF-8.');
  }
  let raw: Buffer;
  try {
    raw = await getRawBody(ctx.req, {
      limit,
      length: length === undefined ? undefined : Number(length),
    });
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large')
      throw new AppError('PAYLOAD_TOO_LARGE', `The request body is over ${limit} bytes.`);
    throw new AppError('INVALID_BODY', 'The request body could not be read completely.');
  }
  let text: string;
  try {
    // fatal: bytes that are not UTF-8 are refused, not silently turned into U+FFFD and stored.
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new AppError('INVALID_BODY', 'The request body is not valid UTF-8.');
  }
  // A chunked request may still turn out to carry nothing: treat it as no body.
  if (text.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new AppError('INVALID_BODY', 'The request body is not valid JSON.');
  }
  if (jsonNestedDeeperThan(text, JSON_MAX_DEPTH)) {
    throw new AppError('INVALID_BODY', `The request body nests arrays and objects more than ${JSON_MAX_DEPTH} deep.`);
  }
  return value;
}
