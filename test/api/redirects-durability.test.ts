/**
 * The promises of the scan recorder, checked over real HTTP: maxScans is exact
 * under concurrency, every redirect a client received has its committed scan
 * row (before and after a restart), and the client's address is nowhere in the
 * database file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { createCode, rawRequest, sendJson } from './support';

/** An iPhone Safari user agent, made distinct per visitor by its build number. */
const phone = (i: number) =>
  `Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E${i} Safari/604.1`;

const hit = (ts: TestServer, token: string, i: number, headers: Record<string, string> = {}) =>
  fetch(`${ts.publicUrl}/r/${token}`, { redirect: 'manual', headers: { 'User-Agent': phone(i), ...headers } }).then(
    async (res) => {
      await res.arrayBuffer();
      return res.status;
    },
  );

const count = (ts: TestServer, sql: string, ...params: unknown[]): number =>
  (ts.store.db.prepare(sql).get(...params) as { n: number }).n;

const dynamicUrl = async (ts: TestServer, key: string, extra: Record<string, unknown> = {}) => {
  const code = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/', ...extra });
  return { id: code.id, token: code.shortToken! };
};

describe('redirect durability and privacy', () => {
  test('maxScans 100, 50 concurrent clients, 300 requests: exactly 100 redirects and 100 counted scans', async () => {
    const ts = await startTestServer();
    try {
      const key = ts.createKey();
      const code = await dynamicUrl(ts, key, { protection: { maxScans: 100 } });
      const statuses: number[] = [];
      for (let wave = 0; wave < 6; wave++) {
        statuses.push(...(await Promise.all(Array.from({ length: 50 }, (_, i) => hit(ts, code.token, wave * 50 + i)))));
      }
      assert.equal(statuses.length, 300);
      assert.equal(statuses.filter((s) => s === 302).length, 100);
      assert.equal(statuses.filter((s) => s === 410).length, 200);
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ? AND is_bot = 0', code.id), 100);
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?', code.id), 100);
      assert.equal(count(ts, 'SELECT scan_count AS n FROM qr_codes WHERE id = ?', code.id), 100);
      assert.equal(
        count(ts, "SELECT SUM(scans) AS n FROM scan_rollups WHERE qr_code_id = ? AND dimension = 'total'", code.id),
        100,
      );
    } finally {
      await ts.stop();
    }
  });

  test('maxScans is exact when all 300 requests arrive at once, bots mixed in', async () => {
    const ts = await startTestServer();
    try {
      const key = ts.createKey();
      const code = await dynamicUrl(ts, key, { protection: { maxScans: 100 } });
      const statuses = await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          i % 10 === 0 ? hit(ts, code.token, i, { 'User-Agent': 'curl/8.5.0' }).then(() => 0) : hit(ts, code.token, i),
        ),
      );
      assert.equal(statuses.filter((s) => s === 302).length, 100);
      assert.equal(statuses.filter((s) => s === 410).length, 270 - 100);
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ? AND is_bot = 0', code.id), 100);
      assert.equal(count(ts, 'SELECT scan_count AS n FROM qr_codes WHERE id = ?', code.id), 100);
    } finally {
      await ts.stop();
    }
  });

  test('answered ⇒ recorded: 500 concurrent redirects have 500 rows, live and after a restart', async () => {
    const dataDir = tempDataDir();
    let ts = await startTestServer({ dataDir });
    try {
      const key = ts.createKey();
      const code = await dynamicUrl(ts, key);
      const statuses = await Promise.all(Array.from({ length: 500 }, (_, i) => hit(ts, code.token, i % 200)));
      const answered = statuses.filter((s) => s === 302).length;
      assert.equal(answered, 500);
      // Read at once, on the live server: every answered redirect is already committed.
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?', code.id), answered);
      assert.equal(count(ts, 'SELECT scan_count AS n FROM qr_codes WHERE id = ?', code.id), answered);
      assert.equal(count(ts, 'SELECT SUM(is_unique) AS n FROM scans WHERE qr_code_id = ?', code.id), 200);

      // And another burst, then a restart on the same data directory.
      const more = await Promise.all(Array.from({ length: 500 }, (_, i) => hit(ts, code.token, 1000 + i)));
      const total = answered + more.filter((s) => s === 302).length;
      await ts.stop({ keepData: true });
      ts = await startTestServer({ dataDir });
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?', code.id), total);
      assert.equal(count(ts, 'SELECT scan_count AS n FROM qr_codes WHERE id = ?', code.id), total);
      assert.equal(
        count(ts, "SELECT SUM(scans) AS n FROM scan_rollups WHERE qr_code_id = ? AND dimension = 'total'", code.id),
        total,
      );
      // The token still redirects after the restart.
      assert.equal(await hit(ts, code.token, 1), 302);
    } finally {
      await ts.stop();
    }
  });

  test("the client's address appears nowhere in the database file", async () => {
    const ADDRESS = '203.0.113.77';
    const LOCAL = '127.0.0.1';
    const dataDir = tempDataDir();
    const ts = await startTestServer({ dataDir });
    // The server's own public URL (http://127.0.0.1:port) is in every dynamic code's payload: not a client's.
    const ownUrl = ts.publicUrl;
    assert.ok(ownUrl.includes(LOCAL));
    try {
      const key = ts.createKey();
      const res = await sendJson(ts, key, '/api/v1/settings', { trustProxy: 'x-forwarded-for' }, { method: 'PATCH' });
      assert.equal(res.status, 200, await res.text());
      const open = await dynamicUrl(ts, key);
      const card = await createCode(ts, key, { type: 'vcard', kind: 'dynamic', content: { firstName: 'A' } });
      const locked = await dynamicUrl(ts, key, { protection: { password: 'secret1' } });
      const xff = { 'X-Forwarded-For': ADDRESS };
      for (let i = 0; i < 20; i++) assert.equal(await hit(ts, open.token, i, xff), 302);
      assert.equal(await hit(ts, open.token, 0, { ...xff, 'User-Agent': 'curl/8.5.0' }), 302);
      assert.equal(await hit(ts, card.shortToken!, 0, xff), 200);
      // A wrong password (the attempt limiter keys on the address, in memory only).
      const post = await rawRequest(ts.publicUrl, `/r/${locked.token}`, {
        method: 'POST',
        headers: { ...xff, 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': phone(1) },
        body: 'password=wrong',
      });
      assert.equal(post.status, 401);
      // And from the socket address itself, with forwarded headers ignored.
      await sendJson(ts, key, '/api/v1/settings', { trustProxy: 'none' }, { method: 'PATCH' });
      for (let i = 0; i < 20; i++) assert.equal(await hit(ts, open.token, 100 + i), 302);
      assert.equal(count(ts, 'SELECT COUNT(*) AS n FROM scans'), 42);
    } finally {
      await ts.stop({ keepData: true });
    }
    try {
      const files = fs.readdirSync(dataDir).filter((f) => f.startsWith('qrdesk.db'));
      assert.ok(files.includes('qrdesk.db'));
      for (const file of files) {
        const bytes = fs.readFileSync(path.join(dataDir, file));
        const text = bytes.toString('latin1');
        assert.ok(!text.includes(ADDRESS), `${file} holds ${ADDRESS} as text`);
        assert.ok(!text.split(ownUrl).join('').includes(LOCAL), `${file} holds ${LOCAL} outside the server's URL`);
        for (const ip of [ADDRESS, LOCAL]) {
          assert.ok(!bytes.includes(Buffer.from(ip, 'utf16le')), `${file} holds ${ip} as UTF-16LE`);
          assert.ok(!bytes.includes(Buffer.from(ip, 'utf16le').swap16()), `${file} holds ${ip} as UTF-16BE`);
        }
        // The four raw bytes of 203.0.113.77 (a chance match in 4 random bytes is ~1e-4 here).
        assert.ok(!bytes.includes(Buffer.from([0xcb, 0x00, 0x71, 0x4d])), `${file} holds ${ADDRESS} as bytes`);
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
