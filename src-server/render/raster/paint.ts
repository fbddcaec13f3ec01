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
 * A function giving a paint's colour at a pixel centre (in pixel coordinates,
 * placed as the drawing is). Gradients are sampled through a
 * 256-entry table, plenty for 8-bit output.
 */
export function paintSampler(paint: Paint, { scale, ox, oy }: Placement): (x: number, y: number, out: Rgb) => void {
  if (paint.kind === 'solid') {
    const rgb = hexToRgb(paint.color);
    return (_x, _y, out) => {
      out[0] = rgb[0];
      out[1] = rgb[1];
      out[2] = rgb[2];
    };
  }
  const table = new Float32Array(256 * 3);
  const c: Rgb = [0, 0, 0];
  for (let i = 0; i < 256; i++) {
    stopColor(paint.stops, i / 255, c);
    table.set(c, i * 3);
  }
  const lookup = (t: number, out: Rgb) => {
    const i = Math.round((t < 0 ? 0 : t > 1 ? 1 : t) * 255) * 3;
    out[0] = table[i]!;
    out[1] = table[i + 1]!;
    out[2] = table[i + 2]!;
  };
  if (paint.kind === 'linear') {
    const x1 = ox + paint.x1 * scale;
    const y1 = oy + paint.y1 * scale;
    const dx = ox + paint.x2 * scale - x1;
    const dy = oy + paint.y2 * scale - y1;
    const len2 = dx * dx + dy * dy || 1;
    return (x, y, out) => lookup(((x - x1) * dx + (y - y1) * dy) / len2, out);
  }
  const cx = ox + paint.cx * scale;
  const cy = oy + paint.cy * scale;
  const r = paint.r * scale || 1;
  return (x, y, out) => lookup(Math.hypot(x - cx, y - cy) / r, out);
}
