import type { Asset } from '../../../src-shared/schemas/assets';
import { apiFile, apiJson } from './http';

const base = '/api/v1/assets';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const assetsApi = {
  list: (cursor?: string) =>
    apiJson<{ data: Asset[]; nextCursor: string | null }>('GET', base, { query: { limit: 100, cursor } }),
  get: (id: string) => apiJson<Asset>('GET', one(id)),
  /** Uploads an image file as is (the server reads its type from the bytes). */
  upload: (file: File) => apiJson<Asset>('POST', base, { body: file, query: { name: file.name.slice(0, 100) } }),
  content: (id: string) => apiFile('GET', `${one(id)}/content`),
  remove: (id: string) => apiJson<void>('DELETE', one(id)),
};
