import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppMiddleware } from '../context';

/**
 * How much of a body left unread is still read, and thrown away, after the
 * answer: a small rest (a body refused before it had fully arrived) keeps
 * the connection usable for the client's next request; past this, the server
 * stops reading.
 */
export const UNREAD_BODY_BUDGET = 8 * 1024 * 1024;

/**
 * How long after the answer such a connection may stay open with its body
 * still unfinished: long enough for the client to read the answer before the
 * connection is reset (a reset makes the client's TCP stack drop what it has
 * not read yet), short enough that a refused upload costs nothing.
 */
export const UNREAD_BODY_LINGER_MS = 2_000;

/**
 * For a request answered before its body was read (413 over the limit, 401
 * without a key, 415, a multipart part refused half-way): reads and discards
 * at most UNREAD_BODY_BUDGET more of it, then stops reading, and closes the
 * connection if the body has not ended UNREAD_BODY_LINGER_MS after the answer.
 * Without this Node either reads the rest of the body however large it is, to
 * reuse the connection, or (once a reader has paused it) holds the connection
 * until the request timeout.
 */
export function closeAfterAnswer(req: IncomingMessage, res: ServerResponse): void {
  req.unpipe();
  req.removeAllListeners('data');
  // read(0) marks the request as consumed, so Node does not drain ("dump") all of it after the answer.
  req.read(0);
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    // Paused, at most a socket buffer more arrives before TCP holds the client back.
    if (discarded > UNREAD_BODY_BUDGET) req.pause();
  });
  req.resume();
  // When the answer is the connection's last (the client sent Connection: close), Node destroys the
  // socket as soon as the answer is handed to the kernel; with request bytes still unread that sends a
  // reset, which drops whatever of the answer the client has not read yet (a large answer arrives cut
  // short; the API fuzz test found this). Half-close instead and let the linger below end it.
  req.socket.destroySoon = function (this: typeof req.socket) {
    this.end();
  };
  const linger = () => {
    if (req.complete) return;
    const timer = setTimeout(() => {
      if (!req.complete) req.socket.destroy();
    }, UNREAD_BODY_LINGER_MS);
    timer.unref();
    const clear = () => clearTimeout(timer);
    req.once('end', clear);
    req.socket.once('close', clear);
  };
  if (res.writableFinished) linger();
  else res.once('finish', linger);
}

/** closeAfterAnswer for every Koa request that is answered with its body not fully received. */
export const unreadBody: AppMiddleware = async (ctx, next) => {
  try {
    await next();
  } finally {
    if (!ctx.req.complete) closeAfterAnswer(ctx.req, ctx.res);
  }
};
