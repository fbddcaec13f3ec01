import type { PathCommand } from '../model';
import { circle, rect } from '../path';
import type { Design } from '../../schemas/design';

/**
 * The finder patterns ("corners") of qr-code-styling: a 7-module ring and a
 * 3-module centre. Rings are drawn as an outer and an inner contour wound in
 * opposite directions, so they are holes under both fill rules.
 */
export function drawCornerSquare(
  out: PathCommand[],
  style: Design['cornerSquareStyle'],
  x: number,
  y: number,
  m: number,
): void {
  const size = 7 * m;
  switch (style) {
    case 'square':
      rect(out, x, y, size, size, true);
      rect(out, x + m, y + m, size - 2 * m, size - 2 * m, false);
      return;
    case 'dot':
      circle(out, x + size / 2, y + size / 2, size / 2, true);
      circle(out, x + size / 2, y + size / 2, size / 2 - m, false);
      return;
    case 'extra-rounded': {
      // Outer: corners of radius 2.5 modules; inner: 1.5 modules (as qr-code-styling draws it).
      const R = 2.5 * m;
      const r = 1.5 * m;
      out.push(
        { op: 'M', x, y: y + R },
        { op: 'L', x, y: y + R + 2 * m },
        { op: 'A', r: R, large: false, sweep: false, x: x + R, y: y + size },
        { op: 'L', x: x + R + 2 * m, y: y + size },
        { op: 'A', r: R, large: false, sweep: false, x: x + size, y: y + R + 2 * m },
        { op: 'L', x: x + size, y: y + R },
        { op: 'A', r: R, large: false, sweep: false, x: x + size - R, y },
        { op: 'L', x: x + R, y },
        { op: 'A', r: R, large: false, sweep: false, x, y: y + R },
        { op: 'Z' },
        { op: 'M', x: x + R, y: y + m },
        { op: 'L', x: x + R + 2 * m, y: y + m },
        { op: 'A', r, large: false, sweep: true, x: x + size - m, y: y + R },
        { op: 'L', x: x + size - m, y: y + R + 2 * m },
        { op: 'A', r, large: false, sweep: true, x: x + R + 2 * m, y: y + size - m },
        { op: 'L', x: x + R, y: y + size - m },
        { op: 'A', r, large: false, sweep: true, x: x + m, y: y + R + 2 * m },
        { op: 'L', x: x + m, y: y + R },
        { op: 'A', r, large: false, sweep: true, x: x + R, y: y + m },
        { op: 'Z' },
      );
      return;
    }
  }
}

export function drawCornerDot(
  out: PathCommand[],
  style: Design['cornerDotStyle'],
  x: number,
  y: number,
  m: number,
): void {
  const size = 3 * m;
  if (style === 'dot') circle(out, x + size / 2, y + size / 2, size / 2);
  else rect(out, x, y, size, size);
}
