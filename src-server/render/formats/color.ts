/** Colour conversions for print output. */

export type Rgb = [r: number, g: number, b: number];
export type Cmyk = [c: number, m: number, y: number, k: number];

/** `#RRGGBB` → channels in 0..1. */
export function hexToRgb(hex: string): Rgb {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`Not a #RRGGBB colour: ${hex}`);
  return [parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255];
}

/**
 * RGB (0..1) → CMYK (0..1) by the device-independent textbook formula, with
 * no ICC profile (print shops apply their own):
 *
 *   K = 1 − max(R, G, B);  C = (1 − R − K) / (1 − K);  M = (1 − G − K) / (1 − K);  Y = (1 − B − K) / (1 − K)
 *
 * So grey and black go to the K plate alone: pure black is 0/0/0/100, never a
 * four-colour "rich black" that would blur thin bars when plates misregister.
 * Values are rounded to 0.1 % so the same colour always writes the same bytes.
 */
export function rgbToCmyk([r, g, b]: Rgb): Cmyk {
  const k = 1 - Math.max(r, g, b);
  if (k >= 1) return [0, 0, 0, 1];
  const round = (v: number) => Math.round(Math.max(0, Math.min(1, v)) * 1000) / 1000;
  return [round((1 - r - k) / (1 - k)), round((1 - g - k) / (1 - k)), round((1 - b - k) / (1 - k)), round(k)];
}

export const hexToCmyk = (hex: string): Cmyk => rgbToCmyk(hexToRgb(hex));

/** A number for PDF and PostScript: at most 4 decimals, no exponent, no "-0". */
export function psNumber(n: number): string {
  const rounded = Math.round(n * 10000) / 10000;
  if (rounded === 0) return '0';
  return String(rounded);
}
