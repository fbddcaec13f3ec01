import type { Drawing, Layer, Paint, PathCommand } from '../../../src-shared/render/model';
import { lazy } from '../../lazy';
import { hexToCmyk, hexToRgb, psNumber } from './color';
import { arcToCubics, fitImage, normalizeStops } from './geometry';
import { decodeForEmbedding } from './images';
import { pointSize, type SizeOptions } from './size';

export interface PdfOptions extends SizeOptions {
  colorSpace: 'rgb' | 'cmyk';
  title?: string;
  /** Leave content streams uncompressed (for inspection in tests). */
  uncompressed?: boolean;
}

/**
 * A fixed creation date: pdfkit derives the file ID from the info dictionary,
 * so a fixed date makes the same drawing always give the same bytes.
 */
export const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

const loadPdfKit = lazy(async () => (await import('pdfkit')).default);

/** pdfkit takes CMYK as four percentages; our converter gives 0..1. */
const cmykPercent = (hex: string): number[] => hexToCmyk(hex).map((v) => Math.round(v * 1000) / 10);

/**
 * Solid colours are written as `rg` or `k` directly: pdfkit's own fillColor
 * uses `cs`/`scn`, and writing the device operator keeps CMYK output free of
 * any RGB operator a preflight check would flag.
 */
function solidOperator(color: string, colorSpace: 'rgb' | 'cmyk'): string {
  const values = colorSpace === 'cmyk' ? hexToCmyk(color) : hexToRgb(color);
  return `${values.map(psNumber).join(' ')} ${colorSpace === 'cmyk' ? 'k' : 'rg'}`;
}

/** pdfkit's own number format (PDFObject.number): at most six decimals. */
const pdfNumber = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * A path's construction operators, one per line, added to the page in one
 * piece: the bytes pdfkit's moveTo/lineTo/bezierCurveTo/closePath would
 * write, at a fraction of the cost (one content chunk per layer instead of
 * one per operator, which matters on a sheet of thousands of codes).
 */
function tracePath(doc: PDFKit.PDFDocument, path: readonly PathCommand[]): void {
  const n = pdfNumber;
  const ops: string[] = [];
  let current = { x: 0, y: 0 };
  let start = current;
  for (const c of path) {
    switch (c.op) {
      case 'M':
        ops.push(`${n(c.x)} ${n(c.y)} m`);
        current = start = { x: c.x, y: c.y };
        break;
      case 'L':
        ops.push(`${n(c.x)} ${n(c.y)} l`);
        current = { x: c.x, y: c.y };
        break;
      case 'C':
        ops.push(`${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)} c`);
        current = { x: c.x, y: c.y };
        break;
      case 'A':
        // PDF has no arc operator: circular arcs become cubic Béziers (at most 90° each).
        for (const b of arcToCubics(current, c.r, c.large, c.sweep, { x: c.x, y: c.y })) {
          ops.push(`${n(b.x1)} ${n(b.y1)} ${n(b.x2)} ${n(b.y2)} ${n(b.x)} ${n(b.y)} c`);
        }
        current = { x: c.x, y: c.y };
        break;
      case 'Z':
        ops.push('h');
        current = start;
        break;
    }
  }
  if (ops.length) doc.addContent(ops.join('\n'));
}

function gradient(doc: PDFKit.PDFDocument, paint: Exclude<Paint, { kind: 'solid' }>, colorSpace: 'rgb' | 'cmyk') {
  const g =
    paint.kind === 'linear'
      ? doc.linearGradient(paint.x1, paint.y1, paint.x2, paint.y2)
      : // SVG's radial gradient with the focus at the centre: from a point to the circle.
        doc.radialGradient(paint.cx, paint.cy, 0, paint.cx, paint.cy, paint.r);
  for (const stop of normalizeStops(paint.stops)) {
    // pdfkit's types only admit strings, but it takes a CMYK array (percentages) and shades in DeviceCMYK.
    g.stop(stop.offset, (colorSpace === 'cmyk' ? cmykPercent(stop.color) : stop.color) as unknown as string);
  }
  return g;
}

/** Fills one layer (a path and its paint) in the current coordinate system. */
export function paintLayer(doc: PDFKit.PDFDocument, layer: Layer, colorSpace: 'rgb' | 'cmyk'): void {
  if (layer.path.length === 0) return;
  const rule = layer.fillRule === 'evenodd' ? 'even-odd' : 'non-zero';
  const { paint } = layer;
  if (paint.kind === 'solid' || paint.stops.length < 2) {
    const color = paint.kind === 'solid' ? paint.color : paint.stops[0]?.color;
    if (color === undefined) return;
    doc.addContent(solidOperator(color, colorSpace));
    tracePath(doc, layer.path);
    doc.fill(rule);
    return;
  }
  const shading = gradient(doc, paint, colorSpace);
  tracePath(doc, layer.path);
  doc.fill(shading as unknown as PDFKit.Mixins.ColorValue, rule);
}

