import type { Db } from './database';
import type { PageCursor } from './pagination';

export interface WebhookRow {
  id: string;
  url: string;
  /** JSON array of event names. */
  events: string;
  description: string | null;
  /** Stored as it is (not hashed): the server signs every delivery with it. Never returned after creation. */
  secret: string;
  enabled: number;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: number;
  updated_at: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: number | null;
  locked_until: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

/** A claimed delivery with what the worker needs to send it. */
export interface DueDelivery extends DeliveryRow {
  url: string;
  secret: string;
}

/** Data access for webhooks and their delivery outbox. */
export class WebhookStore {
  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare(
        `INSERT INTO webhooks (id, url, events, description, secret, enabled, disabled_reason, consecutive_failures,
           created_at, updated_at)
         VALUES (@id, @url, @events, @description, @secret, @enabled, @disabled_reason, @consecutive_failures,
           @created_at, @updated_at)`,
      ),
      update: db.prepare(
        `UPDATE webhooks SET url = @url, events = @events, description = @description, enabled = @enabled,
           disabled_reason = @disabled_reason, consecutive_failures = @consecutive_failures, updated_at = @updated_at
         WHERE id = @id`,
      ),
      byId: db.prepare<[string], WebhookRow>('SELECT * FROM webhooks WHERE id = ?'),
      enabled: db.prepare<[], Pick<WebhookRow, 'id' | 'events'>>('SELECT id, events FROM webhooks WHERE enabled = 1'),
      firstPage: db.prepare<[number], WebhookRow>('SELECT * FROM webhooks ORDER BY created_at DESC, id DESC LIMIT ?'),
      nextPage: db.prepare<[number, string, number], WebhookRow>(
        'SELECT * FROM webhooks WHERE (created_at, id) < (?, ?) ORDER BY created_at DESC, id DESC LIMIT ?',
      ),
      remove: db.prepare('DELETE FROM webhooks WHERE id = ?'),
      insertDelivery: db.prepare(
        `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
         VALUES (@id, @webhook_id, @event, @payload, 'pending', 0, @next_attempt_at, @created_at)`,
      ),
      delivery: db.prepare<[string], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = ?'),
      firstDeliveries: db.prepare<[string, number], DeliveryRow>(
        `SELECT * FROM webhook_deliveries WHERE webhook_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      nextDeliveries: db.prepare<[string, number, string, number], DeliveryRow>(
        `SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND (created_at, id) < (?, ?)
         ORDER BY created_at DESC, id DESC LIMIT ?`,
      ),
      due: db.prepare<[number, number, number], DueDelivery>(
        `SELECT d.*, w.url, w.secret FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
         WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.enabled = 1
           AND (d.locked_until IS NULL OR d.locked_until <= ?)
         ORDER BY d.next_attempt_at, d.created_at LIMIT ?`,
      ),
      lock: db.prepare('UPDATE webhook_deliveries SET locked_until = ? WHERE id = ?'),
      unlockAll: db.prepare(
        "UPDATE webhook_deliveries SET locked_until = NULL WHERE status = 'pending' AND locked_until IS NOT NULL",
      ),
      delivered: db.prepare(
        `UPDATE webhook_deliveries SET status = 'delivered', attempts = attempts + 1, last_status_code = ?,
           last_error = NULL, delivered_at = ?, next_attempt_at = NULL, locked_until = NULL WHERE id = ?`,
      ),
      retry: db.prepare(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, last_status_code = ?, last_error = ?,
           next_attempt_at = ?, locked_until = NULL WHERE id = ?`,
      ),
      failed: db.prepare(
        `UPDATE webhook_deliveries SET status = 'failed', attempts = attempts + 1, last_status_code = ?,
           last_error = ?, next_attempt_at = NULL, locked_until = NULL WHERE id = ?`,
      ),
      resetFailures: db.prepare(
        'UPDATE webhooks SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures > 0',
      ),
      addFailure: db.prepare<[string], { consecutive_failures: number; enabled: number }>(
        `UPDATE webhooks SET consecutive_failures = consecutive_failures + 1 WHERE id = ?
         RETURNING consecutive_failures, enabled`,
      ),
      disable: db.prepare('UPDATE webhooks SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ?'),
      requeue: db.prepare(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ?, locked_until = NULL
         WHERE id = ? AND status = 'failed'`,
      ),
      purge: db.prepare("DELETE FROM webhook_deliveries WHERE status IN ('delivered', 'failed') AND created_at < ?"),
    };
  }

  insert(row: WebhookRow): void {
    this.stmts.insert.run(row);
  }

  update(row: Omit<WebhookRow, 'secret' | 'created_at'>): void {
    this.stmts.update.run(row);
  }

  findById(id: string): WebhookRow | undefined {
    return this.stmts.byId.get(id);
  }

  /** Enabled webhooks with their event lists: what the in-memory subscriber cache is built from. */
  enabledSubscriptions(): Pick<WebhookRow, 'id' | 'events'>[] {
    return this.stmts.enabled.all();
  }

  listPage(limit: number, after?: PageCursor): WebhookRow[] {
    return after ? this.stmts.nextPage.all(after.createdAt, after.id, limit + 1) : this.stmts.firstPage.all(limit + 1);
  }

  /** Deletes the webhook; its deliveries, pending or not, go with it (ON DELETE CASCADE). */
  remove(id: string): boolean {
    return this.stmts.remove.run(id).changes === 1;
  }

  enqueue(row: { id: string; webhook_id: string; event: string; payload: string; created_at: number }): void {
    this.stmts.insertDelivery.run({ ...row, next_attempt_at: row.created_at });
  }

  findDelivery(id: string): DeliveryRow | undefined {
    return this.stmts.delivery.get(id);
  }

  deliveriesPage(webhookId: string, limit: number, after?: PageCursor): DeliveryRow[] {
    return after
      ? this.stmts.nextDeliveries.all(webhookId, after.createdAt, after.id, limit + 1)
      : this.stmts.firstDeliveries.all(webhookId, limit + 1);
  }

  /** Picks up to `limit` due deliveries and marks them in flight until `lockUntil`, in one transaction. */
  claimDue(now: number, limit: number, lockUntil: number): DueDelivery[] {
    return this.db.transaction(() => {
      const rows = this.stmts.due.all(now, now, limit);
      for (const row of rows) this.stmts.lock.run(lockUntil, row.id);
      return rows;
    })();
  }

  /** A failed delivery due again now (attempts keep counting). False when it is not failed. */
  requeue(id: string, now: number): boolean {
    return this.stmts.requeue.run(now, id).changes === 1;
  }

  /** Deletes finished deliveries (delivered or failed for good) created before `before`; pending ones stay. */
  purgeFinished(before: number): number {
    return this.stmts.purge.run(before).changes;
  }

  /** After a restart nothing is in flight: rows a previous process had claimed are due again. */
  releaseAllLocks(): void {
    this.stmts.unlockAll.run();
  }

  markDelivered(id: string, webhookId: string, statusCode: number, at: number): void {
    this.db.transaction(() => {
      this.stmts.delivered.run(statusCode, at, id);
      this.stmts.resetFailures.run(webhookId);
    })();
  }

  markRetry(id: string, statusCode: number | null, error: string, nextAttemptAt: number): void {
    this.stmts.retry.run(statusCode, error, nextAttemptAt, id);
  }

  /**
   * Marks the delivery failed for good and counts it against its webhook; when
   * `disableAfter` deliveries in a row have failed, disables the webhook.
   * Returns true when this call disabled it.
   */
  markFailed(
    id: string,
    webhookId: string,
    statusCode: number | null,
    error: string,
    disableAfter: number,
    at: number,
  ): boolean {
    return this.db.transaction(() => {
      this.stmts.failed.run(statusCode, error, id);
      const counted = this.stmts.addFailure.get(webhookId);
      if (!counted || !counted.enabled || counted.consecutive_failures < disableAfter) return false;
      this.stmts.disable.run(
        `Disabled after ${counted.consecutive_failures} deliveries in a row failed; re-enable it once the endpoint works.`,
        at,
        webhookId,
      );
      return true;
    })();
  }
}
