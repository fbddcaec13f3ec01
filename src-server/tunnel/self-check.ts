import http from 'node:http';
import https from 'node:https';
import { APP_NAME, APP_VERSION } from '../version';

export interface HttpGetResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, cut at 64 KiB. */
  body: string;
}

export interface HttpGetOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

/** One GET, no redirects followed, no connection reuse. Injectable so tests can route hostnames to loopback. */
export type HttpGet = (url: string, options: HttpGetOptions) => Promise<HttpGetResult>;

const MAX_BODY = 64 * 1024;

/**
 * GET `url` with node:http(s). `connectTo` dials another address while the
 * request keeps the URL's Host (and TLS name): how a test reaches
 * `http://abc.localhost` on a tunnel server's loopback port.
 */
export function httpGet(
  url: string,
  options: HttpGetOptions & { connectTo?: { host: string; port: number } },
): Promise<HttpGetResult> {
  const u = new URL(url);
  const secure = u.protocol === 'https:';
  const hostname = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      {
        host: options.connectTo?.host ?? hostname,
        port: options.connectTo?.port ?? (u.port || (secure ? 443 : 80)),
        path: `${u.pathname}${u.search}`,
        method: 'GET',
        headers: { Host: u.host, 'User-Agent': `qrdesk-tunnel-check/${APP_VERSION}`, Accept: 'application/json' },
        agent: false,
        signal: options.signal,
        ...(secure ? { servername: hostname } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY) return;
          chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_BODY),
          });
        });
        res.on('error', (err) => {
          clearTimeout(timer);
          reject(err);
        });
      },
    );
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${Math.round(options.timeoutMs / 1000)} s`)),
      options.timeoutMs,
    );
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

export interface CheckResult {
  ok: boolean;
  status: number | null;
  message: string | null;
  /** The URL reaches qrdesk's API listener: the tunnel must be stopped. */
  apiExposed: boolean;
}

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
};

/** Our API listener answered (its auth, its Host guard, or worse, a 200 from /auth/verify). */
function isApiAnswer(res: HttpGetResult): boolean {
  const body = parse(res.body) as { error?: { code?: unknown }; scopes?: unknown } | undefined;
  if (res.status === 200) return Array.isArray(body?.scopes);
  const code = body?.error?.code;
  return (
    (res.status === 401 || res.status === 403) &&
    typeof code === 'string' &&
    ['UNAUTHORIZED', 'INVALID_API_KEY', 'API_KEY_REVOKED', 'API_KEY_EXPIRED', 'FORBIDDEN'].includes(code)
  );
}

const shortError = (err: unknown): string => {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown } };
  const text = (typeof e?.code === 'string' && e.code) || (typeof e?.message === 'string' && e.message) || String(err);
  return text.replace(/\s+/g, ' ').slice(0, 200);
};

/**
 * Fetches `<publicUrl>/health` through the tunnel and checks that it is this
 * app answering, then asks for `/api/v1/auth/verify`: the public listener
 * answers 404, so any answer of the API listener means the tunnel (or the
 * proxy behind a custom domain) forwards to the wrong port.
 */
export async function checkPublicUrl(publicUrl: string, get: HttpGet, timeoutMs: number): Promise<CheckResult> {
  let health: HttpGetResult;
  try {
    health = await get(`${publicUrl}/health`, { timeoutMs });
  } catch (err) {
    return {
      ok: false,
      status: null,
      message: `${publicUrl}/health is not reachable: ${shortError(err)}`,
      apiExposed: false,
    };
  }
  const api = await get(`${publicUrl}/api/v1/auth/verify`, { timeoutMs }).catch(() => undefined);
  if (api && isApiAnswer(api)) {
    return {
      ok: false,
      status: health.status,
      message:
        `${publicUrl} reaches qrdesk's API listener: the tunnel must forward to the public listener only ` +
        '(it answers nothing but /r/<token> and /health). The tunnel was stopped.',
      apiExposed: true,
    };
  }
  if (health.status !== 200) {
    return {
      ok: false,
      status: health.status,
      message: `${publicUrl}/health answered HTTP ${health.status}`,
      apiExposed: false,
    };
  }
  const body = parse(health.body) as { app?: unknown } | undefined;
  if (body?.app !== APP_NAME) {
    return {
      ok: false,
      status: health.status,
      message: `${publicUrl}/health answered, but not as qrdesk: something else is behind this URL`,
      apiExposed: false,
    };
  }
  return { ok: true, status: 200, message: null, apiExposed: false };
}
