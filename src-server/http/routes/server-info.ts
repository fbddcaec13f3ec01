import { ServerInfo } from '../../../src-shared/schemas/server-info';
import { defineRoute, type Route } from '../route';

/** What the running server knows about itself, for the UI's About and Developers pages. */
export function serverInfoRoute(info: () => ServerInfo): Route {
  return defineRoute({
    method: 'get',
    path: '/api/v1/server',
    operationId: 'getServerInfo',
    summary: 'About this server',
    description: 'Version, data directory, listeners and runtime; the same facts server.json holds, and a few more.',
    tag: 'Server',
    auth: 'admin',
    success: { status: 200, description: 'The server', schema: ServerInfo },
    handler: () => ({ body: info(), headers: { 'Cache-Control': 'no-store' } }),
  });
}
