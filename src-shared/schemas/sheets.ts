import { z } from 'zod';
import { HexColor } from './design';
import { line } from './text';

/**
 * Label sheets (issue 8, batch export): a page ruled into a grid of labels,
 * one code per label. Everything is in millimetres, measured from the top
 * left corner of the page, as label makers publish their templates.
 *
 * A template is the physical sheet: page size, label size, grid, margins and
 * the gaps between labels (horizontal pitch = label width + gapX). Options
 * say how codes go on it: caption, crop marks, bleed, the first free label of
 * a part-used sheet, proofing outlines, code size, padding and colour space.
 */

export const PAGE_SIZES = {
  A4: { widthMm: 210, heightMm: 297 },
  Letter: { widthMm: 215.9, heightMm: 279.4 },
} as const;
export type PageSizeName = keyof typeof PAGE_SIZES;

export const SHEET_LIMITS = {
  pageMm: { min: 20, max: 1500 },
  columns: 50,
  rows: 100,
  labelMm: { min: 5, max: 1500 },
  bleedMm: { min: 0, max: 5 },
  paddingMm: { min: 0, max: 50 },
  codeSizeMm: { min: 3, max: 1000 },
  captionSizeMm: { min: 1, max: 20 },
  /** The least room a caption placed right of the code may have. */
  captionMinWidthMm: 5,
  /** The least room the code itself may have in a label. */
  codeMinMm: 3,
} as const;

/** Slack for comparing sums of millimetre values written with two decimals. */
const EPSILON_MM = 1e-6;

export interface SheetTemplate {
  id: string;
  name: string;
  page: { widthMm: number; heightMm: number };
  columns: number;
  rows: number;
  labelWidthMm: number;
  labelHeightMm: number;
  /** Page top edge to the top edge of the first row. */
  marginTopMm: number;
  /** Page left edge to the left edge of the first column. */
  marginLeftMm: number;
  /** Between neighbouring labels in a row: horizontal pitch − label width. */
  gapXMm: number;
  /** Between neighbouring labels in a column: vertical pitch − label height. */
  gapYMm: number;
  /** Of the die-cut label's corners; used by proofing outlines. */
  cornerRadiusMm: number;
}

const INCH = 25.4;

/**
 * The built-in templates, with the manufacturer's published label size and
 * layout (margins, pitch). Sources, checked against each other:
 *
 * - Label size, count and grid: Avery's product data (L7160 63.5 × 38.1 mm
 *   21/sheet, L7163 99.1 × 38.1 mm 14/sheet, L7651 38.1 × 21.2 mm 65/sheet,
 *   5160 2⅝″ × 1″ 30/sheet, 5163 4″ × 2″ 10/sheet).
 * - Margins and pitches: LibreOffice's label catalogue,
 *   officecfg/registry/data/org/openoffice/Office/Labels.xcu (LibreOffice/core),
 *   which carries Avery's template data as "S;hpitch;vpitch;width;height;left;top;cols;rows"
 *   in 1/100 mm:
 *     L7160 Address  S;6604;3810;6350;3810;720;1515;3;7
 *     L7163 Address  S;10160;3810;9906;3810;467;1515;2;7
 *     L7651 Mini     S;4064;2117;3810;2117;467;1090;5;13
 *     8160 (5160 layout)  S;6985;2540;6668;2540;478;1270;3;10
 *     8163 (5163 layout)  S;10636;5080;10160;5080;396;1270;2;5
 *   and, for the US sheets, the Avery 5160/5163 rows of the sheet dimension
 *   table at gist.github.com/armadsen/5084458 (5160: top 0.5″, left 0.188″,
 *   horizontal gutter 0.125″), as Word's own Avery 5160 entry has them
 *   (top 0.5″, side 0.19″, pitch 2.75″ × 1″).
 * - L7651's vertical layout: Label Planet's LP65/38 template information
 *   (the same sheet as L7651): top and bottom margin 10.7 mm, left and right
 *   4.75 mm, vertical pitch 21.2 mm; (297 − 13 × 21.2) / 2 = 10.7. LibreOffice
 *   rounds the label to 21.17 mm and starts it at 10.9 mm, 0.2 mm lower at the
 *   top row and 0.16 mm at the last; we keep the published 21.2 mm.
 * - Corner radii: gLabels' templates (jimevins/glabels-qt,
 *   templates/avery-iso-templates.xml and avery-us-templates.xml): 5 pt for
 *   the A4 sheets, 1/16″ for 5160, 1/8″ for 5163.
 *
 * Where a published margin is rounded (L7160's 7.2 mm side margin), the value
 * that centres the grid on the page is used: (210 − 3 × 63.5 − 2 × 2.54) / 2 = 7.21.
 * The US sheets are exact inch fractions: 5160 left 3/16″, gap 1/8″;
 * 5163 left 5/32″, gap 3/16″.
 */
