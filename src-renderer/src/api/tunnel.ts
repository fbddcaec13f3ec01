import type { TunnelStatus, UpdateTunnelInput } from '../../../src-shared/schemas/tunnel';
import { apiJson } from './http';

export const tunnelApi = {
  status: (signal?: AbortSignal) => apiJson<TunnelStatus>('GET', '/api/v1/tunnel', { signal }),
  /** Credentials are write-only: send one to set it, null to remove it, leave it out to keep it. */
  update: (input: UpdateTunnelInput) => apiJson<TunnelStatus>('PATCH', '/api/v1/tunnel', { body: input }),
  /** Waits for the first attempt (up to about 20 s). */
  start: () => apiJson<TunnelStatus>('POST', '/api/v1/tunnel/start'),
  stop: () => apiJson<TunnelStatus>('POST', '/api/v1/tunnel/stop'),
};
