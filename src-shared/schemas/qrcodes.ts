import { z } from 'zod';
import { ERROR_CODE_LIST, type ErrorCode } from '../errors';
import { BooleanParam, Timestamp } from './common';
import { CONTENT_SCHEMAS, QR_TYPES, QrTypeSchema, type QrType } from './content';
import { Design, DesignInput } from './design';
import { label } from './text';

export const QR_KINDS = ['static', 'dynamic'] as const;
export const QrKind = z.enum(QR_KINDS).meta({
  id: 'QrKind',
  description: '`static` encodes the content itself; `dynamic` encodes a short URL whose destination can change later.',
});

/** Types that can be dynamic: a URL redirects; text, vCard and event open a hosted page (redirect issue). */
export const DYNAMIC_TYPES = ['url', 'text', 'vcard', 'event'] as const satisfies readonly QrType[];

export const QrStatus = z.enum(['active', 'paused', 'expired']).meta({
  id: 'QrStatus',
  description: '`expired` is reported once `protection.expiresAt` has passed or `maxScans` is reached.',
});

export const SLUG_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
export const Slug = z
  .string()
  .regex(SLUG_PATTERN, 'A slug is 3-64 characters of A-Z, a-z, 0-9, _ and -')
  .meta({ description: 'A custom short token for a dynamic code (409 CONFLICT when taken).' });

export const Tags = z
  .array(label(32, 'Tag'))
  .max(20, 'At most 20 tags')
  .refine((tags) => new Set(tags.map((t) => t.toLowerCase())).size === tags.length, 'Tags must not repeat');

const ProtectionInput = z
  .object({
    password: z.string().min(4, 'A password is at least 4 characters').max(128).nullable().optional().meta({
      description: 'Asked before redirecting; stored as a slow salted hash, never returned. null removes it.',
    }),
    expiresAt: Timestamp.nullable().optional(),
    maxScans: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
  })
  .strict()
  .meta({ id: 'ProtectionInput' });

const FolderRef = z.string().min(1).max(64).nullable();

const commonCreateFields = {
  name: label(100, 'Name').optional().meta({ description: 'Defaults to a name made from the type and content.' }),
  kind: QrKind.default('static'),
  design: DesignInput.optional(),
  category: label(50, 'Category').nullable().optional(),
  tags: Tags.optional(),
  folderId: FolderRef.optional(),
  isFavorite: z.boolean().optional(),
  slug: Slug.optional(),
  status: z.enum(['active', 'paused']).optional(),
  protection: ProtectionInput.optional(),
};

function createVariant<T extends QrType>(type: T) {
  return z
    .object({ ...commonCreateFields, type: z.literal(type), content: CONTENT_SCHEMAS[type] })
    .strict()
    .meta({ id: `Create${type[0]!.toUpperCase()}${type.slice(1)}QrCode` });
}

/** The rules that cross fields: which types may be dynamic, and what only dynamic codes can have. */
function checkKind(
  value: { kind: string; type: string; slug?: unknown; protection?: unknown },
  ctx: z.RefinementCtx,
): void {
  if (value.kind === 'dynamic' && !(DYNAMIC_TYPES as readonly string[]).includes(value.type)) {
    ctx.addIssue({ code: 'custom', path: ['kind'], message: `Only ${DYNAMIC_TYPES.join(', ')} codes can be dynamic` });
  }
  if (value.kind !== 'dynamic' && value.slug !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['slug'], message: 'Only dynamic codes have a slug' });
  }
  if (value.kind !== 'dynamic' && value.protection !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['protection'],
      message: 'Only dynamic codes can be protected: a static code never reaches qrdesk when scanned',
    });
  }
}

export const CreateQrCodeInput = z
  .discriminatedUnion(
    'type',
    QR_TYPES.map((t) => createVariant(t)) as unknown as [
      ReturnType<typeof createVariant>,
      ...ReturnType<typeof createVariant>[],
    ],
  )
  .superRefine(checkKind)
  .meta({ id: 'CreateQrCodeInput' });
export type CreateQrCodeInput = z.output<typeof CreateQrCodeInput>;

/** Content of any type, for documentation; the API checks it against the code's own type. */
export const AnyContent = z
  .union(QR_TYPES.map((t) => CONTENT_SCHEMAS[t]) as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]])
  .meta({ id: 'QrContent', description: 'The content object for the code type (a string for url, text and phone).' });

export const UpdateQrCodeInput = z
  .object({
    name: label(100, 'Name').optional(),
    // Checked against the code's own type by the service, so a mistake is reported field by field
    // (a union here would only say that no type matched); documented as the union all the same.
    content: z
      .unknown()
      .optional()
      .meta({
        description: 'Checked against the code type, which cannot change.',
        override: { $ref: '#/components/schemas/QrContent' },
      }),
    design: DesignInput.optional().meta({ description: 'Only the fields given change.' }),
    category: label(50, 'Category').nullable().optional(),
    tags: Tags.optional(),
    folderId: FolderRef.optional(),
    isFavorite: z.boolean().optional(),
    status: z.enum(['active', 'paused']).optional(),
    protection: ProtectionInput.optional().meta({ description: 'Only the fields given change; null clears one.' }),
  })
  .strict()
  .meta({ id: 'UpdateQrCodeInput' });