export const BUILT_IN_SHEET_TEMPLATES = [
  {
    id: 'avery-l7160',
    name: 'Avery L7160 (A4, 21 labels, 63.5 × 38.1 mm)',
    page: PAGE_SIZES.A4,
    columns: 3,
    rows: 7,
    labelWidthMm: 63.5,
    labelHeightMm: 38.1,
    marginTopMm: 15.15,
    marginLeftMm: 7.21,
    gapXMm: 2.54,
    gapYMm: 0,
    cornerRadiusMm: 1.76,
  },
  {
    id: 'avery-l7163',
    name: 'Avery L7163 (A4, 14 labels, 99.1 × 38.1 mm)',
    page: PAGE_SIZES.A4,
    columns: 2,
    rows: 7,
    labelWidthMm: 99.1,
    labelHeightMm: 38.1,
    marginTopMm: 15.15,
    marginLeftMm: 4.65,
    gapXMm: 2.5,
    gapYMm: 0,
    cornerRadiusMm: 1.76,
  },
  {
    id: 'avery-l7651',
    name: 'Avery L7651 (A4, 65 labels, 38.1 × 21.2 mm)',
    page: PAGE_SIZES.A4,
    columns: 5,
    rows: 13,
    labelWidthMm: 38.1,
    labelHeightMm: 21.2,
    marginTopMm: 10.7,
    marginLeftMm: 4.67,
    gapXMm: 2.54,
    gapYMm: 0,
    cornerRadiusMm: 1.76,
  },
  {
    id: 'avery-5160',
    name: 'Avery 5160 (Letter, 30 labels, 2⅝ × 1 in)',
    page: PAGE_SIZES.Letter,
    columns: 3,
    rows: 10,
    labelWidthMm: 2.625 * INCH,
    labelHeightMm: 1 * INCH,
    marginTopMm: 0.5 * INCH,
    marginLeftMm: (3 / 16) * INCH,
    gapXMm: (1 / 8) * INCH,
    gapYMm: 0,
    cornerRadiusMm: (1 / 16) * INCH,
  },
  {
    id: 'avery-5163',
    name: 'Avery 5163 (Letter, 10 labels, 4 × 2 in)',
    page: PAGE_SIZES.Letter,
    columns: 2,
    rows: 5,
    labelWidthMm: 4 * INCH,
    labelHeightMm: 2 * INCH,
    marginTopMm: 0.5 * INCH,
    marginLeftMm: (5 / 32) * INCH,
    gapXMm: (3 / 16) * INCH,
    gapYMm: 0,
    cornerRadiusMm: (1 / 8) * INCH,
  },
] as const satisfies readonly SheetTemplate[];

export const SHEET_TEMPLATE_IDS = BUILT_IN_SHEET_TEMPLATES.map((t) => t.id) as [
  (typeof BUILT_IN_SHEET_TEMPLATES)[number]['id'],
  ...(typeof BUILT_IN_SHEET_TEMPLATES)[number]['id'][],
];
export type SheetTemplateId = (typeof SHEET_TEMPLATE_IDS)[number];

