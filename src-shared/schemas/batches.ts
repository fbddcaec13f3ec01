import { z } from 'zod';
import { BARCODE_VALUE_MAX } from '../barcodes';
import { BarcodeFormatSchema, BarcodeStyleInput } from './barcodes';
import { BooleanParam, pageOf, Timestamp } from './common';
import { QrTypeSchema } from './content';
import { DesignInput } from './design';
import { OutputOptions, outputSizeFields } from './output';
import { DYNAMIC_TYPES } from './qrcodes';
import { SheetOptions } from './sheets';
import { label, line } from './text';

/**
 * Batch sources (CSV files) and the mapping from their columns to what each
 * code holds: content fields, name, file name, caption and design overrides,
 * with `{seq}` serial numbers. Isomorphic: the UI builds the same mapping.
 */

/** The most data rows one batch takes (the header row not counted). */
export const CSV_MAX_ROWS = 100_000;
/** The largest CSV file taken, upload or path. */
export const CSV_MAX_BYTES = 64 * 1024 * 1024;
/** The most columns a row may have. */
export const CSV_MAX_COLUMNS = 1000;
/** Rows shown with a source. */
export const CSV_SAMPLE_ROWS = 10;
/** Rows shown, encoded, with a preview. */
export const PREVIEW_ROWS = 20;
/** Problems listed in a report; beyond, only counted. */
export const REPORT_MAX_PROBLEMS = 1000;

export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;
export type CsvDelimiter = (typeof CSV_DELIMITERS)[number];

/** How a file was decoded: a BOM decides; else valid UTF-8 is UTF-8, anything else Windows-1252. */
export const CSV_ENCODINGS = ['utf-8', 'utf-8-bom', 'windows-1252', 'utf-16le', 'utf-16be'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

const DELIMITER_NAMES = { comma: ',', semicolon: ';', tab: '\t', pipe: '|' } as const;

export const UploadBatchSourceQuery = z.object({
  name: line('Name', 100)
    .optional()
    .meta({ description: 'A name for the source; default: the uploaded file name, or "data.csv".' }),
  delimiter: z
    .enum(['auto', 'comma', 'semicolon', 'tab', 'pipe', ',', ';', '|'])
    .optional()
    .meta({ description: 'The field separator; default `auto`: the one of `, ; tab |` that splits the lines evenly.' }),
  encoding: z.enum(['auto', 'utf-8', 'windows-1252']).optional().meta({
    description:
      'Default `auto`: a byte order mark decides (UTF-8, UTF-16); else valid UTF-8 is read as UTF-8, anything else as Windows-1252.',
  }),
  header: z.enum(['auto', 'true', 'false']).optional().meta({
    description:
      'Whether the first row names the columns. `auto` (default): yes when its cells are non-empty, distinct, not all numbers and none looks like a URL, e-mail or number.',
  }),
  trim: BooleanParam.optional().meta({
    description: 'Trim spaces around unquoted cells (default `true`); quoted cells keep theirs.',
  }),
});
export type UploadBatchSourceQuery = z.output<typeof UploadBatchSourceQuery>;

/** `comma` → `,`; `auto` and absent → undefined. */
export const delimiterOption = (value: string | undefined): CsvDelimiter | undefined =>
  value === undefined || value === 'auto'
    ? undefined
    : ((DELIMITER_NAMES as Record<string, CsvDelimiter>)[value] ?? (value as CsvDelimiter));

export const BatchProblem = z
  .object({
    row: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The 1-based data row (the header row not counted); null for the whole file.' }),
    line: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'The line of the file where the row starts (1-based, header and blank lines counted).' }),
    column: z.string().nullable().meta({ description: 'The header of the column at fault, when known.' }),
    columnIndex: z.number().int().nullable().meta({ description: 'The 1-based column at fault, when known.' }),
    field: z
      .string()
      .nullable()
      .meta({ description: 'What the column feeds, e.g. `content.password`, `design.foregroundColor`, `name`.' }),
    message: z.string(),
  })
  .meta({ id: 'BatchProblem' });
export type BatchProblem = z.output<typeof BatchProblem>;

