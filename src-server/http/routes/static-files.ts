import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type Router from '@koa/router';
import { send } from '@koa/send';
import { UI_CSP } from '../../../src-shared/csp';
import { UI_SECTIONS } from '../../../src-shared/ui-sections';
import { notFound } from '../../errors';
import type { AppContext, AppState } from '../context';

// Swagger UI injects inline styles; everything else stays same-origin.
const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>qrdesk API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

// A file rather than an inline script, so the page runs under a CSP without 'unsafe-inline' scripts.
const DOCS_INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: false,
  validatorUrl: null,
});
`;

const UI_MISSING_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>qrdesk</title></head>
<body><h1>qrdesk</h1><p>The user interface has not been built. Run <code>npm run build</code>, or start the server with <code>npm run serve</code>, which builds it.</p>
<p>The API is running: see <a href="/docs">/docs</a>.</p></body></html>
`;

function swaggerUiDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
}

/** The UI's static files and the offline API reference page, on the API listener only. */
export function mountStaticFiles(router: Router<AppState>, uiDir: string): void {
  const swaggerDir = swaggerUiDir();
  const hasUi = () => fs.existsSync(path.join(uiDir, 'index.html'));

  const serveIndex = async (ctx: AppContext) => {
    ctx.set('Content-Security-Policy', UI_CSP);
    ctx.set('Cache-Control', 'no-cache');
    if (!hasUi()) {
      ctx.type = 'html';
      ctx.body = UI_MISSING_HTML;
      return;
    }
    await send(ctx, 'index.html', { root: uiDir });
  };
  router.get('/', serveIndex);
  // The UI routes in the browser: a reload or a bookmark of /library or /codes/abc/edit gets the same page.
  // The rest of the path is never read, so it cannot name a file.
  for (const section of UI_SECTIONS) router.get(`/${section}{/*rest}`, serveIndex);
  router.get('/assets/:file', async (ctx) => {
    // One plain file name: `..` (raw or %2e%2e), separators and hidden files never reach the disk.
    const file = ctx.params.file ?? '';
    if (file.startsWith('.') || /[\\/\0]/.test(file)) throw notFound('File');
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    await send(ctx, `assets/${file}`, { root: uiDir, index: false });
  });

  router.get('/docs', (ctx) => {
    ctx.set('Content-Security-Policy', DOCS_CSP);
    ctx.type = 'html';
    ctx.body = DOCS_HTML;
  });
  router.get('/docs/init.js', (ctx) => {
    ctx.type = 'application/javascript';
    ctx.body = DOCS_INIT;
  });
  for (const file of ['swagger-ui.css', 'swagger-ui-bundle.js']) {
    router.get(`/docs/${file}`, async (ctx) => {
      ctx.set('Cache-Control', 'public, max-age=86400');
      await send(ctx, file, { root: swaggerDir, index: false });
    });
  }
}
