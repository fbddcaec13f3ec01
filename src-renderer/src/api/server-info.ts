import type { ServerInfo } from '../../../src-shared/schemas/server-info';
import { apiJson } from './http';

export const serverInfoApi = {
  get: (signal?: AbortSignal) => apiJson<ServerInfo>('GET', '/api/v1/server', { signal }),
};
