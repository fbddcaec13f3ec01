import type { GradientStop, Paint } from '../../../src-shared/render/model';
import type { Placement } from './flatten';

export type Rgb = [number, number, number];

export const hexToRgb = (hex: string): Rgb => [
  parseInt(hex.slice(1, 3), 16),
  parseInt(hex.slice(3, 5), 16),
  parseInt(hex.slice(5, 7), 16),
];

/** The colour at position t (0-1) of a gradient, interpolated in sRGB as SVG does; pad spread. */
function stopColor(stops: readonly GradientStop[], t: number, out: Rgb): void {
  const first = stops[0]!;
  const last = stops[stops.length - 1]!;
  if (t <= first.offset) return void out.splice(0, 3, ...hexToRgb(first.color));
  if (t >= last.offset) return void out.splice(0, 3, ...hexToRgb(last.color));
  for (let i = 1; i < stops.length; i++) {
    const b = stops[i]!;
    if (t <= b.offset) {
      const a = stops[i - 1]!;
      const f = b.offset === a.offset ? 1 : (t - a.offset) / (b.offset - a.offset);
      const ca = hexToRgb(a.color);
      const cb = hexToRgb(b.color);
      out[0] = ca[0] + (cb[0] - ca[0]) * f;
      out[1] = ca[1] + (cb[1] - ca[1]) * f;
      out[2] = ca[2] + (cb[2] - ca[2]) * f;
      return;
    }
  }
}

/**
 * A paint resolved for painting pixels (in pixel coordinates, placed as the
 * drawing is): a solid colour, or a gradient as a 256-entry colour table
 * (plenty for 8-bit output) and the position t (0-1) across it, which for a
 * linear gradient is t = ax·x + ay·y + c.
 */
export type PaintField =
  | { kind: 'solid'; rgb: Rgb }
  | { kind: 'linear'; table: Uint8Array; ax: number; ay: number; c: number }
  | { kind: 'radial'; table: Uint8Array; cx: number; cy: number; invR: number };

export function paintField(paint: Paint, { scale, ox, oy }: Placement): PaintField {
  if (paint.kind === 'solid') return { kind: 'solid', rgb: hexToRgb(paint.color) };
  const table = new Uint8Array(256 * 3);
  const c: Rgb = [0, 0, 0];
  for (let i = 0; i < 256; i++) {
    stopColor(paint.stops, i / 255, c);
    table[i * 3] = Math.round(c[0]);
    table[i * 3 + 1] = Math.round(c[1]);
    table[i * 3 + 2] = Math.round(c[2]);
  }
  if (paint.kind === 'linear') {
    const x1 = ox + paint.x1 * scale;
    const y1 = oy + paint.y1 * scale;
    const dx = ox + paint.x2 * scale - x1;
    const dy = oy + paint.y2 * scale - y1;
    const len2 = dx * dx + dy * dy || 1;
    return { kind: 'linear', table, ax: dx / len2, ay: dy / len2, c: -(x1 * dx + y1 * dy) / len2 };
  }
  return {
    kind: 'radial',
    table,
    cx: ox + paint.cx * scale,
    cy: oy + paint.cy * scale,
    invR: 1 / (paint.r * scale || 1),
  };
}

/** The table index (times 3) for position t, clamped to the gradient's ends (SVG's pad spread). */
export const tableIndex = (t: number): number => (t <= 0 ? 0 : t >= 1 ? 765 : ((t * 255 + 0.5) | 0) * 3);
