/**
 * The manager's reconnection: exponential backoff capped at the maximum, a
 * start while waiting tries at once, and stop cancels the pending retry. Run
 * over a real store with the custom-domain provider pointed at a closed port.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { after, before, describe, test } from 'node:test';
import { SettingsService } from '../../src-server/services/settings';
import { Store } from '../../src-server/store/store';
import { TunnelManager } from '../../src-server/tunnel/manager';
import { FileSecretStore } from '../../src-server/tunnel/secrets';

describe('TunnelManager backoff', () => {
  let dir: string;
  let store: Store;
  let manager: TunnelManager;
  let settings: SettingsService;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-tunnel-manager-'));
    store = Store.open(dir);
    settings = new SettingsService(store, () => 'http://127.0.0.1:4781');
    manager = new TunnelManager(
      { store, settings, secrets: new FileSecretStore(dir), logger: pino({ level: 'silent' }) },
      {
        timings: {
          initialDelayMs: 40,
          maxDelayMs: 160,
          jitter: 0,
          startWaitMs: 2_000,
          checkTimeoutMs: 500,
          checkIntervalMs: 100,
        },
      },
    );
    manager.attach({ host: '0.0.0.0', port: 4781 });
  });
  after(async () => {
    await manager.close();
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('waits 40, 80, 160, 160 ms between failed attempts, then connects as soon as the URL answers', async () => {
    // A port that is free now: nothing answers there until the test listens on it.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await manager.update({ provider: 'custom-domain', customDomainUrl: `http://127.0.0.1:${port}` });
    const waits: number[] = [];
    const onChange = () => {
      const s = manager.status();
      if (s.state === 'down' && s.nextRetryAt) waits.push(Date.parse(s.nextRetryAt) - Date.now());
    };
    manager.on('change', onChange);
    const first = await manager.start();
    assert.equal(first.state, 'down');
    assert.match(first.message ?? '', /not reachable/);
    for (let i = 0; i < 300 && waits.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
    manager.off('change', onChange);
    const rounded = waits.slice(0, 4).map((w) => Math.round(w / 40) * 40);
    assert.deepEqual(rounded, [40, 80, 160, 160]);

    // The URL comes up: the next attempt connects and the backoff starts over.
    const site = http.createServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(req.url === '/health' ? '{"app":"qrdesk","version":"x"}' : '{"error":{"code":"NOT_FOUND"}}');
    });
    await new Promise<void>((r) => site.listen(port, '127.0.0.1', r));
    try {
      for (let i = 0; i < 100 && manager.status().state !== 'up'; i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(manager.status().state, 'up');
      assert.equal(settings.get().publicBaseUrl, `http://127.0.0.1:${port}`);
      assert.equal(settings.get().trustProxy, 'x-forwarded-for');
    } finally {
      await manager.stop();
      site.closeAllConnections();
      await new Promise((r) => site.close(r));
    }
  });

  test('stop cancels the pending retry: nothing runs after it', async () => {
    await manager.update({ customDomainUrl: 'http://127.0.0.1:1' });
    assert.equal((await manager.start()).state, 'down');
    await manager.stop();
    let changes = 0;
    manager.on('change', () => changes++);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(changes, 0);
    assert.equal(manager.status().state, 'stopped');
  });
});