const sourceFields = {
  id: z.string(),
  name: z.string(),
  byteSize: z.number().int(),
  encoding: z.enum(CSV_ENCODINGS),
  delimiter: z.enum(CSV_DELIMITERS),
  hasHeader: z.boolean(),
  trim: z.boolean(),
  headers: z
    .array(z.string())
    .nullable()
    .meta({ description: 'The header row (trimmed); null when the file has none (refer to columns by number).' }),
  columnCount: z.number().int(),
  rowCount: z.number().int().meta({ description: 'Data rows, without the header and blank lines.' }),
  sample: z
    .array(z.array(z.string()))
    .meta({ description: `The first ${CSV_SAMPLE_ROWS} data rows as read (cells verbatim).` }),
  createdAt: Timestamp,
};

export const BatchSource = z.object(sourceFields).meta({ id: 'BatchSource' });
export type BatchSource = z.output<typeof BatchSource>;

export const BatchSourceCreated = z
  .object({
    ...sourceFields,
    problems: z.array(BatchProblem).meta({
      description: `Rows whose number of cells differs from the header (at most ${REPORT_MAX_PROBLEMS}); never padded.`,
    }),
    problemCount: z.number().int(),
  })
  .meta({ id: 'BatchSourceCreated' });
export type BatchSourceCreated = z.output<typeof BatchSourceCreated>;

// ---------------------------------------------------------------------------
// Templates

/**
 * Placeholders, as in file-name patterns (src-shared/batch/file-names.ts):
 * `{seq}` (zero-padded to `seq.padding`), `{seq:05}` (to 5 digits), `{row}`,
 * `{column:sku}` or `{column:3}`, and `{name}` in file names and captions.
 */
export const TEMPLATE_TOKEN = /\{(seq|row|name|column:[^{}]+)(?::(\d{1,2}))?\}/g;

export type TemplatePart =
  | { kind: 'text'; text: string }
  | { kind: 'seq' | 'row' | 'name'; pad: number | null }
  | { kind: 'column'; column: string; pad: number | null };

/** Splits a template into parts, or says which placeholder is wrong. */
export function parseTemplate(
  template: string,
  { allowName = true }: { allowName?: boolean } = {},
): { ok: true; parts: TemplatePart[] } | { ok: false; message: string } {
  if (/[{}]/.test(template.replace(TEMPLATE_TOKEN, ''))) {
    return {
      ok: false,
      message: `Unknown placeholder; use {seq}, {seq:05}, {row}${allowName ? ', {name}' : ''} or {column:Header}`,
    };
  }
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of template.matchAll(TEMPLATE_TOKEN)) {
    if (m.index > last) parts.push({ kind: 'text', text: template.slice(last, m.index) });
    last = m.index + m[0].length;
    const key = m[1]!;
    const pad = m[2] === undefined ? null : Number(m[2]);
    if (key.startsWith('column:')) {
      const column = key.slice('column:'.length).trim();
      if (!column) return { ok: false, message: 'A {column:…} placeholder needs a header or a column number' };
      parts.push({ kind: 'column', column, pad });
    } else if (key === 'name' && !allowName) {
      return { ok: false, message: '{name} is only for file names and captions' };
    } else {
      parts.push({ kind: key as 'seq' | 'row' | 'name', pad });
    }
  }
  if (last < template.length) parts.push({ kind: 'text', text: template.slice(last) });
  return { ok: true, parts };
}

// ---------------------------------------------------------------------------
// Mapping

const ColumnRef = z.union([
  z.string().trim().min(1, 'A column name is required').max(200, 'A column name is at most 200 characters'),
  z.number().int().min(1, 'Columns are numbered from 1').max(CSV_MAX_COLUMNS, `At most ${CSV_MAX_COLUMNS} columns`),
]);

export const TEMPLATE_MAX_LENGTH = 2000;

