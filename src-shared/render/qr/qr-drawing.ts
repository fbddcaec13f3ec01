import type { Design } from '../../schemas/design';
import type { CaptionFont } from '../caption-font';
import type { Drawing, Layer, Paint, PathCommand, PlacedImage } from '../model';
import { circle, rect } from '../path';
import { BOTTOM, drawDot, LEFT, RIGHT, TOP } from './dot-shapes';
import { drawCornerDot, drawCornerSquare } from './finder-shapes';
import { logoArea, type LogoArea } from './logo-area';
import type { QrMatrix } from './matrix';

/** A logo ready to place: its bytes and intrinsic size (for the aspect ratio). */
export interface LogoImage {
  mediaType: string;
  base64: string;
  width: number;
  height: number;
}

export interface QrDrawingInput {
  matrix: QrMatrix;
  design: Design;
  /** The design's logo image, resolved from its asset; ignored when the design has no logo. */
  logo?: LogoImage | null;
  /** Needed only when the design has a frame caption. */
  font?: CaptionFont | null;
}

type Gradient = NonNullable<Design['gradient']>;

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** qr-code-styling's placement of a rotated linear gradient across a box, so its configs look the same here. */
function gradientPaint(g: Gradient, box: Box): Paint {
  const stops = g.colorStops.map((s) => ({ offset: s.offset, color: s.color }));
  const cx = box.x + box.w / 2;
  const cy = box.y + box.h / 2;
  if (g.type === 'radial') return { kind: 'radial', cx, cy, r: Math.max(box.w, box.h) / 2, stops };
  const rotation = g.rotation % (2 * Math.PI);
  const positive = (rotation + 2 * Math.PI) % (2 * Math.PI);
  const { w, h } = box;
  const t = Math.tan(rotation);
  // The four quadrants of qr-code-styling: the gradient line runs edge to edge through the centre.
  const [x0, y0, x1, y1] =
    positive <= 0.25 * Math.PI || positive > 1.75 * Math.PI
      ? [cx - w / 2, cy - (h / 2) * t, cx + w / 2, cy + (h / 2) * t]
      : positive <= 0.75 * Math.PI
        ? [cx - w / 2 / t, cy - h / 2, cx + w / 2 / t, cy + h / 2]
        : positive <= 1.25 * Math.PI
          ? [cx + w / 2, cy + (h / 2) * t, cx - w / 2, cy - (h / 2) * t]
          : [cx + w / 2 / t, cy + h / 2, cx - w / 2 / t, cy - h / 2];
  return { kind: 'linear', x1: x0, y1: y0, x2: x1, y2: y1, stops };
}

const paintOf = (color: string, gradient: Gradient | null, box: Box): Paint =>
  gradient ? gradientPaint(gradient, box) : { kind: 'solid', color };

/** True inside the three 7×7 finder patterns, which are drawn as corner figures, not as dots. */
function inFinder(count: number, row: number, col: number): boolean {
  const top = row < 7;
  const left = col < 7;
  return (top && left) || (top && col >= count - 7) || (left && row >= count - 7);
}

/**
 * Modules to draw, with a one-cell light border so neighbour lookups need no
 * bounds checks: cell (row, col) is at (row + 1) * (n + 2) + col + 1.
 */
interface Grid {
  n: number;
  cells: Uint8Array;
}

const gridIndex = (g: Grid, row: number, col: number) => (row + 1) * (g.n + 2) + col + 1;

/** Square modules merged into one rectangle per horizontal run: the same picture in far fewer bytes. */
function squareRuns(out: PathCommand[], g: Grid, ox: number, oy: number) {
  for (let row = 0; row < g.n; row++) {
    let col = 0;
    while (col < g.n) {
      if (!g.cells[gridIndex(g, row, col)]) {
        col++;
        continue;
      }
      const start = col;
      while (col < g.n && g.cells[gridIndex(g, row, col)]) col++;
      rect(out, ox + start, oy + row, col - start, 1);
    }
  }
}

/** Every module of the grid in the given style, each shaped by its drawn neighbours. */
function styledDots(out: PathCommand[], style: Design['dotStyle'], g: Grid, ox: number, oy: number) {
  const stride = g.n + 2;
  for (let row = 0; row < g.n; row++) {
    for (let col = 0; col < g.n; col++) {
      const i = gridIndex(g, row, col);
      if (!g.cells[i]) continue;
      const n =
        (g.cells[i - 1] ? LEFT : 0) |
        (g.cells[i + 1] ? RIGHT : 0) |
        (g.cells[i - stride] ? TOP : 0) |
        (g.cells[i + stride] ? BOTTOM : 0);
      drawDot(out, style, ox + col, oy + row, 1, n);
    }
  }
}

