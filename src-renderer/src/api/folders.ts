import type { Folder } from '../../../src-shared/schemas/folders';
import { apiJson } from './http';

const base = '/api/v1/folders';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export interface FolderInput {
  name?: string;
  color?: string | null;
}

export const foldersApi = {
  /** The first 200 folders, which is every folder anyone keeps by hand. */
  list: () => apiJson<{ data: Folder[]; nextCursor: string | null }>('GET', base, { query: { limit: 200 } }),
  create: (input: FolderInput & { name: string }) => apiJson<Folder>('POST', base, { body: input }),
  update: (id: string, input: FolderInput) => apiJson<Folder>('PATCH', one(id), { body: input }),
  remove: (id: string) => apiJson<void>('DELETE', one(id)),
};
