/**
 * Automatic backups (the backupIntervalHours and backupRetention settings, on a
 * clock the test shrinks), backups on request (POST/GET /api/v1/backups), and a
 * scheduler that survives failing backups.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { startTestServer, type TestServer } from '../helpers/server';
import { createCode, expectError, expectValidationError, sendJson } from './support';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (bounded) until `check` is true; the bound is a guard against a hang, not a timing assertion. */
async function until(check: () => boolean, what: string, guardMs = 20_000): Promise<void> {
  const end = Date.now() + guardMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting until ${what}`);
    await sleep(20);
  }
}

const backupsDir = (ts: TestServer) => path.join(ts.dataDir, 'backups');
const files = (ts: TestServer) => (fs.existsSync(backupsDir(ts)) ? fs.readdirSync(backupsDir(ts)).sort() : []);
const automatic = (ts: TestServer) => files(ts).filter((n) => /^qrdesk-\d{8}-\d{6}(-\d+)?\.db$/.test(n));

function codesIn(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    assert.equal(db.pragma('integrity_check', { simple: true }), 'ok', `${path.basename(file)} is intact`);
    return db.prepare('SELECT id FROM qr_codes ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

const logText = (ts: TestServer) =>
  fs
    .readdirSync(path.join(ts.dataDir, 'logs'))
    .map((f) => fs.readFileSync(path.join(ts.dataDir, 'logs', f), 'utf8'))
    .join('\n');

describe('backup settings', () => {
  test('default to a backup a day, seven kept; bad values are 400 naming the field and nothing is stored', async () => {
    const ts = await startTestServer();
    try {
      const admin = ts.createKey();
      const get = async () =>
        (await (await ts.api('/api/v1/settings', { key: admin })).json()) as Record<string, unknown>;
      const initial = await get();
      assert.equal(initial.backupIntervalHours, 24);
      assert.equal(initial.backupRetention, 7);
      const stored = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM settings').get() as { n: number }).n;
      for (const [field, value] of [
        ['backupIntervalHours', -1],
        ['backupIntervalHours', 1.5],
        ['backupIntervalHours', '24'],
        ['backupIntervalHours', 8761],
        ['backupIntervalHours', null],
        ['backupIntervalHours', 1e308],
        ['backupRetention', 0],
        ['backupRetention', 1001],
        ['backupRetention', 2.5],
        ['backupRetention', true],
        ['backupRetention', { __proto__: 7 }],
      ] as const) {
        const res = await sendJson(ts, admin, '/api/v1/settings', { [field]: value }, { method: 'PATCH' });
        await expectValidationError(res, field);
        assert.equal(stored(), 0, `${field}=${JSON.stringify(value)} stored nothing`);
      }
      // A valid change next to an invalid one is refused with it.
      await expectValidationError(
        await sendJson(
          ts,
          admin,
          '/api/v1/settings',
          { backupIntervalHours: 6, backupRetention: 0 },
          { method: 'PATCH' },
        ),
        'backupRetention',
      );
      assert.deepEqual(await get(), initial);

      const ok = await sendJson(
        ts,
        admin,
        '/api/v1/settings',
        { backupIntervalHours: 0, backupRetention: 30 },
        { method: 'PATCH' },
      );
      assert.equal(ok.status, 200);
      const changed = (await ok.json()) as Record<string, unknown>;
      assert.equal(changed.backupIntervalHours, 0);
      assert.equal(changed.backupRetention, 30);
      // Only an admin key may change them.
      const writer = ts.createKey({ scopes: ['write'] });
      await expectError(
        await sendJson(ts, writer, '/api/v1/settings', { backupIntervalHours: 1 }, { method: 'PATCH' }),
        403,
        'FORBIDDEN',
      );
    } finally {
      await ts.stop();
    }
  });
});

describe('automatic backups', () => {
  test('run on the interval, keep the newest backupRetention, stop at 0, and leave backups on request alone', async () => {
    // One "hour" of the schedule lasts 100 ms here.
    const ts = await startTestServer({ autoBackups: { hourMs: 100, pollMs: 20 } });
    try {
      const admin = ts.createKey();
      const code = await createCode(ts, admin, { type: 'text', content: 'in every backup' });
      await sendJson(ts, admin, '/api/v1/settings', { backupIntervalHours: 0 }, { method: 'PATCH' });

      const manual = await ts.api('/api/v1/backups', { key: admin, method: 'POST' });
      assert.equal(manual.status, 201);
      const made = (await manual.json()) as { name: string; kind: string; codes: number; byteSize: number };
      assert.match(made.name, /^qrdesk-\d{8}-\d{6}(-\d+)?-manual\.db$/);
      assert.equal(made.kind, 'manual');
      assert.equal(made.codes, 1);
      assert.equal(made.byteSize, fs.statSync(path.join(backupsDir(ts), made.name)).size);
      assert.equal(fs.statSync(path.join(backupsDir(ts), made.name)).mode & 0o777, 0o600);

      const res = await sendJson(
        ts,
        admin,
        '/api/v1/settings',
        { backupIntervalHours: 1, backupRetention: 2 },
        {
          method: 'PATCH',
        },
      );
      assert.equal(res.status, 200);
      await until(() => ts.backups.stats.made >= 5, 'five automatic backups were made');
      await sendJson(ts, admin, '/api/v1/settings', { backupIntervalHours: 0 }, { method: 'PATCH' });
      // A backup the schedule started before the change finishes (the tick that starts one reads the setting
      // and starts it in one step, so none can start after the PATCH was answered).
      await ts.backups.idle();
      const settled = ts.backups.stats.made;
      await sleep(400);
      assert.equal(ts.backups.stats.made, settled, 'no backup once the interval is 0');
      assert.equal(ts.backups.stats.failed, 0);

      const kept = automatic(ts);
      assert.equal(kept.length, 2, `two automatic backups kept: ${files(ts).join(', ')}`);
      assert.ok(ts.backups.stats.pruned >= 3, 'older ones were deleted');
      assert.ok(files(ts).includes(made.name), 'the backup on request is never pruned');
      assert.ok(!files(ts).some((n) => n.endsWith('.tmp')), 'no temporary files left');
      for (const name of kept) assert.deepEqual(codesIn(path.join(backupsDir(ts), name)), [code.id]);
      assert.match(logText(ts), /automatic backup written/);

      const list = await ts.api('/api/v1/backups', { key: admin });
      assert.equal(list.status, 200);
      const body = (await list.json()) as {
        data: { name: string; kind: string; createdAt: string }[];
        nextCursor: null;
      };
      assert.equal(body.nextCursor, null);
      assert.deepEqual(
        body.data.map((b) => b.name).sort(),
        files(ts).filter((n) => n.endsWith('.db')),
      );
      assert.equal(body.data.filter((b) => b.kind === 'manual').length, 1);
      const times = body.data.map((b) => Date.parse(b.createdAt));
      assert.deepEqual(
        times,
        [...times].sort((a, b) => b - a),
        'newest first',
      );
    } finally {
      await ts.stop();
    }
  });

  test('a failing backup is logged and retried an interval later; the server keeps serving meanwhile', async () => {
    const ts = await startTestServer({ autoBackups: { hourMs: 100, pollMs: 20 } });
    try {
      const admin = ts.createKey();
      const code = await createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/up' });
      // A file where the backups folder should be: every backup fails until it goes.
      fs.writeFileSync(backupsDir(ts), 'in the way');
      await sendJson(ts, admin, '/api/v1/settings', { backupIntervalHours: 1 }, { method: 'PATCH' });
      await until(() => ts.backups.stats.failed >= 3, 'three failed attempts');
      assert.equal(ts.backups.stats.made, 0);
      assert.match(ts.backups.stats.lastError ?? '', /cannot create the backups folder/);
      const redirect = await fetch(`${ts.publicUrl}/r/${code.shortToken}`, { redirect: 'manual' });
      assert.equal(redirect.status, 302, 'redirects still work');
      assert.equal((await ts.api('/health')).status, 200);
      // Asked for through the API, the same failure is a 500 envelope with the reason.
      const asked = await expectError(
        await ts.api('/api/v1/backups', { key: admin, method: 'POST' }),
        500,
        'INTERNAL_ERROR',
      );
      assert.match(asked.error.message, /^The backup failed: cannot create the backups folder/);
      assert.match(logText(ts), /automatic backup failed/);

      fs.rmSync(backupsDir(ts));
      await until(() => ts.backups.stats.made >= 1, 'a backup once the folder can be made');
      assert.ok(automatic(ts).length >= 1);
    } finally {
      await ts.stop();
    }
  });
});

describe('/api/v1/backups', () => {
  test('needs an admin key, takes no body, and replays an Idempotency-Key without a second backup', async () => {
    const ts = await startTestServer();
    try {
      const admin = ts.createKey();
      for (const scopes of [['read'], ['write']] as const) {
        const key = ts.createKey({ scopes: [...scopes] });
        await expectError(await ts.api('/api/v1/backups', { key }), 403, 'FORBIDDEN');
        await expectError(await ts.api('/api/v1/backups', { key, method: 'POST' }), 403, 'FORBIDDEN');
      }
      await expectError(await ts.api('/api/v1/backups', { method: 'POST' }), 401, 'UNAUTHORIZED');
      await expectValidationError(await sendJson(ts, admin, '/api/v1/backups', { name: '../../etc/passwd' }), '(body)');
      assert.deepEqual(files(ts), [], 'nothing written by refused requests');

      const post = () =>
        ts.api('/api/v1/backups', { key: admin, method: 'POST', headers: { 'Idempotency-Key': 'nightly-1' } });
      const first = await post();
      assert.equal(first.status, 201);
      const again = await post();
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.deepEqual(await again.json(), await first.json());
      assert.equal(files(ts).length, 1, 'one backup for the two requests');
    } finally {
      await ts.stop();
    }
  });
});
