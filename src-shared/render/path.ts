import type { PathCommand } from './model';

/**
 * Builds path commands for a figure drawn in a local square cell and turned by
 * a multiple of 90° about the cell's centre, the way qr-code-styling rotates
 * its figures. Quarter turns map arcs onto arcs exactly.
 */
export class CellPen {
  private cx = 0;
  private cy = 0;
  private cos = 1;
  private sin = 0;

  constructor(private readonly out: PathCommand[]) {}

  /** Places the pen on the cell with top-left (x, y) and side `size`, turned by `rotation` radians. */
  cell(x: number, y: number, size: number, rotation = 0): this {
    this.cx = x + size / 2;
    this.cy = y + size / 2;
    this.cos = Math.round(Math.cos(rotation));
    this.sin = Math.round(Math.sin(rotation));
    return this;
  }

  private tx(x: number, y: number): [number, number] {
    const dx = x - this.cx;
    const dy = y - this.cy;
    return [this.cx + dx * this.cos - dy * this.sin, this.cy + dx * this.sin + dy * this.cos];
  }

  moveTo(x: number, y: number): this {
    const [px, py] = this.tx(x, y);
    this.out.push({ op: 'M', x: px, y: py });
    return this;
  }

  lineTo(x: number, y: number): this {
    const [px, py] = this.tx(x, y);
    this.out.push({ op: 'L', x: px, y: py });
    return this;
  }

  /** A circular arc; rotation keeps its sense (a rotation is not a reflection). */
  arcTo(r: number, large: boolean, sweep: boolean, x: number, y: number): this {
    const [px, py] = this.tx(x, y);
    this.out.push({ op: 'A', r, large, sweep, x: px, y: py });
    return this;
  }

  close(): this {
    this.out.push({ op: 'Z' });
    return this;
  }
}

/** A full circle as two half arcs (one arc cannot start and end at the same point). */
export function circle(out: PathCommand[], cx: number, cy: number, r: number, clockwise = true): void {
  out.push(
    { op: 'M', x: cx - r, y: cy },
    { op: 'A', r, large: false, sweep: clockwise, x: cx + r, y: cy },
    { op: 'A', r, large: false, sweep: clockwise, x: cx - r, y: cy },
    { op: 'Z' },
  );
}

/** An axis-aligned rectangle, clockwise (or counter-clockwise, for a hole under nonzero filling). */
export function rect(out: PathCommand[], x: number, y: number, w: number, h: number, clockwise = true): void {
  if (clockwise) {
    out.push({ op: 'M', x, y }, { op: 'L', x: x + w, y }, { op: 'L', x: x + w, y: y + h }, { op: 'L', x, y: y + h });
  } else {
    out.push({ op: 'M', x, y }, { op: 'L', x, y: y + h }, { op: 'L', x: x + w, y: y + h }, { op: 'L', x: x + w, y });
  }
  out.push({ op: 'Z' });
}
