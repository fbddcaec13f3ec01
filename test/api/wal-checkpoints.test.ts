/**
 * The WAL is checkpointed by a worker thread, not on the commit that crosses
 * SQLite's threshold (which ran on the event loop, in the middle of the
 * redirects waiting for it): the server's connection never checkpoints by
 * itself, the log is folded back and starts over while scans keep coming, its
 * file is cut back afterwards, and shutdown still leaves one self-contained
 * database file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestServer, tempDataDir } from '../helpers/server';
import { createCode } from './support';

const SIZE_LIMIT = 64 * 1024;

function scan(baseUrl: string, token: string, i: number, agent: http.Agent): Promise<number> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: `/r/${token}`,
        agent,
        headers: { 'User-Agent': `Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E${i} Safari/604.1` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
  });
}

const until = async (what: string, check: () => boolean) => {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting until ${what}`);
};

test('the WAL is checkpointed off the event loop, stays bounded under load, and is folded in at shutdown', async (t) => {
  const dataDir = tempDataDir();
  t.after(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const ts = await startTestServer({
    dataDir,
    walCheckpoints: { intervalMs: 10, maxFrames: 64, sizeLimitBytes: SIZE_LIMIT },
  });
  t.after(() => ts.close());
  const wal = path.join(dataDir, 'qrdesk.db-wal');

  // Idle, the server keeps SQLite's own checkpoints and spends no memory on a worker.
  assert.equal(ts.walCheckpointer.running, false);
  assert.equal(ts.store.db.pragma('wal_autocheckpoint', { simple: true }), 1000);

  const key = ts.createKey();
  const code = await createCode(ts, key, { type: 'url', kind: 'dynamic', content: 'https://example.com/' });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
  let total = 0;
  let walPeak = 0;
  try {
    // The first scan starts the worker; from then on commits never checkpoint.
    assert.equal(await scan(ts.publicUrl, code.shortToken!, 0, agent), 302);
    total += 1;
    assert.equal(ts.walCheckpointer.running, true, 'the worker runs');
    assert.equal(ts.store.db.pragma('wal_autocheckpoint', { simple: true }), 0, 'commits never checkpoint');

    // Waves of scans: a few thousand pages of log written in all.
    const started = ts.walCheckpointer.stats.rounds;
    for (let wave = 0; wave < 15; wave++) {
      const statuses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => scan(ts.publicUrl, code.shortToken!, wave * 100 + i, agent)),
      );
      assert.ok(statuses.every((s) => s === 302));
      total += statuses.length;
      walPeak = Math.max(walPeak, fs.statSync(wal).size);
    }
    assert.ok(ts.walCheckpointer.stats.rounds > started, 'the worker checkpointed during the load');

    // Quiet now: a round folds the whole log into the database file...
    const rounds = ts.walCheckpointer.stats.rounds;
    await until('a round finds the log fully checkpointed', () => {
      const s = ts.walCheckpointer.stats;
      return s.rounds > rounds + 1 && s.lastLog === s.lastCheckpointed;
    });
    // ...so the next commit starts the log over, and its file is cut back to the size limit.
    assert.equal(await scan(ts.publicUrl, code.shortToken!, 99_999, agent), 302);
    total += 1;
    assert.ok(fs.statSync(wal).size <= SIZE_LIMIT + 64 * 1024, `WAL file ${fs.statSync(wal).size} bytes`);
  } finally {
    agent.destroy();
  }
  // Thousands of scans, each batch several pages: without checkpoints the log would hold them all.
  const pageSize = ts.store.db.pragma('page_size', { simple: true }) as number;
  const stats = ts.walCheckpointer.stats;
  assert.ok(stats.maxLog * pageSize < 8 * 1024 * 1024, `the log peaked at ${stats.maxLog} frames`);
  assert.ok(walPeak < 8 * 1024 * 1024, `the WAL file peaked at ${walPeak} bytes`);
  assert.equal(
    (ts.store.db.prepare('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?').get(code.id) as { n: number }).n,
    total,
  );

  await ts.close();
  // The final TRUNCATE checkpoint and close: one self-contained file, every scan in it.
  assert.equal(fs.existsSync(wal), false, 'no WAL left after shutdown');
  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  try {
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n, total);
  } finally {
    db.close();
  }
});
