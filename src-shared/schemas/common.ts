import { z } from 'zod';
import { ERROR_CODE_LIST } from '../errors';

/** An ISO 8601 UTC timestamp as the API writes it. */
export const Timestamp = z.iso.datetime({ offset: true }).meta({
  description: 'ISO 8601 date-time',
  example: '2026-11-21T10:15:00.000Z',
});

/** A query-string flag: exactly `true` or `false`. */
export const BooleanParam = z.enum(['true', 'false']).transform((v) => v === 'true');

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Items per page, 1-200.' }),
  cursor: z.string().max(512).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
});

/** Wraps an item schema in the cursor-paginated list envelope. */
export function pageOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      data: z.array(item),
      nextCursor: z
        .string()
        .nullable()
        .meta({ description: 'Pass as `cursor` to get the next page; null on the last page.' }),
    })
    .meta({ id });
}

export const IdParams = z.object({
  id: z.string().min(1).max(64).meta({ description: 'Resource id' }),
});

export const ErrorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(ERROR_CODE_LIST as [string, ...string[]]).meta({ description: 'Machine-readable error code.' }),
      message: z.string().meta({ description: 'Human-readable explanation.' }),
      details: z
        .array(z.object({ path: z.string(), message: z.string() }))
        .optional()
        .meta({ description: 'One entry per invalid field, with its dotted path.' }),
    }),
  })
  .meta({ id: 'Error', description: 'The error envelope every endpoint uses.' });

export const Health = z
  .object({
    app: z.literal('qrdesk'),
    version: z.string(),
  })
  .meta({ id: 'Health' });
