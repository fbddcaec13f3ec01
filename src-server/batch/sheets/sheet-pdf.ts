/**
 * Label sheets as a PDF written as a stream: each code is drawn on its label
 * as it arrives and every finished page leaves for `out` at once, so a job of
 * 10,000 codes holds one page in memory, not the job.
 *
 * Codes are vectors, drawn by the same code as single-code PDF export
 * (formats/pdf.ts). Captions are outlines of the bundled Inter font (as the
 * QR frame caption is): no font is embedded, the text looks the same in every
 * viewer and RIP, and a print shop's preflight never meets a missing or
 * unembedded font. Crop marks are in registration colour (all four plates in
 * CMYK), proofing outlines a thin grey; both are marked as artifacts.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { CaptionFont } from '../../../src-shared/render/caption-font';
import type { Drawing, Layer, PathCommand } from '../../../src-shared/render/model';
import {
  sheetTemplate,
  SheetOptions,
  type RectMm,
  type SheetOptionsInput,
  type SheetTemplate,
} from '../../../src-shared/schemas/sheets';
import { hexToCmyk, hexToRgb, psNumber } from '../../render/formats/color';
import { loadCaptionFont } from '../../render/fonts';
import { withPortableImages } from '../../render/formats/images';
import {
  drawDrawing,
  fitDrawing,
  paintLayer,
  type OpenedImage,
  type PdfBox,
  newPdfDocument,
} from '../../render/formats/pdf';
import { CaptionCache } from './caption-cache';
import { bleedRect, cropMarks, labelRects, placeCode, PT_PER_MM, slotOf, type Placement } from './layout';

export interface SheetItem {
  drawing: Drawing;
  /** One line under, over or beside the code (when the options ask for captions). */
  caption?: string;
}

export interface SheetPdfSummary {
  labels: number;
  pages: number;
  bytes: number;
}

export interface SheetPdfWriter {
  /** Draws the next code on the next free label; resolves once the PDF stream can take more. */
  add(item: SheetItem): Promise<void>;
  /** Ends the last page and the file, and resolves when `out` has it all. */
  finish(): Promise<SheetPdfSummary>;
}

export interface SheetPdfExtras {
  /** The caption font; by default the bundled Inter from resources/fonts. */
  font?: CaptionFont;
  /** Leave content streams uncompressed (for inspection in tests). */
  uncompressed?: boolean;
}

/** Line width of crop marks and outlines: 0.25 pt, the usual hairline of print marks. */
export const MARK_WIDTH_PT = 0.25;
/** Captions never get smaller than this (≈ 3.4 pt); longer text is cut with an ellipsis. */
export const MIN_CAPTION_MM = 1.2;
export const MAX_CAPTION_CHARS = 500;
/** Where the writer waits for `out` to catch up: more than this many bytes queued. */
const HIGH_WATER_BYTES = 1 << 20;
/** Distinct logos kept opened for reuse; beyond that the cache starts again. */
const IMAGE_CACHE_SIZE = 32;
const OUTLINE_GREY = '#999999';

const pt = (mm: number) => mm * PT_PER_MM;
const boxPt = (r: RectMm): PdfBox => ({ x: pt(r.x), y: pt(r.y), width: pt(r.width), height: pt(r.height) });

/** A stroke colour as a device operator: DeviceCMYK `K` or DeviceRGB `RG`, never a generic one. */
function strokeOperator(cmyk: readonly number[], rgb: readonly number[], colorSpace: 'rgb' | 'cmyk'): string {
  return colorSpace === 'cmyk' ? `${cmyk.map(psNumber).join(' ')} K` : `${rgb.map(psNumber).join(' ')} RG`;
}

function rectPath(x: number, y: number, width: number, height: number): PathCommand[] {
  return [
    { op: 'M', x, y },
    { op: 'L', x: x + width, y },
    { op: 'L', x: x + width, y: y + height },
    { op: 'L', x, y: y + height },
    { op: 'Z' },
  ];
}

