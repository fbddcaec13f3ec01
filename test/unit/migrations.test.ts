import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DATABASE_FILE, DatabaseTooNewError, openDatabase } from '../../src-server/store/database';
import { MIGRATIONS, type Migration } from '../../src-server/store/migrations';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-migrate-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const tables = (file: string): string[] => {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((r) => r.name);
  } finally {
    db.close();
  }
};

describe('migrations', () => {
  it('are numbered 1, 2, 3… with no gap', () => {
    MIGRATIONS.forEach((m, i) => assert.equal(m.version, i + 1));
  });

  it('apply in order, record the schema version and log each one', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    const logged = db.prepare<[], { version: number }>('SELECT version FROM migration_log ORDER BY version').all();
    assert.deepEqual(
      logged.map((r) => r.version),
      MIGRATIONS.map((m) => m.version),
    );
    db.close();
  });

  it('roll a failing migration back whole, leaving the previous version intact', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const broken: Migration[] = [
      ...MIGRATIONS,
      {
        version: MIGRATIONS.length + 1,
        name: 'half-good',
        sql: 'CREATE TABLE half_done (id INTEGER); INSERT INTO no_such_table VALUES (1);',
      },
    ];
    assert.throws(() => openDatabase(dir, { migrations: broken }), /no such table/);
    const file = path.join(dir, DATABASE_FILE);
    assert.ok(!tables(file).includes('half_done'), 'the first statement of the failed migration was rolled back');
    const db = openDatabase(dir);
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
    db.close();
  });

  it('bring an older database forward when a new migration arrives', () => {
    const dir = tempDir();
    openDatabase(dir).close();
    const next: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'extra', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY);' },
    ];
    const db = openDatabase(dir, { migrations: next });
    assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length + 1);
    db.close();
    assert.ok(tables(path.join(dir, DATABASE_FILE)).includes('extra'));
    // …and that database is then too new for the released list.
    assert.throws(() => openDatabase(dir), DatabaseTooNewError);
  });
});
