import { z } from 'zod';
import { label } from './text';

/** The design vocabulary of qr-code-styling, so its users feel at home (DESIGN.md "Design"). */
export const HexColor = z
  .string()
  .regex(/^#[0-9A-Fa-f]{6}$/, 'Use a colour as #RRGGBB')
  .meta({ id: 'HexColor', example: '#1A1A2E' });

export const DOT_STYLES = ['square', 'dots', 'rounded', 'extra-rounded', 'classy', 'classy-rounded'] as const;
export const CORNER_SQUARE_STYLES = ['square', 'dot', 'extra-rounded'] as const;
export const CORNER_DOT_STYLES = ['square', 'dot'] as const;
export const ERROR_CORRECTION_LEVELS = ['L', 'M', 'Q', 'H'] as const;

export const Gradient = z
  .object({
    type: z.enum(['linear', 'radial']),
    // Radians, as qr-code-styling takes it, so its users' configs paste in unchanged.
    rotation: z
      .number()
      .min(-2 * Math.PI)
      .max(2 * Math.PI)
      .default(0)
      .meta({ description: 'Angle of a linear gradient in radians (as in qr-code-styling), -2π to 2π.' }),
    colorStops: z
      .array(z.object({ offset: z.number().min(0).max(1), color: HexColor }).strict())
      .min(2)
      .max(5)
      .refine(
        (stops) => stops.every((s, i) => i === 0 || s.offset >= stops[i - 1]!.offset),
        'Offsets must not decrease',
      ),
  })
  .strict()
  .meta({ id: 'Gradient' });

export const Logo = z
  .object({
    assetId: z.string().min(1).max(64).nullable().meta({ description: 'An uploaded asset; null until one is chosen.' }),
    size: z
      .number()
      .min(0.1)
      .max(0.4)
      .default(0.25)
      .meta({
        description:
          "qr-code-styling's imageSize, 0.1-0.4: the logo may hide up to size × the share of modules the " +
          'error-correction level can restore, so the same size draws a larger logo at H than at L.',
      }),
    hideBackgroundDots: z.boolean().default(true),
  })
  .strict()
  .meta({ id: 'Logo' });

export const Frame = z
  .object({
    text: label(40, 'Frame text').meta({ description: 'Caption under the code, e.g. "Scan me".' }),
    color: HexColor.nullable()
      .default(null)
      .meta({ description: 'The frame and its caption band; null = the foreground colour.' }),
    textColor: HexColor.nullable()
      .default(null)
      .meta({ description: 'The caption; null = the background colour (white when the background is transparent).' }),
  })
  .strict()
  .meta({ id: 'Frame' });

export const SHAPES = ['square', 'circle'] as const;

const designFields = {
  foregroundColor: HexColor,
  backgroundColor: HexColor,
  transparentBackground: z
    .boolean()
    .meta({ description: 'No background at all (PNG, WebP, SVG, PDF and EPS keep it transparent; JPEG gets white).' }),
  backgroundGradient: Gradient.nullable().meta({ description: 'Replaces the background colour when set.' }),
  gradient: Gradient.nullable().meta({
    description: 'Paints the dots (and the corners without a colour of their own).',
  }),
  cornerSquareColor: HexColor.nullable().meta({ description: 'The finder rings; null = as the dots.' }),
  cornerSquareGradient: Gradient.nullable().meta({ description: 'Replaces cornerSquareColor when set.' }),
  cornerDotColor: HexColor.nullable().meta({ description: 'The finder centres; null = as the finder rings.' }),
  cornerDotGradient: Gradient.nullable().meta({ description: 'Replaces cornerDotColor when set.' }),
  shape: z.enum(SHAPES).meta({
    description: 'circle draws the code in a disc filled out with decorative modules, as qr-code-styling does.',
  }),
  dotStyle: z.enum(DOT_STYLES),
  cornerSquareStyle: z.enum(CORNER_SQUARE_STYLES),
  cornerDotStyle: z.enum(CORNER_DOT_STYLES),
  errorCorrection: z.enum(ERROR_CORRECTION_LEVELS),
  margin: z.number().int().min(0).max(20).meta({ description: 'Quiet zone in modules; 4 is the standard.' }),
  logo: Logo.nullable(),
  frame: Frame.nullable(),
};

/** A complete design, as stored and returned. */
export const Design = z.object(designFields).meta({ id: 'Design' });
export type Design = z.output<typeof Design>;

/**
 * A design as clients send it: any subset of the fields. On create the rest
 * come from DEFAULT_DESIGN; on update, from the code's current design.
 */
export const DesignInput = z
  .object(
    Object.fromEntries(Object.entries(designFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof designFields]: z.ZodOptional<(typeof designFields)[K]>;
    },
  )
  .strict()
  .meta({ id: 'DesignInput' });
export type DesignInput = z.output<typeof DesignInput>;

export const DEFAULT_DESIGN: Design = {
  foregroundColor: '#000000',
  backgroundColor: '#FFFFFF',
  transparentBackground: false,
  backgroundGradient: null,
  gradient: null,
  cornerSquareColor: null,
  cornerSquareGradient: null,
  cornerDotColor: null,
  cornerDotGradient: null,
  shape: 'square',
  dotStyle: 'square',
  cornerSquareStyle: 'square',
  cornerDotStyle: 'square',
  errorCorrection: 'M',
  margin: 4,
  logo: null,
  frame: null,
};

/** A design as stored: fields added since it was saved take their defaults. */
export const storedDesign = (json: string): Design => ({ ...DEFAULT_DESIGN, ...(JSON.parse(json) as Partial<Design>) });

/** Lays the fields a client sent over a base design. */
export const applyDesign = (base: Design, input: DesignInput | undefined): Design => ({ ...base, ...input });
