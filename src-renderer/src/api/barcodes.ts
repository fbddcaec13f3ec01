import type { z } from 'zod';
import type {
  Barcode,
  BarcodeFormat,
  BarcodeOutput,
  BarcodeStyleInput,
  BarcodeValidation,
  CreateBarcodeInput,
  UpdateBarcodeInput,
} from '../../../src-shared/schemas/barcodes';
import { apiFile, apiJson, type Query } from './http';

export type BarcodeCheck = z.output<typeof BarcodeValidation>;
export interface BarcodePage {
  data: Barcode[];
  nextCursor: string | null;
}

/** What `POST /barcodes/render` takes: a value, its look, and how to write it out. */
export interface BarcodeRenderRequest extends BarcodeStyleInput {
  format: BarcodeFormat;
  value: string;
  output?: Partial<BarcodeOutput>;
}

const base = '/api/v1/barcodes';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const barcodesApi = {
  validate: (format: BarcodeFormat, value: string, signal?: AbortSignal) =>
    apiJson<BarcodeCheck>('POST', `${base}/validate`, { body: { format, value }, signal }),
  /** A one-off image (nothing stored), with the server's `<format>-<value>.<ext>` name. */
  render: (input: BarcodeRenderRequest, signal?: AbortSignal) =>
    apiFile('POST', `${base}/render`, { body: input, signal }),
  list: (query: { limit?: number; cursor?: string; q?: string }, signal?: AbortSignal) =>
    apiJson<BarcodePage>('GET', base, { query: query as Query, signal }),
  get: (id: string, signal?: AbortSignal) => apiJson<Barcode>('GET', one(id), { signal }),
  create: (input: CreateBarcodeInput) => apiJson<Barcode>('POST', base, { body: input }),
  update: (id: string, input: UpdateBarcodeInput) => apiJson<Barcode>('PATCH', one(id), { body: input }),
  remove: (id: string) => apiJson<void>('DELETE', one(id)),
  /** A saved barcode's image in its saved look. */
  image: (id: string, output: Partial<BarcodeOutput>, signal?: AbortSignal) =>
    apiFile('GET', `${one(id)}/image`, { query: output as Query, signal }),
};
