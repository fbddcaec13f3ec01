import { z } from 'zod';
import { IdParams, PageQuery, pageOf } from '../../../src-shared/schemas/common';
import {
  CreatedWebhook,
  CreateWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
} from '../../../src-shared/schemas/webhooks';
import type { WebhookService } from '../../services/webhooks';
import { defineRoute, type Route } from '../route';

const TAG = 'Webhooks';

const DeliveryParams = IdParams.extend({
  deliveryId: z.string().min(1).max(64).meta({ description: 'Delivery id' }),
});

export function webhookRoutes(webhooks: WebhookService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks',
      operationId: 'listWebhooks',
      summary: 'List webhooks',
      tag: TAG,
      auth: 'admin',
      query: PageQuery,
      success: { status: 200, description: 'A page of webhooks', schema: pageOf(Webhook, 'WebhookPage') },
      errors: ['INVALID_CURSOR'],
      handler: ({ query }) => ({ body: webhooks.list(query.limit, query.cursor) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks',
      operationId: 'createWebhook',
      summary: 'Create a webhook',
      description:
        'The response carries the signing `secret`, shown only this once. Every delivery is a POST of ' +
        '`{id, event, createdAt, data}` signed with `Qrdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, ' +
        't + "." + raw body)>`; a non-2xx answer is retried with exponential backoff for about a day.',
      tag: TAG,
      auth: 'admin',
      body: CreateWebhookInput,
      success: { status: 201, description: 'The new webhook, with its secret', schema: CreatedWebhook },
      handler: ({ body }) => {
        const webhook = webhooks.create(body);
        return { status: 201, body: webhook, headers: { Location: `/api/v1/webhooks/${webhook.id}` } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id',
      operationId: 'getWebhook',
      summary: 'Get a webhook',
      description: 'Never includes the secret.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      success: { status: 200, description: 'The webhook', schema: Webhook },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: webhooks.get(params.id) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/v1/webhooks/:id',
      operationId: 'updateWebhook',
      summary: 'Change a webhook',
      description: 'Re-enabling a webhook (`enabled: true`) clears its failure count and disabled reason.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      body: UpdateWebhookInput,
      success: { status: 200, description: 'The changed webhook', schema: Webhook },
      errors: ['NOT_FOUND'],
      handler: ({ params, body }) => ({ body: webhooks.update(params.id, body) }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/v1/webhooks/:id',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook',
      description: 'Its deliveries, including pending ones, are deleted with it.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      success: { status: 200, description: 'The deleted webhook', schema: Webhook },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ body: webhooks.remove(params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/test',
      operationId: 'testWebhook',
      summary: 'Send a test delivery',
      description: 'Queues a `webhook.test` delivery, due now; follow it in the delivery log.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      success: { status: 202, description: 'The queued delivery', schema: WebhookDelivery },
      errors: ['NOT_FOUND'],
      handler: ({ params }) => ({ status: 202, body: webhooks.sendTest(params.id) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/webhooks/:id/deliveries/:deliveryId/retry',
      operationId: 'retryWebhookDelivery',
      summary: 'Retry a failed delivery',
      description:
        'Sends a delivery that failed for good again, now, with the same body and a fresh signature. ' +
        'Delivered and still-pending deliveries are 409.',
      tag: TAG,
      auth: 'admin',
      params: DeliveryParams,
      success: { status: 202, description: 'The delivery, pending again', schema: WebhookDelivery },
      errors: ['NOT_FOUND', 'CONFLICT'],
      handler: ({ params }) => ({ status: 202, body: webhooks.retry(params.id, params.deliveryId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/webhooks/:id/deliveries',
      operationId: 'listWebhookDeliveries',
      summary: 'List deliveries of a webhook',
      description: 'The delivery log, newest first.',
      tag: TAG,
      auth: 'admin',
      params: IdParams,
      query: PageQuery,
      success: {
        status: 200,
        description: 'A page of deliveries',
        schema: pageOf(WebhookDelivery, 'WebhookDeliveryPage'),
      },
      errors: ['NOT_FOUND', 'INVALID_CURSOR'],
      handler: ({ params, query }) => ({ body: webhooks.deliveries(params.id, query.limit, query.cursor) }),
    }),
  ];
}
