import { Health } from '../../../src-shared/schemas/common';
import { APP_NAME, APP_VERSION } from '../../version';
import { defineRoute, type Route } from '../route';

export const healthRoute: Route = defineRoute({
  method: 'get',
  path: '/health',
  operationId: 'getHealth',
  summary: 'Liveness check',
  description: 'Needs no key. Answered on both the API and the public listener.',
  tag: 'Server',
  auth: 'none',
  success: { status: 200, description: 'The server is up', schema: Health },
  handler: () => ({ body: { app: APP_NAME, version: APP_VERSION }, headers: { 'Cache-Control': 'no-store' } }),
});
