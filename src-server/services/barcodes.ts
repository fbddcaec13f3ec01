import { BARCODE_LABELS, checkBarcodeValue, isLinear, type BarcodeCheck } from '../../src-shared/barcodes';
import type { Drawing } from '../../src-shared/render/model';
import type {
  Barcode,
  BarcodeFormat,
  BarcodeOptions,
  BarcodeOutput,
  BarcodeRenderInput,
  BarcodeStyleInput,
  CreateBarcodeInput,
  UpdateBarcodeInput,
} from '../../src-shared/schemas/barcodes';
import { DPI, MAX_RASTER_PIXELS, MM_SIZE, PIXEL_SIZE } from '../../src-shared/schemas/output';
import { AppError, notFound } from '../errors';
import { newId, toIso } from '../ids';
import { BarcodeEncodeError, barcodeDrawing, type BarcodeStyle } from '../render/barcode';
import { exportDrawing, type ExportedImage, type ExportOptions } from '../render/export';
import type { BarcodeRow } from '../store/barcode-store';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';

export interface RenderedBarcode extends ExportedImage {
  /** A file name safe in a Content-Disposition header: `<format>-<value>.<ext>`. */
  filename: string;
}

const DEFAULT_OUTPUT: BarcodeOutput = { format: 'png', colorSpace: 'rgb' };

/** The same 400 the request validation gives, for what only rendering can find out. */
const invalid = (where: 'body' | 'query', path: string, message: string) =>
  new AppError('VALIDATION_ERROR', `Invalid ${where}: ${path}: ${message}`, [{ path, message }]);

/** A look as stored: explicit colours, and null where the format decides (text on linear symbols only). */
function storedOptions(input: BarcodeStyleInput = {}): BarcodeOptions {
  return {
    showText: input.showText ?? null,
    barColor: (input.barColor ?? '#000000').toUpperCase(),
    textColor: input.textColor?.toUpperCase() ?? null,
    backgroundColor: (input.backgroundColor ?? '#FFFFFF').toUpperCase(),
    quietZone: input.quietZone ?? true,
  };
}

/** Every default resolved for drawing: text under linear symbols, text in the bar colour, white ground, quiet zone on. */
function resolveStyle(format: BarcodeFormat, options: BarcodeOptions): BarcodeStyle {
  return {
    showText: isLinear(format) && (options.showText ?? true),
    barColor: options.barColor,
    textColor: options.textColor ?? options.barColor,
    backgroundColor: options.backgroundColor,
    quietZone: options.quietZone,
  };
}

/** The file name a render is offered under; anything outside [A-Za-z0-9._-] becomes `_`. */
export function barcodeFilename(format: BarcodeFormat, value: string, extension: string): string {
  const base = `${format.toLowerCase()}-${value}`.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100);
  return `${base}.${extension}`;
}

const toBarcode = (row: BarcodeRow): Barcode => ({
  id: row.id,
  name: row.name,
  format: row.format as BarcodeFormat,
  value: row.value,
  options: JSON.parse(row.options) as BarcodeOptions,
  sku: row.sku,
  price: row.price,
  category: row.category,
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
});

/** '' means "none" for the optional text fields. */
const orNull = (s: string | null | undefined): string | null => (s === undefined || s === null || s === '' ? null : s);

/**
 * Product barcodes: checking values (check digits, GS1 element strings),
 * rendering any symbology to any output format, and the saved library.
 */
