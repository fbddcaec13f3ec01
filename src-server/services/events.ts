import type { WebhookEvent } from '../../src-shared/schemas/webhooks';

/**
 * Where the QR code service and the scan recorder report what happened. The
 * webhook service implements it by writing outbox rows; both callers take it
 * as an optional dependency and never know about HTTP.
 *
 * `emit` is synchronous and writes through the same database handle, so when
 * it runs inside a transaction the outbox rows commit (or roll back) with it.
 */
export interface EventSink {
  /** Cheap check so callers can skip building a payload nobody subscribed to. */
  wants(event: WebhookEvent): boolean;
  emit(event: WebhookEvent, data: unknown): void;
}
