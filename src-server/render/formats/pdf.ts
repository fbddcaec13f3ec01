import PDFDocument from 'pdfkit';
import type { Drawing, Layer, Paint, PathCommand } from '../../../src-shared/render/model';
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
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));

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

function tracePath(doc: PDFKit.PDFDocument, path: readonly PathCommand[]): void {
  let current = { x: 0, y: 0 };
  let start = current;
  for (const c of path) {
    switch (c.op) {
      case 'M':
        doc.moveTo(c.x, c.y);
        current = start = { x: c.x, y: c.y };
        break;
      case 'L':
        doc.lineTo(c.x, c.y);
        current = { x: c.x, y: c.y };
        break;
      case 'C':
        doc.bezierCurveTo(c.x1, c.y1, c.x2, c.y2, c.x, c.y);
        current = { x: c.x, y: c.y };
        break;
      case 'A':
        // PDF has no arc operator: circular arcs become cubic Béziers (at most 90° each).
        for (const b of arcToCubics(current, c.r, c.large, c.sweep, { x: c.x, y: c.y })) {
          doc.bezierCurveTo(b.x1, b.y1, b.x2, b.y2, b.x, b.y);
        }
        current = { x: c.x, y: c.y };
        break;
      case 'Z':
        doc.closePath();
        current = start;
        break;
    }
  }
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

function paintLayer(doc: PDFKit.PDFDocument, layer: Layer, colorSpace: 'rgb' | 'cmyk'): void {
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

/**
 * Writes a Drawing as a one-page vector PDF whose page is the drawing. Paths
 * stay paths, gradients are PDF shadings, images are embedded (SVG and WebP
 * logos as PNG). With colorSpace `cmyk` every colour is DeviceCMYK.
 */
export async function drawingToPdf(drawing: Drawing, options: PdfOptions): Promise<Buffer> {
  const page = pointSize(drawing, options);
  const scale = page.width / drawing.width;
  const doc = new PDFDocument({
    size: [page.width, page.height],
    margin: 0,
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
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Drawing units → points; pdfkit has already put the origin at the top left with y down.
  doc.save();
  doc.transform(scale, 0, 0, scale, 0, 0);
  for (const layer of drawing.layers) paintLayer(doc, layer, options.colorSpace);
  for (const image of drawing.images) {
    // Rasterise SVG logos at 300 dpi of the box they fill on the page.
    const boxPx = (Math.max(image.width, image.height) * scale * 300) / 72;
    const decoded = await decodeForEmbedding(image, boxPx);
    const box = fitImage(image, decoded.width, decoded.height);
    doc.image(decoded.file, box.x, box.y, { width: box.width, height: box.height });
  }
  doc.restore();
  doc.end();
  return done;
}
