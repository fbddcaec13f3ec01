import { AppError } from '../../errors';
import type { AppMiddleware } from '../context';

/**
 * Host and Origin checks for the API listener.
 *
 * The raw Host header must name this server (127.0.0.1, localhost or a
 * configured name, with our port): a DNS-rebinding page reaches us with its
 * own hostname in Host, so it is refused before anything else runs. A browser
 * Origin, when sent, must be the UI's own origin, and API calls that a browser
 * marks as coming from another site are refused too. No CORS headers are ever
 * sent, so foreign pages cannot read our responses either.
 */
export function hostOriginGuard(
  allowed: () => { hosts: ReadonlySet<string>; origins: ReadonlySet<string> },
): AppMiddleware {
  return async (ctx, next) => {
    const { hosts, origins } = allowed();
    // An absolute-form target (`GET http://other/ HTTP/1.1`) names its own authority, which would win over
    // Host; no browser sends one to an origin server, so refuse it rather than reason about which host is meant.
    if (!ctx.req.url?.startsWith('/')) {
      throw new AppError('FORBIDDEN', 'Only origin-form request targets ("/path") are accepted.');
    }
    const host = (ctx.req.headers.host ?? '').toLowerCase();
    if (!hosts.has(host)) {
      throw new AppError(
        'FORBIDDEN',
        'This Host is not allowed; use http://127.0.0.1:<port> or a name configured with --allowed-host.',
      );
    }
    const origin = ctx.req.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      throw new AppError('FORBIDDEN', 'Cross-origin requests are not allowed.');
    }
    const site = ctx.req.headers['sec-fetch-site'];
    if (ctx.path.startsWith('/api/') && (site === 'cross-site' || site === 'same-site')) {
      throw new AppError('FORBIDDEN', 'Cross-site requests are not allowed.');
    }
    await next();
  };
}
