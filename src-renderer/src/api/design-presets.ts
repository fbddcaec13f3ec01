import type { CreateDesignPresetInput, DesignPreset } from '../../../src-shared/schemas/design-presets';
import { apiJson } from './http';

const base = '/api/v1/design-presets';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const designPresetsApi = {
  /** Every preset on one page: the built-ins first, then the saved ones, newest first. */
  list: (signal?: AbortSignal) => apiJson<{ data: DesignPreset[]; nextCursor: null }>('GET', base, { signal }),
  create: (input: CreateDesignPresetInput) => apiJson<DesignPreset>('POST', base, { body: input }),
  remove: (id: string) => apiJson<void>('DELETE', one(id)),
};
