import { ERROR_CODES, type ErrorCode, type ErrorEnvelope } from '../../../src-shared/errors';

/** An error answered by the API (its envelope), or a network failure (status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | 'NETWORK_ERROR',
    message: string,
    readonly details: { path: string; message: string }[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The message for one field (`design.foregroundColor`), for showing next to that field. */
  fieldMessage(path: string): string | undefined {
    return this.details.find((d) => d.path === path)?.message;
  }
}

export type QueryValue = string | number | boolean | null | undefined;
export type Query = Record<string, QueryValue | QueryValue[]>;

export interface RequestOptions {
  query?: Query;
  /** A JSON body; or a Blob/FormData sent as is (uploads). */
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

interface Connection {
  baseUrl: string;
  key: string;
}

let connection: Connection | null = null;

/** Called once the key is known (preload, `#key=` or the sign-in form). */
export function connectApi(next: Connection | null): void {
  connection = next;
}

export function apiBaseUrl(): string {
  return connection?.baseUrl ?? window.location.origin;
}

/** An absolute URL of the API, with the query encoded (repeated keys for arrays; empty values left out). */
export function apiUrl(path: string, query?: Query): string {
  const url = new URL(path, apiBaseUrl());
  for (const [name, value] of Object.entries(query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null && v !== '') url.searchParams.append(name, String(v));
    }
  }
  return url.toString();
}

function isKnownCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && code in ERROR_CODES;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  if (!connection) throw new ApiError(0, 'UNAUTHORIZED', 'Not signed in.');
  const headers: Record<string, string> = { Authorization: `Bearer ${connection.key}`, ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob || options.body instanceof FormData) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, options.query), { method, headers, body, signal: options.signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'NETWORK_ERROR', 'The local server cannot be reached. Is qrdesk still running?');
  }
  if (res.ok) return res;
  const envelope = (await res.json().catch(() => null)) as ErrorEnvelope | null;
  const requestId = res.headers.get('X-Request-Id') ?? undefined;
  const error = envelope?.error;
  throw new ApiError(
    res.status,
    isKnownCode(error?.code) ? error.code : 'INTERNAL_ERROR',
    error?.message ?? `The server answered ${res.status}.`,
    error?.details ?? [],
    requestId,
  );
}

/** A JSON request; resolves to the parsed body (undefined for 204). */
export async function apiJson<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A file answer (image, CSV, ZIP) with the name the server suggested. */
export async function apiFile(
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<{ blob: Blob; fileName: string | null }> {
  const res = await send(method, path, options);
  const disposition = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="([^"]+)"/i.exec(disposition);
  const fileName = star?.[1] ? decodeURIComponent(star[1]) : (plain?.[1] ?? null);
  return { blob: await res.blob(), fileName };
}

/**
 * Server-sent events over fetch (EventSource cannot send the Authorization
 * header). Calls onEvent for each event until the stream ends or is aborted.
 */
export async function apiEvents(
  path: string,
  onEvent: (event: string, data: unknown) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await send('GET', path, { signal, headers: { Accept: 'text/event-stream' } });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}
