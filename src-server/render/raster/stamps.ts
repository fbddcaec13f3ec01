import type { PathCommand } from '../../../src-shared/render/model';
import { CoverageMask, type RowVisitor } from './coverage';
import { flattenPath } from './flatten';

/** The coverage of one figure, rasterised once and reused wherever the same figure recurs. */
export interface Stamp {
  width: number;
  height: number;
  /** Row-major coverage, 0-1. */
  coverage: Float32Array;
}

const MAX_STAMPS = 4096;

/**
 * Rasterised figures by shape and scale. On a pixel-snapped drawing every
 * module lands on whole pixels, so a styled code's few hundred modules are a
 * dozen distinct figures (a dot, a rounded end in four directions, ...) moved
 * by whole pixels: each is rasterised once and then copied.
 */
export class StampCache {
  private readonly stamps = new Map<string, Stamp>();

  /**
   * The stamp of a figure whose commands are given relative to (tx, ty) in
   * drawing units (integers), at `scale` pixels per unit.
   */
  get(commands: readonly PathCommand[], tx: number, ty: number, width: number, height: number, scale: number): Stamp {
    const key = figureKey(commands, tx, ty, scale);
    let stamp = this.stamps.get(key);
    if (stamp) return stamp;
    const w = Math.ceil(width * scale) + 2;
    const h = Math.ceil(height * scale) + 2;
    const mask = new CoverageMask(w, h);
    flattenPath(commands, { scale, ox: -tx * scale, oy: -ty * scale }, (x0, y0, x1, y1) =>
      mask.addEdge(x0, y0, x1, y1),
    );
    const coverage = new Float32Array(w * h);
    const collect: RowVisitor = {
      row(y, x0, x1, row) {
        for (let x = x0; x < x1; x++) coverage[y * w + x] = row[x]!;
      },
    };
    mask.drainRows(collect);
    stamp = { width: w, height: h, coverage };
    if (this.stamps.size >= MAX_STAMPS) this.stamps.clear();
    this.stamps.set(key, stamp);
    return stamp;
  }
}

/** A figure's geometry relative to (tx, ty), as text: equal keys draw equal pixels. */
function figureKey(commands: readonly PathCommand[], tx: number, ty: number, scale: number): string {
  let key = `${scale}|`;
  for (const c of commands) {
    switch (c.op) {
      case 'M':
      case 'L':
        key += `${c.op}${c.x - tx},${c.y - ty}`;
        break;
      case 'A':
        key += `A${c.r},${+c.large}${+c.sweep},${c.x - tx},${c.y - ty}`;
        break;
      case 'C':
        key += `C${c.x1 - tx},${c.y1 - ty},${c.x2 - tx},${c.y2 - ty},${c.x - tx},${c.y - ty}`;
        break;
      case 'Z':
        key += 'Z';
        break;
    }
  }
  return key;
}
