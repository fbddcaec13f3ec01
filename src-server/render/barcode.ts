import type bwipjs from 'bwip-js/node';
import { isLinear, QUIET_ZONES, type BarcodeFormat } from '../../src-shared/barcodes';
import type { Drawing, Layer, PathCommand } from '../../src-shared/render/model';
import { lazy } from '../lazy';
import { quadToCubic } from './formats/geometry';

type Bwip = typeof bwipjs;
const loadBwip = lazy(async () => (await import('bwip-js/node')).default);

/** A barcode's look with every default resolved. */
export interface BarcodeStyle {
  showText: boolean;
  barColor: string;
  textColor: string;
  backgroundColor: string;
  quietZone: boolean;
}

const BCID: Record<BarcodeFormat, string> = {
  EAN13: 'ean13',
  EAN8: 'ean8',
  UPCA: 'upca',
  UPCE: 'upce',
  CODE128: 'code128',
  CODE39: 'code39',
  ITF14: 'itf14',
  GS1_128: 'gs1-128',
  DATAMATRIX: 'datamatrix',
  PDF417: 'pdf417',
  AZTEC: 'azteccode',
  QR: 'qrcode',
};

/**
 * bwip-js draws on an integer pixel grid (it rounds pen widths and adds
 * one-pixel edges); at 10 device units per module those quirks are a tenth of
 * a module, and dividing by 10 gives coordinates in modules.
 */
const UNITS_PER_MODULE = 10;

/** A barcode value bwip-js could not encode (too long for a symbol, a rule bwip-js enforces). */
export class BarcodeEncodeError extends Error {
  override name = 'BarcodeEncodeError';
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}
const emptyBox = (): Box => ({ x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity });
const grow = (b: Box, x0: number, y0: number, x1: number, y1: number) => {
  b.x0 = Math.min(b.x0, x0);
  b.y0 = Math.min(b.y0, y0);
  b.x1 = Math.max(b.x1, x1);
  b.y1 = Math.max(b.y1, y1);
};

const rect = (out: PathCommand[], x0: number, y0: number, x1: number, y1: number) =>
  out.push(
    { op: 'M', x: x0, y: y0 },
    { op: 'L', x: x1, y: y0 },
    { op: 'L', x: x1, y: y1 },
    { op: 'L', x: x0, y: y1 },
    { op: 'Z' },
  );

/**
 * bwip-js's drawing interface, collecting vector paths instead of pixels:
 * bars (stroked lines) become rectangles, 2D regions and bearer bars
 * polygons, and text the outlines of bwip-js's built-in OCR-B glyphs, so no
 * system font is needed and every output format shows the same letters.
 */
class PathCollector implements bwipjs.DrawingContext<void> {
  readonly bars: PathCommand[] = [];
  readonly shapes: PathCommand[] = [];
  readonly glyphs: PathCommand[] = [];
  /** The bars alone: the quiet zone is measured from them. */
  readonly barBox = emptyBox();
  width = 0;
  height = 0;
  private scaleX = 1;
  private scaleY = 1;

  constructor(private readonly fonts: Bwip['FontLib']) {}

  scale(sx: number, sy: number): null {
    this.scaleX = sx;
    this.scaleY = sy;
    return null;
  }

  measure(str: string, font: string, fwidth: number, fheight: number) {
    const fontId = this.fonts.lookup(font);
    let width = 0;
    let ascent = 0;
    let descent = 0;
    for (let i = 0; i < str.length; i++) {
      const glyph = this.fonts.getglyph(fontId, str.charCodeAt(i), fwidth | 0, fheight | 0);
      if (!glyph) continue;
      ascent = Math.max(ascent, glyph.top);
      descent = Math.max(descent, glyph.height - glyph.top);
      width += i === str.length - 1 ? glyph.left + glyph.width : glyph.advance;
    }
    return { width, ascent, descent };
  }

  init(width: number, height: number): void {
    this.width = width;
    this.height = height;
  }

  /** Mirrors bwip-js's SVG output: odd pens shift half a unit, and a line covers its end pixel. */
  line(x0: number, y0: number, x1: number, y1: number, lw: number): void {
    const w = Math.round(lw) || 1;
    if (x0 === x1) {
      const x = x0 + (w & 1 ? (this.scaleX & 1 ? -0.5 : 0.5) : 0);
      const [top, bottom] = [Math.min(y0, y1), Math.max(y0, y1) + 1];
      rect(this.bars, x - w / 2, top, x + w / 2, bottom);
      grow(this.barBox, x - w / 2, top, x + w / 2, bottom);
    } else {
      const y = y0 + (w & 1 ? (this.scaleY & 1 ? -0.5 : 0.5) : 0);
      const [left, right] = [Math.min(x0, x1), Math.max(x0, x1) + 1];
      rect(this.bars, left, y - w / 2, right, y + w / 2);
      grow(this.barBox, left, y - w / 2, right, y + w / 2);
    }
  }