export type UpdateQrCodeInput = z.output<typeof UpdateQrCodeInput>;

export const QrCode = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: QrKind,
    type: QrTypeSchema,
    content: AnyContent,
    payload: z.string().meta({ description: 'The exact text encoded in the symbol.' }),
    shortToken: z.string().nullable(),
    shortUrl: z.string().nullable().meta({ description: 'Frozen at creation from the publicBaseUrl setting.' }),
    status: QrStatus,
    design: Design,
    category: z.string().nullable(),
    tags: z.array(z.string()),
    folderId: z.string().nullable(),
    isFavorite: z.boolean(),
    protection: z.object({
      hasPassword: z.boolean(),
      expiresAt: Timestamp.nullable(),
      maxScans: z.number().int().nullable(),
    }),
    scanCount: z.number().int(),
    lastScannedAt: Timestamp.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    deletedAt: Timestamp.nullable().meta({ description: 'Set while the code is in the trash.' }),
  })
  .meta({ id: 'QrCode' });
export type QrCode = z.output<typeof QrCode>;

const emptyToUndefined = (v: string | undefined) => (v ? v : undefined);

export const ListQrCodesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).meta({ description: 'Items per page, 1-200.' }),
    cursor: z.string().max(512).optional().meta({ description: 'The `nextCursor` of the previous page.' }),
    page: z.coerce.number().int().min(1).max(1_000_000).optional().meta({
      description: 'Page-number mode (1-based) for page-numbered clients; adds `pagination`. Not with `cursor`.',
    }),
    type: QrTypeSchema.optional(),
    kind: QrKind.optional(),
    status: QrStatus.optional(),
    q: z
      .string()
      .trim()
      .max(200)
      .optional()
      // An emptied search box means no search, not an error.
      .transform((q) => (q ? q : undefined))
      .meta({ description: 'Case-insensitive search in name and content; empty means no search.' }),
    // Empty values mean "no filter", as for q: a cleared field in a client must not empty the list.
    category: z.string().max(50).optional().transform(emptyToUndefined),
    tag: z.string().max(32).optional().transform(emptyToUndefined),
    folderId: z
      .string()
      .max(64)
      .optional()
      .transform(emptyToUndefined)
      .meta({ description: 'A folder id, or `none` for codes in no folder.' }),
    favorite: BooleanParam.optional(),
    trashed: BooleanParam.optional().meta({ description: '`true` lists the trash instead of the library.' }),
  })
  .refine((q) => !(q.page !== undefined && q.cursor !== undefined), {
    path: ['page'],
    message: 'Use either page or cursor, not both',
  });
export type ListQrCodesQuery = z.output<typeof ListQrCodesQuery>;

export const QrCodePage = z
  .object({
    data: z.array(QrCode),
    nextCursor: z.string().nullable(),
    pagination: z
      .object({ total: z.number().int(), page: z.number().int(), limit: z.number().int(), pages: z.number().int() })
      .optional()
      .meta({ description: 'Only in page-number mode.' }),
  })
  .meta({ id: 'QrCodePage' });

export const DeleteQrCodeQuery = z.object({
  permanent: BooleanParam.optional().meta({ description: '`true` deletes the code and its scans for good.' }),
});

export const BULK_MAX = 100;
export const BulkCreateInput = z
  .object({
    // Each item is validated on its own so one bad item does not fail the rest; documented as what it must be.
    items: z
      .array(z.unknown())
      .min(1, 'At least one item')
      .max(BULK_MAX, `At most ${BULK_MAX} items`)
      .meta({
        override: {
          type: 'array',
          minItems: 1,
          maxItems: BULK_MAX,
          items: { $ref: '#/components/schemas/CreateQrCodeInput' },
          description: `1-${BULK_MAX} bodies as for POST /api/v1/qrcodes, each checked on its own.`,
        },
      }),
  })
  .strict()
  .meta({ id: 'BulkCreateInput' });

export const BulkCreateResult = z
  .object({
    created: z.number().int(),
    failed: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.number().int().meta({ description: '201 when created, else the error status.' }),
        data: QrCode.optional(),
        error: z
          .object({
            code: z.enum(ERROR_CODE_LIST as [ErrorCode, ...ErrorCode[]]),
            message: z.string(),
            details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
          })
          .optional(),
      }),
    ),
  })
  .meta({
    id: 'BulkCreateResult',
    description:
      'Not all-or-nothing: every valid item is created (together, in one transaction) and every invalid one is reported with its index.',
  });