const mm = (what: string, min: number, max: number) =>
  z
    .number({ error: `${what} must be a number of millimetres` })
    .refine(Number.isFinite, `${what} must be a finite number`)
    .refine((v) => v >= min, `${what} must be at least ${min} mm`)
    .refine((v) => v <= max, `${what} must be at most ${max} mm`);

const count = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max}`);

const PageDimensions = z
  .object({
    widthMm: mm('widthMm', SHEET_LIMITS.pageMm.min, SHEET_LIMITS.pageMm.max),
    heightMm: mm('heightMm', SHEET_LIMITS.pageMm.min, SHEET_LIMITS.pageMm.max),
  })
  .strict();

export const PageSize = z
  .union([z.enum(['A4', 'Letter']), PageDimensions], {
    error: (issue) => {
      const dims = PageDimensions.safeParse(issue.input);
      if (typeof issue.input === 'object' && issue.input !== null && !dims.success) {
        return dims.error.issues.map((i) => issueText(i)).join('; ');
      }
      return `page must be "A4", "Letter" or {widthMm, heightMm}, not ${JSON.stringify(issue.input)}`;
    },
  })
  .meta({ description: '"A4" (210 × 297 mm), "Letter" (215.9 × 279.4 mm) or a size in millimetres.' });

/** One issue as a line of text: "field is required" or "field: message". */
function issueText(i: z.core.$ZodIssue): string {
  const path = i.path.join('.');
  if (i.code === 'invalid_type' && i.input === undefined) return `${path} is required`;
  const last = String(i.path[i.path.length - 1] ?? '');
  // Field messages name their field already ("columns must be ..."): only the parents go in front.
  if (last && i.message.startsWith(last)) return [...i.path.slice(0, -1), i.message].join('.');
  return path ? `${path}: ${i.message}` : i.message;
}

/** Checks a template's grid against its page: every label on the page, none overlapping. */
export function templateProblems(t: Omit<SheetTemplate, 'id' | 'name'>): { path: string[]; message: string }[] {
  const problems: { path: string[]; message: string }[] = [];
  const usedWidth = t.marginLeftMm + t.columns * t.labelWidthMm + (t.columns - 1) * t.gapXMm;
  const usedHeight = t.marginTopMm + t.rows * t.labelHeightMm + (t.rows - 1) * t.gapYMm;
  if (usedWidth > t.page.widthMm + EPSILON_MM) {
    problems.push({
      path: ['columns'],
      message:
        `The grid does not fit the page width: margin ${round(t.marginLeftMm)} + ${t.columns} × ${round(t.labelWidthMm)} mm ` +
        `+ ${t.columns - 1} gaps × ${round(t.gapXMm)} mm = ${round(usedWidth)} mm, but the page is ${round(t.page.widthMm)} mm wide`,
    });
  }
  if (usedHeight > t.page.heightMm + EPSILON_MM) {
    problems.push({
      path: ['rows'],
      message:
        `The grid does not fit the page height: margin ${round(t.marginTopMm)} + ${t.rows} × ${round(t.labelHeightMm)} mm ` +
        `+ ${t.rows - 1} gaps × ${round(t.gapYMm)} mm = ${round(usedHeight)} mm, but the page is ${round(t.page.heightMm)} mm tall`,
    });
  }
  if (t.cornerRadiusMm > Math.min(t.labelWidthMm, t.labelHeightMm) / 2 + EPSILON_MM) {
    problems.push({
      path: ['cornerRadiusMm'],
      message: `cornerRadiusMm must be at most half the label's shorter side (${round(Math.min(t.labelWidthMm, t.labelHeightMm) / 2)} mm)`,
    });
  }
  return problems;
}

