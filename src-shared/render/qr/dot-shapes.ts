import type { PathCommand } from '../model';
import { circle, CellPen, rect } from '../path';
import type { Design } from '../../schemas/design';

/** Which of the four side neighbours of a module are drawn too (bit flags, so no object per module). */
export const LEFT = 1;
export const RIGHT = 2;
export const TOP = 4;
export const BOTTOM = 8;

const HALF_PI = Math.PI / 2;

/*
 * The basic figures of qr-code-styling's dots, drawn in a cell of side s at
 * (x, y) and then turned about the cell's centre. Same outlines, same arc
 * flags, so the styles look the same as in the tool people know.
 */

function sideRounded(pen: CellPen, x: number, y: number, s: number): void {
  // Flat on the left, a half disc on the right.
  pen
    .moveTo(x, y)
    .lineTo(x, y + s)
    .lineTo(x + s / 2, y + s)
    .arcTo(s / 2, false, false, x + s / 2, y)
    .close();
}

function cornerRounded(pen: CellPen, x: number, y: number, s: number): void {
  // A square whose top-right corner is rounded with half the side.
  pen
    .moveTo(x, y)
    .lineTo(x, y + s)
    .lineTo(x + s, y + s)
    .lineTo(x + s, y + s / 2)
    .arcTo(s / 2, false, false, x + s / 2, y)
    .close();
}

function cornerExtraRounded(pen: CellPen, x: number, y: number, s: number): void {
  // A quarter disc: the top-right corner rounded with the whole side.
  pen
    .moveTo(x, y)
    .lineTo(x, y + s)
    .lineTo(x + s, y + s)
    .arcTo(s, false, false, x, y)
    .close();
}

function cornersRounded(pen: CellPen, x: number, y: number, s: number): void {
  // Bottom-left and top-right corners rounded: the "leaf" of the classy styles.
  pen
    .moveTo(x, y)
    .lineTo(x, y + s / 2)
    .arcTo(s / 2, false, false, x + s / 2, y + s)
    .lineTo(x + s, y + s)
    .lineTo(x + s, y + s / 2)
    .arcTo(s / 2, false, false, x + s / 2, y)
    .close();
}

const BIT_COUNT = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];

/** rounded and extra-rounded share their neighbour logic; only the two-neighbour corner differs. */
function drawRoundedFamily(
  out: PathCommand[],
  x: number,
  y: number,
  s: number,
  n: number,
  corner: typeof cornerRounded,
): void {
  const [left, right, top, bottom, count] = [n & LEFT, n & RIGHT, n & TOP, n & BOTTOM, BIT_COUNT[n]!];
  if (count === 0) return circle(out, x + s / 2, y + s / 2, s / 2);
  if (count > 2 || (left && right) || (top && bottom)) return rect(out, x, y, s, s);
  const pen = new CellPen(out);
  if (count === 2) {
    let rotation = 0;
    if (left && top) rotation = HALF_PI;
    else if (top && right) rotation = Math.PI;
    else if (right && bottom) rotation = -HALF_PI;
    corner(pen.cell(x, y, s, rotation), x, y, s);
    return;
  }
  let rotation = 0;
  if (top) rotation = HALF_PI;
  else if (right) rotation = Math.PI;
  else if (bottom) rotation = -HALF_PI;
  sideRounded(pen.cell(x, y, s, rotation), x, y, s);
}

function drawClassyFamily(
  out: PathCommand[],
  x: number,
  y: number,
  s: number,
  n: number,
  corner: typeof cornerRounded,
): void {
  const [left, right, top, bottom, count] = [n & LEFT, n & RIGHT, n & TOP, n & BOTTOM, BIT_COUNT[n]!];
  const pen = new CellPen(out);
  if (count === 0) return cornersRounded(pen.cell(x, y, s, HALF_PI), x, y, s);
  if (!left && !top) return corner(pen.cell(x, y, s, -HALF_PI), x, y, s);
  if (!right && !bottom) return corner(pen.cell(x, y, s, HALF_PI), x, y, s);
  rect(out, x, y, s, s);
}

/** Appends one module of the given style at (x, y) with side s; `n` holds its drawn neighbours (LEFT | RIGHT | TOP | BOTTOM). */
export function drawDot(
  out: PathCommand[],
  style: Design['dotStyle'],
  x: number,
  y: number,
  s: number,
  n: number,
): void {
  switch (style) {
    case 'square':
      return rect(out, x, y, s, s);
    case 'dots':
      return circle(out, x + s / 2, y + s / 2, s / 2);
    case 'rounded':
      return drawRoundedFamily(out, x, y, s, n, cornerRounded);
    case 'extra-rounded':
      return drawRoundedFamily(out, x, y, s, n, cornerExtraRounded);
    case 'classy':
      return drawClassyFamily(out, x, y, s, n, cornerRounded);
    case 'classy-rounded':
      return drawClassyFamily(out, x, y, s, n, cornerExtraRounded);
  }
}
