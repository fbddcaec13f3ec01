import type { AppMiddleware } from '../context';

/** Headers that cost nothing and close whole classes of browser attacks. */
export const securityHeaders: AppMiddleware = async (ctx, next) => {
  ctx.set({
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Resource-Policy': 'same-origin',
  });
  await next();
};
