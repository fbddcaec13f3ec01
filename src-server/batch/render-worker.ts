// A worker thread of the batch render pool: renders tasks and posts the files
// back (their buffers transferred, not copied). Runs the same render code as
// the API, so a batch file is byte for byte what a single export gives.
import { parentPort } from 'node:worker_threads';
import type { Drawing } from '../../src-shared/render/model';
import { qrDrawing } from '../../src-shared/render/qr';
import { barcodeDrawing } from '../render/barcode';
import { decodeImage, decodePixels } from '../render/decoder';
import { exportDrawing } from '../render/export';
import { loadCaptionFont } from '../render/fonts';
import { withPortableImages } from '../render/formats/images';
import { rasterSize } from '../render/formats/size';
import { rasterizeDrawing } from '../render/raster';
import type { RenderOutcome, RenderTask } from './render-task';

/** What a reader should find in the code. */
function expectedText(task: RenderTask): string {
  return task.code.kind === 'qr' ? task.code.payload : task.code.value;
}

export async function renderTask(task: RenderTask): Promise<RenderOutcome> {
  try {
    const drawing: Drawing =
      task.code.kind === 'qr'
        ? qrDrawing(task.code.payload, task.code.design, {
            logo: task.code.logo,
            font: task.code.design.frame ? await loadCaptionFont() : null,
          })
        : await barcodeDrawing(task.code.format, task.code.value, task.code.style);
    const files = [];
    for (const output of task.outputs) {
      const image = await exportDrawing(drawing, output);
      files.push({ format: output.format, extension: image.extension, bytes: new Uint8Array(image.bytes) });
    }
    let verified: boolean | null = null;
    if (task.verify) {
      const expected = expectedText(task);
      const reads = (found: { text: string }[]) =>
        found.some((r) => r.text === expected || r.text.replace(/^\]C1/, '') === expected);
      // First the drawing at 4 px a module, straight from the rasteriser to the reader: about a millisecond.
      const side = Math.min(1200, Math.max(80, Math.round(Math.max(drawing.width, drawing.height) * 4)));
      const { width, height } = rasterSize(drawing, { size: side });
      const raster = await rasterizeDrawing(await withPortableImages(drawing), width, height);
      verified = reads(await decodePixels(raster, { tryHarder: false, maxNumberOfSymbols: 1 }));
      if (!verified) {
        // Only a code that did not read at once pays for the thorough look, so a design that needs
        // more pixels is not failed for it: a PNG the batch makes (or 600 px), read trying harder.
        const png =
          files.find((f) => f.format === 'png')?.bytes ??
          (await exportDrawing(drawing, { format: 'png', size: 600, colorSpace: 'rgb' })).bytes;
        verified = reads(await decodeImage(Buffer.from(png)));
      }
    }
    return { id: task.id, ok: true, files, verified };
  } catch (err) {
    return { id: task.id, ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

// One task at a time, in the order sent: the pool may send the next before this one is done.
let queue: Promise<void> = Promise.resolve();
parentPort?.on('message', (task: RenderTask) => {
  queue = queue.then(async () => {
    const outcome = await renderTask(task);
    const transfer = outcome.ok ? outcome.files.map((f) => f.bytes.buffer as ArrayBuffer) : [];
    parentPort!.postMessage(outcome, transfer);
  });
});
