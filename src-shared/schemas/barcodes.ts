import { z } from 'zod';
import { BARCODE_FORMATS, BARCODE_LABELS, BARCODE_VALUE_MAX, checkBarcodeValue, type BarcodeFormat } from '../barcodes';
import { PageQuery, Timestamp } from './common';
import { HexColor } from './design';
import { numberField, OutputOptions, outputFields, outputSizeFields } from './output';
import { label, line } from './text';

export { BARCODE_FORMATS, type BarcodeFormat };

export const BarcodeFormatSchema = z.enum(BARCODE_FORMATS).meta({
  id: 'BarcodeFormat',
  description: `The symbology: ${BARCODE_FORMATS.map((f) => `\`${f}\` (${BARCODE_LABELS[f]})`).join(', ')}.`,
});

const BarcodeValue = z
  .string()
  .max(BARCODE_VALUE_MAX, `A barcode value is at most ${BARCODE_VALUE_MAX} characters`)
  .meta({
    description:
      'What the symbol encodes. EAN/UPC/ITF-14 take their digits with or without the check digit (it is added, or ' +
      'verified); GS1-128 takes bracketed element strings like `(01)09501101530003(17)260101`; 2D symbols take UTF-8 text.',
  });

/** Module (narrow bar) width for print, in mm: 0.1 covers fine labels, 10 a warehouse sign. */
export const MODULE_WIDTH_MM = { min: 0.1, max: 10 } as const;

const moduleWidth = (from: 'json' | 'query') =>
  numberField(from)
    .min(MODULE_WIDTH_MM.min)
    .max(MODULE_WIDTH_MM.max)
    .optional()
    .meta({
      description:
        `Module (narrow bar) width in mm, ${MODULE_WIDTH_MM.min}-${MODULE_WIDTH_MM.max} (EAN-13 nominal: 0.33): the ` +
        'physical size follows from the symbol. Instead of size or mm; dpi applies to raster formats.',
    });

type BarcodeOutputValue = {
  format: OutputOptions['format'];
  size?: number;
  mm?: number;
  dpi?: number;
  colorSpace: OutputOptions['colorSpace'];
  moduleWidthMm?: number;
};

/** The output options' own cross-field rules, plus: moduleWidthMm excludes size and mm, and takes dpi. */
function barcodeOutputChecks(value: BarcodeOutputValue, ctx: z.core.$RefinementCtx<BarcodeOutputValue>): void {
  const { moduleWidthMm: module, ...base } = value;
  if (module !== undefined) {
    for (const other of ['size', 'mm'] as const) {
      if (base[other] !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['moduleWidthMm'], message: `Give ${other} or moduleWidthMm, not both` });
      }
    }
  }
  const checked = OutputOptions.safeParse(module === undefined ? base : { ...base, dpi: undefined });
  if (checked.success) return;
  for (const issue of checked.error.issues) {
    if (issue.code === 'custom') ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
}

/** Output options of a barcode render, as a JSON body part. */
export const BarcodeOutput = z
  .object({ ...outputSizeFields, moduleWidthMm: moduleWidth('json') })
  .strict()
  .superRefine(barcodeOutputChecks)
  .meta({ id: 'BarcodeOutput' });
export type BarcodeOutput = z.output<typeof BarcodeOutput>;

/** The same as query parameters, for a saved barcode's image. */
export const BarcodeImageQuery = z
  .object({ ...outputFields('query'), moduleWidthMm: moduleWidth('query') })
  .superRefine(barcodeOutputChecks);

const styleFields = {
  showText: z
    .boolean()
    .meta({ description: 'Print the human-readable text under a linear symbol (default true; 2D symbols have none).' }),
  barColor: HexColor.meta({ description: 'Bars and modules, #RRGGBB (default #000000).' }),
  textColor: HexColor.meta({ description: 'The human-readable text (default: the bar colour).' }),
  backgroundColor: HexColor.meta({ description: 'Background, #RRGGBB (default #FFFFFF).' }),
  quietZone: z.boolean().meta({
    description:
      "Keep the symbology's quiet zone (default true): EAN-13 11/7 modules, UPC-A 9/9, Code 128 10, ITF-14 10 inside " +
      'its bearer bars, QR 4, Data Matrix 1, PDF417 2.',
  }),
};

/** How a barcode looks, as a client sends it (everything optional). */
export const BarcodeStyleInput = z
  .object({
    showText: styleFields.showText.optional(),
    barColor: styleFields.barColor.optional(),
    textColor: styleFields.textColor.optional(),
    backgroundColor: styleFields.backgroundColor.optional(),
    quietZone: styleFields.quietZone.optional(),
  })
  .strict();
export type BarcodeStyleInput = z.output<typeof BarcodeStyleInput>;

/** A value checked against its symbology, reported on `value`. */
function valueCheck<T extends { format: BarcodeFormat; value: string }>(v: T, ctx: z.core.$RefinementCtx<T>): void {
  const check = checkBarcodeValue(v.format, v.value);
  if (!check.valid) ctx.addIssue({ code: 'custom', path: ['value'], message: check.message });
}

export const BarcodeRenderInput = z
  .object({
    format: BarcodeFormatSchema,
    value: BarcodeValue,
    output: BarcodeOutput.optional(),
    ...BarcodeStyleInput.shape,
  })
  .strict()
  .superRefine(valueCheck)
  .meta({ id: 'BarcodeRenderInput' });
export type BarcodeRenderInput = z.output<typeof BarcodeRenderInput>;

export const BarcodeValidateInput = z
  .object({ format: BarcodeFormatSchema, value: BarcodeValue })
  .strict()
  .meta({ id: 'BarcodeValidateInput' });

export const BarcodeValidation = z
  .object({
    valid: z.boolean(),
    normalizedValue: z
      .string()
      .nullable()
      .meta({ description: 'What would be encoded (check digit completed); null when invalid.' }),
    checkDigit: z
      .string()
      .nullable()
      .meta({ description: 'The GTIN check digit (computed, verified, or the expected one when wrong).' }),
    message: z.string().meta({ description: 'Why the value is refused, or what was done to it.' }),
  })
  .meta({ id: 'BarcodeValidation' });

/** A saved barcode's look; null = the default for its format. */
export const BarcodeOptions = z
  .object({
    showText: z.boolean().nullable(),
    barColor: HexColor,
    textColor: HexColor.nullable(),
    backgroundColor: HexColor,
    quietZone: z.boolean(),
  })
  .meta({ id: 'BarcodeOptions' });
export type BarcodeOptions = z.output<typeof BarcodeOptions>;

export const PRICE_PATTERN = /^\d{1,10}(\.\d{1,4})?$/;
const Price = z
  .string()
  .trim()
  .regex(PRICE_PATTERN, 'Use a decimal number such as 4.99 (up to 4 decimals, no currency sign)')
  .meta({ description: 'A decimal string, e.g. "4.99", kept exactly as given.' });
const Sku = line('SKU', 64);
const Category = line('Category', 50);

export const Barcode = z
  .object({
    id: z.string(),
    name: z.string(),
    format: BarcodeFormatSchema,
    value: z.string().meta({ description: 'The encoded value, check digit completed.' }),
    options: BarcodeOptions,
    sku: z.string().nullable(),
    price: z.string().nullable(),
    category: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'Barcode' });
export type Barcode = z.output<typeof Barcode>;

export const CreateBarcodeInput = z
  .object({
    name: label(100, 'Name'),
    format: BarcodeFormatSchema,
    value: BarcodeValue,
    options: BarcodeStyleInput.optional(),
    sku: Sku.nullable().optional(),
    price: Price.nullable().optional(),
    category: Category.nullable().optional(),
  })
  .strict()
  .superRefine(valueCheck)
  .meta({ id: 'CreateBarcodeInput' });
export type CreateBarcodeInput = z.output<typeof CreateBarcodeInput>;

export const UpdateBarcodeInput = z
  .object({
    name: label(100, 'Name').optional(),
    format: BarcodeFormatSchema.optional(),
    value: BarcodeValue.optional(),
    options: BarcodeStyleInput.optional().meta({ description: 'Replaces the options as a whole.' }),
    sku: Sku.nullable().optional(),
    price: Price.nullable().optional(),
    category: Category.nullable().optional(),
  })
  .strict()
  .meta({ id: 'UpdateBarcodeInput' });
export type UpdateBarcodeInput = z.output<typeof UpdateBarcodeInput>;

export const BarcodeListQuery = PageQuery.extend({
  q: z.string().trim().max(100).optional().meta({ description: 'Finds barcodes whose name or SKU contains this.' }),
});
