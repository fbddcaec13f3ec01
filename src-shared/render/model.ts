/**
 * The vector model every renderer produces and every output format writes:
 * the QR style engine and the barcode renderer both build a Drawing, and
 * SVG, PNG, PDF and EPS are written from it. One model keeps what the preview
 * shows and what prints the same.
 *
 * Coordinates are in user units (modules for QR codes, modules or mm-based
 * units for barcodes), y pointing down, origin at the top left.
 */

/** Absolute path commands. Arcs are circular only, which every output format can draw exactly. */
export type PathCommand =
  | { op: 'M'; x: number; y: number }
  | { op: 'L'; x: number; y: number }
  /** A circular arc of radius r from the current point to (x, y), with SVG's flag meanings. */
  | { op: 'A'; r: number; large: boolean; sweep: boolean; x: number; y: number }
  | { op: 'C'; x1: number; y1: number; x2: number; y2: number; x: number; y: number }
  | { op: 'Z' };

export interface GradientStop {
  offset: number;
  /** #RRGGBB */
  color: string;
}

export type Paint =
  | { kind: 'solid'; color: string }
  | { kind: 'linear'; x1: number; y1: number; x2: number; y2: number; stops: GradientStop[] }
  | { kind: 'radial'; cx: number; cy: number; r: number; stops: GradientStop[] };

/** One filled shape: what SVG writes as one `<path>`. */
export interface Layer {
  /** Names the layer in SVG (`data-layer`) and tests: 'background', 'dots', 'corner-squares', 'frame', 'caption', 'bars', ... */
  name: string;
  path: PathCommand[];
  paint: Paint;
  fillRule: 'nonzero' | 'evenodd';
}

/** A raster or SVG image placed in the drawing (a logo). */
export interface PlacedImage {
  x: number;
  y: number;
  width: number;
  height: number;
  /** `image/png`, `image/jpeg`, `image/webp` or `image/svg+xml`. */
  mediaType: string;
  /** The image file's bytes, base64. */
  base64: string;
}

export interface Drawing {
  /** Extent in user units; the image is this box scaled to the output size. */
  width: number;
  height: number;
  /** Painted bottom to top. */
  layers: Layer[];
  /** Drawn above every layer. */
  images: PlacedImage[];
  /**
   * Rasterise at a whole number of pixels per unit, centred on the background,
   * rather than stretched to the exact size: bars and modules then land on
   * pixel edges, as barcode printers need (anti-aliased bars of 1.8 px read badly).
   */
  pixelSnap?: boolean;
}
