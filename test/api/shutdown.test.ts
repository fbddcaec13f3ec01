import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestServer, tempDataDir } from '../helpers/server';

test('close() lets an in-flight POST finish with 201, then closes the database', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  const admin = ts.createKey({ scopes: ['admin'] });

  const body = JSON.stringify({ name: 'created during shutdown', scopes: ['read'] });
  const half = Math.floor(body.length / 2);
  const url = new URL(ts.apiUrl);

  let closing: Promise<void> | undefined;
  const response = await new Promise<{ status: number; text: string; connection?: string }>((resolve, reject) => {
    const req = http.request({
      host: url.hostname,
      port: url.port,
      path: '/api/v1/api-keys',
      method: 'POST',
      agent: false,
      headers: {
        Authorization: `Bearer ${admin}`,
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        // A client that would keep the connection: the server must still let it go once shutting down.
        Connection: 'keep-alive',
        // The server answers 100 Continue once it has the request: from then on it is in flight.
        Expect: '100-continue',
      },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
    });
    req.on('continue', () => {
      req.write(body.slice(0, half), () => {
        // Shut down with the request half-received; do not wait yet.
        closing = ts.close();
        setImmediate(() => req.end(body.slice(half)));
      });
    });
    req.flushHeaders();
  });

  assert.ok(closing, 'close() was called while the request was in flight');
  assert.equal(response.status, 201, response.text);
  assert.equal(response.connection, 'close', 'no keep-alive once the server is stopping');
  const created = JSON.parse(response.text) as { id: string; name: string; key: string };
  assert.equal(created.name, 'created during shutdown');
  await closing;

  assert.equal(ts.store.db.open, false, 'the database is closed');
  assert.ok(!fs.existsSync(path.join(dataDir, 'server.json')));
  // New connections are refused now.
  await assert.rejects(fetch(`${ts.apiUrl}/health`));

  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  try {
    const row = db.prepare('SELECT name FROM api_keys WHERE id = ?').get(created.id) as { name: string } | undefined;
    assert.equal(row?.name, 'created during shutdown');
  } finally {
    db.close();
  }
});

test('close() is idempotent', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ts = await startTestServer({ dataDir });
  t.after(() => ts.close()); // a no-op when the test stopped it already
  await Promise.all([ts.close(), ts.close()]);
  await ts.close();
  assert.equal(ts.store.db.open, false);
});
