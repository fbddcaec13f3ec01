/**
 * An anti-aliased coverage mask by signed-area accumulation (the method of
 * font rasterisers such as font-rs): each edge adds, to the cells it crosses,
 * the area it sweeps times its direction; a running sum along each row then
 * gives the winding-weighted coverage of every pixel. Shapes that touch or
 * nest with opposite winding (rings, letter counters) come out exact, and
 * overlaps of the same winding saturate at full coverage, as non-zero filling
 * does.
 */
export class CoverageMask {
  /** One cell more per row than pixels: an edge on the right border spills there. */
  private readonly cells: Float32Array;
  private readonly stride: number;
  private readonly row: Float32Array;
  /** Rows and columns touched since the last reset, so clearing and reading skip the rest. */
  minY = Infinity;
  maxY = -Infinity;
  minX = Infinity;
  maxX = -Infinity;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.stride = width + 2;
    this.cells = new Float32Array(this.stride * height);
    this.row = new Float32Array(width);
  }

  /** Adds one edge, in pixel coordinates. */
  addEdge(x0: number, y0: number, x1: number, y1: number): void {
    if (y0 === y1) return;
    let dir = 1;
    if (y0 > y1) {
      dir = -1;
      [x0, y0, x1, y1] = [x1, y1, x0, y0];
    }
    // Clip to the image: above and below are dropped, left and right clamp (the area stays right).
    if (y1 <= 0 || y0 >= this.height) return;
    const w = this.width;
    const dxdy = (x1 - x0) / (y1 - y0);
    let x = x0;
    if (y0 < 0) {
      x -= y0 * dxdy;
      y0 = 0;
    }
    const yEnd = Math.min(this.height, Math.ceil(y1));
    const cells = this.cells;
    const stride = this.stride;
    for (let row = Math.floor(y0); row < yEnd; row++) {
      const dy = Math.min(row + 1, y1) - Math.max(row, y0);
      const xNext = x + dxdy * dy;
      const d = dy * dir;
      const xa = Math.min(Math.max(Math.min(x, xNext), 0), w);
      const xb = Math.min(Math.max(Math.max(x, xNext), 0), w);
      const base = row * stride;
      const xaFloor = Math.floor(xa);
      const xbCeil = Math.ceil(xb);
      if (xbCeil <= xaFloor + 1) {
        // The edge stays within one pixel column on this row: split by its mean x.
        const mid = (xa + xb) / 2 - xaFloor;
        cells[base + xaFloor]! += d * (1 - mid);
        cells[base + xaFloor + 1]! += d * mid;
      } else {
        const inv = 1 / (xb - xa);
        const fa = xa - xaFloor;
        const firstArea = 0.5 * inv * (1 - fa) * (1 - fa);
        const fb = xb - xbCeil + 1;
        const lastArea = 0.5 * inv * fb * fb;
        cells[base + xaFloor]! += d * firstArea;
        if (xbCeil === xaFloor + 2) {
          cells[base + xaFloor + 1]! += d * (1 - firstArea - lastArea);
        } else {
          const secondArea = inv * (1.5 - fa);
          cells[base + xaFloor + 1]! += d * (secondArea - firstArea);
          for (let col = xaFloor + 2; col < xbCeil - 1; col++) cells[base + col]! += d * inv;
          const beforeLast = secondArea + (xbCeil - xaFloor - 3) * inv;
          cells[base + xbCeil - 1]! += d * (1 - beforeLast - lastArea);
        }
        cells[base + xbCeil]! += d * lastArea;
      }
      if (row < this.minY) this.minY = row;
      if (row > this.maxY) this.maxY = row;
      if (xaFloor < this.minX) this.minX = xaFloor;
      if (xbCeil > this.maxX) this.maxX = xbCeil;
      x = xNext;
    }
  }

  /**
   * Computes the coverage of each touched row into `row` (columns x0 to x1 - 1)
   * and hands it to `visit`; the cells read are cleared for the next shape.
   */
  drainRows(visit: RowVisitor): void {
    if (this.minY > this.maxY) return;
    const cells = this.cells;
    const stride = this.stride;
    const row = this.row;
    const x0 = Math.max(0, this.minX);
    const x1 = Math.min(this.width, this.maxX + 1);
    for (let y = this.minY; y <= this.maxY; y++) {
      const base = y * stride;
      let sum = 0;
      for (let col = x0; col < x1; col++) {
        sum += cells[base + col]!;
        cells[base + col] = 0;
        const c = sum < 0 ? -sum : sum;
        row[col] = c > 1 ? 1 : c;
      }
      // An edge can also write the cell just right of the touched area (and past the image's edge): clear it.
      const spillEnd = Math.min(stride, this.maxX + 2);
      for (let col = x1; col < spillEnd; col++) cells[base + col] = 0;
      visit.row(y, x0, x1, row);
    }
    this.minY = this.minX = Infinity;
    this.maxY = this.maxX = -Infinity;
  }
}

/** Receives each row of coverage (an object rather than a closure, so the hot loop stays monomorphic). */
export interface RowVisitor {
  row(y: number, x0: number, x1: number, coverage: Float32Array): void;
}