  polygon(pts: [number, number][]): void {
    pts.forEach(([x, y], i) => this.shapes.push({ op: i === 0 ? 'M' : 'L', x, y }));
    this.shapes.push({ op: 'Z' });
  }

  hexagon(pts: [number, number][]): void {
    this.polygon(pts);
  }

  ellipse(x: number, y: number, rx: number, ry: number): void {
    // Four quarter Béziers (only MaxiCode and DotCode draw these; kept for completeness).
    const k = 0.5522847498;
    this.shapes.push(
      { op: 'M', x: x - rx, y },
      { op: 'C', x1: x - rx, y1: y - k * ry, x2: x - k * rx, y2: y - ry, x, y: y - ry },
      { op: 'C', x1: x + k * rx, y1: y - ry, x2: x + rx, y2: y - k * ry, x: x + rx, y },
      { op: 'C', x1: x + rx, y1: y + k * ry, x2: x + k * rx, y2: y + ry, x, y: y + ry },
      { op: 'C', x1: x - k * rx, y1: y + ry, x2: x - rx, y2: y + k * ry, x: x - rx, y },
      { op: 'Z' },
    );
  }

  fill(): void {
    // Colours come from the style, by kind of shape; nothing to flush.
  }

  text(
    x: number,
    y: number,
    str: string,
    _rgb: string,
    font: { name: string; width: number; height: number; dx: number },
  ): void {
    const fontId = this.fonts.lookup(font.name);
    const [fw, fh] = [font.width | 0, font.height | 0];
    let penX = x;
    for (let i = 0; i < str.length; i++) {
      const ch = str.charCodeAt(i);
      const glyph = this.fonts.getpaths(fontId, ch, fw, fh);
      let current = { x: 0, y: 0 };
      for (const seg of glyph ?? []) {
        // Glyph outlines have y up from the baseline; ours points down.
        const to = { x: penX + seg.x, y: y - seg.y };
        // A new contour implicitly closes the previous one when filled, in every output format.
        if (seg.type === 'M') this.glyphs.push({ op: 'M', ...to });
        else if (seg.type === 'L') this.glyphs.push({ op: 'L', ...to });
        else if (seg.type === 'Q') {
          this.glyphs.push({ op: 'C', ...quadToCubic(current, { x: penX + seg.cx, y: y - seg.cy }, to), ...to });
        } else {
          this.glyphs.push({
            op: 'C',
            x1: penX + seg.cx1,
            y1: y - seg.cy1,
            x2: penX + seg.cx2,
            y2: y - seg.cy2,
            ...to,
          });
        }
        current = to;
      }
      if (glyph?.length) this.glyphs.push({ op: 'Z' });
      penX += this.fonts.getglyph(fontId, ch, fw, fh).advance + font.dx;
    }
  }

  end(): void {}
}

/** Moves and scales path commands (arcs keep their flags; none occur here). */
function mapPath(
  path: readonly PathCommand[],
  f: (x: number, y: number) => [number, number],
  s: number,
): PathCommand[] {
  return path.map((c): PathCommand => {
    switch (c.op) {
      case 'M':
      case 'L': {
        const [x, y] = f(c.x, c.y);
        return { op: c.op, x, y };
      }
      case 'C': {
        const [x1, y1] = f(c.x1, c.y1);
        const [x2, y2] = f(c.x2, c.y2);
        const [x, y] = f(c.x, c.y);
        return { op: 'C', x1, y1, x2, y2, x, y };
      }
      case 'A': {
        const [x, y] = f(c.x, c.y);
        return { ...c, r: c.r * s, x, y };
      }
      case 'Z':
        return c;
    }
  });
}

/**
 * bwip-js encodes text as UTF-8 bytes itself. Beyond ASCII we announce that
 * with ECI 26 (UTF-8), so readers do not guess Latin-1. ECIs are BWIPP
 * function characters (`parsefnc`), where a literal caret is written `^^`.
 */
function matrixText(value: string): { text: string; parsefnc: boolean } {
  if (![...value].some((c) => c.charCodeAt(0) > 0x7f)) return { text: value, parsefnc: false };
  return { text: `^ECI000026${value.replace(/\^/g, '^^')}`, parsefnc: true };
}

