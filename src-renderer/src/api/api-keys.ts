import type { ApiKey, CreateApiKeyInput, CreatedApiKey } from '../../../src-shared/schemas/api-keys';
import { apiJson } from './http';

const base = '/api/v1/api-keys';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const apiKeysApi = {
  list: (cursor?: string, signal?: AbortSignal) =>
    apiJson<{ data: ApiKey[]; nextCursor: string | null }>('GET', base, { query: { limit: 100, cursor }, signal }),
  create: (input: CreateApiKeyInput) => apiJson<CreatedApiKey>('POST', base, { body: input }),
  /** The key stops working at once and stays listed with `revokedAt`. */
  revoke: (id: string) => apiJson<ApiKey>('DELETE', one(id)),
};
