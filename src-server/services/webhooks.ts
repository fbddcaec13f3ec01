import { createHmac, randomBytes } from 'node:crypto';
import type {
  CreatedWebhook,
  CreateWebhookInput,
  DeliveryEvent,
  UpdateWebhookInput,
  Webhook,
  WebhookDelivery,
  WebhookEvent,
} from '../../src-shared/schemas/webhooks';
import { notFound } from '../errors';
import { newId, toIso } from '../ids';
import type { Logger } from 'pino';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';
import type { DeliveryRow, DueDelivery, WebhookRow } from '../store/webhook-store';
import { APP_VERSION } from '../version';
import type { EventSink } from './events';
import { AppError } from '../errors';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Waits before each retry: 11 retries (12 attempts) spread over about 22 hours,
 * each delay with ±20% jitter so a recovering receiver is not hit by a herd.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [
  10_000,
  30_000,
  MINUTE,
  5 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  6 * HOUR,
  8 * HOUR,
];

/** Deliveries in a row that fail for good (every retry spent) before the webhook is disabled. */
export const DEFAULT_DISABLE_AFTER_FAILURES = 5;

/** How long the delivery log keeps finished deliveries. */
export const DELIVERY_RETENTION_MS = 30 * 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;

export interface WebhookOptions {
  /** Delay before retry n (n = 1, 2, ...); after the last one a delivery fails for good. */
  retryDelaysMs?: readonly number[];
  disableAfterFailures?: number;
  /** How often the worker looks for due deliveries. */
  pollMs?: number;
  /** Per-attempt timeout. */
  timeoutMs?: number;
  now?: () => number;
}

/** `Qrdesk-Signature` for a body sent at `unixSeconds`. Receivers recompute v1 and compare in constant time. */
export function signatureHeader(secret: string, unixSeconds: number, rawBody: string): string {
  const v1 = createHmac('sha256', secret).update(`${unixSeconds}.${rawBody}`).digest('hex');
  return `t=${unixSeconds},v1=${v1}`;
}

const toWebhook = (row: WebhookRow): Webhook => ({
  id: row.id,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEvent[],
  description: row.description,
  enabled: row.enabled === 1,
  disabledReason: row.disabled_reason,
  consecutiveFailures: row.consecutive_failures,
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
});

const toDelivery = (row: DeliveryRow): WebhookDelivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  event: row.event as DeliveryEvent,
  status: row.status,
  attempts: row.attempts,
  lastStatusCode: row.last_status_code,
  lastError: row.last_error,
  nextAttemptAt: row.status === 'pending' ? toIso(row.next_attempt_at) : null,
  createdAt: toIso(row.created_at)!,
  deliveredAt: toIso(row.delivered_at),
});

const shortError = (err: unknown): string => {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'Timed out';
  const text = e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
  return text.slice(0, 200);
};

/**
 * Webhooks: CRUD, the outbox (an EventSink for the QR code service and the
 * scan recorder) and the delivery worker. Events only ever become rows in
 * webhook_deliveries, synchronously; HTTP happens on the worker's timer, never
 * on the path of the request that caused the event.
 */
export class WebhookService implements EventSink {
  private readonly retryDelaysMs: readonly number[];
  private readonly disableAfter: number;
  private readonly pollMs: number;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** Enabled webhook ids per event; rebuilt lazily after any webhook change. */
  private subscribers: Map<WebhookEvent, string[]> | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private stopped = false;
  /** When old deliveries were last purged (0: at the first tick). */
  private lastPurge = 0;

