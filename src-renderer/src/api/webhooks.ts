import type {
  CreatedWebhook,
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
} from '../../../src-shared/schemas/webhooks';
import { apiJson } from './http';

const base = '/api/v1/webhooks';
const one = (id: string) => `${base}/${encodeURIComponent(id)}`;

export const webhooksApi = {
  list: (signal?: AbortSignal) =>
    apiJson<{ data: Webhook[]; nextCursor: string | null }>('GET', base, { query: { limit: 200 }, signal }),
  create: (input: Omit<CreateWebhookInput, 'enabled'> & { enabled?: boolean }) =>
    apiJson<CreatedWebhook>('POST', base, { body: input }),
  update: (id: string, input: UpdateWebhookInput) => apiJson<Webhook>('PATCH', one(id), { body: input }),
  remove: (id: string) => apiJson<Webhook>('DELETE', one(id)),
  /** Queues a `webhook.test` delivery, due now. */
  test: (id: string) => apiJson<WebhookDelivery>('POST', `${one(id)}/test`),
  deliveries: (id: string, signal?: AbortSignal) =>
    apiJson<{ data: WebhookDelivery[]; nextCursor: string | null }>('GET', `${one(id)}/deliveries`, {
      query: { limit: 10 },
      signal,
    }),
};
