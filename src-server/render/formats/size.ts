import type { Drawing } from '../../../src-shared/render/model';
import { DPI, PIXEL_SIZE } from '../../../src-shared/schemas/output';

export interface SizeOptions {
  size?: number;
  mm?: number;
  dpi?: number;
}

const MM_PER_INCH = 25.4;
const PT_PER_INCH = 72;
/** Pixel sizes in vector formats are CSS pixels: 96 per inch. */
const CSS_PX_PER_INCH = 96;

const longer = (d: Drawing) => Math.max(d.width, d.height);

/** Scales the drawing's box so its longer side is `longerSide`, rounding each side to whole pixels (at least 1). */
function scaleBox(d: Drawing, longerSide: number, round: boolean) {
  const s = longerSide / longer(d);
  const fix = (v: number) => (round ? Math.max(1, Math.round(v)) : v);
  return { width: fix(d.width * s), height: fix(d.height * s) };
}

/** Raster size: `size` px for the longer side (default 512), or round(mm / 25.4 × dpi) (default 300 dpi). */
export function rasterSize(d: Drawing, o: SizeOptions): { width: number; height: number; dpi: number | null } {
  if (o.mm !== undefined) {
    const dpi = o.dpi ?? DPI.default;
    return { ...scaleBox(d, Math.round((o.mm / MM_PER_INCH) * dpi), true), dpi };
  }
  return { ...scaleBox(d, o.size ?? PIXEL_SIZE.default, true), dpi: null };
}

/** Page size in PostScript points: mm when given, else the pixel size at 96 per inch. */
export function pointSize(d: Drawing, o: SizeOptions): { width: number; height: number } {
  const inches = o.mm !== undefined ? o.mm / MM_PER_INCH : (o.size ?? PIXEL_SIZE.default) / CSS_PX_PER_INCH;
  return scaleBox(d, inches * PT_PER_INCH, false);
}