  constructor(
    private readonly store: Store,
    private readonly logger?: Logger,
    options: WebhookOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.disableAfter = options.disableAfterFailures ?? DEFAULT_DISABLE_AFTER_FAILURES;
    this.pollMs = options.pollMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  // ---- CRUD ----

  list(limit: number, cursor?: string): { data: Webhook[]; nextCursor: string | null } {
    const page = toPage(this.store.webhooks.listPage(limit, decodeCursor(cursor)), limit);
    return { data: page.rows.map(toWebhook), nextCursor: page.nextCursor };
  }

  private row(id: string): WebhookRow {
    const row = this.store.webhooks.findById(id);
    if (!row) throw notFound('Webhook');
    return row;
  }

  get(id: string): Webhook {
    return toWebhook(this.row(id));
  }

  create(input: CreateWebhookInput): CreatedWebhook {
    const now = this.now();
    const secret = `whsec_${randomBytes(32).toString('base64url')}`;
    const row: WebhookRow = {
      id: newId('wh'),
      url: input.url,
      events: JSON.stringify(input.events),
      description: input.description || null,
      // Kept as it is (not hashed): every delivery is signed with it. The API returns it here only.
      secret,
      enabled: input.enabled ? 1 : 0,
      disabled_reason: null,
      consecutive_failures: 0,
      created_at: now,
      updated_at: now,
    };
    this.store.webhooks.insert(row);
    this.subscribers = null;
    return { ...toWebhook(row), secret };
  }

  update(id: string, patch: UpdateWebhookInput): Webhook {
    const row = this.row(id);
    const reEnabled = patch.enabled === true && row.enabled === 0;
    const disabled = patch.enabled === false;
    this.store.webhooks.update({
      id,
      url: patch.url ?? row.url,
      events: patch.events ? JSON.stringify(patch.events) : row.events,
      description: patch.description === undefined ? row.description : patch.description || null,
      enabled: patch.enabled === undefined ? row.enabled : patch.enabled ? 1 : 0,
      disabled_reason: reEnabled || disabled ? null : row.disabled_reason,
      consecutive_failures: reEnabled ? 0 : row.consecutive_failures,
      updated_at: this.now(),
    });
    this.subscribers = null;
    return this.get(id);
  }

  /** Deletes the webhook and every delivery of it, pending ones included. */
  remove(id: string): Webhook {
    const webhook = this.get(id);
    this.store.webhooks.remove(id);
    this.subscribers = null;
    return webhook;
  }

  /** Queues a `webhook.test` delivery, due now (sent once the webhook is enabled). */
  sendTest(id: string): WebhookDelivery {
    const webhook = this.get(id);
    const deliveryId = this.enqueue(webhook.id, 'webhook.test', {
      webhookId: webhook.id,
      message: 'A test delivery from qrdesk.',
    });
    this.wake();
    return toDelivery(this.store.webhooks.findDelivery(deliveryId)!);
  }

  /** Sends a failed delivery again, now, with the same body (a receiver fixed after the retries ran out). */
  retry(webhookId: string, deliveryId: string): WebhookDelivery {
    this.row(webhookId);
    const delivery = this.store.webhooks.findDelivery(deliveryId);
    if (!delivery || delivery.webhook_id !== webhookId)
      throw new AppError('NOT_FOUND', 'No such delivery of this webhook.');
    if (!this.store.webhooks.requeue(deliveryId, this.now())) {
      throw new AppError(
        'CONFLICT',
        delivery.status === 'delivered'
          ? 'This delivery was delivered; only a failed one can be retried.'
          : 'This delivery is still pending; it will be sent on its own.',
      );
    }
    this.wake();
    return toDelivery(this.store.webhooks.findDelivery(deliveryId)!);
  }

  /**
   * Deletes deliveries that finished more than the retention ago, so the log
   * cannot grow without bound on a busy code. Runs from the worker hourly.
   */
  purgeDeliveries(now = this.now()): number {
    return this.store.webhooks.purgeFinished(now - DELIVERY_RETENTION_MS);
  }

  deliveries(id: string, limit: number, cursor?: string): { data: WebhookDelivery[]; nextCursor: string | null } {
    this.row(id);
    const page = toPage(this.store.webhooks.deliveriesPage(id, limit, decodeCursor(cursor)), limit);
    return { data: page.rows.map(toDelivery), nextCursor: page.nextCursor };
  }

  // ---- EventSink ----

  private subscribersOf(event: WebhookEvent): string[] {
    if (!this.subscribers) {
      const map = new Map<WebhookEvent, string[]>();
      for (const { id, events } of this.store.webhooks.enabledSubscriptions()) {
        for (const e of JSON.parse(events) as WebhookEvent[]) map.set(e, [...(map.get(e) ?? []), id]);
      }
      this.subscribers = map;
    }
    return this.subscribers.get(event) ?? [];
  }

  wants(event: WebhookEvent): boolean {
    return this.subscribersOf(event).length > 0;
  }

  /** One outbox row per enabled webhook subscribed to the event; nothing when there is none. */
  emit(event: WebhookEvent, data: unknown): void {
    for (const webhookId of this.subscribersOf(event)) this.enqueue(webhookId, event, data);
  }

  private enqueue(webhookId: string, event: DeliveryEvent, data: unknown): string {
    const id = newId('whd');
    const at = this.now();
    const createdAt = toIso(at)!;
    this.store.webhooks.enqueue({
      id,
      webhook_id: webhookId,
      event,
      payload: JSON.stringify({ id, event, createdAt, data }),
      created_at: at,
    });
    return id;
  }

  // ---- Delivery worker ----

  /** Starts polling the outbox. Deliveries a previous process left in flight are due again. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.store.webhooks.releaseAllLocks();
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** Looks for due deliveries soon rather than at the next poll. */
  private wake(): void {
    if (this.timer) setImmediate(() => this.tick());
  }

  /** Stops polling and cuts attempts in flight short; they stay pending and are sent after a restart. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    this.abort.abort();
    await Promise.allSettled([...this.inFlight]);
  }

  private tick(): void {
    if (this.stopped) return;
    const now0 = this.now();
    if (now0 - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now0;
      try {
        this.purgeDeliveries(now0);
      } catch (err) {
        this.logger?.error({ err }, 'old webhook deliveries could not be purged');
      }
    }
    const room = 50 - this.inFlight.size;
    if (room <= 0) return;
    const now = this.now();
    let due: DueDelivery[];
    try {
      // In flight until the attempt can no longer be running (timeout plus a margin).
      due = this.store.webhooks.claimDue(now, Math.min(20, room), now + this.timeoutMs + 30_000);
    } catch (err) {
      this.logger?.error({ err }, 'webhook outbox could not be read');
      return;
    }
    for (const delivery of due) {
      const p = this.attempt(delivery).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async attempt(d: DueDelivery): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const t = Math.floor(this.now() / 1000);
      const res = await fetch(d.url, {
        method: 'POST',
        body: d.payload,
        redirect: 'manual',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `qrdesk-webhooks/${APP_VERSION}`,
          'Qrdesk-Signature': signatureHeader(d.secret, t, d.payload),
          'Qrdesk-Event': d.event,
          'Qrdesk-Delivery': d.id,
        },
        signal: AbortSignal.any([AbortSignal.timeout(this.timeoutMs), this.abort.signal]),
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = shortError(err);
    }
    // Shutting down: leave the row pending; the next start sends it again.
    if (this.stopped) return;
    const at = this.now();
    try {
      if (error === null) {
        this.store.webhooks.markDelivered(d.id, d.webhook_id, status!, at);
        return;
      }
      const retry = d.attempts; // attempts made before this one = index of the next delay
      const delay = this.retryDelaysMs[retry];
      if (delay === undefined) {
        const disabled = this.store.webhooks.markFailed(d.id, d.webhook_id, status, error, this.disableAfter, at);
        if (disabled) {
          this.subscribers = null;
          this.logger?.warn({ webhookId: d.webhook_id }, 'webhook disabled after repeated failed deliveries');
        }
      } else {
        const jitter = 1 + (Math.random() * 0.4 - 0.2);
        this.store.webhooks.markRetry(d.id, status, error, at + Math.round(delay * jitter));
      }
    } catch (err) {
      this.logger?.error({ err, deliveryId: d.id }, 'webhook delivery outcome could not be saved');
    }
  }
}
