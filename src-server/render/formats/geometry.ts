import type { GradientStop, PlacedImage } from '../../../src-shared/render/model';

export interface Point {
  x: number;
  y: number;
}

/** A circular arc in centre form: angles in radians in drawing space (y down), `delta` signed. */
export interface ArcCentre {
  cx: number;
  cy: number;
  r: number;
  start: number;
  delta: number;
}

/**
 * Converts an SVG-style circular arc (from `from` to `to`, radius, large-arc and
 * sweep flags) to centre form, following SVG 1.1 appendix F.6.5 with rx = ry.
 * A radius too small to span the chord is scaled up, as SVG renderers do.
 * Returns null for a zero-length arc, which SVG draws as nothing.
 */
export function arcCentre(from: Point, r: number, large: boolean, sweep: boolean, to: Point): ArcCentre | null {
  const dx = (from.x - to.x) / 2;
  const dy = (from.y - to.y) / 2;
  const half = Math.hypot(dx, dy);
  if (half === 0) return null;
  const radius = Math.max(Math.abs(r), half);
  // Distance from the chord's midpoint to the centre, along the chord's normal.
  const h = Math.sqrt(Math.max(0, radius * radius - half * half)) / half;
  const sign = large === sweep ? -1 : 1;
  const cx = sign * h * dy + (from.x + to.x) / 2;
  const cy = sign * h * -dx + (from.y + to.y) / 2;
  const start = Math.atan2(from.y - cy, from.x - cx);
  let delta = Math.atan2(to.y - cy, to.x - cx) - start;
  // sweep = positive angle direction (clockwise on screen, since y points down).
  if (sweep && delta < 0) delta += 2 * Math.PI;
  if (!sweep && delta > 0) delta -= 2 * Math.PI;
  return { cx, cy, r: radius, start, delta };
}

export interface Cubic {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  x: number;
  y: number;
}

/**
 * A circular arc as cubic Béziers of at most 90° each, with the standard
 * control distance 4/3·tan(θ/4)·r. PDF has no arc operator; the radial error
 * of this approximation is below 0.03 % of the radius, far under a printer dot.
 * The last end point is the exact target, so paths close without gaps.
 */
export function arcToCubics(from: Point, r: number, large: boolean, sweep: boolean, to: Point): Cubic[] {
  const arc = arcCentre(from, r, large, sweep, to);
  if (!arc) return [];
  const segments = Math.max(1, Math.ceil(Math.abs(arc.delta) / (Math.PI / 2) - 1e-9));
  const step = arc.delta / segments;
  const k = (4 / 3) * Math.tan(step / 4);
  const out: Cubic[] = [];
  let a0 = arc.start;
  for (let i = 0; i < segments; i++) {
    const a1 = a0 + step;
    const [c0, s0, c1, s1] = [Math.cos(a0), Math.sin(a0), Math.cos(a1), Math.sin(a1)];
    const last = i === segments - 1;
    out.push({
      x1: arc.cx + arc.r * (c0 - k * s0),
      y1: arc.cy + arc.r * (s0 + k * c0),
      x2: arc.cx + arc.r * (c1 + k * s1),
      y2: arc.cy + arc.r * (s1 - k * c1),
      x: last ? to.x : arc.cx + arc.r * c1,
      y: last ? to.y : arc.cy + arc.r * s1,
    });
    a0 = a1;
  }
  return out;
}

/** Quadratic Bézier control point → the two control points of the same curve as a cubic. */
export function quadToCubic(p0: Point, q: Point, p: Point): Omit<Cubic, 'x' | 'y'> {
  return {
    x1: p0.x + (2 / 3) * (q.x - p0.x),
    y1: p0.y + (2 / 3) * (q.y - p0.y),
    x2: p.x + (2 / 3) * (q.x - p.x),
    y2: p.y + (2 / 3) * (q.y - p.y),
  };
}

/**
 * Gradient stops as PDF and PostScript shading functions need them: offsets
 * clamped to 0..1 and never decreasing (SVG's rule), with the end colours
 * held from 0 and to 1, as SVG paints them.
 */
export function normalizeStops(stops: readonly GradientStop[]): GradientStop[] {
  const out: GradientStop[] = [];
  let previous = 0;
  for (const stop of stops) {
    const offset = Math.max(previous, Math.min(1, Math.max(0, stop.offset)));
    out.push({ offset, color: stop.color });
    previous = offset;
  }
  if (out.length === 0) return out;
  if (out[0]!.offset > 0) out.unshift({ offset: 0, color: out[0]!.color });
  if (out[out.length - 1]!.offset < 1) out.push({ offset: 1, color: out[out.length - 1]!.color });
  return out;
}

/** The box an image occupies inside its placement box: SVG's `preserveAspectRatio="xMidYMid meet"`. */
export function fitImage(
  box: Pick<PlacedImage, 'x' | 'y' | 'width' | 'height'>,
  intrinsicWidth: number,
  intrinsicHeight: number,
): { x: number; y: number; width: number; height: number } {
  const scale = Math.min(box.width / intrinsicWidth, box.height / intrinsicHeight);
  const width = intrinsicWidth * scale;
  const height = intrinsicHeight * scale;
  return { x: box.x + (box.width - width) / 2, y: box.y + (box.height - height) / 2, width, height };
}