function cleanBwipError(err: unknown): BarcodeEncodeError {
  const message = err instanceof Error ? err.message : String(err);
  // "bwipp.qrcodeNoValidSymbol#27236: Maximum length exceeded or invalid content" → the human part.
  const human = message.replace(/^(Error:\s*)?bwipp?\.[A-Za-z0-9]+#\d+:\s*/, '').replace(/^bwip-js:\s*/, '');
  return new BarcodeEncodeError(human);
}

interface BuiltSymbol {
  bars: PathCommand[];
  shapes: PathCommand[];
  text: PathCommand[];
  /** Everything drawn, in modules. */
  content: Box;
  /** What the quiet zone is measured from. */
  symbol: Box;
}

function linearSymbol(bwip: Bwip, format: BarcodeFormat, value: string, style: BarcodeStyle): BuiltSymbol {
  const collector = new PathCollector(bwip.FontLib);
  try {
    bwip.render(
      {
        bcid: BCID[format],
        text: value,
        scale: UNITS_PER_MODULE,
        includetext: style.showText,
        textxalign: 'center',
        ...(format === 'CODE39' ? { hidestars: true } : {}),
      } as bwipjs.RenderOptions,
      collector,
    );
  } catch (err) {
    throw cleanBwipError(err);
  }
  const s = 1 / UNITS_PER_MODULE;
  const scale = (x: number, y: number): [number, number] => [x * s, y * s];
  const b = collector.barBox;
  return {
    bars: mapPath(collector.bars, scale, s),
    shapes: mapPath(collector.shapes, scale, s),
    text: mapPath(collector.glyphs, scale, s),
    content: { x0: 0, y0: 0, x1: collector.width * s, y1: collector.height * s },
    symbol: { x0: b.x0 * s, y0: b.y0 * s, x1: b.x1 * s, y1: b.y1 * s },
  };
}

/** 2D symbols from bwip-js's module matrix: exact module edges, each row's dark runs as rectangles. */
function matrixSymbol(bwip: Bwip, format: BarcodeFormat, value: string): BuiltSymbol {
  let raw;
  try {
    raw = bwip.raw({ bcid: BCID[format], ...matrixText(value) } as bwipjs.RawOptions)[0] as
      { pixs: number[]; pixx: number; pixy: number } | undefined;
  } catch (err) {
    throw cleanBwipError(err);
  }
  if (!raw?.pixs) throw new BarcodeEncodeError('The symbol could not be built');
  const rows = raw.pixs.length / raw.pixx;
  // PDF417 rows are several modules high (pixy counts modules, pixs has one entry per row).
  const rowHeight = raw.pixy / rows;
  const shapes: PathCommand[] = [];
  for (let y = 0; y < rows; y++) {
    let x = 0;
    while (x < raw.pixx) {
      if (!raw.pixs[y * raw.pixx + x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < raw.pixx && raw.pixs[y * raw.pixx + x]) x++;
      rect(shapes, start, y * rowHeight, x, (y + 1) * rowHeight);
    }
  }
  const box = { x0: 0, y0: 0, x1: raw.pixx, y1: raw.pixy };
  return { bars: [], shapes, text: [], content: box, symbol: box };
}

/**
 * A barcode as a Drawing in module units: a background layer the size of the
 * symbol plus its quiet zone (unless turned off), the bars or modules, and
 * the human-readable text as glyph outlines. Throws BarcodeEncodeError when
 * bwip-js cannot encode the value (checked values rarely get here).
 */
export async function barcodeDrawing(format: BarcodeFormat, value: string, style: BarcodeStyle): Promise<Drawing> {
  const bwip = await loadBwip();
  const linear = isLinear(format);
  const sym = linear ? linearSymbol(bwip, format, value, style) : matrixSymbol(bwip, format, value);
  const qz = style.quietZone ? QUIET_ZONES[format] : { left: 0, right: 0, vertical: 0 };
  // Text may stand outside the bars (EAN-13's first digit sits in the quiet zone), so take the union.
  const left = Math.min(sym.content.x0, sym.symbol.x0 - qz.left);
  const right = Math.max(sym.content.x1, sym.symbol.x1 + qz.right);
  const top = Math.min(sym.content.y0, sym.symbol.y0) - qz.vertical;
  const bottom = Math.max(sym.content.y1, sym.symbol.y1) + qz.vertical;
  const move = (x: number, y: number): [number, number] => [x - left, y - top];
  const width = right - left;
  const height = bottom - top;

  const background: PathCommand[] = [];
  rect(background, 0, 0, width, height);
  const layers: Layer[] = [
    {
      name: 'background',
      path: background,
      paint: { kind: 'solid', color: style.backgroundColor },
      fillRule: 'nonzero',
    },
  ];
  const bars = { kind: 'solid' as const, color: style.barColor };
  if (sym.bars.length)
    layers.push({ name: 'bars', path: mapPath(sym.bars, move, 1), paint: bars, fillRule: 'nonzero' });
  // Traced 2D regions have holes and bearer boxes are two nested rectangles: even-odd keeps both right.
  if (sym.shapes.length) {
    layers.push({
      name: linear ? 'bearers' : 'modules',
      path: mapPath(sym.shapes, move, 1),
      paint: bars,
      fillRule: 'evenodd',
    });
  }
  if (sym.text.length) {
    layers.push({
      name: 'text',
      path: mapPath(sym.text, move, 1),
      paint: { kind: 'solid', color: style.textColor },
      fillRule: 'nonzero',
    });
  }
  // Bars and modules on whole pixels when rasterised: crisp edges, as a barcode printer draws them.
  return { width, height, layers, images: [], pixelSnap: true };
}
