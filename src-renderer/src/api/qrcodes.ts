import type { z } from 'zod';
import type {
  CreateQrCodeInput,
  ListQrCodesQuery,
  QrCode,
  QrCodePage,
  UpdateQrCodeInput,
} from '../../../src-shared/schemas/qrcodes';
import { apiJson, type Query } from './http';

export type QrCodeListQuery = Partial<Omit<ListQrCodesQuery, 'limit'>> & { limit?: number };

const base = '/api/v1/qrcodes';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const qrCodesApi = {
  list: (query: QrCodeListQuery, signal?: AbortSignal) =>
    apiJson<z.output<typeof QrCodePage>>('GET', base, { query: query as Query, signal }),
  get: (id: string, signal?: AbortSignal) => apiJson<QrCode>('GET', one(id), { signal }),
  create: (input: CreateQrCodeInput) => apiJson<QrCode>('POST', base, { body: input }),
  update: (id: string, input: UpdateQrCodeInput) => apiJson<QrCode>('PATCH', one(id), { body: input }),
  /** To the trash, or for good with `permanent`. */
  remove: (id: string, permanent = false) =>
    apiJson<void>('DELETE', one(id), { query: permanent ? { permanent: true } : {} }),
  restore: (id: string) => apiJson<QrCode>('POST', `${one(id)}/restore`),
};
