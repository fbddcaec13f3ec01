import type { Layer, PathCommand } from '../../../src-shared/render/model';
import { CoverageMask, type RowVisitor } from './coverage';
import { flattenPath, type EdgeSink, type Placement } from './flatten';
import { paintField, tableIndex, type PaintField, type Rgb } from './paint';
import { StampCache } from './stamps';

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
const overlapsStrictly = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

interface FigureGroup {
  parts: PathCommand[][];
  box: Box;
}

/** Consecutive subpaths grouped while each overlaps the group so far (by the given test). */
function figureGroups(
  subs: { commands: PathCommand[]; box: Box }[],
  touch: (a: Box, b: Box) => boolean,
): FigureGroup[] {
  const groups: FigureGroup[] = [];
  let current: FigureGroup | null = null;
  for (const sub of subs) {
    if (current && touch(current.box, sub.box)) {
      current.parts.push(sub.commands);
      const b = current.box;
      current.box = {
        x0: Math.min(b.x0, sub.box.x0),
        y0: Math.min(b.y0, sub.box.y0),
        x1: Math.max(b.x1, sub.box.x1),
        y1: Math.max(b.y1, sub.box.y1),
      };
    } else {
      current = { parts: [sub.commands], box: { ...sub.box } };
      groups.push(current);
    }
  }
  return groups;
}

/** Shared by every canvas in this thread: the figures of one code recur in the next. */
const stampCache = new StampCache();

/**
 * Pixels painted shape by shape with the "over" operator: one grey channel
 * when everything drawn is opaque grey (the usual black-on-white code), RGB
 * when a background covers everything, else straight-alpha RGBA; the PNG
 * writer then copies rows as they are.
 */
export class RasterCanvas {
  readonly pixels: Buffer;
  private readonly mask: CoverageMask;
  private readonly stampRow: Float32Array;
  private readonly stamps = stampCache;

  constructor(
    readonly width: number,
    readonly height: number,
    readonly channels: 1 | 3 | 4,
  ) {
    this.pixels = Buffer.alloc(width * height * channels);
    this.mask = maskFor(width, height);
    this.stampRow = new Float32Array(width);
  }

  /** Fills the whole canvas with an opaque colour (a background that covers everything). */
  fillAll(rgb: Rgb): void {
    if (this.channels === 1) this.pixels.fill(rgb[0]);
    else if (this.channels === 3) this.pixels.fill(Buffer.from([rgb[0], rgb[1], rgb[2]]));
    else this.pixels.fill(Buffer.from([rgb[0], rgb[1], rgb[2], 255]));
  }

  /**
   * Fills a layer. Subpaths are filled in groups, so each pass covers a
   * figure's few pixels rather than the whole image; subpaths whose boxes
   * overlap (a ring and its hole) are always filled together. When the
   * drawing is pixel-snapped, figures that only touch are filled apart (their
   * shared edges fall on pixel edges, so no seam shows) and each distinct
   * figure is rasterised once and stamped; otherwise touching figures are
   * filled together, since separate anti-aliased edges would leave a seam.
   */
  fillLayer(layer: Layer, placement: Placement): void {
    const painter = new LayerPainter(this, layer, placement);
    const snapped =
      Number.isInteger(placement.scale) && Number.isInteger(placement.ox) && Number.isInteger(placement.oy);
    const groups = figureGroups(subpaths(layer.path), snapped ? overlapsStrictly : overlaps);
    if (snapped) {
      for (const g of groups) this.stampFigure(g, placement, painter);
      return;
    }
    const mask = this.mask;
    const edge: EdgeSink = (x0, y0, x1, y1) => mask.addEdge(x0, y0, x1, y1);
    for (const g of groups) {
      for (const commands of g.parts) flattenPath(commands, placement, edge);
      mask.drainRows(painter);
    }
  }

  private stampFigure(group: FigureGroup, { scale, ox, oy }: Placement, painter: LayerPainter): void {
    const tx = Math.floor(group.box.x0);
    const ty = Math.floor(group.box.y0);
    const commands = group.parts.length === 1 ? group.parts[0]! : group.parts.flat();
    const stamp = this.stamps.get(commands, tx, ty, group.box.x1 - tx, group.box.y1 - ty, scale);
    const left = ox + tx * scale;
    const top = oy + ty * scale;
    const row = this.stampRow;
    for (let sy = 0; sy < stamp.height; sy++) {
      const y = top + sy;
      if (y < 0 || y >= this.height) continue;
      const x0 = Math.max(0, left);
      const x1 = Math.min(this.width, left + stamp.width);
      if (x1 <= x0) continue;
      for (let x = x0; x < x1; x++) row[x] = stamp.coverage[sy * stamp.width + (x - left)]!;
      painter.row(y, x0, x1, row);
    }
  }

