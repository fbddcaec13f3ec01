/**
 * Label-sheet geometry, in millimetres from the top left corner of the page:
 * where each label is, where a code (and its caption) goes inside a label,
 * which page and label the n-th code lands on, how far a bleed may run, and
 * where crop marks go. Pure functions, no PDF: the writer turns these into
 * points, and the tests check them against the published templates.
 */
import { labelAreas, type RectMm, type SheetOptions, type SheetTemplate } from '../../../src-shared/schemas/sheets';

export type { RectMm } from '../../../src-shared/schemas/sheets';

/** A straight line from (x1, y1) to (x2, y2), in mm. */
export interface SegmentMm {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Where the n-th code of a job goes: a page (from 0) and a label on it (from 0, left to right, then down). */
export interface Slot {
  page: number;
  position: number;
  row: number;
  column: number;
}

export const MM_PER_INCH = 25.4;
export const PT_PER_MM = 72 / MM_PER_INCH;

/** Crop marks start this far beyond the bleed, so a mark never prints on a label. */
export const CROP_MARK_OFFSET_MM = 1;
/** Length of a crop mark when the margin has room for it. */
export const CROP_MARK_LENGTH_MM = 5;
/** A crop mark shorter than this (a margin too narrow) is left out. */
export const CROP_MARK_MIN_MM = 1;

const EPSILON_MM = 1e-6;

export const labelsPerSheet = (t: SheetTemplate): number => t.columns * t.rows;

/** The label at a position (from 0, row by row). */
export function labelRect(t: SheetTemplate, position: number): RectMm {
  if (!Number.isInteger(position) || position < 0 || position >= labelsPerSheet(t)) {
    throw new RangeError(`Label position ${position} is outside the sheet (0 to ${labelsPerSheet(t) - 1})`);
  }
  const column = position % t.columns;
  const row = Math.floor(position / t.columns);
  return {
    x: t.marginLeftMm + column * (t.labelWidthMm + t.gapXMm),
    y: t.marginTopMm + row * (t.labelHeightMm + t.gapYMm),
    width: t.labelWidthMm,
    height: t.labelHeightMm,
  };
}

/** Every label on a sheet, in order. */
export function labelRects(t: SheetTemplate): RectMm[] {
  return Array.from({ length: labelsPerSheet(t) }, (_, i) => labelRect(t, i));
}

/**
 * The page and label of the item at `index` (from 0): the first item takes
 * label `startPosition` (from 1) of the first sheet, the rest follow on, and
 * every later sheet starts at its first label.
 */
export function slotOf(t: SheetTemplate, startPosition: number, index: number): Slot {
  const absolute = startPosition - 1 + index;
  const per = labelsPerSheet(t);
  const position = absolute % per;
  return {
    page: Math.floor(absolute / per),
    position,
    row: Math.floor(position / t.columns),
    column: position % t.columns,
  };
}

/** How many pages `count` items take (at least one: an empty job is one blank sheet). */
export function pagesNeeded(t: SheetTemplate, startPosition: number, count: number): number {
  if (count <= 0) return 1;
  return slotOf(t, startPosition, count - 1).page + 1;
}

/** The requested code size cannot be placed in the label. */
export class CodeSizeError extends RangeError {
  override name = 'CodeSizeError';
}

export interface Placement {
  label: RectMm;
  /** The drawing's box: its aspect ratio, never stretched. */
  code: RectMm;
  /** The caption's box (null without one); text is centred in it, or left-aligned for `right`. */
  caption: RectMm | null;
  captionSizeMm: number;
  captionAlign: 'center' | 'left';
}

/**
 * Places a drawing of the given size (any units: only its aspect ratio
 * counts) in the label at `position`. Without codeSizeMm the code is as large
 * as the label's code area allows; with it, its longer side is that size
 * (CodeSizeError when that does not fit). A caption below or above shares the
 * label's centre with the code, as one block; a caption at the right starts
 * the padding's width after the code.
 */
export function placeCode(
  t: SheetTemplate,
  o: Pick<SheetOptions, 'paddingMm' | 'caption' | 'captionSizeMm' | 'codeSizeMm'>,
  position: number,
  size: { width: number; height: number },
): Placement {
  if (!(size.width > 0 && size.height > 0)) throw new RangeError('A code needs a positive width and height');
  const label = labelRect(t, position);
  const areas = labelAreas(t, o);
  const area = areas.code;
  let width: number;
  let height: number;
  if (o.codeSizeMm !== undefined) {
    const s = o.codeSizeMm / Math.max(size.width, size.height);
    width = size.width * s;
    height = size.height * s;
    if (width > area.width + EPSILON_MM || height > area.height + EPSILON_MM) {
      throw new CodeSizeError(
        `A ${round(width)} × ${round(height)} mm code (codeSizeMm ${o.codeSizeMm}) does not fit the ` +
          `${round(area.width)} × ${round(area.height)} mm left for it on a ${round(t.labelWidthMm)} × ${round(t.labelHeightMm)} mm label`,
      );
    }
  } else {
    const s = Math.min(area.width / size.width, area.height / size.height);
    width = size.width * s;
    height = size.height * s;
  }
  const { inner } = areas;
  const band = areas.captionBandMm;
  let x = label.x + inner.x + (inner.width - width) / 2;
  let y = label.y + inner.y + (inner.height - height) / 2;
  let caption: RectMm | null = null;
  if (o.caption === 'below' || o.caption === 'above') {
    const top = label.y + inner.y + (inner.height - height - band) / 2;
    y = o.caption === 'below' ? top : top + band;
    const captionY = o.caption === 'below' ? top + height : top;
    caption = { x: label.x + inner.x, y: captionY, width: inner.width, height: band };
  } else if (o.caption === 'right') {
    x = label.x + area.x;
    const captionX = x + width + o.paddingMm;
    caption = { x: captionX, y, width: label.x + inner.x + inner.width - captionX, height };
  }
  return {
    label,
    code: { x, y, width, height },
    caption,
    captionSizeMm: areas.captionSizeMm,
    captionAlign: o.caption === 'right' ? 'left' : 'center',
  };
}

/**
 * How far a label's background runs past each edge: the bleed, but never more
 * than halfway to a neighbouring label (so neighbours never paint over each
 * other, whatever order they are drawn in) nor off the page.
 */
export function bleedRect(t: SheetTemplate, position: number, bleedMm: number): RectMm {
  const r = labelRect(t, position);
  const column = position % t.columns;
  const row = Math.floor(position / t.columns);
  const left = Math.min(bleedMm, column === 0 ? r.x : t.gapXMm / 2);
  const right = Math.min(bleedMm, column === t.columns - 1 ? t.page.widthMm - r.x - r.width : t.gapXMm / 2);
  const top = Math.min(bleedMm, row === 0 ? r.y : t.gapYMm / 2);
  const bottom = Math.min(bleedMm, row === t.rows - 1 ? t.page.heightMm - r.y - r.height : t.gapYMm / 2);
  return { x: r.x - left, y: r.y - top, width: r.width + left + right, height: r.height + top + bottom };
}

/** Distinct values, in order (edges shared by labels without a gap count once). */
function distinct(values: number[]): number[] {
  const out: number[] = [];
  for (const v of [...values].sort((a, b) => a - b)) {
    if (out.length === 0 || v - out[out.length - 1]! > EPSILON_MM) out.push(v);
  }
  return out;
}

/**
 * Crop marks for the whole grid, as a guillotine needs them: in the page
 * margins, in line with every column's left and right edge (top and bottom
 * margins) and every row's top and bottom edge (left and right margins),
 * starting CROP_MARK_OFFSET_MM beyond the bleed so no mark touches a label.
 * A mark is cut short at the page edge, and left out where the margin has no
 * room for it.
 */
export function cropMarks(t: SheetTemplate, bleedMm: number): SegmentMm[] {
  const offset = bleedMm + CROP_MARK_OFFSET_MM;
  const first = labelRect(t, 0);
  const last = labelRect(t, labelsPerSheet(t) - 1);
  const gridTop = first.y;
  const gridLeft = first.x;
  const gridBottom = last.y + last.height;
  const gridRight = last.x + last.width;
  const xs = distinct(
    Array.from({ length: t.columns }, (_, c) => labelRect(t, c)).flatMap((r) => [r.x, r.x + r.width]),
  );
  const ys = distinct(
    Array.from({ length: t.rows }, (_, row) => labelRect(t, row * t.columns)).flatMap((r) => [r.y, r.y + r.height]),
  );
  const marks: SegmentMm[] = [];
  const keep = (from: number, to: number) => to - from >= CROP_MARK_MIN_MM - EPSILON_MM;
  // Top and bottom margins: vertical marks.
  const topFrom = Math.max(0, gridTop - offset - CROP_MARK_LENGTH_MM);
  const topTo = gridTop - offset;
  const bottomFrom = gridBottom + offset;
  const bottomTo = Math.min(t.page.heightMm, gridBottom + offset + CROP_MARK_LENGTH_MM);
  for (const x of xs) {
    if (keep(topFrom, topTo)) marks.push({ x1: x, y1: topFrom, x2: x, y2: topTo });
    if (keep(bottomFrom, bottomTo)) marks.push({ x1: x, y1: bottomFrom, x2: x, y2: bottomTo });
  }
  // Left and right margins: horizontal marks.
  const leftFrom = Math.max(0, gridLeft - offset - CROP_MARK_LENGTH_MM);
  const leftTo = gridLeft - offset;
  const rightFrom = gridRight + offset;
  const rightTo = Math.min(t.page.widthMm, gridRight + offset + CROP_MARK_LENGTH_MM);
  for (const y of ys) {
    if (keep(leftFrom, leftTo)) marks.push({ x1: leftFrom, y1: y, x2: leftTo, y2: y });
    if (keep(rightFrom, rightTo)) marks.push({ x1: rightFrom, y1: y, x2: rightTo, y2: y });
  }
  return marks;
}

const round = (v: number) => Math.round(v * 100) / 100;
