import { z } from 'zod';
import { Timestamp } from './common';
import { httpUrl, line } from './text';

export const WEBHOOK_EVENTS = ['scan.created', 'qrcode.created', 'qrcode.updated', 'qrcode.deleted'] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS).meta({
  id: 'WebhookEvent',
  description:
    '`scan.created`: a code was scanned; `qrcode.created`, `qrcode.updated`, `qrcode.deleted`: the library changed.',
});
export type WebhookEvent = z.infer<typeof WebhookEvent>;

/** What a delivery can carry: a subscribable event, or the ping sent by the test endpoint. */
export const DELIVERY_EVENTS = [...WEBHOOK_EVENTS, 'webhook.test'] as const;
export type DeliveryEvent = (typeof DELIVERY_EVENTS)[number];

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const Webhook = z
  .object({
    id: z.string(),
    url: z.string().meta({ description: 'Where deliveries are POSTed.' }),
    events: z.array(WebhookEvent),
    description: z.string().nullable(),
    enabled: z.boolean(),
    disabledReason: z
      .string()
      .nullable()
      .meta({ description: 'Why qrdesk disabled the webhook (repeated failures); null when enabled.' }),
    consecutiveFailures: z
      .number()
      .int()
      .meta({ description: 'Deliveries in a row that failed for good; reset by a success or by re-enabling.' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Webhook' });
export type Webhook = z.output<typeof Webhook>;

export const CreatedWebhook = Webhook.extend({
  secret: z.string().meta({
    description:
      'The signing secret (`whsec_...`). Shown only in this response: each delivery carries ' +
      '`Qrdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.',
  }),
}).meta({ id: 'CreatedWebhook' });
export type CreatedWebhook = z.output<typeof CreatedWebhook>;

const eventList = z
  .array(WebhookEvent)
  .min(1, 'At least one event')
  .max(WEBHOOK_EVENTS.length)
  .refine((e) => new Set(e).size === e.length, 'Events must not repeat');

const webhookUrl = httpUrl('URL', { required: true }).meta({
  description: 'An absolute http:// or https:// URL, without a user name or password.',
  example: 'https://example.com/hooks/qrdesk',
});

export const CreateWebhookInput = z
  .object({
    url: webhookUrl,
    events: eventList,
    description: line('Description', 200).optional(),
    enabled: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'CreateWebhookInput' });
export type CreateWebhookInput = z.output<typeof CreateWebhookInput>;

export const UpdateWebhookInput = z
  .object({
    url: webhookUrl.optional(),
    events: eventList.optional(),
    description: line('Description', 200).nullable().optional(),
    enabled: z.boolean().optional().meta({ description: 'Re-enabling clears the failure count.' }),
  })
  .strict()
  .meta({ id: 'UpdateWebhookInput' });
export type UpdateWebhookInput = z.output<typeof UpdateWebhookInput>;

export const WebhookDelivery = z
  .object({
    id: z.string().meta({ description: 'Also the `id` in the delivered body: the same on every retry.' }),
    webhookId: z.string(),
    event: z.enum(DELIVERY_EVENTS),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    nextAttemptAt: Timestamp.nullable().meta({ description: 'When the next attempt is due; null once settled.' }),
    createdAt: Timestamp,
    deliveredAt: Timestamp.nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.output<typeof WebhookDelivery>;
