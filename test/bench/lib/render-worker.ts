// Worker thread for test/bench/render.ts: renders the payloads it is sent
// through the same calls as the single-thread measure (qrDrawing, then
// drawingToSvg or exportDrawing) and answers with how long that took and how
// many bytes came out, plus the first PNG so the bench can decode it. Started
// with `execArgv: ['--import', <tsx>]`, so it runs as TypeScript.
import { parentPort } from 'node:worker_threads';
import { exportDrawing } from '../../../src-server/render/export';
import { qrDrawing } from '../../../src-shared/render/qr';
import { drawingToSvg } from '../../../src-shared/render/svg';
import type { Design } from '../../../src-shared/schemas/design';

export interface RenderJob {
  id: number;
  kind: 'svg' | 'png';
  design: Design;
  payloads: string[];
  /** Pixel size of the output (SVG width/height attributes, PNG pixels). */
  size: number;
}

export interface RenderDone {
  id: number;
  ms: number;
  bytes: number;
  /** The first output when it is a PNG, for a decode check outside the timed part. */
  firstPng: Uint8Array | null;
}

export interface RenderFailed {
  id: number;
  error: string;
}

/**
 * Renders `payloads` one after another and times it. The single-thread
 * measure calls this directly; each pool worker calls it on its share.
 */
export async function renderBatch(
  kind: 'svg' | 'png',
  payloads: readonly string[],
  design: Design,
  size: number,
): Promise<Omit<RenderDone, 'id'>> {
  let bytes = 0;
  let firstPng: Uint8Array | null = null;
  const t0 = performance.now();
  if (kind === 'svg') {
    // The SVG path is synchronous: no await per code.
    for (const payload of payloads) bytes += drawingToSvg(qrDrawing(payload, design), { size }).length;
  } else {
    // One code at a time, awaited, as a sequential export does it.
    for (const payload of payloads) {
      const png = (await exportDrawing(qrDrawing(payload, design), { format: 'png', size, colorSpace: 'rgb' })).bytes;
      bytes += png.length;
      firstPng ??= new Uint8Array(png);
    }
  }
  return { ms: performance.now() - t0, bytes, firstPng };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (job: RenderJob) => {
    renderBatch(job.kind, job.payloads, job.design, job.size).then(
      (done) => port.postMessage({ id: job.id, ...done } satisfies RenderDone),
      (error: unknown) =>
        port.postMessage({ id: job.id, error: String((error as Error)?.stack ?? error) } satisfies RenderFailed),
    );
  });
}
