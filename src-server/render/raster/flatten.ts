import type { PathCommand } from '../../../src-shared/render/model';

/** Receives straight edges in pixel coordinates. */
export type EdgeSink = (x0: number, y0: number, x1: number, y1: number) => void;

/** Drawing units to pixels: x_px = ox + x * scale. */
export interface Placement {
  scale: number;
  ox: number;
  oy: number;
}

/** How far a flattened curve may stray from the true one, in pixels: well under what anti-aliasing shows. */
const TOLERANCE = 0.1;

/**
 * Flattens a path into straight edges, placed from drawing units into
 * pixels. Every subpath is closed, as filling implies. Arcs are circular
 * (the model allows no other kind), so their centre follows from the chord.
 */
export function flattenPath(commands: readonly PathCommand[], { scale, ox, oy }: Placement, emit: EdgeSink): void {
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  let open = false;
  for (const c of commands) {
    switch (c.op) {
      case 'M':
        if (open && (x !== startX || y !== startY)) emit(x, y, startX, startY);
        x = startX = ox + c.x * scale;
        y = startY = oy + c.y * scale;
        open = true;
        break;
      case 'L': {
        const nx = ox + c.x * scale;
        const ny = oy + c.y * scale;
        emit(x, y, nx, ny);
        x = nx;
        y = ny;
        break;
      }
      case 'A': {
        const nx = ox + c.x * scale;
        const ny = oy + c.y * scale;
        arcEdges(x, y, nx, ny, c.r * scale, c.large, c.sweep, emit);
        x = nx;
        y = ny;
        break;
      }
      case 'C': {
        const nx = ox + c.x * scale;
        const ny = oy + c.y * scale;
        cubicEdges(x, y, ox + c.x1 * scale, oy + c.y1 * scale, ox + c.x2 * scale, oy + c.y2 * scale, nx, ny, emit);
        x = nx;
        y = ny;
        break;
      }
      case 'Z':
        if (open && (x !== startX || y !== startY)) emit(x, y, startX, startY);
        open = false;
        x = startX;
        y = startY;
        break;
    }
  }
  if (open && (x !== startX || y !== startY)) emit(x, y, startX, startY);
}

/** A circular arc in SVG's endpoint form, as straight segments. */
function arcEdges(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  rIn: number,
  large: boolean,
  sweep: boolean,
  emit: EdgeSink,
): void {
  const dx = x1 - x0;
  const dy = y1 - y0;
  const chord = Math.hypot(dx, dy);
  if (chord === 0) return;
  // SVG scales a radius too small for the chord up to half the chord.
  const r = Math.max(rIn, chord / 2);
  const h = Math.sqrt(Math.max(0, r * r - (chord * chord) / 4));
  // The centre lies on the chord's perpendicular bisector; the flags pick the side.
  const sign = large !== sweep ? 1 : -1;
  const cx = (x0 + x1) / 2 - (sign * h * dy) / chord;
  const cy = (y0 + y1) / 2 + (sign * h * dx) / chord;
  const a0 = Math.atan2(y0 - cy, x0 - cx);
  let delta = Math.atan2(y1 - cy, x1 - cx) - a0;
  // sweep = increasing angle (clockwise on screen, y down).
  if (sweep && delta < 0) delta += 2 * Math.PI;
  if (!sweep && delta > 0) delta -= 2 * Math.PI;
  const step = 2 * Math.acos(Math.max(-1, 1 - TOLERANCE / Math.max(r, TOLERANCE)));
  const n = Math.max(1, Math.ceil(Math.abs(delta) / step));
  let px = x0;
  let py = y0;
  for (let i = 1; i < n; i++) {
    const a = a0 + (delta * i) / n;
    const qx = cx + r * Math.cos(a);
    const qy = cy + r * Math.sin(a);
    emit(px, py, qx, qy);
    px = qx;
    py = qy;
  }
  emit(px, py, x1, y1);
}

/** A cubic Bézier as straight segments, enough of them for the tolerance given its control polygon. */
function cubicEdges(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
  x3: number,
  y3: number,
  emit: EdgeSink,
): void {
  // The second differences bound how far the curve departs from its chords.
  const ddx = Math.max(Math.abs(x0 - 2 * x1 + x2), Math.abs(x1 - 2 * x2 + x3));
  const ddy = Math.max(Math.abs(y0 - 2 * y1 + y2), Math.abs(y1 - 2 * y2 + y3));
  const n = Math.max(1, Math.min(100, Math.ceil(Math.sqrt((0.75 * Math.hypot(ddx, ddy)) / TOLERANCE))));
  let px = x0;
  let py = y0;
  for (let i = 1; i <= n; i++) {
    const t = i / n;
    const u = 1 - t;
    const qx = u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3;
    const qy = u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3;
    emit(px, py, qx, qy);
    px = qx;
    py = qy;
  }
}
