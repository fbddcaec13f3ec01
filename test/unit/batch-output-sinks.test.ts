/** Batch outputs: a ZIP written as a stream and a folder, neither complete-looking until finished. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FolderSink, ZipSink } from '../../src-server/batch/output-sinks';
import { makeTempDir, removeDir } from '../helpers/cli';

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

/** Entry names and sizes from the archive's central directory, read by Python's zipfile (independent of archiver). */
function listZip(file: string): { name: string; size: number }[] {
  const out = execFileSync('python3', [
    '-c',
    'import json,sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print(json.dumps([[i.filename, i.file_size] for i in z.infolist()]))',
    file,
  ]).toString();
  return (JSON.parse(out) as [string, number][]).map(([name, size]) => ({ name, size }));
}

describe('ZIP sink', () => {
  test('writes every file and appears only when finished', async () => {
    const dir = makeTempDir('qrdesk-zip-');
    try {
      const file = path.join(dir, 'batch.zip');
      const sink = new ZipSink(file);
      for (let i = 0; i < 300; i++) await sink.add(`code-${i}.${i % 2 ? 'png' : 'svg'}`, bytes(5_000 + i, i));
      assert.ok(!fs.existsSync(file), 'no final archive before finish');
      await sink.finish();
      const entries = listZip(file);
      assert.equal(entries.length, 300);
      assert.deepEqual(entries[7], { name: 'code-7.png', size: 5_007 });
      assert.deepEqual(fs.readdirSync(dir), ['batch.zip']);
    } finally {
      removeDir(dir);
    }
  });

  test('abort leaves nothing behind', async () => {
    const dir = makeTempDir('qrdesk-zip-');
    try {
      const sink = new ZipSink(path.join(dir, 'batch.zip'));
      for (let i = 0; i < 20; i++) await sink.add(`code-${i}.svg`, bytes(1_000, i));
      await sink.abort();
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      removeDir(dir);
    }
  });
});

describe('folder sink', () => {
  test('files move into the folder on finish; abort removes them; no path escapes', async () => {
    const dir = makeTempDir('qrdesk-folder-');
    try {
      const out = path.join(dir, 'out');
      const sink = new FolderSink(out);
      await sink.add('a.svg', bytes(10, 1));
      await assert.rejects(sink.add('../escape.svg', bytes(10, 2)), /path/);
      assert.ok(!fs.existsSync(out));
      await sink.finish();
      assert.deepEqual(fs.readdirSync(out), ['a.svg']);
      assert.deepEqual(fs.readdirSync(dir), ['out'], 'the temporary folder is gone');

      const second = new FolderSink(path.join(dir, 'other'));
      await second.add('b.svg', bytes(10, 3));
      await second.abort();
      assert.deepEqual(fs.readdirSync(dir), ['out']);
    } finally {
      removeDir(dir);
    }
  });
});