/**
 * Starts a label-sheet PDF on `out`. Options are validated here (a ZodError
 * for bad ones). `add` refuses an item before writing anything of it — a
 * CodeSizeError when a code cannot get the size asked for, the caption font's
 * MissingGlyphError for a caption it cannot draw (check captions with
 * `font.missing()` first), a RangeError for an empty drawing or an overlong
 * caption — and the job carries on with the next item on the same label. A
 * failure once drawing has begun (a logo that does not decode, `out` failing)
 * ends the job: every later call rejects with it.
 */
export function createSheetPdf(
  input: SheetOptionsInput | SheetOptions,
  out: Writable,
  extras: SheetPdfExtras = {},
): SheetPdfWriter {
  const options = SheetOptions.parse(input);
  return new SheetPdf(options, sheetTemplate(options.template), out, extras);
}

/** Writes every item of an iterable (or async iterable, e.g. a CSV reader) to a sheet PDF. */
export async function writeSheetPdf(
  input: SheetOptionsInput | SheetOptions,
  items: Iterable<SheetItem> | AsyncIterable<SheetItem>,
  out: Writable,
  extras: SheetPdfExtras = {},
): Promise<SheetPdfSummary> {
  const writer = createSheetPdf(input, out, extras);
  for await (const item of items) await writer.add(item);
  return writer.finish();
}

class SheetPdf implements SheetPdfWriter {
  private doc!: PDFKit.PDFDocument;
  private font: CaptionCache | null = null;
  private readonly images = new Map<string, OpenedImage>();
  private readonly done: Promise<void>;
  private queue: Promise<unknown>;
  private failure: Error | null = null;
  private count = 0;
  private page = -1;
  private bytes = 0;
  private finished = false;

  constructor(
    private readonly options: SheetOptions,
    private readonly template: SheetTemplate,
    private readonly out: Writable,
    extras: SheetPdfExtras,
  ) {
    out.on('error', this.fail);
    this.done = finished(out).catch((err: Error) => {
      this.fail(err);
      throw err;
    });
    // finish() reports it; an unobserved rejection here would only repeat it.
    this.done.catch(() => undefined);
    // pdfkit and the caption font load on first use: every add() and finish() waits behind this.
    this.queue = this.open(extras).catch(this.fail);
  }

  private readonly fail = (err: Error) => {
    this.failure ??= err;
  };

  private async open(extras: SheetPdfExtras): Promise<void> {
    const { options, template } = this;
    const [doc, font] = await Promise.all([
      newPdfDocument([pt(template.page.widthMm), pt(template.page.heightMm)], {
        title: options.title,
        uncompressed: extras.uncompressed,
        autoFirstPage: false,
      }),
      options.caption === 'none' ? null : (extras.font ?? loadCaptionFont()),
    ]);
    this.font = font && new CaptionCache(font);
    this.doc = doc;
    doc.on('data', (chunk: Buffer) => {
      this.bytes += chunk.length;
    });
    doc.on('error', this.fail);
    doc.pipe(this.out);
  }

