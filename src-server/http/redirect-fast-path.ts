import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Lifecycle } from './base-app';
import { logRequest } from './middleware/access-log';
import { requestIdFor } from './middleware/request-id';
import { SECURITY_HEADERS } from './middleware/security-headers';
import type { Answer, RedirectCore } from './routes/redirects';

/** `/r/<token>`, optionally with a query; anything else (encoded, trailing slash, other case) is Koa's. */
const REDIRECT_PATH = /^\/r\/([A-Za-z0-9_-]{1,64})(?:\?|$)/;

export interface FastPathStats {
  /** Requests answered here, in front of Koa (GET and HEAD of open URL codes, failures included). */
  answered: number;
}

/**
 * The busiest request qrdesk serves, answered without building a Koa context:
 * `GET/HEAD /r/:token` of an active URL code with no password. It sits in front
 * of the public Koa app and does exactly what the Koa route does, through the
 * same functions (RedirectCore: lookup, state, capture, group-committed record,
 * the 302 itself) and the same pieces of the shared stack (request id, security
 * headers, access log line, Connection: close while stopping); every other
 * request, and any such request that is not the common case, goes to Koa
 * untouched. Returns whether it took the request.
 */
export function redirectFastPath(
  core: RedirectCore,
  options: { lifecycle: Lifecycle; stats: FastPathStats },
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { logger } = core;
  const { lifecycle, stats } = options;

  const send = (req: IncomingMessage, res: ServerResponse, requestId: string, started: number, answer: Answer) => {
    // The headers in the order the Koa stack sets them: request id, security headers, the answer's own.
    const headers: OutgoingHttpHeaders = { 'X-Request-Id': requestId, ...SECURITY_HEADERS };
    for (const [name, value] of answer.headers) headers[name] = value;
    headers['Content-Length'] = Buffer.byteLength(answer.body);
    // As base-app does: while shutting down, answer in-flight requests, then let their connections go.
    if (lifecycle.stopping) headers['Connection'] = 'close';
    res.writeHead(answer.status, headers);
    if (req.method === 'HEAD') res.end();
    else res.end(answer.body);
    stats.answered += 1;
    logRequest(logger, 'public', {
      requestId,
      method: req.method!,
      path: req.url!.split('?', 1)[0]!,
      status: answer.status,
      started,
    });
  };

  return (req, res) => {
    const method = req.method;
    if (method !== 'GET' && method !== 'HEAD') return false;
    const match = REDIRECT_PATH.exec(req.url ?? '');
    if (!match) return false;
    const started = performance.now();
    const row = core.find(match[1]!);
    // Password-protected codes (cookies, the form), hosted pages, every refusal: Koa's.
    if (!row || row.type !== 'url' || row.password_hash !== null) return false;
    if (core.stateOf(row, () => undefined) !== 'open') return false;
    const requestId = requestIdFor(req.headers['x-request-id'] as string | undefined);
    if (method === 'HEAD') {
      send(req, res, requestId, started, core.urlAnswer(row, req.headers.accept));
      return true;
    }
    let recorded: Promise<void>;
    try {
      recorded = core.recordScan(req, row);
    } catch {
      // Nothing was queued: Koa runs the route again and answers (or reports) as it always does.
      return false;
    }
    recorded
      .then(
        () => send(req, res, requestId, started, core.urlAnswer(row, req.headers.accept)),
        (err: unknown) =>
          send(req, res, requestId, started, core.scanFailed(err, requestId, req.headers['accept-language'])),
      )
      .catch((err: unknown) => {
        // Writing the answer failed (the scan itself is committed): log it and drop the connection.
        logger.error({ err, requestId }, 'unhandled error');
        res.destroy();
      });
    return true;
  };
}