export class BarcodeService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  validate(format: BarcodeFormat, value: string): BarcodeCheck {
    return checkBarcodeValue(format, value);
  }

  /** Renders a one-off barcode from a request body. */
  render(input: BarcodeRenderInput): Promise<RenderedBarcode> {
    const { format, value, output, ...style } = input;
    return this.renderValue(format, value, storedOptions(style), output ?? DEFAULT_OUTPUT, 'body');
  }

  /** A saved barcode's image in the asked output. */
  async image(id: string, output: BarcodeOutput): Promise<RenderedBarcode> {
    const barcode = this.get(id);
    return this.renderValue(barcode.format, barcode.value, barcode.options, output, 'query');
  }

  private async renderValue(
    format: BarcodeFormat,
    rawValue: string,
    options: BarcodeOptions,
    output: BarcodeOutput,
    /** Where the output options came from: the body's `output`, or the query. */
    outputIn: 'body' | 'query',
  ): Promise<RenderedBarcode> {
    const value = this.checked(format, rawValue, 'value');
    let drawing: Drawing;
    try {
      drawing = await barcodeDrawing(format, value, resolveStyle(format, options));
    } catch (err) {
      if (err instanceof BarcodeEncodeError) {
        throw invalid('body', 'value', `${BARCODE_LABELS[format]} cannot encode this value: ${err.message}`);
      }
      throw err;
    }
    const title = `${BARCODE_LABELS[format]} ${value}`.slice(0, 200);
    const file = await exportDrawing(drawing, { ...exportSize(drawing, output, outputIn), title });
    return { ...file, filename: barcodeFilename(format, value, file.extension) };
  }

  /** The value completed (check digit), or a 400 naming `path`. */
  private checked(format: BarcodeFormat, value: string, path: string): string {
    const check = checkBarcodeValue(format, value);
    if (!check.valid) throw invalid('body', path, check.message);
    return check.normalizedValue!;
  }

  list(limit: number, cursor?: string, q?: string): { data: Barcode[]; nextCursor: string | null } {
    const page = toPage(this.store.barcodes.listPage(limit, decodeCursor(cursor), q || undefined), limit);
    return { data: page.rows.map(toBarcode), nextCursor: page.nextCursor };
  }

  get(id: string): Barcode {
    const row = this.store.barcodes.findById(id);
    if (!row) throw notFound('Barcode');
    return toBarcode(row);
  }

  create(input: CreateBarcodeInput): Barcode {
    const now = this.now();
    const id = newId('bc');
    this.store.barcodes.insert({
      id,
      name: input.name,
      format: input.format,
      value: this.checked(input.format, input.value, 'value'),
      options: JSON.stringify(storedOptions(input.options)),
      sku: orNull(input.sku),
      price: orNull(input.price),
      category: orNull(input.category),
      created_at: now,
      updated_at: now,
    });
    return this.get(id);
  }

  update(id: string, input: UpdateBarcodeInput): Barcode {
    const current = this.get(id);
    const format = input.format ?? current.format;
    // A new format must suit the stored value (and the other way round): named on the field that changed.
    const value =
      input.format !== undefined || input.value !== undefined
        ? this.checked(format, input.value ?? current.value, input.value !== undefined ? 'value' : 'format')
        : current.value;
    this.store.barcodes.update({
      id,
      name: input.name ?? current.name,
      format,
      value,
      options: JSON.stringify(input.options !== undefined ? storedOptions(input.options) : current.options),
      sku: input.sku === undefined ? current.sku : orNull(input.sku),
      price: input.price === undefined ? current.price : orNull(input.price),
      category: input.category === undefined ? current.category : orNull(input.category),
      updated_at: this.now(),
    });
    return this.get(id);
  }

  remove(id: string): void {
    if (!this.store.barcodes.remove(id)) throw notFound('Barcode');
  }
}

/**
 * Output size for export. `moduleWidthMm` sets the physical size from the
 * symbol: the drawing is in modules, so its longer side × module width is
 * the mm size. The result must still be a size the output schema allows.
 */
function exportSize(drawing: Drawing, output: BarcodeOutput, where: 'body' | 'query'): ExportOptions {
  const { format, size, mm, dpi, colorSpace, moduleWidthMm } = output;
  if (moduleWidthMm === undefined) return { format, size, mm, dpi, colorSpace };
  const path = where === 'body' ? 'output.moduleWidthMm' : 'moduleWidthMm';
  const longerMm = Math.max(drawing.width, drawing.height) * moduleWidthMm;
  const shown = Math.round(longerMm * 10) / 10;
  if (longerMm < MM_SIZE.min || longerMm > MM_SIZE.max) {
    throw invalid(
      where,
      path,
      `At ${moduleWidthMm} mm per module the symbol is ${shown} mm long; it must be ${MM_SIZE.min}-${MM_SIZE.max} mm`,
    );
  }
  if (format === 'png' || format === 'jpeg' || format === 'webp') {
    const px = Math.round((longerMm / 25.4) * (dpi ?? DPI.default));
    if (px < PIXEL_SIZE.min || px > MAX_RASTER_PIXELS) {
      throw invalid(
        where,
        path,
        `At ${moduleWidthMm} mm per module and ${dpi ?? DPI.default} dpi the symbol is ${px} px; raster output must be ${PIXEL_SIZE.min}-${MAX_RASTER_PIXELS} px`,
      );
    }
  }
  return { format, mm: longerMm, dpi, colorSpace };
}