  add(item: SheetItem): Promise<void> {
    if (this.finished) return Promise.reject(new Error('The sheet PDF is finished; add() after finish()'));
    // One item at a time, in the order add() was called, even if the caller does not wait.
    const next = this.queue.then(() => this.draw(item));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async finish(): Promise<SheetPdfSummary> {
    if (this.finished) throw new Error('finish() was called twice');
    this.finished = true;
    await this.queue;
    this.check();
    if (this.page < 0) this.openPage();
    this.closePage();
    this.doc.end();
    await this.done;
    this.check();
    return { labels: this.count, pages: this.page + 1, bytes: this.bytes };
  }

  private check(): void {
    if (this.failure) throw this.failure;
  }

  private async draw(item: SheetItem): Promise<void> {
    this.check();
    const { drawing, caption } = item;
    if (!(drawing.width > 0 && drawing.height > 0)) throw new RangeError('A drawing needs a positive width and height');
    if (caption !== undefined && caption.length > MAX_CAPTION_CHARS) {
      throw new RangeError(`A caption may have at most ${MAX_CAPTION_CHARS} characters`);
    }
    const slot = slotOf(this.template, this.options.startPosition, this.count);
    // Everything that can refuse this item does so before anything is written.
    const placement = placeCode(this.template, this.options, slot.position, drawing);
    const captionPath = this.captionFor(caption, placement);
    const portable = await withPortableImages(drawing);

    let closed = false;
    while (this.page < slot.page) {
      if (this.page >= 0) {
        this.closePage();
        closed = true;
      }
      this.openPage();
    }
    // A page just ended: let the stream carry it to `out` now, not when the job ends.
    if (closed) await new Promise<void>((resolve) => setImmediate(resolve));
    const doc = this.doc;
    const colorSpace = this.options.colorSpace;
    const codeBox = boxPt(placement.code);
    try {
      if (this.options.bleedMm > 0) this.paintBleed(portable, codeBox, slot.position);
      if (this.images.size > IMAGE_CACHE_SIZE) this.images.clear();
      await drawDrawing(doc, portable, codeBox, { colorSpace, imageCache: this.images });
      if (captionPath) {
        doc.save();
        doc.transform(PT_PER_MM, 0, 0, PT_PER_MM, 0, 0);
        paintLayer(doc, captionPath, colorSpace);
        doc.restore();
      }
    } catch (err) {
      // Half a label is on the page (a logo that would not decode, say): the file cannot be finished cleanly.
      const failure = err instanceof Error ? err : new Error(String(err));
      this.failure ??= failure;
      this.doc.unpipe(this.out);
      this.out.destroy(failure);
      throw err;
    }
    this.count++;
    await this.relieve();
  }

  /** The label's background (the drawing's own paint) over the whole label and its bleed. */
  private paintBleed(drawing: Drawing, codeBox: PdfBox, position: number): void {
    const background = drawing.layers.find((l) => l.name === 'background');
    if (!background) return;
    const fit = fitDrawing(drawing, codeBox);
    const area = boxPt(bleedRect(this.template, position, this.options.bleedMm));
    // In drawing units, so a gradient background keeps its geometry and simply runs on (PDF shadings extend).
    const path = rectPath(
      (area.x - fit.x) / fit.scale,
      (area.y - fit.y) / fit.scale,
      area.width / fit.scale,
      area.height / fit.scale,
    );
    this.doc.save();
    this.doc.transform(fit.scale, 0, 0, fit.scale, fit.x, fit.y);
    paintLayer(this.doc, { ...background, path, fillRule: 'nonzero' }, this.options.colorSpace);
    this.doc.restore();
  }

  /** The caption as an outline layer in page millimetres, fitted to its box; null without one. */
  private captionFor(text: string | undefined, placement: Placement): Layer | null {
    const box = placement.caption;
    if (!this.font || !box || text === undefined || text.trim() === '') return null;
    const line = fitCaption(this.font, text.trim(), placement.captionSizeMm, box.width);
    const x = placement.captionAlign === 'left' ? box.x : box.x + (box.width - line.width) / 2;
    // Centred on the cap height (about 0.72 em in Inter), as the QR frame caption is.
    const baseline = box.y + box.height / 2 + line.sizeMm * 0.36;
    return {
      name: 'caption',
      path: line.path.map((c) => translate(c, x, baseline)),
      paint: { kind: 'solid', color: this.options.captionColor },
      fillRule: 'nonzero',
    };
  }

  private openPage(): void {
    this.doc.addPage();
    this.page++;
  }

  /** Outlines and crop marks go on last, over the labels, for the whole grid. */
  private closePage(): void {
    const doc = this.doc;
    const cs = this.options.colorSpace;
    if (this.options.outlines) {
      doc.addContent('/Artifact BMC');
      doc.save();
      doc.lineWidth(MARK_WIDTH_PT);
      doc.addContent(strokeOperator(hexToCmyk(OUTLINE_GREY), hexToRgb(OUTLINE_GREY), cs));
      for (const r of labelRects(this.template)) {
        const b = boxPt(r);
        doc.roundedRect(b.x, b.y, b.width, b.height, pt(this.template.cornerRadiusMm));
      }
      doc.stroke();
      doc.restore();
      doc.addContent('EMC');
    }
    if (this.options.cropMarks) {
      const marks = cropMarks(this.template, this.options.bleedMm);
      if (marks.length) {
        doc.addContent('/Artifact BMC');
        doc.save();
        doc.lineWidth(MARK_WIDTH_PT);
        // Registration colour: on every plate in CMYK, black in RGB.
        doc.addContent(strokeOperator([1, 1, 1, 1], [0, 0, 0], cs));
        const ops = marks.map(
          (m) => `${psNumber(pt(m.x1))} ${psNumber(pt(m.y1))} m\n${psNumber(pt(m.x2))} ${psNumber(pt(m.y2))} l`,
        );
        doc.addContent(ops.join('\n'));
        doc.stroke();
        doc.restore();
        doc.addContent('EMC');
      }
    }
  }

  /** Waits while more than HIGH_WATER_BYTES of PDF wait for `out`: memory stays flat however fast items come. */
  private async relieve(): Promise<void> {
    while (this.doc.readableLength > HIGH_WATER_BYTES && !this.failure) {
      if (this.out.writableNeedDrain) {
        await new Promise<void>((resolve) => {
          const done = () => {
            this.out.off('drain', done);
            this.out.off('error', done);
            this.out.off('close', done);
            resolve();
          };
          this.out.on('drain', done);
          this.out.on('error', done);
          this.out.on('close', done);
        });
      } else {
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    this.check();
  }
}

function translate(c: PathCommand, dx: number, dy: number): PathCommand {
  switch (c.op) {
    case 'M':
    case 'L':
      return { ...c, x: c.x + dx, y: c.y + dy };
    case 'C':
      return { ...c, x1: c.x1 + dx, y1: c.y1 + dy, x2: c.x2 + dx, y2: c.y2 + dy, x: c.x + dx, y: c.y + dy };
    case 'A':
      return { ...c, x: c.x + dx, y: c.y + dy };
    case 'Z':
      return c;
  }
}

/**
 * One caption line that fits `maxWidth`: at its size if it can, else smaller
 * (down to MIN_CAPTION_MM), else cut short with an ellipsis at that size.
 */
export function fitCaption(
  font: Pick<CaptionFont, 'layout'>,
  text: string,
  sizeMm: number,
  maxWidthMm: number,
): { path: PathCommand[]; width: number; sizeMm: number } {
  const full = font.layout(text, sizeMm);
  if (full.width <= maxWidthMm) return { ...full, sizeMm };
  const fitted = (sizeMm * maxWidthMm) / full.width;
  if (fitted >= MIN_CAPTION_MM) {
    const line = font.layout(text, fitted);
    return { ...line, sizeMm: fitted };
  }
  const chars = [...text];
  let lo = 0;
  let hi = chars.length;
  // The longest prefix that fits with an ellipsis after it.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const width = font.layout(`${chars.slice(0, mid).join('').trimEnd()}…`, MIN_CAPTION_MM).width;
    if (width <= maxWidthMm) lo = mid;
    else hi = mid - 1;
  }
  const line = font.layout(lo > 0 ? `${chars.slice(0, lo).join('').trimEnd()}…` : '', MIN_CAPTION_MM);
  return { ...line, sizeMm: MIN_CAPTION_MM };
}
