import { z } from 'zod';
import { checkBarcodeValue } from '../barcodes';
import { ASSET_MAX_BYTES, ASSET_NAME_MAX, AssetMediaType } from './assets';
import { BarcodeFormatSchema, BarcodeOptions, PRICE_PATTERN } from './barcodes';
import { BooleanParam, Timestamp } from './common';
import { CONTENT_SCHEMAS, QrTypeSchema } from './content';
import { DesignInput, HexColor } from './design';
import { MAX_USER_PRESETS } from './design-presets';
import { DYNAMIC_TYPES, QrKind, Slug, Tags } from './qrcodes';
import { httpUrlProblem, label, line, URL_MAX_LENGTH } from './text';

/**
 * The JSON export of a library, for moving codes, designs and logos between
 * machines: `qrdesk export` / GET /api/v1/export write it, `qrdesk import` /
 * POST /api/v1/import read it. Versioned: a reader refuses a version newer
 * than its own. Everything in it is checked on import as if a client had sent
 * it field by field; nothing is trusted because it came from qrdesk.
 */
export const EXPORT_FORMAT = 'qrdesk-export';
export const EXPORT_VERSION = 1;

/** Bounds on what an import takes: the request body over the API, the file from the CLI, and each list. */
export const IMPORT_LIMITS = {
  apiBytes: 64 * 1024 * 1024,
  fileBytes: 256 * 1024 * 1024,
  folders: 10_000,
  assets: 10_000,
  designPresets: MAX_USER_PRESETS,
  qrCodes: 1_000_000,
  barcodes: 1_000_000,
  scans: 5_000_000,
} as const;

/** An export over the API with scans is built in memory: beyond this many, use `qrdesk export --scans`. */
export const API_EXPORT_MAX_SCANS = 200_000;

export const TRANSFER_SECTIONS = ['folders', 'assets', 'designPresets', 'qrCodes', 'barcodes', 'scans'] as const;
export type TransferSection = (typeof TRANSFER_SECTIONS)[number];