/** A box on the page, in points, with pdfkit's top-left origin and y down. */
export interface PdfBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** An image pdfkit has opened (and embeds on first use); `image()` takes it in place of the file. */
export interface OpenedImage {
  pdfImage: unknown;
  /** The intrinsic size to fit by (an SVG's own, not its raster's). */
  width: number;
  height: number;
}

export interface DrawOptions {
  colorSpace: 'rgb' | 'cmyk';
  /**
   * Images already opened in this document, by source and raster size: a
   * batch whose codes share a logo embeds it once, not once per code.
   */
  imageCache?: Map<string, OpenedImage>;
}

/**
 * How a drawing fits a box: the scale from drawing units to points (the same
 * both ways, so nothing is stretched) and where its origin lands, centred in
 * the box when the aspect ratios differ.
 */
export function fitDrawing(drawing: Drawing, box: PdfBox): { scale: number; x: number; y: number } {
  const sx = box.width / drawing.width;
  const sy = box.height / drawing.height;
  // A box made from the drawing's own aspect ratio may differ in the last bit; that is not a misfit.
  const scale = Math.abs(sx - sy) <= 1e-9 * sx ? sx : Math.min(sx, sy);
  return {
    scale,
    x: box.x + (box.width - drawing.width * scale) / 2,
    y: box.y + (box.height - drawing.height * scale) / 2,
  };
}

/**
 * Draws a Drawing into a box on the current page: paths stay paths,
 * gradients are PDF shadings, images are embedded (SVG and WebP logos as
 * PNG). With colorSpace `cmyk` every colour is DeviceCMYK.
 */
export async function drawDrawing(
  doc: PDFKit.PDFDocument,
  drawing: Drawing,
  box: PdfBox,
  options: DrawOptions,
): Promise<void> {
  const { scale, x, y } = fitDrawing(drawing, box);
  // Drawing units → points; pdfkit has already put the origin at the top left with y down.
  doc.save();
  doc.transform(scale, 0, 0, scale, x, y);
  for (const layer of drawing.layers) paintLayer(doc, layer, options.colorSpace);
  for (const image of drawing.images) {
    // Rasterise SVG logos at 300 dpi of the box they fill on the page.
    const boxPx = (Math.max(image.width, image.height) * scale * 300) / 72;
    const cache = options.imageCache;
    const key = `${Math.round(boxPx)}:${image.mediaType}:${image.base64}`;
    const cached = cache?.get(key);
    if (cached) {
      const box = fitImage(image, cached.width, cached.height);
      doc.image(cached.pdfImage as Buffer, box.x, box.y, { width: box.width, height: box.height });
      continue;
    }
    const decoded = await decodeForEmbedding(image, boxPx);
    const box = fitImage(image, decoded.width, decoded.height);
    let src: unknown = decoded.file;
    if (cache) {
      src = (doc as unknown as { openImage(file: Buffer): unknown }).openImage(decoded.file);
      cache.set(key, { pdfImage: src, width: decoded.width, height: decoded.height });
    }
    doc.image(src as Buffer, box.x, box.y, { width: box.width, height: box.height });
  }
  doc.restore();
}

/**
 * A pdfkit document as qrdesk writes every PDF: no page margins, PDF 1.4, a
 * fixed creation date (so the same input gives the same bytes), and the
 * title shown by viewers when there is one.
 */
export async function newPdfDocument(
  size: [number, number],
  options: { title?: string; uncompressed?: boolean; autoFirstPage?: boolean },
): Promise<PDFKit.PDFDocument> {
  const PDFDocument = await loadPdfKit();
  return new PDFDocument({
    size,
    margin: 0,
    autoFirstPage: options.autoFirstPage ?? true,
    compress: !options.uncompressed,
    pdfVersion: '1.4',
    displayTitle: options.title !== undefined,
    info: {
      ...(options.title !== undefined ? { Title: options.title } : {}),
      Creator: 'qrdesk',
      Producer: 'qrdesk',
      CreationDate: FIXED_DATE,
    },
  });
}

/**
 * Writes a Drawing as a one-page vector PDF whose page is the drawing. Paths
 * stay paths, gradients are PDF shadings, images are embedded (SVG and WebP
 * logos as PNG). With colorSpace `cmyk` every colour is DeviceCMYK.
 */
export async function drawingToPdf(drawing: Drawing, options: PdfOptions): Promise<Buffer> {
  const page = pointSize(drawing, options);
  const doc = await newPdfDocument([page.width, page.height], options);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  await drawDrawing(doc, drawing, { x: 0, y: 0, width: page.width, height: page.height }, options);
  doc.end();
  return done;
}