interface SymbolLayout {
  /** The square (or the circle's bounding square) the background fills, in modules. */
  side: number;
  /** Top-left of module (0, 0). */
  origin: number;
  /** Decorative modules around the symbol of a circular code (qr-code-styling's "fake" dots). */
  extra: number;
}

function symbolLayout(count: number, design: Design): SymbolLayout {
  if (design.shape === 'circle') {
    // The symbol is inscribed in a circle; modules copied from the symbol fill the ring around it.
    const extra = Math.floor((count * Math.SQRT2 - count) / 2);
    const disc = count * Math.SQRT2;
    const side = disc + 2 * design.margin;
    return { side, origin: (side - count) / 2, extra };
  }
  return { side: count + 2 * design.margin, origin: design.margin, extra: 0 };
}

/** The ring of decorative modules of a circular code, chosen from the symbol's own pattern as qr-code-styling does. */
function circleFiller(matrix: QrMatrix, extra: number): Grid {
  const count = matrix.size;
  const n = count + extra * 2;
  const center = Math.floor(n / 2);
  const g: Grid = { n, cells: new Uint8Array((n + 2) * (n + 2)) };
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; col++) {
      // A one-module light gap around the symbol keeps the finder patterns readable.
      const nearSymbol = row >= extra - 1 && row <= n - extra && col >= extra - 1 && col <= n - extra;
      if (nearSymbol) continue;
      if (Math.hypot(row - center, col - center) > center) continue;
      const r = col - 2 * extra < 0 ? col : col >= count ? col - 2 * extra : col - extra;
      const c = row - 2 * extra < 0 ? row : row >= count ? row - 2 * extra : row - extra;
      g.cells[gridIndex(g, row, col)] = matrix.dark[r * count + c]!;
    }
  }
  return g;
}

/** The caption band under a framed code: its height and the frame's thickness, in modules. */
function frameMetrics(side: number) {
  const stroke = Math.max(1, side * 0.04);
  return { stroke, band: side * 0.22, radius: stroke * 2.5 };
}

function roundedRect(out: PathCommand[], x: number, y: number, w: number, h: number, r: number): void {
  out.push(
    { op: 'M', x: x + r, y },
    { op: 'L', x: x + w - r, y },
    { op: 'A', r, large: false, sweep: true, x: x + w, y: y + r },
    { op: 'L', x: x + w, y: y + h - r },
    { op: 'A', r, large: false, sweep: true, x: x + w - r, y: y + h },
    { op: 'L', x: x + r, y: y + h },
    { op: 'A', r, large: false, sweep: true, x, y: y + h - r },
    { op: 'L', x, y: y + r },
    { op: 'A', r, large: false, sweep: true, x: x + r, y },
    { op: 'Z' },
  );
}

/**
 * Draws a styled QR code: background, dots, finder rings, finder centres,
 * logo, and an optional frame with a caption, each layer one path. Units are
 * modules; the same input always gives the same drawing.
 */
