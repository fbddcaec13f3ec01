import { z } from 'zod';

/** Image formats every renderer (QR codes, barcodes, batches) writes. */
export const IMAGE_FORMATS = ['svg', 'png', 'jpeg', 'webp', 'pdf', 'eps'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

export const IMAGE_MEDIA_TYPES: Record<ImageFormat, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
  eps: 'application/postscript',
};

export const PIXEL_SIZE = { min: 64, max: 4096, default: 512 } as const;
export const MM_SIZE = { min: 5, max: 1000 } as const;
export const DPI = { min: 72, max: 2400, default: 300 } as const;
/** A raster made from mm × dpi may not exceed what a pixel size may. */
export const MAX_RASTER_PIXELS = PIXEL_SIZE.max;

/**
 * A number field: a JSON number in bodies; in query strings, where everything
 * is text, a numeric string. (Coercing bodies too would let `"512"` or
 * `[512]` through as 512.)
 */
export const numberField = (from: 'json' | 'query') => (from === 'json' ? z.number() : z.coerce.number());

/**
 * How big an export is: `size` in pixels, or `mm` (the longer side) at `dpi`
 * for print. Vector formats (SVG, PDF, EPS) use `mm` for their physical size,
 * else `size` as CSS pixels (96 per inch).
 */
export const outputFields = (from: 'json' | 'query') => ({
  format: z.enum(IMAGE_FORMATS).default('png').meta({ description: 'Output format.' }),
  size: numberField(from)
    .int()
    .min(PIXEL_SIZE.min)
    .max(PIXEL_SIZE.max)
    .optional()
    .meta({
      description: `Pixel size of the longer side, ${PIXEL_SIZE.min}-${PIXEL_SIZE.max} (default ${PIXEL_SIZE.default}).`,
    }),
  mm: numberField(from)
    .min(MM_SIZE.min)
    .max(MM_SIZE.max)
    .optional()
    .meta({
      description: `Physical size of the longer side in millimetres, ${MM_SIZE.min}-${MM_SIZE.max}; wins over size.`,
    }),
  dpi: numberField(from)
    .int()
    .min(DPI.min)
    .max(DPI.max)
    .optional()
    .meta({
      description: `Resolution for mm sizes in raster formats, ${DPI.min}-${DPI.max} (default ${DPI.default}).`,
    }),
  colorSpace: z
    .enum(['rgb', 'cmyk'])
    .default('rgb')
    .meta({ description: 'cmyk paints PDF and EPS with DeviceCMYK colours (for print); other formats are RGB.' }),
});

/** Output fields in a JSON body. */
export const outputSizeFields = outputFields('json');

/** The rules that cross the size fields (shared by every schema that takes output options). */
export const sizeChecks = <
  T extends { size?: number; mm?: number; dpi?: number; format: ImageFormat; colorSpace: string },
>(
  value: T,
  ctx: z.core.$RefinementCtx<T>,
) => {
  if (value.mm !== undefined && value.size !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['size'], message: 'Give size (pixels) or mm, not both' });
  }
  if (value.dpi !== undefined && value.mm === undefined) {
    ctx.addIssue({ code: 'custom', path: ['dpi'], message: 'dpi applies to an mm size; give mm too' });
  }
  if (value.mm !== undefined && ['png', 'jpeg', 'webp'].includes(value.format)) {
    const px = Math.round((value.mm / 25.4) * (value.dpi ?? DPI.default));
    if (px > MAX_RASTER_PIXELS || px < PIXEL_SIZE.min) {
      ctx.addIssue({
        code: 'custom',
        path: ['mm'],
        message: `${value.mm} mm at ${value.dpi ?? DPI.default} dpi is ${px} px; raster output must be ${PIXEL_SIZE.min}-${MAX_RASTER_PIXELS} px`,
      });
    }
  }
  if (value.colorSpace === 'cmyk' && !['pdf', 'eps'].includes(value.format)) {
    ctx.addIssue({ code: 'custom', path: ['colorSpace'], message: 'cmyk is available for pdf and eps only' });
  }
};

/** Output options as a JSON body part. */
export const OutputOptions = z.object(outputSizeFields).strict().superRefine(sizeChecks).meta({ id: 'OutputOptions' });
export type OutputOptions = z.output<typeof OutputOptions>;

/** Output options as query parameters (numbers arrive as strings and are coerced). */
export const OutputQuery = z.object(outputFields('query')).superRefine(sizeChecks);