/** Ids as qrdesk makes them (`qr_3fK9…`): a prefix and URL-safe characters, so an id is never a path or markup. */
const idOf = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,60}$`), `An id like ${prefix}_… (letters, digits, _ and -)`);

const Base64 = z
  .string()
  .max(Math.ceil(ASSET_MAX_BYTES / 3) * 4, `At most ${ASSET_MAX_BYTES} bytes once decoded`)
  .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'Base64 text')
  .refine((s) => s.length % 4 === 0, 'Base64 text (its length a multiple of 4)');

// scrypt$N$r$p$salt$hash as src-server/services/passwords.ts writes it. The cost is bounded, so a file
// cannot plant a hash whose check would take a password form seconds or gigabytes.
const SCRYPT_HASH = /^scrypt\$(\d{1,7})\$(\d{1,2})\$(\d{1,2})\$[A-Za-z0-9_-]{16,64}\$[A-Za-z0-9_-]{32,128}$/;
const PasswordHash = z
  .string()
  .max(300)
  .refine((s) => {
    const m = SCRYPT_HASH.exec(s);
    if (!m) return false;
    const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const powerOfTwo = n >= 1024 && (n & (n - 1)) === 0;
    // Memory 128·N·r within the 64 MiB the checker allows; work N·r·p at most a third above today's.
    return powerOfTwo && r >= 1 && p >= 1 && 128 * n * r <= 64 * 1024 * 1024 && n * r * p <= 2 ** 15 * 8 * 4;
  }, 'A password hash as qrdesk writes it (scrypt$N$r$p$salt$hash, with a bounded cost)')
  .meta({ description: 'The slow salted hash of the code password, so protection keeps working; never the password.' });

export const ExportedFolder = z
  .object({
    id: idOf('fld'),
    name: label(60, 'Name'),
    color: HexColor.nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .strict()
  .meta({ id: 'ExportedFolder' });
export type ExportedFolder = z.output<typeof ExportedFolder>;

export const ExportedAsset = z
  .object({
    id: idOf('ast'),
    name: line('Name', ASSET_NAME_MAX, { required: true }),
    mediaType: AssetMediaType.meta({
      description: 'For readers of the file; an import reads the type from the bytes again.',
    }),
    createdAt: Timestamp,
    data: Base64.meta({ description: 'The image file, base64 (at most 2 MB decoded).' }),
  })
  .strict()
  .meta({ id: 'ExportedAsset' });
export type ExportedAsset = z.output<typeof ExportedAsset>;

export const ExportedDesignPreset = z
  .object({ id: idOf('dp'), name: label(60, 'Name'), design: DesignInput, createdAt: Timestamp })
  .strict()
  .meta({ id: 'ExportedDesignPreset' });
export type ExportedDesignPreset = z.output<typeof ExportedDesignPreset>;

const ExportedProtection = z
  .object({
    passwordHash: PasswordHash.nullable(),
    expiresAt: Timestamp.nullable(),
    maxScans: z.number().int().min(1).max(1_000_000_000).nullable(),
  })
  .strict();

const codeFields = {
  id: idOf('qr'),
  name: label(100, 'Name'),
  kind: QrKind,
  type: QrTypeSchema,
  content: z
    .unknown()
    .meta({ description: 'Checked against the type.', override: { $ref: '#/components/schemas/QrContent' } }),
  shortToken: Slug.nullable().meta({ description: 'Dynamic codes: kept, so printed codes reach the same code.' }),
  shortUrl: z
    .string()
    .max(URL_MAX_LENGTH)
    .nullable()
    .meta({ description: 'Dynamic codes: the URL printed in the symbol, kept as it was.' }),
  status: z.enum(['active', 'paused']),
  design: DesignInput,
  category: label(50, 'Category').nullable(),
  tags: Tags,
  folderId: idOf('fld').nullable(),
  isFavorite: z.boolean(),
  protection: ExportedProtection,
  scanCount: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  lastScannedAt: Timestamp.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  deletedAt: Timestamp.nullable().meta({ description: 'Set for codes in the trash.' }),
};

type CodeFields = z.output<z.ZodObject<typeof codeFields>>;

/** The rules across fields: content against its type, and what only dynamic codes have. */
function checkCode(code: CodeFields, ctx: z.RefinementCtx): void {
  const content = CONTENT_SCHEMAS[code.type].safeParse(code.content);
  if (!content.success) {
    for (const issue of content.error.issues) {
      ctx.addIssue({ code: 'custom', path: ['content', ...issue.path.map(String)], message: issue.message });
    }
  }
  if (code.kind === 'dynamic') {
    if (!(DYNAMIC_TYPES as readonly string[]).includes(code.type)) {
      ctx.addIssue({
        code: 'custom',
        path: ['kind'],
        message: `Only ${DYNAMIC_TYPES.join(', ')} codes can be dynamic`,
      });
    }
    if (code.shortToken === null) ctx.addIssue({ code: 'custom', path: ['shortToken'], message: 'Required' });
    const problem = code.shortUrl === null ? 'is required' : httpUrlProblem(code.shortUrl);
    if (problem) ctx.addIssue({ code: 'custom', path: ['shortUrl'], message: `shortUrl ${problem}` });
    else if (code.shortToken !== null && !code.shortUrl!.endsWith(`/r/${code.shortToken}`)) {
      ctx.addIssue({ code: 'custom', path: ['shortUrl'], message: 'Must end with /r/ and the shortToken' });
    }
  } else {
    for (const field of ['shortToken', 'shortUrl'] as const) {
      if (code[field] !== null) {
        ctx.addIssue({ code: 'custom', path: [field], message: 'Only dynamic codes have one' });
      }
    }
    const p = code.protection;
    if (p.passwordHash !== null || p.expiresAt !== null || p.maxScans !== null) {
      ctx.addIssue({ code: 'custom', path: ['protection'], message: 'Only dynamic codes can be protected' });
    }
  }
}

export const ExportedQrCode = z.object(codeFields).strict().superRefine(checkCode).meta({ id: 'ExportedQrCode' });
export type ExportedQrCode = z.output<typeof ExportedQrCode>;

export const ExportedBarcode = z
  .object({
    id: idOf('bc'),
    name: label(100, 'Name'),
    format: BarcodeFormatSchema,
    value: z.string(),
    options: z.object(BarcodeOptions.shape).strict(),
    sku: line('SKU', 64).nullable(),
    price: z.string().regex(PRICE_PATTERN, 'A decimal number such as 4.99').nullable(),
    category: line('Category', 50).nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .strict()
  .superRefine((v, ctx) => {
    const check = checkBarcodeValue(v.format, v.value);
    if (!check.valid) ctx.addIssue({ code: 'custom', path: ['value'], message: check.message });
  })
  .meta({ id: 'ExportedBarcode' });
export type ExportedBarcode = z.output<typeof ExportedBarcode>;

const optionalLine = (what: string, max: number) => line(what, max).nullable();

export const ExportedScan = z
  .object({
    qrCodeId: idOf('qr').meta({ description: 'A code in the same file.' }),
    scannedAt: Timestamp,
    country: optionalLine('Country', 8),
    city: optionalLine('City', 200),
    latitude: z.number().min(-90).max(90).nullable(),
    longitude: z.number().min(-180).max(180).nullable(),
    device: z.enum(['mobile', 'tablet', 'desktop', 'other']),
    os: optionalLine('OS', 100),
    browser: optionalLine('Browser', 100),
    referrer: optionalLine('Referrer', 255),
    language: optionalLine('Language', 35),
    isBot: z.boolean(),
    isUnique: z.boolean(),
  })
  .strict()
  .meta({ id: 'ExportedScan' });
export type ExportedScan = z.output<typeof ExportedScan>;

const list = <T extends z.ZodType>(item: T, max: number, what: string) =>
  z.array(item).max(max, `At most ${max} ${what} in one file`);

export const ExportDocument = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: Timestamp,
    appVersion: line('appVersion', 50).meta({ description: 'The qrdesk that wrote the file.' }),
    folders: list(ExportedFolder, IMPORT_LIMITS.folders, 'folders'),
    assets: list(ExportedAsset, IMPORT_LIMITS.assets, 'assets'),
    designPresets: list(ExportedDesignPreset, IMPORT_LIMITS.designPresets, 'design presets'),
    qrCodes: list(ExportedQrCode, IMPORT_LIMITS.qrCodes, 'QR codes'),
    barcodes: list(ExportedBarcode, IMPORT_LIMITS.barcodes, 'barcodes'),
    scans: list(ExportedScan, IMPORT_LIMITS.scans, 'scans')
      .nullable()
      .meta({ description: 'null when the export was made without scans.' }),
  })
  .strict()
  .meta({
    id: 'ExportDocument',
    description:
      'QR codes (with their design, tags, folder, kind and short token), folders, saved design presets, logo ' +
      'assets (base64), saved barcodes and, optionally, scans. Not in it: API keys, webhooks, settings.',
  });
export type ExportDocument = z.output<typeof ExportDocument>;

/**
 * What an import reads: the format and version first, so that a file that is
 * not an export, or one from a newer qrdesk, is refused with that one reason
 * rather than a list of every field that differs.
 */
// A refinement of the value as it is (not an object schema, which would copy it and lose a
// top-level "__proto__" key before the strict document schema could refuse it).
const ExportHeader = z.unknown().superRefine((value, ctx) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return; // the document says what it must be
  const { format, version } = value as Record<string, unknown>;
  if (format !== EXPORT_FORMAT) {
    ctx.addIssue({
      code: 'custom',
      path: ['format'],
      message: `Not a qrdesk export: format must be "${EXPORT_FORMAT}"`,
    });
  } else if (typeof version === 'number' && version > EXPORT_VERSION) {
    ctx.addIssue({
      code: 'custom',
      path: ['version'],
      message: `Written by a newer qrdesk (export format version ${version}); this one reads version ${EXPORT_VERSION}: upgrade qrdesk`,
    });
  }
});

export const ImportDocument = ExportHeader.pipe(ExportDocument).meta({
  id: 'ImportDocument',
  override: { $ref: '#/components/schemas/ExportDocument' },
});

export const ExportQuery = z.object({
  scans: BooleanParam.optional().meta({
    description: `\`true\` includes every scan (up to ${API_EXPORT_MAX_SCANS} over the API; the CLI has no limit).`,
  }),
});

export const IMPORT_CONFLICT_MODES = ['fail', 'skip'] as const;
export const ImportQuery = z.object({
  onConflict: z
    .enum(IMPORT_CONFLICT_MODES)
    .optional()
    .meta({
      description:
        'What to do when an item\u2019s id, or a dynamic code\u2019s short token, is already in this library: `fail` ' +
        '(default) imports nothing and lists the conflicts (409); `skip` keeps what is here, imports the rest ' +
        'and lists what was skipped.',
    }),
});

const Counts = z.object(
  Object.fromEntries(TRANSFER_SECTIONS.map((s) => [s, z.number().int()])) as {
    [K in TransferSection]: z.ZodNumber;
  },
);

export const ImportReport = z
  .object({
    imported: Counts,
    skipped: Counts.meta({ description: 'Items left out because they conflicted (onConflict=skip).' }),
    conflicts: z
      .array(
        z.object({
          section: z.enum(TRANSFER_SECTIONS),
          id: z.string(),
          reason: z.string(),
        }),
      )
      .meta({ description: 'The first 100 conflicts found.' }),
  })
  .meta({ id: 'ImportReport' });
export type ImportReport = z.output<typeof ImportReport>;
