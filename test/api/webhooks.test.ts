/**
 * Webhooks end to end: CRUD and validation, the secret shown once, and real
 * deliveries to a real local receiver that verifies every signature — code
 * events, scans through the public endpoint, retries with backoff, recovery,
 * a receiver that is down while redirects keep answering, the test endpoint,
 * the delivery log, disabling after repeated failures, cascade on delete and
 * pending deliveries surviving a restart.
 */
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { createCode, expectError, expectValidationError, PACKAGE_VERSION, sendJson } from './support';

const IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  enabled: boolean;
  disabledReason: string | null;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
  secret?: string;
}

interface Delivery {
  id: string;
  webhookId: string;
  event: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: { id: string; event: string; createdAt: string; data: Record<string, unknown> };
}

/** A real HTTP receiver that verifies every signature against the secret registered for its path. */
class Receiver {
  readonly received: Received[] = [];
  readonly badSignatures: string[] = [];
  readonly secrets = new Map<string, string>();
  mode: 'ok' | 'fail' = 'ok';
  private server!: http.Server;
  private counter = 0;
  url = '';

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        const secret = this.secrets.get(path);
        const header = String(req.headers['qrdesk-signature'] ?? '');
        const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
        const expected = m && secret ? createHmac('sha256', secret).update(`${m[1]}.${raw}`).digest() : null;
        const valid =
          m !== null &&
          expected !== null &&
          timingSafeEqual(expected, Buffer.from(m[2]!, 'hex')) &&
          Math.abs(Date.now() / 1000 - Number(m[1])) < 300;
        if (!valid) {
          this.badSignatures.push(`${path} ${header}`);
          res.writeHead(400).end();
          return;
        }
        if (this.mode === 'fail') {
          res.writeHead(500).end('nope');
          return;
        }
        this.received.push({ path, headers: req.headers, body: JSON.parse(raw) as Received['body'] });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A fresh path on this receiver, to tell one webhook's deliveries from another's. */
  nextPath(): string {
    return `/hook/${++this.counter}`;
  }

  on(path: string, event?: string): Received[] {
    return this.received.filter((r) => r.path === path && (event === undefined || r.body.event === event));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** A URL nothing listens on: bind a port, then free it. */
async function deadUrl(): Promise<string> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return `http://127.0.0.1:${port}/down`;
}

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 15));
  }
}

// Small delays so retries happen within the test: 3 retries, 4 attempts in all.
const RETRY_DELAYS = [400, 400, 400];

