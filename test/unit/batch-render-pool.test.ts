/**
 * The batch render pool: worker threads render QR codes and barcodes in
 * every asked format, verify them by decoding, report a bad item without
 * stopping the others, and shut down cleanly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RenderPool } from '../../src-server/batch/render-pool';
import type { RenderTask } from '../../src-server/batch/render-task';
import { decodeImage } from '../../src-server/render/decoder';
import { DEFAULT_DESIGN } from '../../src-shared/schemas/design';
import { openExport } from '../helpers/open-export';

const qrTask = (id: number, payload: string, formats: RenderTask['outputs'][number]['format'][]): RenderTask => ({
  id,
  code: { kind: 'qr', payload, design: { ...DEFAULT_DESIGN, dotStyle: 'rounded' }, logo: null },
  outputs: formats.map((format) => ({ format, size: 300, colorSpace: 'rgb' })),
  verify: true,
});

describe('render pool', () => {
  let pool: RenderPool;
  before(() => {
    pool = new RenderPool(2);
  });
  after(() => pool.close());

  test('renders many codes in parallel, each verified and decodable', async () => {
    const tasks = Array.from({ length: 24 }, (_, i) =>
      qrTask(i, `https://example.com/item/${i}?lot=${i * 3}`, ['svg', 'png', 'pdf']),
    );
    const outcomes = await Promise.all(tasks.map((t) => pool.run(t)));
    for (const [i, outcome] of outcomes.entries()) {
      assert.ok(outcome.ok, JSON.stringify(outcome));
      assert.equal(outcome.id, i);
      assert.equal(outcome.verified, true);
      assert.deepEqual(
        outcome.files.map((f) => f.extension),
        ['svg', 'png', 'pdf'],
      );
    }
    // Spot-check the files themselves, opened as a print workflow would.
    for (const i of [0, 23]) {
      const outcome = outcomes[i]!;
      assert.ok(outcome.ok);
      for (const file of outcome.files) {
        const png = await openExport(Buffer.from(file.bytes), file.format);
        assert.equal((await decodeImage(png))[0]?.text, tasks[i]!.code.kind === 'qr' ? tasks[i]!.code.payload : '');
      }
    }
  });

  test('renders barcodes', async () => {
    const outcome = await pool.run({
      id: 100,
      code: {
        kind: 'barcode',
        format: 'EAN13',
        value: '5901234123457',
        style: {
          showText: true,
          barColor: '#000000',
          textColor: '#000000',
          backgroundColor: '#FFFFFF',
          quietZone: true,
        },
      },
      outputs: [{ format: 'eps', colorSpace: 'cmyk' }],
      verify: true,
    });
    assert.ok(outcome.ok, JSON.stringify(outcome));
    assert.equal(outcome.verified, true);
    assert.match(Buffer.from(outcome.files[0]!.bytes).toString('latin1', 0, 40), /^%!PS-Adobe-3\.0 EPSF-3\.0/);
  });

  test('a bad item fails alone, with the reason', async () => {
    const [bad, good] = await Promise.all([
      pool.run(qrTask(1, 'x'.repeat(3000), ['png'])),
      pool.run(qrTask(2, 'https://example.com/ok', ['png'])),
    ]);
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && /does not fit/.test(bad.error), JSON.stringify(bad));
    assert.ok(good.ok && good.verified);
  });

  test('after close, runs are refused rather than left hanging', async () => {
    const closing = new RenderPool(1);
    await closing.close();
    const outcome = await closing.run(qrTask(9, 'https://example.com', ['svg']));
    assert.equal(outcome.ok, false);
  });
});
