/**
 * The batch runner: every item rendered into the output in row order, a bad
 * item reported with its row while the rest go on, cancel and output
 * failures leaving no complete-looking output.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FolderSink, ZipSink, type OutputSink } from '../../src-server/batch/output-sinks';
import { RenderPool } from '../../src-server/batch/render-pool';
import { runBatch, type PreparedItem } from '../../src-server/batch/runner';
import { decodeImage } from '../../src-server/render/decoder';
import { DEFAULT_DESIGN } from '../../src-shared/schemas/design';
import { makeTempDir, removeDir } from '../helpers/cli';

const item = (row: number, payload: string): PreparedItem => ({
  row,
  fileBase: `${String(row).padStart(3, '0')}-code`,
  task: {
    id: row,
    code: { kind: 'qr', payload, design: DEFAULT_DESIGN, logo: null },
    outputs: [
      { format: 'svg', size: 256, colorSpace: 'rgb' },
      { format: 'png', size: 256, colorSpace: 'rgb' },
    ],
    verify: true,
  },
});

describe('runBatch', () => {
  let pool: RenderPool;
  let dir: string;
  before(() => {
    pool = new RenderPool(2);
    dir = makeTempDir('qrdesk-runner-');
  });
  after(async () => {
    await pool.close();
    removeDir(dir);
  });

  test('renders every item into the ZIP; a bad row is reported and the rest go on', async () => {
    const items = Array.from({ length: 40 }, (_, i) => item(i + 1, `https://example.com/r/${i + 1}`));
    items[9] = item(10, 'x'.repeat(3000)); // beyond QR capacity
    const file = path.join(dir, 'out.zip');
    const seen: number[] = [];
    const result = await runBatch(items, pool, new ZipSink(file), {
      total: items.length,
      onProgress: (p) => seen.push(p.processed),
    });
    assert.equal(result.outcome, 'completed');
    assert.deepEqual(result.progress, { processed: 40, failed: 1, total: 40 });
    assert.equal(result.failures.length, 1);
    assert.equal(result.failures[0]!.row, 10);
    assert.match(result.failures[0]!.message, /does not fit/);
    assert.deepEqual(
      seen,
      Array.from({ length: 40 }, (_, i) => i + 1),
    );

    const listing = execFileSync('python3', [
      '-c',
      'import sys,zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))',
      file,
    ])
      .toString()
      .trim()
      .split('\n');
    assert.equal(listing.length, 78);
    assert.equal(listing[0], '001-code.svg');
    assert.ok(!listing.includes('010-code.png'));
    // One file out of the archive, decoded.
    const png = execFileSync('python3', [
      '-c',
      'import sys,zipfile; sys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read("040-code.png"))',
      file,
    ]);
    assert.equal((await decodeImage(png))[0]?.text, 'https://example.com/r/40');
  });

  test('cancel stops the batch and removes the partial output', async () => {
    const items = Array.from({ length: 200 }, (_, i) => item(i + 1, `https://example.com/c/${i}`));
    const file = path.join(dir, 'cancelled.zip');
    let processed = 0;
    const result = await runBatch(items, pool, new ZipSink(file), {
      total: items.length,
      onProgress: (p) => (processed = p.processed),
      cancelled: () => processed >= 15,
    });
    assert.equal(result.outcome, 'cancelled');
    assert.ok(result.progress.processed < 200);
    assert.ok(!fs.existsSync(file) && !fs.existsSync(`${file}.part`), 'nothing that looks like a result');
  });

  test('a failing output stops the batch and removes what was written', async () => {
    const out = path.join(dir, 'folder-out');
    const inner = new FolderSink(out);
    let writes = 0;
    const failing: OutputSink = {
      add: async (name, bytes) => {
        if (++writes > 6) throw new Error('ENOSPC: no space left on device');
        await inner.add(name, bytes);
      },
      finish: () => inner.finish(),
      abort: () => inner.abort(),
    };
    const items = Array.from({ length: 20 }, (_, i) => item(i + 1, `https://example.com/f/${i}`));
    const result = await runBatch(items, pool, failing, { total: 20 });
    assert.equal(result.outcome, 'failed');
    assert.ok(result.outcome === 'failed' && /ENOSPC/.test(result.error));
    assert.ok(!fs.existsSync(out));
    assert.deepEqual(
      fs.readdirSync(dir).filter((n) => n.includes('folder-out')),
      [],
    );
  });
});
