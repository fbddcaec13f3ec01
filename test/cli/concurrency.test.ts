import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src-server/store/migrations';
import { cliFixture, runCli } from '../helpers/cli';

// The desktop app and a CLI command, or two scripts, may open a fresh data folder at the same moment:
// exactly one of them migrates it and the others wait for the lock, then see the new schema.
test('six CLI processes creating keys in one fresh data folder at once all succeed', async (t) => {
  const dir = cliFixture(t).dataDir();
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => runCli(['keys', 'create', '--name', `k${i}`, '--data-dir', dir])),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const db = new Database(path.join(dir, 'qrdesk.db'), { readonly: true });
  try {
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    const n = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    assert.equal(n('SELECT COUNT(*) AS n FROM migration_log'), MIGRATIONS.length, 'each migration ran once');
    assert.equal(n('SELECT COUNT(*) AS n FROM api_keys'), 6);
  } finally {
    db.close();
  }
});