const templateString = z
  .string()
  .min(1, 'A template is required')
  .max(TEMPLATE_MAX_LENGTH, `A template is at most ${TEMPLATE_MAX_LENGTH} characters`)
  .superRefine((t, ctx) => {
    const parsed = parseTemplate(t);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

/**
 * Where one value comes from: a column (by header, or 1-based number; a bare
 * string or number is a column too), a constant, or a template.
 */
export const BatchValueSource = z
  .union(
    [
      ColumnRef,
      z.object({ column: ColumnRef }).strict(),
      z
        .object({
          const: z.union([
            z.string().max(TEMPLATE_MAX_LENGTH, `A constant is at most ${TEMPLATE_MAX_LENGTH} characters`),
            z.number(),
            z.boolean(),
          ]),
        })
        .strict(),
      z.object({ template: templateString }).strict(),
    ],
    {
      error:
        'Give a column ("SKU", 2 or {"column": "SKU"}), a constant ({"const": "WPA"}) or a template ({"template": "https://shop.example/p/{column:SKU}"})',
    },
  )
  .meta({
    id: 'BatchValueSource',
    description:
      'A column by header or 1-based number (`"SKU"`, `2`, `{"column": "SKU"}`), a constant (`{"const": "WPA"}`, taken literally) or a template (`{"template": "https://shop.example/p/{column:SKU}?n={seq}"}`).',
  });
export type BatchValueSource = z.output<typeof BatchValueSource>;

/** Keys that make an object a value source, so never field paths (no schema has such a field). */
const SOURCE_KEYS = ['column', 'const', 'template'];

const FieldMap = z
  .record(
    z
      .string()
      .min(1)
      .max(100, 'A field path is at most 100 characters')
      .refine((k) => !SOURCE_KEYS.includes(k), 'column, const and template are not fields'),
    BatchValueSource,
  )
  .refine((m) => Object.keys(m).length <= 100, 'At most 100 fields');

/** One value source or fields: an object with column, const or template is meant as a value source. */
const ContentMapping = z.union([BatchValueSource, FieldMap], {
  error: (issue) => {
    const input = issue.input;
    const branches = (issue as { errors?: { message: string }[][] }).errors;
    if (input && typeof input === 'object' && Object.keys(input).some((k) => SOURCE_KEYS.includes(k))) {
      return branches?.[0]?.[0]?.message;
    }
    return 'Give one value source (a column, {"const": …} or {"template": …}), or an object from field paths to value sources';
  },
});

export const BatchMapping = z
  .object({
    content: ContentMapping.optional().meta({
      description:
        'QR batches. For url, text and phone one value source; for the other types an object from field paths ' +
        '(`ssid`, `address.city`, `phones.0.number`, `emails.1`) to value sources. Each row is checked with the ' +
        "type's own content schema.",
    }),
    value: BatchValueSource.optional().meta({
      description:
        'Barcode batches: the value. EAN/UPC numbers without a check digit get one; a wrong one is reported.',
    }),
    name: BatchValueSource.optional().meta({ description: 'Default: a name made from the content (or the value).' }),
    fileName: BatchValueSource.optional().meta({
      description:
        'Default: the name. Always made safe for every file system: a cell such as `../../x` cannot leave the output folder.',
    }),
    caption: BatchValueSource.optional().meta({ description: 'Text printed with the code (optional).' }),
    design: FieldMap.optional().meta({
      description:
        'QR batches: design fields per row, e.g. `{"foregroundColor": "Colour", "dotStyle": {"const": "dots"}}`; ' +
        'checked with the design schema over the base `design`.',
    }),
  })
  .strict()
  .meta({ id: 'BatchMapping' });
export type BatchMapping = z.output<typeof BatchMapping>;

export const SeqOptions = z
  .object({
    start: z.number().int().min(0).max(1e12).default(1),
    step: z.number().int().min(1).max(1_000_000).default(1),
    padding: z
      .number()
      .int()
      .min(0)
      .max(18)
      .default(0)
      .meta({ description: 'Zero-pad `{seq}` to this many digits (never cut).' }),
  })
  .strict()
  .meta({
    id: 'SeqOptions',
    description: 'Serial numbers: row n (1-based, every data row counted) gets start + (n - 1) × step.',
  });
export type SeqOptions = z.output<typeof SeqOptions>;

const specFields = {
  type: QrTypeSchema.optional().meta({ description: 'For QR batches: the type of every code.' }),
  barcodeFormat: BarcodeFormatSchema.optional().meta({ description: 'For barcode batches: the symbology.' }),
  mapping: BatchMapping,
  seq: SeqOptions.optional(),
  design: DesignInput.optional().meta({
    description: 'QR batches: the design of every code, under per-row overrides.',
  }),
  upcAsEan13: z
    .boolean()
    .optional()
    .meta({
      description:
        'EAN-13 batches: read 12-digit values as UPC-A numbers (GTIN-12) with their own check digit, encoded as EAN-13 ' +
        'with a leading 0. Default: 12 digits are the EAN-13 without its check digit, which is added.',
    }),
};

type SpecValue = z.output<z.ZodObject<typeof specFields>>;

/** The rules across fields: QR type or barcode format, and what goes with each. */
function checkSpec(v: SpecValue, ctx: z.RefinementCtx): void {
  const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (v.type === undefined && v.barcodeFormat === undefined) issue(['type'], 'Give a QR type or a barcodeFormat');
  if (v.type !== undefined && v.barcodeFormat !== undefined) {
    issue(['type'], 'Give a QR type or a barcodeFormat, not both');
    return;
  }
  if (v.type !== undefined) {
    if (v.mapping.content === undefined) issue(['mapping', 'content'], 'Map the content of the codes');
    if (v.mapping.value !== undefined) issue(['mapping', 'value'], 'value is for barcode batches; map content');
    if (v.upcAsEan13 !== undefined) issue(['upcAsEan13'], 'upcAsEan13 is for EAN-13 batches');
  }
  if (v.barcodeFormat !== undefined) {
    if (v.mapping.value === undefined) issue(['mapping', 'value'], 'Map the value of the barcodes');
    if (v.mapping.content !== undefined) issue(['mapping', 'content'], 'content is for QR batches; map value');
    if (v.mapping.design !== undefined) issue(['mapping', 'design'], 'Design overrides are for QR batches');
    if (v.design !== undefined) issue(['design'], 'A design is for QR batches');
    if (v.upcAsEan13 !== undefined && v.barcodeFormat !== 'EAN13') {
      issue(['upcAsEan13'], 'upcAsEan13 is for EAN-13 batches');
    }
  }
}

/** What a batch makes from a source: a QR type or barcode format, the mapping, numbering and base design. */
export const BatchSpec = z.object(specFields).strict().superRefine(checkSpec).meta({ id: 'BatchSpec' });
export type BatchSpec = z.output<typeof BatchSpec>;

export const BatchPreviewInput = z
  .object({
    sourceId: z.string().min(1).max(64).meta({ description: 'A source from POST /batch-sources.' }),
    ...specFields,
  })
  .strict()
  .superRefine(checkSpec)
  .meta({ id: 'BatchPreviewInput' });
export type BatchPreviewInput = z.output<typeof BatchPreviewInput>;

export const BatchReport = z
  .object({
    totalRows: z.number().int(),
    validRows: z.number().int(),
    invalidRows: z.number().int(),
    problemCount: z.number().int().meta({ description: 'All problems found, listed or not.' }),
    problems: z.array(BatchProblem).meta({ description: `The first ${REPORT_MAX_PROBLEMS} problems, in file order.` }),
    truncated: z.boolean().meta({ description: 'Whether problems were left out of the list.' }),
    messageCounts: z
      .array(z.object({ message: z.string(), count: z.number().int() }))
      .meta({ description: 'How often each message occurs (the 100 most frequent), for a summary.' }),
    warnings: z.array(z.string()).meta({ description: 'Things to check that do not make a row invalid.' }),
  })
  .meta({ id: 'BatchReport' });
export type BatchReport = z.output<typeof BatchReport>;

export const BatchPreviewRow = z
  .object({
    row: z.number().int(),
    line: z.number().int(),
    seq: z.string().meta({ description: 'The serial number of the row, padded as `{seq}` writes it.' }),
    valid: z.boolean(),
    payload: z.string().nullable().meta({ description: 'The exact text the symbol would encode; null when invalid.' }),
    content: z
      .unknown()
      .meta({ description: 'The checked content (QR) or completed value (barcode); null when invalid.' }),
    name: z.string().nullable(),
    fileName: z.string().nullable().meta({ description: 'Made safe for every file system; without extension.' }),
    caption: z.string().nullable(),
    design: DesignInput.nullable().meta({ description: 'QR batches: the base design with the row overrides.' }),
  })
  .meta({ id: 'BatchPreviewRow' });
export type BatchPreviewRow = z.output<typeof BatchPreviewRow>;

export const BatchPreview = z
  .object({
    sourceId: z.string(),
    report: BatchReport,
    rows: z.array(BatchPreviewRow).meta({ description: `The first ${PREVIEW_ROWS} rows as they would be made.` }),
  })
  .meta({ id: 'BatchPreview' });
export type BatchPreview = z.output<typeof BatchPreview>;

// ---------------------------------------------------------------------------
// Batch jobs

/** The most items a batch may carry inline in its request; more go in a CSV source. */
export const BATCH_INLINE_MAX = 1000;
/** The file formats a batch writes for each code. */
export const BATCH_FORMATS = ['svg', 'png', 'pdf', 'eps'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];
export const DEFAULT_FILE_NAME_PATTERN = '{seq:05}';
export const FILE_NAME_PATTERN_MAX = 200;
/** The file a label sheet gets inside a ZIP or an output folder that also holds the codes' own files. */
export const SHEET_FILE_NAME = 'labels.pdf';

export const BATCH_JOB_STATUSES = [
  'queued',
  'running',
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'interrupted',
] as const;
export type BatchJobStatus = (typeof BATCH_JOB_STATUSES)[number];
/** Statuses after which a job never changes again. */
export const FINISHED_STATUSES: readonly BatchJobStatus[] = [
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'interrupted',
];
/** Statuses whose result can be downloaded. */
export const DOWNLOADABLE_STATUSES: readonly BatchJobStatus[] = ['completed', 'completed_with_errors'];

export const BATCH_OUTPUT_KINDS = ['zip', 'sheet', 'folder'] as const;
export type BatchOutputKind = (typeof BATCH_OUTPUT_KINDS)[number];

export const BatchInlineItem = z
  .object({
    content: z
      .unknown()
      .optional()
      .meta({
        description:
          "QR batches: the content for the batch's type (a string for url, text and phone, else an object), checked " +
          "with the type's own rules; an item that fails is reported as a failed row, the others are made.",
        override: { $ref: '#/components/schemas/QrContent' },
      }),
    value: z
      .string()
      .max(BARCODE_VALUE_MAX, `A barcode value is at most ${BARCODE_VALUE_MAX} characters`)
      .optional()
      .meta({ description: 'Barcode batches: the value (a missing EAN/UPC check digit is added).' }),
    name: z.string().max(1000).optional().meta({ description: 'Default: a name made from the content.' }),
    fileName: z
      .string()
      .max(1000)
      .optional()
      .meta({ description: "This item's file name (made safe), instead of the batch's fileNamePattern." }),
    caption: z.string().max(1000).optional().meta({ description: 'Label sheets: the caption (default: the name).' }),
    design: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({
        description: "QR batches: design fields over the batch's design, checked per item.",
        override: { $ref: '#/components/schemas/DesignInput' },
      }),
  })
  .strict()
  .meta({ id: 'BatchInlineItem' });
export type BatchInlineItem = z.output<typeof BatchInlineItem>;

export const BatchSourceInput = z
  .object({
    sourceId: z.string().min(1).max(64).optional().meta({ description: 'A CSV uploaded with POST /batch-sources.' }),
    items: z
      .array(BatchInlineItem)
      .min(1, 'Give at least one item')
      .max(BATCH_INLINE_MAX, `At most ${BATCH_INLINE_MAX.toLocaleString('en-US')} inline items; upload a CSV for more`)
      .optional()
      .meta({ description: `Up to ${BATCH_INLINE_MAX.toLocaleString('en-US')} items given inline, instead of a CSV.` }),
  })
  .strict()
  .superRefine((s, ctx) => {
    if ((s.sourceId === undefined) === (s.items === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'Give a sourceId (an uploaded CSV) or items (inline), one of the two',
      });
    }
  })
  .meta({ id: 'BatchSourceInput' });

const patternString = z
  .string()
  .min(1, 'The file-name pattern is empty')
  .max(FILE_NAME_PATTERN_MAX, `The file-name pattern is at most ${FILE_NAME_PATTERN_MAX} characters`)
  .superRefine((t, ctx) => {
    const parsed = parseTemplate(t);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
  });

export const BatchOutputs = z
  .object({
    formats: z
      .array(z.enum(BATCH_FORMATS))
      .min(1, 'Give at least one format')
      .max(BATCH_FORMATS.length)
      .refine((f) => new Set(f).size === f.length, 'Formats must not repeat')
      .optional()
      .meta({ description: 'A file per code in each format. Required unless a sheet is asked for.' }),
    size: outputSizeFields.size,
    mm: outputSizeFields.mm,
    dpi: outputSizeFields.dpi,
    colorSpace: z
      .enum(['rgb', 'cmyk'])
      .default('rgb')
      .meta({ description: 'cmyk paints the PDF and EPS files with DeviceCMYK colours; SVG and PNG stay RGB.' }),
    fileNamePattern: patternString.optional().meta({
      description:
        `File names (without extension), default \`${DEFAULT_FILE_NAME_PATTERN}\`: \`{seq}\`, \`{seq:05}\`, \`{row}\`, ` +
        '`{name}`, `{column:Header}` and literal text. Every value is made safe for Windows, macOS and Linux ' +
        '(no separators, no reserved names such as CON), and repeats are numbered: "name (2)". Instead of ' +
        'mapping.fileName, not with it.',
    }),
    container: z.enum(['zip', 'folder']).default('zip').meta({
      description: 'zip: one archive to download. folder: files in a folder, for the command line only.',
    }),
    sheet: SheetOptions.optional().meta({
      description: `A label-sheet PDF of every code: alone it is the result (a PDF); with formats it goes in the ZIP as ${SHEET_FILE_NAME}.`,
    }),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (!o.formats && !o.sheet) {
      ctx.addIssue({ code: 'custom', path: ['formats'], message: 'Give formats, a sheet, or both' });
    }
    for (const format of o.formats ?? []) {
      const checked = OutputOptions.safeParse({
        format,
        size: o.size,
        mm: o.mm,
        dpi: o.dpi,
        colorSpace: format === 'pdf' || format === 'eps' ? o.colorSpace : 'rgb',
      });
      if (checked.success) continue;
      for (const issue of checked.error.issues) {
        if (issue.code !== 'custom') continue;
        // The same size rule for several formats is reported once.
        const message = issue.path[0] === 'mm' ? `${issue.message} (for ${format})` : issue.message;
        ctx.addIssue({ code: 'custom', path: issue.path, message });
      }
    }
    if (o.colorSpace === 'cmyk' && !(o.formats ?? []).some((f) => f === 'pdf' || f === 'eps')) {
      ctx.addIssue({
        code: 'custom',
        path: ['colorSpace'],
        message: 'cmyk is for pdf and eps files (a sheet has its own colorSpace)',
      });
    }
  })
  .meta({ id: 'BatchOutputs' });
export type BatchOutputs = z.output<typeof BatchOutputs>;

export const BatchLibraryOptions = z
  .object({
    tags: z
      .array(label(32, 'Tag'))
      .max(20, 'At most 20 tags')
      .refine((t) => new Set(t.map((x) => x.toLowerCase())).size === t.length, 'Tags must not repeat')
      .optional(),
    category: label(50, 'Category').optional(),
    folderId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .meta({ id: 'BatchLibraryOptions', description: 'Dynamic batches: where the new codes go in the library.' });

export const CreateBatchInput = z
  .object({
    source: BatchSourceInput,
    ...specFields,
    mapping: BatchMapping.optional().meta({ description: 'CSV sources: what each column feeds.' }),
    kind: z
      .enum(['static', 'dynamic'])
      .default('static')
      .meta({
        description:
          `static: each code holds its content. dynamic (QR types ${DYNAMIC_TYPES.join(', ')}): each row becomes a ` +
          'tracked code in the library and the symbol holds its short URL.',
      }),
    library: BatchLibraryOptions.optional(),
    barcodeStyle: BarcodeStyleInput.optional().meta({ description: 'Barcode batches: the look of every barcode.' }),
    outputs: BatchOutputs,
    verify: z
      .boolean()
      .default(true)
      .meta({ description: 'Decode every code after rendering; one that does not read back is a failed row.' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    if (v.source.sourceId !== undefined) {
      if (v.mapping === undefined) issue(['mapping'], 'Map the columns of the CSV');
      else checkSpec({ ...v, mapping: v.mapping }, ctx);
    } else {
      if (v.mapping !== undefined) issue(['mapping'], 'mapping is for CSV sources; inline items name their fields');
      if (v.type === undefined && v.barcodeFormat === undefined) issue(['type'], 'Give a QR type or a barcodeFormat');
      if (v.type !== undefined && v.barcodeFormat !== undefined)
        issue(['type'], 'Give a QR type or a barcodeFormat, not both');
      if (v.barcodeFormat !== undefined && v.design !== undefined) issue(['design'], 'A design is for QR batches');
      if (v.upcAsEan13 !== undefined && v.barcodeFormat !== 'EAN13')
        issue(['upcAsEan13'], 'upcAsEan13 is for EAN-13 batches');
    }
    if (v.kind === 'dynamic') {
      if (v.barcodeFormat !== undefined) issue(['kind'], 'Barcodes cannot be dynamic; dynamic batches make QR codes');
      else if (v.type !== undefined && !(DYNAMIC_TYPES as readonly string[]).includes(v.type)) {
        issue(['kind'], `Only ${DYNAMIC_TYPES.join(', ')} codes can be dynamic`);
      }
    } else if (v.library !== undefined) {
      issue(['library'], 'library is for dynamic batches (static codes are not kept in the library)');
    }
    if (v.barcodeStyle !== undefined && v.barcodeFormat === undefined) {
      issue(['barcodeStyle'], 'barcodeStyle is for barcode batches');
    }
    if (v.outputs.fileNamePattern !== undefined && v.mapping?.fileName !== undefined) {
      issue(['outputs', 'fileNamePattern'], 'Give outputs.fileNamePattern or mapping.fileName, not both');
    }
    if (v.source.items && v.outputs.fileNamePattern?.includes('{column:')) {
      issue(['outputs', 'fileNamePattern'], '{column:…} names a CSV column; inline items have none');
    }
  })
  .meta({ id: 'CreateBatchInput' });
export type CreateBatchInput = z.output<typeof CreateBatchInput>;
export type CreateBatchInputRaw = z.input<typeof CreateBatchInput>;

export const BatchJob = z
  .object({
    id: z.string(),
    status: z.enum(BATCH_JOB_STATUSES).meta({
      description:
        'queued → running → completed (every row made), completed_with_errors (some rows failed: see reportUrl), ' +
        'failed (the job itself failed, or no row could be made), cancelled, or interrupted (the server stopped ' +
        'while it ran; nothing of it is presented as complete).',
    }),
    kind: z.enum(['static', 'dynamic']),
    type: QrTypeSchema.nullable(),
    barcodeFormat: BarcodeFormatSchema.nullable(),
    sourceId: z.string().nullable().meta({ description: 'The CSV source; null for inline items.' }),
    output: z.enum(BATCH_OUTPUT_KINDS).meta({
      description: 'zip: a ZIP of files (and the sheet); sheet: one label-sheet PDF; folder: files on disk (CLI).',
    }),
    total: z.number().int().meta({ description: 'Rows in the source (or inline items).' }),
    processed: z.number().int().meta({ description: 'Rows done so far, made or failed.' }),
    failed: z.number().int().meta({ description: 'Rows that could not be made: invalid, unrenderable or unreadable.' }),
    eta: z
      .number()
      .nullable()
      .meta({ description: 'Seconds left, from the rate so far; null until known, 0 once complete.' }),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    error: z.string().nullable().meta({ description: 'Why the job failed or stopped.' }),
    downloadUrl: z.string().nullable().meta({ description: 'The result, once the job is complete; else null.' }),
    reportUrl: z.string().meta({ description: 'The failed rows as CSV (formula-safe), complete once finished.' }),
    eventsUrl: z.string().meta({ description: 'Progress as server-sent events.' }),
  })
  .meta({ id: 'BatchJob' });
export type BatchJob = z.output<typeof BatchJob>;

export const BatchJobPage = pageOf(BatchJob, 'BatchJobPage');

export const BatchProgressEvent = z
  .object({
    processed: z.number().int(),
    failed: z.number().int(),
    total: z.number().int(),
    eta: z.number().nullable(),
  })
  .meta({ id: 'BatchProgressEvent' });
export type BatchProgressEvent = z.output<typeof BatchProgressEvent>;
