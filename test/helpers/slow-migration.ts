/**
 * A child process for test/cli/crash-migration.test.ts: opens a data folder's
 * database through the real openDatabase() with the real migrations plus one
 * more, long, test-only migration appended (copying every scan into a new
 * table and indexing it), so a test can kill -9 the process while that
 * migration's transaction is open and already spilling pages to the WAL.
 * The migration list is openDatabase's own option: no hook in production code.
 *
 * Usage: node --import tsx test/helpers/slow-migration.ts DATA_DIR
 * Prints "migrating" before it starts and "migrated <version>" once done.
 */
import { openDatabase } from '../../src-server/store/database';
import { MIGRATIONS, type Migration } from '../../src-server/store/migrations';

const SLOW_MIGRATION: Migration = {
  version: MIGRATIONS.length + 1,
  name: 'test only: copy and index every scan',
  sql: `
    -- Quick first, then long: a migration that was not one transaction would leave the table behind.
    CREATE TABLE scans_copy (id INTEGER PRIMARY KEY, qr_code_id TEXT, scanned_at INTEGER, device TEXT,
      os TEXT, browser TEXT, referrer TEXT);
    INSERT INTO scans_copy SELECT id, qr_code_id, scanned_at, device, os, browser, referrer FROM scans;
    CREATE INDEX scans_copy_by_device ON scans_copy (device, os, browser, scanned_at);
    UPDATE scans_copy SET referrer = coalesce(referrer, '') || 'migrated';
  `,
};

const dataDir = process.argv[2];
if (dataDir) {
  process.stdout.write('migrating\n');
  const db = openDatabase(dataDir, { migrations: [...MIGRATIONS, SLOW_MIGRATION] });
  process.stdout.write(`migrated ${String(db.pragma('user_version', { simple: true }))}\n`);
  db.close();
}
