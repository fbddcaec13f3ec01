/**
 * `qrdesk export FILE.json` and `qrdesk import FILE.json` through the real
 * CLI: moving a library to a fresh data folder while the first server keeps
 * running, and one clear line (with nothing written) for every kind of bad
 * file or target.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { IMPORT_LIMITS } from '../../src-shared/schemas/transfer';
import { cliFixture, linesOf, request, runCli, type CliResult } from '../helpers/cli';

/** A refused command: its exit code, nothing on stdout, one stderr line (no stack) matching `reason`. */
function refused(result: CliResult, code: number, reason: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr:\n${result.stderr}`);
  assert.equal(result.stdout, '');
  const lines = linesOf(result.stderr);
  assert.equal(lines.length, 1, `one stderr line, got:\n${result.stderr}`);
  assert.match(lines[0]!, reason);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
}

const codeIds = (dataDir: string): string[] => {
  const db = new Database(path.join(dataDir, 'qrdesk.db'), { fileMustExist: true });
  try {
    return db.prepare('SELECT id FROM qr_codes ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
};

test('export from a running server, import into a fresh folder: the codes and scans come along', async (t) => {
  const fx = cliFixture(t);
  const source = fx.dataDir();
  const serve = fx.serve(['--data-dir', source, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  const create = async (body: unknown) => {
    const res = await request(`${banner.apiUrl}/api/v1/qrcodes`, banner.uiKey, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201);
    return (await res.json()) as { id: string; shortToken: string };
  };
  const dynamic = await create({ type: 'url', kind: 'dynamic', content: 'https://example.com/moved', tags: ['moved'] });
  await create({ type: 'text', content: 'a static one' });
  const scan = await fetch(`${banner.publicUrl}/r/${dynamic.shortToken}`, {
    redirect: 'manual',
    headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Mobile/15E148' },
  });
  assert.equal(scan.status, 302);

  const out = fx.dataDir();
  const file = path.join(out, 'library.json');
  const exported = await runCli(['export', file, '--scans', '--data-dir', source]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(
    exported.stdout,
    /^Exported 2 codes, 0 folders, 0 assets, 0 design presets, 0 barcodes and 1 scan to .*library\.json \(\d+ bytes\)\.\n$/,
  );
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the export (with password hashes) is private');
  assert.deepEqual(fs.readdirSync(out), ['library.json'], 'no temporary file left');
  const doc = JSON.parse(fs.readFileSync(file, 'utf8')) as { format: string; qrCodes: unknown[]; scans: unknown[] };
  assert.equal(doc.format, 'qrdesk-export');
  assert.equal(doc.scans.length, 1);

  const target = path.join(fx.dataDir(), 'new', 'qrdesk');
  const imported = await runCli(['import', file, '--data-dir', target]);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout, 'Imported 2 codes, 0 folders, 0 assets, 0 design presets, 0 barcodes and 1 scan.\n');
  assert.deepEqual(codeIds(target), codeIds(source));

  // Again: everything conflicts; all or nothing unless told to skip.
  refused(await runCli(['import', file, '--data-dir', target]), 2, /2 item\(s\) of the file are already here/);
  const skipped = await runCli(['import', file, '--on-conflict', 'skip', '--data-dir', target]);
  assert.equal(skipped.code, 0, skipped.stderr);
  assert.match(skipped.stdout, /^Imported 0 codes, .* and 0 scans; skipped 3 items already here\.\n$/);
  // A bad flag value is commander's usage error (its message, then the command's help), as for every command.
  const badFlag = await runCli(['import', file, '--on-conflict', 'merge', '--data-dir', target]);
  assert.equal(badFlag.code, 1);
  assert.match(linesOf(badFlag.stderr)[0]!, /--on-conflict.*'merge' is invalid/);

  const moved = fx.serve(['--data-dir', target, '--port', '0', '--public-port', '0']);
  const movedBanner = await moved.ready;
  const res = await fetch(`${movedBanner.publicUrl}/r/${dynamic.shortToken}`, { redirect: 'manual' });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get('location'), 'https://example.com/moved');
});

test('export refuses a taken name, a folder, a missing folder and a missing database, writing nothing', async (t) => {
  const fx = cliFixture(t);
  const dataDir = fx.dataDir();
  assert.equal((await runCli(['keys', 'create', '--name', 'x', '--data-dir', dataDir])).code, 0);
  const out = fx.dataDir();
  const taken = path.join(out, 'taken.json');
  fs.writeFileSync(taken, 'mine');
  const cases: [string[], RegExp][] = [
    [['export', taken, '--data-dir', dataDir], /taken\.json already exists; pass --force/],
    [['export', out, '--data-dir', dataDir], /is a folder; give a file name/],
    [['export', path.join(out, 'nope', 'x.json'), '--data-dir', dataDir], /folder .*nope does not exist/],
    [['export', path.join(out, 'x.json'), '--data-dir', path.join(out, 'no-data')], /no qrdesk database in/],
  ];
  for (const [args, reason] of cases) {
    refused(await runCli(args), 1, reason);
    assert.deepEqual(fs.readdirSync(out), ['taken.json']);
    assert.equal(fs.readFileSync(taken, 'utf8'), 'mine');
  }
  const forced = await runCli(['export', taken, '--force', '--data-dir', dataDir]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.equal((JSON.parse(fs.readFileSync(taken, 'utf8')) as { scans: unknown }).scans, null);
});

test('import refuses every kind of bad file with one line and creates nothing', async (t) => {
  const fx = cliFixture(t);
  const files = fx.dataDir();
  const write = (name: string, content: string | Buffer) => {
    fs.writeFileSync(path.join(files, name), content);
    return path.join(files, name);
  };
  const valid = {
    format: 'qrdesk-export',
    version: 1,
    exportedAt: '2026-01-01T00:00:00.000Z',
    appVersion: '0.1.0',
    folders: [],
    assets: [],
    designPresets: [],
    qrCodes: [],
    barcodes: [],
    scans: null,
  };
  const huge = path.join(files, 'huge.json');
  fs.writeFileSync(huge, '');
  fs.truncateSync(huge, IMPORT_LIMITS.fileBytes + 1); // sparse: big, yet written in no time
  const cases: [string, number, RegExp][] = [
    [path.join(files, 'missing.json'), 1, /missing\.json does not exist/],
    [path.join(files, 'no', 'such', 'folder.json'), 1, /folder\.json does not exist/],
    [files, 1, /is a folder; name the export file itself/],
    [huge, 1, /is over 256 MB/],
    [write('empty.json', ''), 1, /is not valid JSON/],
    [write('text.json', 'format: qrdesk-export'), 1, /is not valid JSON/],
    [write('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])), 1, /is not UTF-8 text/],
    [write('deep.json', `${'['.repeat(5000)}${']'.repeat(5000)}`), 1, /nests arrays and objects more than 64 deep/],
    [
      write('array.json', JSON.stringify([valid])),
      2,
      /Invalid export file: export file: Invalid input: expected object/,
    ],
    [write('other.json', JSON.stringify({ ...valid, format: 'kutt-links' })), 2, /format: Not a qrdesk export/],
    [
      write('newer.json', JSON.stringify({ ...valid, version: 9 })),
      2,
      /version: Written by a newer qrdesk \(export format version 9\)/,
    ],
    [
      write(
        'hostile.json',
        JSON.stringify(valid).replace(
          '"folders":[]',
          '"folders":[{"id":"fld_../../x","name":"x","color":null,"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-01-01T00:00:00Z"}]',
        ),
      ),
      2,
      /folders\.0\.id: An id like fld_/,
    ],
    [
      write('proto.json', JSON.stringify(valid).replace('"scans":null', '"scans":null,"__proto__":{"x":1}')),
      2,
      /Unknown field "__proto__"/,
    ],
  ];
  const target = path.join(files, 'target');
  for (const [file, code, reason] of cases) {
    refused(await runCli(['import', file, '--data-dir', target]), code, reason);
    assert.ok(!fs.existsSync(target), `${path.basename(file)}: no data folder was created`);
  }
  const ok = await runCli(['import', write('valid.json', JSON.stringify(valid)), '--data-dir', target]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'Imported 0 codes, 0 folders, 0 assets, 0 design presets and 0 barcodes.\n');
});
