import type { Layer, PathCommand } from '../../../src-shared/render/model';
import { CoverageMask, type RowVisitor } from './coverage';
import { flattenPath, type EdgeSink, type Placement } from './flatten';
import { paintSampler, type Rgb } from './paint';

/** A decoded image ready to blend: straight (not premultiplied) RGBA, 8 bits per channel. */
export interface RawImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Coverage below this is treated as none: invisible at 8 bits, and it keeps edges from greying the background. */
const MIN_COVERAGE = 1 / 512;

/**
 * Coverage masks are large (4 bytes a pixel) and always left cleared after
 * use, so one per size is kept and reused; painting is synchronous, so two
 * renders never share one at the same time.
 */
const masks = new Map<string, CoverageMask>();
function maskFor(width: number, height: number): CoverageMask {
  const key = `${width}x${height}`;
  let mask = masks.get(key);
  if (!mask) {
    if (masks.size >= 4) masks.clear();
    mask = new CoverageMask(width, height);
    masks.set(key, mask);
  }
  return mask;
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** The subpaths of a path with their bounding boxes (in drawing units). */
function subpaths(path: readonly PathCommand[]): { commands: PathCommand[]; box: Box }[] {
  const out: { commands: PathCommand[]; box: Box }[] = [];
  let current: { commands: PathCommand[]; box: Box } | null = null;
  for (const c of path) {
    if (c.op === 'M' || !current) {
      current = { commands: [], box: { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity } };
      out.push(current);
    }
    current.commands.push(c);
    if (c.op === 'Z') continue;
    const b = current.box;
    // An arc bulges at most its radius beyond its end point; a cubic stays inside its control points.
    const pad = c.op === 'A' ? c.r : 0;
    b.x0 = Math.min(b.x0, c.x - pad);
    b.x1 = Math.max(b.x1, c.x + pad);
    b.y0 = Math.min(b.y0, c.y - pad);
    b.y1 = Math.max(b.y1, c.y + pad);
    if (c.op === 'C') {
      b.x0 = Math.min(b.x0, c.x1, c.x2);
      b.x1 = Math.max(b.x1, c.x1, c.x2);
      b.y0 = Math.min(b.y0, c.y1, c.y2);
      b.y1 = Math.max(b.y1, c.y1, c.y2);
    }
  }
  return out;
}

const overlaps = (a: Box, b: Box) => a.x0 <= b.x1 && b.x0 <= a.x1 && a.y0 <= b.y1 && b.y0 <= a.y1;

/**
 * Pixels painted shape by shape with the "over" operator: one grey channel
 * when everything drawn is opaque grey (the usual black-on-white code, a
 * quarter of the memory traffic), else straight-alpha RGBA.
 */
export class RasterCanvas {
  readonly pixels: Buffer;
  private readonly mask: CoverageMask;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: 1 | 4,
  ) {
    this.pixels = Buffer.alloc(width * height * channels);
    this.mask = maskFor(width, height);
  }

  /** Fills the whole canvas with an opaque colour (a background that covers everything). */
  fillAll(rgb: Rgb): void {
    if (this.channels === 1) this.pixels.fill(rgb[0]);
    else this.pixels.fill(Buffer.from([rgb[0], rgb[1], rgb[2], 255]));
  }

  /**
   * Fills a layer. Subpaths whose boxes do not touch are filled one group at
   * a time, so each pass covers a module's few pixels rather than the whole
   * image; subpaths that touch (a ring and its hole) are always filled together.
   */
  fillLayer(layer: Layer, placement: Placement): void {
    const mask = this.mask;
    const painter = new LayerPainter(this, layer, placement);
    const edge: EdgeSink = (x0, y0, x1, y1) => mask.addEdge(x0, y0, x1, y1);
    let pending: Box | null = null;
    for (const sub of subpaths(layer.path)) {
      if (pending && !overlaps(pending, sub.box)) {
        mask.drainRows(painter);
        pending = null;
      }
      flattenPath(sub.commands, placement, edge);
      pending = pending
        ? {
            x0: Math.min(pending.x0, sub.box.x0),
            y0: Math.min(pending.y0, sub.box.y0),
            x1: Math.max(pending.x1, sub.box.x1),
            y1: Math.max(pending.y1, sub.box.y1),
          }
        : sub.box;
    }
    mask.drainRows(painter);
  }

  /** Blends an image already scaled to its box, with its top-left at (x, y) in pixels. */
  drawImage(image: RawImage, x: number, y: number): void {
    if (this.channels !== 4) throw new Error('images need an RGBA canvas');
    for (let row = 0; row < image.height; row++) {
      const ty = y + row;
      if (ty < 0 || ty >= this.height) continue;
      for (let col = 0; col < image.width; col++) {
        const tx = x + col;
        if (tx < 0 || tx >= this.width) continue;
        const s = (row * image.width + col) * 4;
        const a = image.data[s + 3]! / 255;
        if (a < MIN_COVERAGE) continue;
        blendRgba(this.pixels, (ty * this.width + tx) * 4, image.data[s]!, image.data[s + 1]!, image.data[s + 2]!, a);
      }
    }
  }
}

/** Blends one layer's paint through each row of coverage into the canvas. */
class LayerPainter implements RowVisitor {
  private readonly sample: (x: number, y: number, out: Rgb) => void;
  private readonly solid: boolean;
  private readonly color: Rgb = [0, 0, 0];

  constructor(
    private readonly canvas: RasterCanvas,
    layer: Layer,
    placement: Placement,
  ) {
    this.sample = paintSampler(layer.paint, placement);
    this.solid = layer.paint.kind === 'solid';
    this.sample(0, 0, this.color);
  }

  row(y: number, x0: number, x1: number, coverage: Float32Array): void {
    const px = this.canvas.pixels;
    const rowStart = y * this.canvas.width;
    const color = this.color;
    if (this.canvas.channels === 1) {
      const v = color[0];
      for (let x = x0; x < x1; x++) {
        const a = coverage[x]!;
        if (a < MIN_COVERAGE) continue;
        const i = rowStart + x;
        px[i] = px[i]! + (v - px[i]!) * a + 0.5;
      }
      return;
    }
    for (let x = x0; x < x1; x++) {
      const a = coverage[x]!;
      if (a < MIN_COVERAGE) continue;
      if (!this.solid) this.sample(x + 0.5, y + 0.5, color);
      blendRgba(px, (rowStart + x) * 4, color[0], color[1], color[2], a);
    }
  }
}

/** Source colour (0-255) with alpha a (0-1) over the RGBA pixel at offset o. */
function blendRgba(px: Buffer, o: number, r: number, g: number, b: number, a: number): void {
  const da = px[o + 3]!;
  if (da === 255) {
    px[o] = px[o]! + (r - px[o]!) * a + 0.5;
    px[o + 1] = px[o + 1]! + (g - px[o + 1]!) * a + 0.5;
    px[o + 2] = px[o + 2]! + (b - px[o + 2]!) * a + 0.5;
    return;
  }
  const dst = (da / 255) * (1 - a);
  const outA = a + dst;
  px[o] = (r * a + px[o]! * dst) / outA + 0.5;
  px[o + 1] = (g * a + px[o + 1]! * dst) / outA + 0.5;
  px[o + 2] = (b * a + px[o + 2]! * dst) / outA + 0.5;
  px[o + 3] = outA * 255 + 0.5;
}