describe('webhooks', () => {
  let ts: TestServer;
  let admin: string;
  const rx = new Receiver();

  before(async () => {
    await rx.start();
    ts = await startTestServer({ webhookRetryDelaysMs: RETRY_DELAYS, webhookPollMs: 20 });
    admin = ts.createKey({ scopes: ['admin'] });
  });
  after(async () => {
    await ts.stop();
    await rx.stop();
  });

  async function createWebhook(body: Record<string, unknown>): Promise<Webhook & { secret: string }> {
    const res = await sendJson(ts, admin, '/api/v1/webhooks', body);
    const text = await res.text();
    assert.equal(res.status, 201, text);
    const hook = JSON.parse(text) as Webhook & { secret: string };
    assert.equal(res.headers.get('location'), `/api/v1/webhooks/${hook.id}`);
    return hook;
  }

  /** A webhook on a fresh receiver path whose secret the receiver knows. */
  async function hookOnReceiver(events: string[]): Promise<{ hook: Webhook; path: string }> {
    const path = rx.nextPath();
    const hook = await createWebhook({ url: rx.url + path, events });
    rx.secrets.set(path, hook.secret);
    return { hook, path };
  }

  async function deliveries(id: string, query = ''): Promise<{ data: Delivery[]; nextCursor: string | null }> {
    const res = await ts.api(`/api/v1/webhooks/${id}/deliveries${query}`, { key: admin });
    assert.equal(res.status, 200);
    return (await res.json()) as { data: Delivery[]; nextCursor: string | null };
  }

  const getHook = async (id: string) => {
    const res = await ts.api(`/api/v1/webhooks/${id}`, { key: admin });
    assert.equal(res.status, 200);
    return (await res.json()) as Webhook;
  };

  const pendingRows = (webhookId: string) =>
    (
      ts.store.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries WHERE webhook_id = ?').get(webhookId) as {
        n: number;
      }
    ).n;

  test('CRUD: create shows the secret once; get, list, patch and delete never show it', async () => {
    const hook = await createWebhook({
      url: 'https://example.com/hooks/qrdesk',
      events: ['scan.created', 'qrcode.created'],
      description: '  CRM sync  ',
    });
    assert.match(hook.id, /^wh_/);
    assert.match(hook.secret, /^whsec_[A-Za-z0-9_-]{43}$/);
    assert.equal(hook.description, 'CRM sync');
    assert.equal(hook.enabled, true);
    assert.equal(hook.disabledReason, null);
    assert.equal(hook.consecutiveFailures, 0);

    const got = await getHook(hook.id);
    assert.equal('secret' in got, false);
    const { secret, ...withoutSecret } = hook;
    assert.deepEqual(got, withoutSecret);
    assert.equal(JSON.stringify(got).includes(secret), false);

    const list = await ts.api('/api/v1/webhooks?limit=200', { key: admin });
    assert.equal(list.status, 200);
    const listText = await list.text();
    assert.equal(listText.includes(secret), false);
    const page = JSON.parse(listText) as { data: Webhook[]; nextCursor: string | null };
    assert.ok(page.data.some((w) => w.id === hook.id));

    const patched = await sendJson(
      ts,
      admin,
      `/api/v1/webhooks/${hook.id}`,
      { events: ['qrcode.deleted'], enabled: false, description: null },
      { method: 'PATCH' },
    );
    assert.equal(patched.status, 200);
    const changed = (await patched.json()) as Webhook;
    assert.deepEqual(changed.events, ['qrcode.deleted']);
    assert.equal(changed.enabled, false);
    assert.equal(changed.description, null);
    assert.equal('secret' in changed, false);

    const del = await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
    assert.equal(del.status, 200);
    await expectError(await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin }), 404, 'NOT_FOUND');
    await expectError(await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  test('list paginates with a cursor', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await createWebhook({ url: `https://e.example/${i}`, events: ['qrcode.created'] })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await ts.api(`/api/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: admin });
      assert.equal(res.status, 200);
      const page = (await res.json()) as { data: Webhook[]; nextCursor: string | null };
      assert.ok(page.data.length <= 2);
      seen.push(...page.data.map((w) => w.id));
      cursor = page.nextCursor;
    } while (cursor);
    for (const id of ids) assert.ok(seen.includes(id));
    assert.equal(new Set(seen).size, seen.length);
    await expectError(await ts.api('/api/v1/webhooks?cursor=!!', { key: admin }), 400, 'INVALID_CURSOR');
    for (const id of ids) await ts.api(`/api/v1/webhooks/${id}`, { key: admin, method: 'DELETE' });
  });

  test('validation: url scheme and credentials, events empty, unknown or repeated, unknown fields', async () => {
    const post = (body: unknown) => sendJson(ts, admin, '/api/v1/webhooks', body);
    await expectValidationError(await post({ url: 'not a url', events: ['scan.created'] }), 'url');
    await expectValidationError(await post({ url: 'javascript:alert(1)', events: ['scan.created'] }), 'url');
    await expectValidationError(await post({ url: 'ftp://example.com/x', events: ['scan.created'] }), 'url');
    await expectValidationError(await post({ url: 'https://user:pw@example.com/x', events: ['scan.created'] }), 'url');
    await expectValidationError(await post({ events: ['scan.created'] }), 'url');
    await expectValidationError(await post({ url: 'https://example.com', events: [] }), 'events');
    await expectValidationError(await post({ url: 'https://example.com' }), 'events');
    await expectValidationError(await post({ url: 'https://example.com', events: ['scan.deleted'] }), 'events');
    await expectValidationError(
      await post({ url: 'https://example.com', events: ['scan.created', 'scan.created'] }),
      'events',
    );
    await expectValidationError(await post({ url: 'https://example.com', events: ['scan.created'], x: 1 }), 'x');
    const hook = await createWebhook({ url: 'https://example.com/a', events: ['scan.created'] });
    const patch = (body: unknown) => sendJson(ts, admin, `/api/v1/webhooks/${hook.id}`, body, { method: 'PATCH' });
    await expectValidationError(await patch({ url: 'javascript:alert(1)' }), 'url');
    await expectValidationError(await patch({ events: [] }), 'events');
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('webhooks need the admin scope', async () => {
    const writer = ts.createKey({ scopes: ['read', 'write'] });
    await expectError(
      await sendJson(ts, writer, '/api/v1/webhooks', { url: 'https://example.com', events: ['scan.created'] }),
      403,
      'FORBIDDEN',
    );
    await expectError(await ts.api('/api/v1/webhooks', { key: writer }), 403, 'FORBIDDEN');
    await expectError(await ts.api('/api/v1/webhooks'), 401, 'UNAUTHORIZED');
  });

  test('code events: created, updated and deleted are delivered, signed, with the documented body', async () => {
    const { hook, path } = await hookOnReceiver(['qrcode.created', 'qrcode.updated', 'qrcode.deleted']);
    const code = await createCode(ts, admin, { type: 'url', content: 'https://example.com/menu', name: 'Menu' });
    const created = await waitFor('qrcode.created', () => rx.on(path, 'qrcode.created')[0]);
    assert.equal(created.headers['content-type'], 'application/json');
    assert.equal(created.headers['user-agent'], `qrdesk-webhooks/${PACKAGE_VERSION}`);
    assert.match(created.body.id, /^whd_/);
    assert.ok(!Number.isNaN(Date.parse(created.body.createdAt)));
    assert.deepEqual(created.body.data, JSON.parse(JSON.stringify(code)));

    const res = await sendJson(ts, admin, `/api/v1/qrcodes/${code.id}`, { name: 'Menu 2' }, { method: 'PATCH' });
    assert.equal(res.status, 200);
    const updated = await waitFor('qrcode.updated', () => rx.on(path, 'qrcode.updated')[0]);
    assert.equal(updated.body.data.name, 'Menu 2');

    const del = await ts.api(`/api/v1/qrcodes/${code.id}?permanent=true`, { key: admin, method: 'DELETE' });
    assert.equal(del.status, 200);
    const deleted = await waitFor('qrcode.deleted', () => rx.on(path, 'qrcode.deleted')[0]);
    assert.deepEqual(Object.keys(deleted.body.data).sort(), ['deletedAt', 'id', 'permanent']);
    assert.equal(deleted.body.data.id, code.id);
    assert.equal(deleted.body.data.permanent, true);

    const log = await deliveries(hook.id);
    assert.deepEqual(
      log.data.map((d) => [d.event, d.status, d.attempts, d.lastStatusCode]),
      [
        ['qrcode.deleted', 'delivered', 1, 204],
        ['qrcode.updated', 'delivered', 1, 204],
        ['qrcode.created', 'delivered', 1, 204],
      ],
    );
    for (const d of log.data) {
      assert.equal(d.nextAttemptAt, null);
      assert.ok(d.deliveredAt);
      assert.equal(d.lastError, null);
    }
    assert.equal(rx.badSignatures.length, 0, rx.badSignatures.join('\n'));
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('a scan through the public endpoint delivers scan.created, without the address', async () => {
    const { hook, path } = await hookOnReceiver(['scan.created']);
    const code = await createCode(ts, admin, { kind: 'dynamic', type: 'url', content: 'https://example.com/x' });
    const token = code.shortToken!;
    const res = await fetch(`${ts.publicUrl}/r/${token}`, {
      redirect: 'manual',
      headers: { 'User-Agent': IPHONE_UA, 'Accept-Language': 'fr-FR,fr;q=0.9', Referer: 'https://news.example/a' },
    });
    assert.equal(res.status, 302);
    const got = await waitFor('scan.created', () => rx.on(path, 'scan.created')[0]);
    const data = got.body.data;
    // The same shape as a scan from GET /api/v1/qrcodes/:id/scans.
    assert.deepEqual(Object.keys(data).sort(), [
      'browser',
      'city',
      'country',
      'device',
      'id',
      'isBot',
      'isUnique',
      'language',
      'latitude',
      'longitude',
      'os',
      'qrCodeId',
      'referrer',
      'scannedAt',
    ]);
    assert.equal(data.qrCodeId, code.id);
    assert.equal(data.device, 'mobile');
    assert.equal(data.os, 'iOS');
    assert.equal(data.isBot, false);
    assert.equal(data.isUnique, true);
    assert.equal(typeof data.id, 'string');
    const listed = (await (await ts.api(`/api/v1/qrcodes/${code.id}/scans`, { key: admin })).json()) as {
      data: { id: string }[];
    };
    assert.deepEqual(listed.data[0], data);
    assert.equal(JSON.stringify(got.body).includes('127.0.0.1'), false);
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('a receiver answering 500 is retried later, then the delivery succeeds once it recovers', async () => {
    const { hook, path } = await hookOnReceiver(['qrcode.created']);
    rx.mode = 'fail';
    try {
      const res = await ts.api(`/api/v1/webhooks/${hook.id}/test`, { key: admin, method: 'POST' });
      assert.equal(res.status, 202);
      const queued = (await res.json()) as Delivery;
      assert.equal(queued.event, 'webhook.test');
      assert.equal(queued.status, 'pending');
      const retrying = await waitFor('a failed first attempt', async () => {
        const d = (await deliveries(hook.id)).data.find((x) => x.id === queued.id);
        return d && d.attempts >= 1 ? d : undefined;
      });
      assert.equal(retrying.status, 'pending');
      assert.equal(retrying.lastStatusCode, 500);
      assert.equal(retrying.lastError, 'HTTP 500');
      // Backed off by the first delay (400 ms, ±20% jitter), not retried at once.
      assert.ok(Date.parse(retrying.nextAttemptAt!) - Date.parse(retrying.createdAt) >= 300);
      assert.equal(rx.on(path).length, 0);
    } finally {
      rx.mode = 'ok';
    }
    const got = await waitFor('the retried delivery', () => rx.on(path, 'webhook.test')[0]);
    assert.equal(got.body.data.webhookId, hook.id);
    const done = (await deliveries(hook.id)).data[0]!;
    assert.equal(done.status, 'delivered');
    assert.ok(done.attempts >= 2);
    assert.equal(done.lastStatusCode, 204);
    assert.equal((await getHook(hook.id)).consecutiveFailures, 0);
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('with the receiver down, redirects still answer 302 while deliveries fail', async () => {
    const hook = await createWebhook({ url: await deadUrl(), events: ['scan.created'] });
    const code = await createCode(ts, admin, { kind: 'dynamic', type: 'url', content: 'https://example.com/y' });
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(
        Array.from({ length: 5 }, () =>
          fetch(`${ts.publicUrl}/r/${code.shortToken}`, { redirect: 'manual', headers: { 'User-Agent': IPHONE_UA } }),
        ),
      );
      for (const a of answers) {
        assert.equal(a.status, 302);
        assert.equal(a.headers.get('location'), 'https://example.com/y');
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const failing = await waitFor('failed attempts', async () => {
      const log = (await deliveries(hook.id, '?limit=200')).data;
      return log.length === 15 && log.some((d) => d.attempts >= 1) ? log : undefined;
    });
    const tried = failing.find((d) => d.attempts >= 1)!;
    assert.equal(tried.lastStatusCode, null);
    assert.ok(tried.lastError && tried.lastError.length <= 200);
    assert.equal(failing.filter((d) => d.status === 'delivered').length, 0);
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('the delivery log pages newest first; unknown webhook is 404', async () => {
    const { hook, path } = await hookOnReceiver(['qrcode.created']);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await ts.api(`/api/v1/webhooks/${hook.id}/test`, { key: admin, method: 'POST' });
      ids.push(((await res.json()) as Delivery).id);
    }
    await waitFor('three test deliveries', () => rx.on(path, 'webhook.test').length === 3 || undefined);
    const first = await deliveries(hook.id, '?limit=2');
    assert.equal(first.data.length, 2);
    assert.ok(first.nextCursor);
    const second = await deliveries(hook.id, `?limit=2&cursor=${first.nextCursor}`);
    assert.equal(second.data.length, 1);
    assert.equal(second.nextCursor, null);
    const all = [...first.data, ...second.data];
    assert.deepEqual(all.map((d) => d.id).sort(), [...ids].sort());
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.createdAt >= all[i]!.createdAt);
    assert.deepEqual(new Set(rx.on(path).map((r) => r.body.id)), new Set(ids));
    await expectError(await ts.api('/api/v1/webhooks/wh_nope/deliveries', { key: admin }), 404, 'NOT_FOUND');
    await expectError(await ts.api('/api/v1/webhooks/wh_nope/test', { key: admin, method: 'POST' }), 404, 'NOT_FOUND');
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('a webhook is disabled after 5 deliveries in a row fail for good; re-enabling clears it', async () => {
    const hook = await createWebhook({ url: await deadUrl(), events: ['qrcode.created'] });
    for (let i = 0; i < 5; i++) {
      assert.equal((await ts.api(`/api/v1/webhooks/${hook.id}/test`, { key: admin, method: 'POST' })).status, 202);
    }
    const disabled = await waitFor('the webhook to be disabled', async () => {
      const h = await getHook(hook.id);
      return h.enabled ? undefined : h;
    });
    assert.equal(disabled.consecutiveFailures, 5);
    assert.match(disabled.disabledReason!, /in a row/);
    const log = (await deliveries(hook.id)).data;
    assert.equal(log.length, 5);
    for (const d of log) {
      assert.equal(d.status, 'failed');
      assert.equal(d.attempts, RETRY_DELAYS.length + 1);
      assert.equal(d.nextAttemptAt, null);
    }
    // A disabled webhook gets no new events.
    await createCode(ts, admin, { type: 'text', content: 'hello' });
    await new Promise((r) => setTimeout(r, 50));
    assert.equal((await deliveries(hook.id)).data.length, 5);

    const res = await sendJson(ts, admin, `/api/v1/webhooks/${hook.id}`, { enabled: true }, { method: 'PATCH' });
    const again = (await res.json()) as Webhook;
    assert.equal(again.enabled, true);
    assert.equal(again.consecutiveFailures, 0);
    assert.equal(again.disabledReason, null);
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('a delivery that failed for good can be retried once the receiver works; others are 409 or 404', async () => {
    const { hook, path } = await hookOnReceiver(['qrcode.created']);
    rx.mode = 'fail';
    let failed: Delivery;
    try {
      const queued = (await (
        await ts.api(`/api/v1/webhooks/${hook.id}/test`, { key: admin, method: 'POST' })
      ).json()) as Delivery;
      failed = await waitFor('the delivery to fail for good', async () => {
        const d = (await deliveries(hook.id)).data.find((x) => x.id === queued.id);
        return d?.status === 'failed' ? d : undefined;
      });
    } finally {
      rx.mode = 'ok';
    }
    assert.equal(failed.attempts, RETRY_DELAYS.length + 1);
    const retry = (id: string, deliveryId: string, key = admin) =>
      ts.api(`/api/v1/webhooks/${id}/deliveries/${deliveryId}/retry`, { key, method: 'POST' });

    await expectError(await retry(hook.id, failed.id, ts.createKey({ scopes: ['write'] })), 403, 'FORBIDDEN');
    const res = await retry(hook.id, failed.id);
    assert.equal(res.status, 202);
    assert.equal(((await res.json()) as Delivery).status, 'pending');
    const got = await waitFor('the retried delivery', () => rx.on(path, 'webhook.test')[0]);
    assert.equal(got.body.data.webhookId, hook.id);
    const done = await waitFor('delivered', async () => {
      const d = (await deliveries(hook.id)).data.find((x) => x.id === failed.id);
      return d?.status === 'delivered' ? d : undefined;
    });
    assert.equal(done.attempts, RETRY_DELAYS.length + 2);

    await expectError(await retry(hook.id, failed.id), 409, 'CONFLICT');
    await expectError(await retry(hook.id, 'whd_nope'), 404, 'NOT_FOUND');
    await expectError(await retry('wh_nope', failed.id), 404, 'NOT_FOUND');
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('finished deliveries older than 30 days are purged; pending ones stay', async () => {
    const hook = await createWebhook({ url: await deadUrl(), events: ['qrcode.created'] });
    const day = 86_400_000;
    const insert = ts.store.db.prepare(
      `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, 'webhook.test', '{}', ?, 1, ?, ?)`,
    );
    const now = Date.now();
    insert.run('whd_old_delivered', hook.id, 'delivered', null, now - 31 * day);
    insert.run('whd_old_failed', hook.id, 'failed', null, now - 40 * day);
    // Pending but due far in the future, so the worker leaves it alone during the test.
    insert.run('whd_old_pending', hook.id, 'pending', now + 365 * day, now - 60 * day);
    insert.run('whd_recent', hook.id, 'delivered', null, now - 29 * day);
    assert.equal(ts.services.webhooks.purgeDeliveries(now), 2);
    const left = (
      ts.store.db.prepare('SELECT id FROM webhook_deliveries WHERE webhook_id = ? ORDER BY id').all(hook.id) as {
        id: string;
      }[]
    ).map((r) => r.id);
    assert.deepEqual(left, ['whd_old_pending', 'whd_recent']);
    await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' });
  });

  test('deleting a webhook deletes its pending deliveries', async () => {
    const hook = await createWebhook({ url: await deadUrl(), events: ['qrcode.created'] });
    await createCode(ts, admin, { type: 'text', content: 'one' });
    await ts.api(`/api/v1/webhooks/${hook.id}/test`, { key: admin, method: 'POST' });
    assert.equal(pendingRows(hook.id), 2);
    assert.equal((await ts.api(`/api/v1/webhooks/${hook.id}`, { key: admin, method: 'DELETE' })).status, 200);
    assert.equal(pendingRows(hook.id), 0);
  });

  test('no webhook, no outbox rows: scans and code changes write nothing', async () => {
    ts.store.db.prepare('DELETE FROM webhooks').run();
    // Go through the API so the subscriber cache is invalidated too.
    const probe = await createWebhook({ url: 'https://example.com/p', events: ['qrcode.created'] });
    await ts.api(`/api/v1/webhooks/${probe.id}`, { key: admin, method: 'DELETE' });
    const before = (ts.store.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get() as { n: number }).n;
    const code = await createCode(ts, admin, { kind: 'dynamic', type: 'url', content: 'https://example.com/z' });
    const r = await fetch(`${ts.publicUrl}/r/${code.shortToken}`, { redirect: 'manual' });
    assert.equal(r.status, 302);
    const now = (ts.store.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get() as { n: number }).n;
    assert.equal(now, before);
  });
});

test('pending deliveries survive a restart and are sent by the next process', async () => {
  const rx = new Receiver();
  await rx.start();
  const dataDir = tempDataDir();
  // A worker that never polls in time: the delivery stays pending in the database.
  let ts = await startTestServer({ dataDir, webhookPollMs: 60_000 });
  try {
    const key = ts.createKey();
    const path = rx.nextPath();
    const res = await sendJson(ts, key, '/api/v1/webhooks', { url: rx.url + path, events: ['qrcode.created'] });
    const hook = (await res.json()) as Webhook & { secret: string };
    rx.secrets.set(path, hook.secret);
    const code = await createCode(ts, key, { type: 'text', content: 'durable' });
    await ts.stop({ keepData: true });
    ts = await startTestServer({ dataDir, webhookPollMs: 20 });
    const got = await waitFor('the delivery after restart', () => rx.on(path, 'qrcode.created')[0]);
    assert.equal(got.body.data.id, code.id);
    assert.equal(rx.badSignatures.length, 0);
  } finally {
    await ts.stop();
    await rx.stop();
  }
});