  /** Blends an image already scaled to its box, with its top-left at (x, y) in pixels. */
  drawImage(image: RawImage, x: number, y: number): void {
    if (this.channels === 1) throw new Error('images need a colour canvas');
    const ch = this.channels;
    for (let row = 0; row < image.height; row++) {
      const ty = y + row;
      if (ty < 0 || ty >= this.height) continue;
      for (let col = 0; col < image.width; col++) {
        const tx = x + col;
        if (tx < 0 || tx >= this.width) continue;
        const s = (row * image.width + col) * 4;
        const a = image.data[s + 3]! / 255;
        if (a < MIN_COVERAGE) continue;
        const o = (ty * this.width + tx) * ch;
        if (ch === 3) blendRgb(this.pixels, o, image.data[s]!, image.data[s + 1]!, image.data[s + 2]!, a);
        else blendRgba(this.pixels, o, image.data[s]!, image.data[s + 1]!, image.data[s + 2]!, a);
      }
    }
  }
}

/** Blends one layer's paint through each row of coverage into the canvas. */
class LayerPainter implements RowVisitor {
  private readonly field: PaintField;

  constructor(
    private readonly canvas: RasterCanvas,
    layer: Layer,
    placement: Placement,
  ) {
    this.field = paintField(layer.paint, placement);
  }

  row(y: number, x0: number, x1: number, coverage: Float32Array): void {
    const px = this.canvas.pixels;
    const rowStart = y * this.canvas.width;
    const field = this.field;
    if (this.canvas.channels === 1) {
      // A grey canvas only ever gets solid grey paints.
      const v = field.kind === 'solid' ? field.rgb[0] : 0;
      for (let x = x0; x < x1; x++) {
        const a = coverage[x]!;
        if (a < MIN_COVERAGE) continue;
        const i = rowStart + x;
        px[i] = px[i]! + (v - px[i]!) * a + 0.5;
      }
      return;
    }
    const opaque = this.canvas.channels === 3;
    if (field.kind === 'solid') {
      const [r, g, b] = field.rgb;
      for (let x = x0; x < x1; x++) {
        const a = coverage[x]!;
        if (a < MIN_COVERAGE) continue;
        if (opaque) blendRgb(px, (rowStart + x) * 3, r, g, b, a);
        else blendRgba(px, (rowStart + x) * 4, r, g, b, a);
      }
      return;
    }
    const table = field.table;
    const cy = y + 0.5;
    if (field.kind === 'linear') {
      // t grows by ax per pixel along the row.
      const rowT = field.ay * cy + field.c;
      for (let x = x0; x < x1; x++) {
        const a = coverage[x]!;
        if (a < MIN_COVERAGE) continue;
        const i = tableIndex(field.ax * (x + 0.5) + rowT);
        if (opaque) blendRgb(px, (rowStart + x) * 3, table[i]!, table[i + 1]!, table[i + 2]!, a);
        else blendRgba(px, (rowStart + x) * 4, table[i]!, table[i + 1]!, table[i + 2]!, a);
      }
      return;
    }
    const dy = cy - field.cy;
    for (let x = x0; x < x1; x++) {
      const a = coverage[x]!;
      if (a < MIN_COVERAGE) continue;
      const dx = x + 0.5 - field.cx;
      const i = tableIndex(Math.sqrt(dx * dx + dy * dy) * field.invR);
      if (opaque) blendRgb(px, (rowStart + x) * 3, table[i]!, table[i + 1]!, table[i + 2]!, a);
      else blendRgba(px, (rowStart + x) * 4, table[i]!, table[i + 1]!, table[i + 2]!, a);
    }
  }
}

/** Source colour (0-255) with alpha a (0-1) over the opaque RGB pixel at offset o. */
function blendRgb(px: Buffer, o: number, r: number, g: number, b: number, a: number): void {
  px[o] = px[o]! + (r - px[o]!) * a + 0.5;
  px[o + 1] = px[o + 1]! + (g - px[o + 1]!) * a + 0.5;
  px[o + 2] = px[o + 2]! + (b - px[o + 2]!) * a + 0.5;
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
