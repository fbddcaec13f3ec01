import { z } from 'zod';
import { CONTENT_SCHEMAS, QR_TYPES, type QrType } from './content';
import { DesignInput } from './design';
import { outputSizeFields, sizeChecks } from './output';

function renderVariant<T extends QrType>(type: T) {
  return z
    .object({
      type: z.literal(type),
      content: CONTENT_SCHEMAS[type],
      design: DesignInput.optional().meta({ description: 'Any design fields; the rest take their defaults.' }),
      ...outputSizeFields,
    })
    .strict()
    .meta({ id: `Render${type[0]!.toUpperCase()}${type.slice(1)}` });
}

function checkVariant<T extends QrType>(type: T) {
  return z
    .object({ type: z.literal(type), content: CONTENT_SCHEMAS[type], design: DesignInput.optional() })
    .strict()
    .meta({ id: `Check${type[0]!.toUpperCase()}${type.slice(1)}` });
}

/** A stateless render: the content of any type, a design and the output options. */
export const RenderInput = z
  .discriminatedUnion(
    'type',
    QR_TYPES.map((t) => renderVariant(t)) as unknown as [
      ReturnType<typeof renderVariant>,
      ...ReturnType<typeof renderVariant>[],
    ],
  )
  .superRefine(sizeChecks)
  .meta({ id: 'RenderInput' });
export type RenderInput = z.output<typeof RenderInput>;

export const CheckInput = z
  .discriminatedUnion(
    'type',
    QR_TYPES.map((t) => checkVariant(t)) as unknown as [
      ReturnType<typeof checkVariant>,
      ...ReturnType<typeof checkVariant>[],
    ],
  )
  .meta({ id: 'CheckInput' });
export type CheckInput = z.output<typeof CheckInput>;

export const SCANNABILITY_WARNINGS = [
  'low-contrast',
  'light-on-dark',
  'logo-too-large',
  'logo-over-dots',
  'small-margin',
  'circle-quiet-zone',
  'style-hard-to-read',
  'does-not-decode',
] as const;

export const ScannabilityReport = z
  .object({
    decodes: z.boolean().meta({ description: 'A reader (ZXing) found a QR code in the rendered image.' }),
    decodedText: z.string().nullable().meta({ description: 'What it read, or null.' }),
    matches: z.boolean().meta({ description: 'What it read is exactly the payload.' }),
    payload: z.string().meta({ description: 'The text encoded in the symbol.' }),
    contrastRatio: z.number().meta({
      description:
        'WCAG contrast between the darkest module colour and the background (1-21); the worst stop of a gradient counts.',
    }),
    warnings: z.array(
      z.object({ code: z.enum(SCANNABILITY_WARNINGS), message: z.string() }).meta({ id: 'ScannabilityWarning' }),
    ),
  })
  .meta({ id: 'ScannabilityReport' });
export type ScannabilityReport = z.output<typeof ScannabilityReport>;
