/**
 * The acceptance test for backups: `qrdesk backup` taken while `qrdesk serve`
 * answers about 1,000 redirects a second restores to a database with every
 * code and every scan up to the backup point.
 *
 * What "up to the backup point" means here, and why the bounds below hold:
 * - The server answers a redirect only after its scan is committed (the scan
 *   recorder's group commit resolves the request after the transaction).
 * - `acknowledged` is the number of 302 responses this test had received at
 *   the moment it spawned `qrdesk backup`, read synchronously just before the
 *   spawn. Each of those scans was committed before its response was sent,
 *   so before the backup process existed, so before the backup's read
 *   transaction began: every one of them must be in the backup.
 * - The backup is one snapshot (SQLite online backup in a single step), so it
 *   may also hold scans committed after the spawn but before its snapshot, and
 *   never more than the server committed in all: acknowledged <= scans in the
 *   backup <= scans at the end.
 * Rates are measured and printed, never asserted.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { cliFixture, request, runCli } from '../helpers/cli';

const CODES = 50;
const TARGET_RATE = 1_000; // redirects per second
const LEAD_MS = 1_500; // load before the backup starts
const TAIL_MS = 1_000; // load after the backup has finished

const phone = (i: number) =>
  `Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E${i} Safari/604.1`;

/** Sends GET /r/<token> at about `rate` per second (at most 64 in flight) until stopped; counts 302s as they arrive. */
function driveRedirects(publicUrl: string, tokens: readonly string[], rate: number) {
  const url = new URL(publicUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const stats = { sent: 0, answered: 0, other: 0, errors: 0 };
  let inFlight = 0;
  let running = true;
  const started = performance.now();
  let settle: () => void = () => undefined;
  const drained = new Promise<void>((resolve) => (settle = resolve));
  const done = () => {
    inFlight -= 1;
    if (!running && inFlight === 0) settle();
  };
  const one = () => {
    const i = stats.sent++;
    inFlight += 1;
    const req = http.get(
      {
        host: url.hostname,
        port: url.port,
        path: `/r/${tokens[i % tokens.length]}`,
        agent,
        headers: { 'User-Agent': phone(i % 500) },
      },
      (res) => {
        // Counted when the answer arrives: the server sent it after the scan's commit.
        if (res.statusCode === 302) stats.answered += 1;
        else stats.other += 1;
        res.resume();
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('error', () => {
      stats.errors += 1;
      done();
    });
  };
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    while (stats.sent < due && inFlight < 64) one();
  }, 5);
  return {
    stats,
    elapsedMs: () => performance.now() - started,
    async stop() {
      running = false;
      clearInterval(timer);
      if (inFlight > 0) await drained;
      agent.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function countIn(file: string): { codes: string[]; scans: number; integrity: string } {
  const db = new Database(file, { fileMustExist: true });
  try {
    return {
      codes: db.prepare('SELECT id FROM qr_codes ORDER BY id').pluck().all() as string[],
      scans: db.prepare('SELECT COUNT(*) FROM scans').pluck().get() as number,
      integrity: db.pragma('integrity_check', { simple: true }) as string,
    };
  } finally {
    db.close();
  }
}

test('a backup taken under ~1,000 redirects/s restores every code and every scan answered before it', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  const serve = fx.serve(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;

  const codes: { id: string; shortToken: string }[] = [];
  for (let i = 0; i < CODES; i++) {
    const res = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'url', kind: 'dynamic', name: `load ${i}`, content: `https://example.com/${i}` }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    codes.push((await res.json()) as { id: string; shortToken: string });
  }

  const load = driveRedirects(
    banner.publicUrl,
    codes.map((c) => c.shortToken),
    TARGET_RATE,
  );
  await sleep(LEAD_MS);
  const backupFile = path.join(fx.dataDir(), 'under-load.db');
  // The backup point: read synchronously, then the backup process is spawned.
  const acknowledged = load.stats.answered;
  const sentAtBackup = load.stats.sent;
  const backupStarted = load.elapsedMs();
  const backup = await runCli(['backup', backupFile, '--data-dir', dataDir]);
  const backupMs = load.elapsedMs() - backupStarted;
  await sleep(TAIL_MS);
  await load.stop();
  const seconds = load.elapsedMs() / 1000;
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(
    backup.stdout,
    /^Backed up 50 codes and \d+ scans to .*under-load\.db \(\d+ bytes, schema \d+, integrity ok\)\.\n$/,
  );

  const stopped = await serve.stop('SIGTERM');
  assert.equal(stopped.code, 0, serve.stderr());
  const final = countIn(path.join(dataDir, 'qrdesk.db'));

  t.diagnostic(
    `load: ${load.stats.sent} redirects in ${seconds.toFixed(1)} s = ${Math.round(load.stats.sent / seconds)}/s ` +
      `(target ${TARGET_RATE}/s, ${load.stats.errors} connection errors); backup started after ${sentAtBackup} sent / ${acknowledged} answered and took ` +
      `${Math.round(backupMs)} ms (CLI start included)`,
  );
  assert.equal(load.stats.other, 0, 'every redirect answered during the backup was a 302');
  assert.ok(acknowledged > 0, 'redirects were answered before the backup began');
  // Answered means recorded: one scan per redirect received (and at most one more per request whose
  // connection failed, on a machine so loaded that a socket was reset after the server had answered).
  assert.ok(final.scans >= load.stats.answered, `${final.scans} scans >= ${load.stats.answered} answered`);
  assert.ok(final.scans <= load.stats.answered + load.stats.errors, 'no scan without a request');

  // Restore into a fresh data folder, as on another machine.
  const restoredDir = fx.dataDir();
  const restore = await runCli(['restore', backupFile, '--data-dir', restoredDir]);
  assert.equal(restore.code, 0, restore.stderr);
  const restored = countIn(path.join(restoredDir, 'qrdesk.db'));
  t.diagnostic(
    `scans: ${acknowledged} acknowledged before the backup <= ${restored.scans} in it <= ${final.scans} at the end`,
  );
  assert.equal(restored.integrity, 'ok');
  assert.deepEqual(restored.codes, codes.map((c) => c.id).sort(), 'every code is in the backup');
  assert.ok(
    restored.scans >= acknowledged,
    `every scan answered before the backup began is in it (${restored.scans} >= ${acknowledged})`,
  );
  assert.ok(restored.scans <= final.scans, `the backup holds no scan the server never recorded`);

  // And the restored folder serves the codes.
  const again = fx.serve(['--data-dir', restoredDir, '--port', '0', '--public-port', '0']);
  const restoredBanner = await again.ready;
  const res = await fetch(`${restoredBanner.publicUrl}/r/${codes[7]!.shortToken}`, {
    redirect: 'manual',
    headers: { 'User-Agent': phone(1) },
  });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://example.com/7');
  await again.stop('SIGTERM');
});