const round = (v: number) => Math.round(v * 100) / 100;

/** A grid of the user's own: any page, any label size, as long as it fits. */
export const CustomSheetGrid = z
  .object({
    name: line('Template name', 100).optional(),
    page: PageSize,
    columns: count('columns', SHEET_LIMITS.columns),
    rows: count('rows', SHEET_LIMITS.rows),
    labelWidthMm: mm('labelWidthMm', SHEET_LIMITS.labelMm.min, SHEET_LIMITS.labelMm.max),
    labelHeightMm: mm('labelHeightMm', SHEET_LIMITS.labelMm.min, SHEET_LIMITS.labelMm.max),
    marginTopMm: mm('marginTopMm', 0, SHEET_LIMITS.pageMm.max),
    marginLeftMm: mm('marginLeftMm', 0, SHEET_LIMITS.pageMm.max),
    // A negative gap would make neighbouring labels overlap.
    gapXMm: mm('gapXMm', 0, SHEET_LIMITS.pageMm.max)
      .default(0)
      .meta({ description: 'Horizontal pitch − label width; 0 or more, as labels may not overlap.' }),
    gapYMm: mm('gapYMm', 0, SHEET_LIMITS.pageMm.max)
      .default(0)
      .meta({ description: 'Vertical pitch − label height; 0 or more, as labels may not overlap.' }),
    cornerRadiusMm: mm('cornerRadiusMm', 0, SHEET_LIMITS.labelMm.max / 2).default(0),
  })
  .strict()
  .superRefine((grid, ctx) => {
    for (const p of templateProblems({ ...grid, page: pageOf(grid.page) })) {
      ctx.addIssue({ code: 'custom', path: p.path, message: p.message });
    }
  })
  .meta({ id: 'CustomSheetGrid', description: 'A label grid of your own, in millimetres.' });
export type CustomSheetGrid = z.output<typeof CustomSheetGrid>;

const pageOf = (page: CustomSheetGrid['page']) => (typeof page === 'string' ? PAGE_SIZES[page] : page);

const templateList = SHEET_TEMPLATE_IDS.join(', ');

/** A built-in template by id, or a custom grid. */
export const SheetTemplateRef = z
  .union(
    [
      z.string().refine((id) => (SHEET_TEMPLATE_IDS as readonly string[]).includes(id), {
        error: (issue) => `Unknown sheet template ${JSON.stringify(issue.input)}; use one of ${templateList}`,
      }),
      CustomSheetGrid,
    ],
    {
      // Both branches failed: say what a custom grid lacks rather than "Invalid input".
      error: (issue) => {
        const input = issue.input;
        if (typeof input !== 'object' || input === null || Array.isArray(input)) {
          return `template must be a built-in template id (${templateList}) or a custom grid object`;
        }
        const grid = CustomSheetGrid.safeParse(input);
        const details = grid.success ? [] : grid.error.issues.map(issueText);
        return `Invalid custom grid: ${details.join('; ') || 'not a grid'}`;
      },
    },
  )
  .meta({ description: `A built-in template id (${templateList}) or a custom grid.` });
export type SheetTemplateRef = z.output<typeof SheetTemplateRef>;

/** The template a reference names; throws on an unknown id (parse options first). */
export function sheetTemplate(ref: SheetTemplateRef): SheetTemplate {
  if (typeof ref === 'string') {
    const found = BUILT_IN_SHEET_TEMPLATES.find((t) => t.id === ref);
    if (!found) throw new Error(`Unknown sheet template ${JSON.stringify(ref)}; use one of ${templateList}`);
    return found;
  }
  return {
    id: 'custom',
    name: ref.name ?? 'Custom grid',
    page: pageOf(ref.page),
    columns: ref.columns,
    rows: ref.rows,
    labelWidthMm: ref.labelWidthMm,
    labelHeightMm: ref.labelHeightMm,
    marginTopMm: ref.marginTopMm,
    marginLeftMm: ref.marginLeftMm,
    gapXMm: ref.gapXMm,
    gapYMm: ref.gapYMm,
    cornerRadiusMm: ref.cornerRadiusMm,
  };
}