export function buildQrDrawing({ matrix, design, logo, font }: QrDrawingInput): Drawing {
  const count = matrix.size;
  const { side, origin, extra } = symbolLayout(count, design);

  const frame = design.frame ? frameMetrics(side) : null;
  const offset = frame ? frame.stroke : 0;
  const ox = origin + offset;
  const oy = origin + offset;
  const box: Box = { x: offset, y: offset, w: side, h: side };

  const useLogo = design.logo && design.logo.assetId && logo ? logo : null;
  const area: LogoArea | null = useLogo
    ? logoArea(count, design.logo!.size, design.errorCorrection, useLogo.width, useLogo.height)
    : null;
  // Logo area in module indices, [from, to).
  const hide =
    area && design.logo!.hideBackgroundDots
      ? {
          r0: (count - area.hideY) / 2,
          r1: (count + area.hideY) / 2,
          c0: (count - area.hideX) / 2,
          c1: (count + area.hideX) / 2,
        }
      : null;
  const grid: Grid = { n: count, cells: new Uint8Array((count + 2) * (count + 2)) };
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (!matrix.dark[row * count + col] || inFinder(count, row, col)) continue;
      if (hide && row >= hide.r0 && row < hide.r1 && col >= hide.c0 && col < hide.c1) continue;
      grid.cells[gridIndex(grid, row, col)] = 1;
    }
  }

  const layers: Layer[] = [];

  if (!design.transparentBackground) {
    const path: PathCommand[] = [];
    if (design.shape === 'circle') circle(path, box.x + side / 2, box.y + side / 2, side / 2);
    else rect(path, box.x, box.y, side, side);
    layers.push({
      name: 'background',
      path,
      paint: paintOf(design.backgroundColor, design.backgroundGradient, box),
      fillRule: 'nonzero',
    });
  }

  const dots: PathCommand[] = [];
  if (design.dotStyle === 'square') squareRuns(dots, grid, ox, oy);
  else styledDots(dots, design.dotStyle, grid, ox, oy);
  if (extra > 0) styledDots(dots, design.dotStyle, circleFiller(matrix, extra), ox - extra, oy - extra);
  const dotPaint = paintOf(design.foregroundColor, design.gradient, box);
  layers.push({ name: 'dots', path: dots, paint: dotPaint, fillRule: 'nonzero' });

  const rings: PathCommand[] = [];
  const centres: PathCommand[] = [];
  for (const [cx, cy] of [
    [0, 0],
    [count - 7, 0],
    [0, count - 7],
  ] as const) {
    drawCornerSquare(rings, design.cornerSquareStyle, ox + cx, oy + cy, 1);
    drawCornerDot(centres, design.cornerDotStyle, ox + cx + 2, oy + cy + 2, 1);
  }
  const ringPaint =
    design.cornerSquareGradient || design.cornerSquareColor
      ? paintOf(design.cornerSquareColor ?? design.foregroundColor, design.cornerSquareGradient, box)
      : dotPaint;
  const centrePaint =
    design.cornerDotGradient || design.cornerDotColor
      ? paintOf(design.cornerDotColor ?? design.foregroundColor, design.cornerDotGradient, box)
      : ringPaint;
  layers.push({ name: 'corner-squares', path: rings, paint: ringPaint, fillRule: 'nonzero' });
  layers.push({ name: 'corner-dots', path: centres, paint: centrePaint, fillRule: 'nonzero' });

  const images: PlacedImage[] = [];
  if (useLogo && area && area.width > 0 && area.height > 0) {
    images.push({
      x: ox + (count - area.width) / 2,
      y: oy + (count - area.height) / 2,
      width: area.width,
      height: area.height,
      mediaType: useLogo.mediaType,
      base64: useLogo.base64,
    });
  }

  let width = side;
  let height = side;
  if (frame && design.frame) {
    width = side + 2 * frame.stroke;
    height = side + 2 * frame.stroke + frame.band;
    const framePath: PathCommand[] = [];
    roundedRect(framePath, 0, 0, width, height, frame.radius);
    // The window the code shows through, wound the other way so it stays open under either fill rule.
    rect(framePath, offset, offset, side, side, false);
    const frameColor = design.frame.color ?? design.foregroundColor;
    layers.unshift({
      name: 'frame',
      path: framePath,
      paint: { kind: 'solid', color: frameColor },
      fillRule: 'nonzero',
    });
    if (font) {
      const fontSize = frame.band * 0.55;
      const text = font.layout(design.frame.text, fontSize);
      const maxWidth = width - 2 * frame.radius;
      // A long caption is scaled down to fit the band rather than clipped.
      const scale = text.width > maxWidth ? maxWidth / text.width : 1;
      const tx = (width - text.width * scale) / 2;
      // Centred on the cap height (about 0.72 em in Inter), so capitals sit in the middle of the band.
      const baseline = offset + side + (frame.stroke + frame.band) / 2 + fontSize * scale * 0.36;
      const caption = text.path.map((c) => placeCommand(c, scale, tx, baseline));
      const textColor = design.frame.textColor ?? (design.transparentBackground ? '#FFFFFF' : design.backgroundColor);
      layers.push({ name: 'caption', path: caption, paint: { kind: 'solid', color: textColor }, fillRule: 'nonzero' });
    }
  }
  // Whole pixels per module when rasterised, as qr-code-styling rounds its dot size: crisp modules, and each
  // distinct module shape rasterised once.
  return { width, height, layers, images, pixelSnap: true };
}

function placeCommand(c: PathCommand, s: number, tx: number, ty: number): PathCommand {
  switch (c.op) {
    case 'M':
    case 'L':
      return { op: c.op, x: tx + c.x * s, y: ty + c.y * s };
    case 'C':
      return {
        op: 'C',
        x1: tx + c.x1 * s,
        y1: ty + c.y1 * s,
        x2: tx + c.x2 * s,
        y2: ty + c.y2 * s,
        x: tx + c.x * s,
        y: ty + c.y * s,
      };
    case 'A':
      return { op: 'A', r: c.r * s, large: c.large, sweep: c.sweep, x: tx + c.x * s, y: ty + c.y * s };
    case 'Z':
      return c;
  }
}
