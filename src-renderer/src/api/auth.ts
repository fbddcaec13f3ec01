import type { AuthVerify } from '../../../src-shared/schemas/api-keys';
import { apiJson } from './http';

export const authApi = {
  verify: () => apiJson<AuthVerify>('GET', '/api/v1/auth/verify'),
};