export const CAPTION_POSITIONS = ['none', 'below', 'above', 'right'] as const;
export type CaptionPosition = (typeof CAPTION_POSITIONS)[number];

export const SheetOptions = z
  .object({
    template: SheetTemplateRef,
    caption: z
      .union([z.boolean(), z.enum(CAPTION_POSITIONS)], {
        error: `caption must be true, false or one of ${CAPTION_POSITIONS.join(', ')}`,
      })
      .default(false)
      .transform((v): CaptionPosition => (v === true ? 'below' : v === false ? 'none' : v))
      .meta({ description: 'A caption line under (true, "below"), over or right of each code; false = none.' }),
    captionSizeMm: mm('captionSizeMm', SHEET_LIMITS.captionSizeMm.min, SHEET_LIMITS.captionSizeMm.max)
      .optional()
      .meta({ description: 'Caption font size (em) in mm; default 14 % of the label height, 1.8 to 4 mm.' }),
    captionColor: HexColor.default('#000000'),
    cropMarks: z
      .boolean({ error: 'cropMarks must be true or false' })
      .default(false)
      .meta({ description: 'Cut marks in the page margins, in line with every label edge.' }),
    bleedMm: mm('bleedMm', SHEET_LIMITS.bleedMm.min, SHEET_LIMITS.bleedMm.max)
      .default(0)
      .meta({
        description:
          "Above 0, each code's background fills its whole label and runs this far past the edges " +
          '(never more than halfway to a neighbouring label, nor off the page). A code without a background ' +
          '(transparentBackground) leaves its label as it is.',
      }),
    startPosition: z
      .number({ error: 'startPosition must be a whole number' })
      .int('startPosition must be a whole number')
      .min(1, 'startPosition counts labels from 1 (the top left label)')
      .default(1)
      .meta({ description: 'The first free label of a part-used first sheet, from 1, left to right then down.' }),
    outlines: z
      .boolean({ error: 'outlines must be true or false' })
      .default(false)
      .meta({ description: 'Thin grey label outlines, for proofing on plain paper.' }),
    codeSizeMm: mm('codeSizeMm', SHEET_LIMITS.codeSizeMm.min, SHEET_LIMITS.codeSizeMm.max)
      .optional()
      .meta({ description: "The code's longer side; default as large as the label allows (QR codes stay square)." }),
    paddingMm: mm('paddingMm', SHEET_LIMITS.paddingMm.min, SHEET_LIMITS.paddingMm.max)
      .default(1.5)
      .meta({ description: 'Space kept clear inside each label edge.' }),
    colorSpace: z.enum(['rgb', 'cmyk'], { error: 'colorSpace must be "rgb" or "cmyk"' }).default('rgb'),
    title: line('Title', 200).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    // Checks across fields need every field valid; each field's own message says what is wrong with it.
    const fields = [o.paddingMm, o.captionSizeMm ?? 1, o.codeSizeMm ?? 1, o.startPosition];
    if (!SheetTemplateRef.safeParse(o.template).success || !fields.every((v) => typeof v === 'number')) return;
    const t = sheetTemplate(o.template);
    const perSheet = t.columns * t.rows;
    if (o.startPosition > perSheet) {
      ctx.addIssue({
        code: 'custom',
        path: ['startPosition'],
        message: `startPosition must be between 1 and ${perSheet}: ${t.name} has ${perSheet} labels`,
      });
    }
    for (const p of labelAreaProblems(t, o)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  })
  .meta({ id: 'SheetOptions' });
export type SheetOptions = z.output<typeof SheetOptions>;
export type SheetOptionsInput = z.input<typeof SheetOptions>;

/** A rectangle in mm, from the top left. */
export interface RectMm {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LabelAreas {
  /** The label less its padding, relative to the label's top left corner. */
  inner: RectMm;
  /** Where the code may go. */
  code: RectMm;
  /** The caption's font size (em) in mm; 0 without a caption. */
  captionSizeMm: number;
  /** Height of the caption line (below/above) or width of the caption column (right). */
  captionBandMm: number;
}

/** Line height of a caption, in ems. */
export const CAPTION_LINE = 1.3;

/**
 * The areas inside one label (relative to its top left corner): the padded
 * inner box, and of that what the code may fill, the caption taking a line
 * below or above it, or a column right of a square code area.
 */
export function labelAreas(
  t: Pick<SheetTemplate, 'labelWidthMm' | 'labelHeightMm'>,
  o: Pick<SheetOptions, 'paddingMm' | 'caption' | 'captionSizeMm'>,
): LabelAreas {
  const inner = {
    x: o.paddingMm,
    y: o.paddingMm,
    width: t.labelWidthMm - 2 * o.paddingMm,
    height: t.labelHeightMm - 2 * o.paddingMm,
  };
  if (o.caption === 'none') return { inner, code: inner, captionSizeMm: 0, captionBandMm: 0 };
  const size = o.captionSizeMm ?? Math.min(4, Math.max(1.8, Math.round(inner.height * 14) / 100));
  if (o.caption === 'right') {
    // A square code area at the left, as tall as the label allows; the caption takes what is left.
    const side = Math.min(inner.height, inner.width - SHEET_LIMITS.captionMinWidthMm - o.paddingMm);
    return {
      inner,
      code: { x: inner.x, y: inner.y, width: side, height: inner.height },
      captionSizeMm: size,
      captionBandMm: inner.width - side - o.paddingMm,
    };
  }
  const band = size * CAPTION_LINE;
  const y = o.caption === 'above' ? inner.y + band : inner.y;
  return {
    inner,
    code: { x: inner.x, y, width: inner.width, height: inner.height - band },
    captionSizeMm: size,
    captionBandMm: band,
  };
}

function labelAreaProblems(t: SheetTemplate, o: SheetOptions): { path: string; message: string }[] {
  const label = `${round(t.labelWidthMm)} × ${round(t.labelHeightMm)} mm`;
  const minCode = SHEET_LIMITS.codeMinMm;
  if (2 * o.paddingMm + minCode > Math.min(t.labelWidthMm, t.labelHeightMm)) {
    return [
      {
        path: 'paddingMm',
        message: `paddingMm ${round(o.paddingMm)} leaves no room for a code on a ${label} label (at most ${round((Math.min(t.labelWidthMm, t.labelHeightMm) - minCode) / 2)} mm)`,
      },
    ];
  }
  const areas = labelAreas(t, o);
  const problems: { path: string; message: string }[] = [];
  if (o.caption === 'right' && areas.code.width < minCode) {
    problems.push({
      path: 'caption',
      message: `A caption right of the code needs ${SHEET_LIMITS.captionMinWidthMm} mm beside it; a ${label} label has no room for both`,
    });
  } else if (areas.code.height < minCode || areas.code.width < minCode) {
    problems.push({
      path: o.captionSizeMm !== undefined ? 'captionSizeMm' : 'caption',
      message: `A ${round(areas.captionSizeMm)} mm caption leaves no room for the code on a ${label} label`,
    });
  }
  if (o.codeSizeMm !== undefined && problems.length === 0) {
    const room = Math.max(areas.code.width, areas.code.height);
    if (o.codeSizeMm > room + EPSILON_MM) {
      problems.push({
        path: 'codeSizeMm',
        message: `codeSizeMm ${round(o.codeSizeMm)} does not fit: a ${label} label has ${round(areas.code.width)} × ${round(areas.code.height)} mm for the code`,
      });
    }
  }
  return problems;
}
