import { TunnelStatus, UpdateTunnelInput } from '../../../src-shared/schemas/tunnel';
import type { TunnelManager } from '../../tunnel/manager';
import { defineRoute, type Route } from '../route';

const TAG = 'Tunnel';

export function tunnelRoutes(tunnel: TunnelManager): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/tunnel',
      operationId: 'getTunnel',
      summary: 'Get the tunnel status and settings',
      description:
        'The state, the public URL, the last self-check (`<publicUrl>/health` fetched through the tunnel), ' +
        'warnings (a hostname that changes at every start, dynamic codes that encode another base URL) and the ' +
        'settings. Credentials are never shown: only whether one is stored.',
      tag: TAG,
      auth: 'read',
      success: { status: 200, description: 'The tunnel', schema: TunnelStatus },
      handler: () => ({ body: tunnel.status(), headers: { 'Cache-Control': 'no-store' } }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/tunnel',
      operationId: 'updateTunnel',
      summary: 'Change the tunnel settings',
      description:
        'Choosing a provider also sets `trustProxy` (`cloudflare` for cloudflared, `x-forwarded-for` for ngrok, ' +
        'localtunnel and a custom domain). Credentials are write-only; null removes one. A running tunnel ' +
        'restarts with the new settings.',
      tag: TAG,
      auth: 'admin',
      body: UpdateTunnelInput,
      success: { status: 200, description: 'The tunnel', schema: TunnelStatus },
      handler: async ({ body }) => ({ body: await tunnel.update(body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tunnel/start',
      operationId: 'startTunnel',
      summary: 'Start the tunnel',
      description:
        'Waits for the first attempt (up to about 20 s) and answers the status: `up`, or `down` (retrying with ' +
        'backoff) or `error` with a message. Starting a running tunnel answers its status.',
      tag: TAG,
      auth: 'admin',
      success: { status: 200, description: 'The tunnel', schema: TunnelStatus },
      errors: ['CONFLICT'],
      handler: async () => ({ body: await tunnel.start() }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/tunnel/stop',
      operationId: 'stopTunnel',
      summary: 'Stop the tunnel',
      description: 'Disconnects and stops any process the tunnel started. Stopping a stopped tunnel is a no-op.',
      tag: TAG,
      auth: 'admin',
      success: { status: 200, description: 'The tunnel', schema: TunnelStatus },
      handler: async () => ({ body: await tunnel.stop() }),
    }),
  ];
}
