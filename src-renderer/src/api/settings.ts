import type { Settings, UpdateSettingsInput } from '../../../src-shared/schemas/settings';
import { apiJson } from './http';

export const settingsApi = {
  get: (signal?: AbortSignal) => apiJson<Settings>('GET', '/api/v1/settings', { signal }),
  update: (input: UpdateSettingsInput) => apiJson<Settings>('PATCH', '/api/v1/settings', { body: input }),
};
