import type { BatchMapping, BatchValueSource, CreateBatchInputRaw } from '../../../../src-shared/schemas/batches';
import type { DesignInput } from '../../../../src-shared/schemas/design';
import { CustomSheetGrid, type SheetOptionsInput } from '../../../../src-shared/schemas/sheets';
import type { BatchPreviewRequest } from '../../api/batches';
import { CONTENT_FIELDS } from './fields';
import type { LocalProblem, MappingForm, OutputsForm, ValueSpec, useBatchWizard } from './store';

type State = ReturnType<typeof useBatchWizard.getState>;

/**
 * From the wizard's form state to the API's request bodies (the same mapping
 * the CLI builds from --map), with the checks that can be made before asking
 * the server: nothing mapped, no output chosen, a number that is not one.
 */

/** A column as the API names it: its header when that is unique and non-empty, else its 1-based number. */
export function columnRef(headers: readonly string[] | null, index: number): string | number {
  const header = headers?.[index]?.trim();
  if (header && headers!.filter((h) => h.trim() === header).length === 1) return header;
  return index + 1;
}

/** The label of a column in menus: its header, or "Column 3". */
export function columnLabel(headers: readonly string[] | null, index: number, fallback: (n: number) => string): string {
  const header = headers?.[index]?.trim();
  return header ? header : fallback(index + 1);
}

class Checks {
  readonly problems: LocalProblem[] = [];

  add(path: string, key: string, message?: string): void {
    if (!this.problems.some((p) => p.path === path)) this.problems.push({ path, key, message });
  }

  /** A number from a text field (a decimal comma is fine); undefined when blank and optional. */
  number(raw: string, path: string, { integer = false, optional = false } = {}): number | undefined {
    const text = raw.trim().replace(',', '.');
    if (text === '') {
      if (!optional) this.add(path, 'required');
      return undefined;
    }
    const value = Number(text);
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.add(path, integer ? 'wholeNumber' : 'number');
      return undefined;
    }
    return value;
  }
}

function valueSource(
  spec: ValueSpec | undefined,
  headers: readonly string[] | null,
  path: string,
  checks: Checks,
): BatchValueSource | undefined {
  if (!spec || spec.mode === 'none') return undefined;
  if (spec.mode === 'column') return columnRef(headers, spec.column);
  if (spec.mode === 'const') return { const: spec.text };
  if (spec.text.trim() === '') checks.add(path, 'emptyTemplate');
  return { template: spec.text };
}

function buildMapping(m: MappingForm, headers: readonly string[] | null, checks: Checks): BatchMapping {
  const mapping: BatchMapping = {};
  if (m.mode === 'barcode') {
    mapping.value = valueSource(m.value, headers, 'mapping.value', checks);
    if (!mapping.value) checks.add('mapping.value', 'mapValue');
  } else {
    const fields = CONTENT_FIELDS[m.type];
    if (fields.length === 1 && fields[0]!.path === '') {
      mapping.content = valueSource(m.content[''], headers, 'mapping.content', checks);
      if (!mapping.content) checks.add('mapping.content', 'mapContent');
    } else {
      const content: Record<string, BatchValueSource> = {};
      for (const field of fields) {
        const source = valueSource(m.content[field.path], headers, `mapping.content.${field.path}`, checks);
        if (source !== undefined) content[field.path] = source;
        else if (field.required) checks.add(`mapping.content.${field.path}`, 'requiredField');
      }
      if (Object.keys(content).length === 0) checks.add('mapping.content', 'mapContent');
      mapping.content = content;
    }
    if (m.designOverrides.length) {
      mapping.design = {};
      for (const o of m.designOverrides) mapping.design[o.field] = columnRef(headers, o.column);
    }
  }
  const name = valueSource(m.name, headers, 'mapping.name', checks);
  if (name !== undefined) mapping.name = name;
  const caption = valueSource(m.caption, headers, 'mapping.caption', checks);
  if (caption !== undefined) mapping.caption = caption;
  return mapping;
}

function buildSeq(m: MappingForm, checks: Checks) {
  return {
    start: checks.number(m.seqStart, 'seq.start', { integer: true }),
    step: checks.number(m.seqStep, 'seq.step', { integer: true }),
    padding: checks.number(m.seqPadding, 'seq.padding', { integer: true }),
  };
}

/** The base design of a QR batch: a saved code's whole design, or the basics chosen here. */
export function baseDesign(state: State, checks = new Checks()): DesignInput {
  const d = state.design;
  if (d.saved) return d.saved.design;
  return {
    foregroundColor: d.foregroundColor.toUpperCase(),
    backgroundColor: d.backgroundColor.toUpperCase(),
    dotStyle: d.dotStyle,
    cornerSquareStyle: d.cornerSquareStyle,
    cornerDotStyle: d.cornerDotStyle,
    errorCorrection: d.errorCorrection,
    margin: checks.number(d.margin, 'design.margin', { integer: true }),
  };
}

/** The preview request, with the file-name pattern as the mapping's file name so the names shown are the real ones. */
export function previewRequest(state: State): { body: BatchPreviewRequest | null; problems: LocalProblem[] } {
  const checks = new Checks();
  const source = state.source;
  if (!source) {
    checks.add('source', 'noSource');
    return { body: null, problems: checks.problems };
  }
  const m = state.mapping;
  const mapping = buildMapping(m, source.headers, checks);
  if (m.fileNamePattern.trim() === '') checks.add('outputs.fileNamePattern', 'emptyPattern');
  else mapping.fileName = { template: m.fileNamePattern };
  const seq = buildSeq(m, checks);
  const body: BatchPreviewRequest =
    m.mode === 'qr'
      ? // The design is checked when the batch starts (its fields are on the outputs step).
        { sourceId: source.id, type: m.type, mapping, seq, design: baseDesign(state) }
      : {
          sourceId: source.id,
          barcodeFormat: m.barcodeFormat,
          mapping,
          seq,
          ...(m.barcodeFormat === 'EAN13' && m.upcAsEan13 ? { upcAsEan13: true } : {}),
        };
  return { body: checks.problems.length ? null : body, problems: checks.problems };
}

/** What decides the preview's rows, the base design left out (it only changes the thumbnails). */
export function mappingKey(state: State): string {
  const { body } = previewRequest(state);
  if (!body) return '';
  return JSON.stringify({ ...body, design: undefined });
}

function sheetOptions(o: OutputsForm, checks: Checks): SheetOptionsInput {
  let template: SheetOptionsInput['template'] = o.template;
  if (o.template === 'custom') {
    const c = o.custom;
    const at = (field: string) => `outputs.sheet.template.${field}`;
    const grid = {
      page:
        c.page === 'custom'
          ? {
              widthMm: checks.number(c.pageWidthMm, at('page.widthMm')),
              heightMm: checks.number(c.pageHeightMm, at('page.heightMm')),
            }
          : c.page,
      columns: checks.number(c.columns, at('columns'), { integer: true }),
      rows: checks.number(c.rows, at('rows'), { integer: true }),
      labelWidthMm: checks.number(c.labelWidthMm, at('labelWidthMm')),
      labelHeightMm: checks.number(c.labelHeightMm, at('labelHeightMm')),
      marginTopMm: checks.number(c.marginTopMm, at('marginTopMm')),
      marginLeftMm: checks.number(c.marginLeftMm, at('marginLeftMm')),
      gapXMm: checks.number(c.gapXMm, at('gapXMm')),
      gapYMm: checks.number(c.gapYMm, at('gapYMm')),
      cornerRadiusMm: checks.number(c.cornerRadiusMm, at('cornerRadiusMm')),
    };
    if (checks.problems.length === 0) {
      // The shared schema's own rules (limits, and that the grid fits its page), by field.
      const parsed = CustomSheetGrid.safeParse(grid);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) checks.add(at(issue.path.join('.')), 'server', issue.message);
      }
    }
    template = grid as SheetOptionsInput['template'];
  }
  return {
    template,
    caption: o.caption,
    ...(o.caption !== 'none' && o.captionSizeMm.trim()
      ? { captionSizeMm: checks.number(o.captionSizeMm, 'outputs.sheet.captionSizeMm') }
      : {}),
    cropMarks: o.cropMarks,
    bleedMm: checks.number(o.bleedMm, 'outputs.sheet.bleedMm'),
    startPosition: checks.number(o.startPosition, 'outputs.sheet.startPosition', { integer: true }),
    outlines: o.outlines,
    paddingMm: checks.number(o.paddingMm, 'outputs.sheet.paddingMm'),
    ...(o.codeSizeMm.trim() ? { codeSizeMm: checks.number(o.codeSizeMm, 'outputs.sheet.codeSizeMm') } : {}),
    colorSpace: o.sheetColorSpace,
    ...(o.title.trim() ? { title: o.title.trim() } : {}),
  };
}

/** The request that starts the batch, or the problems that stop it. */
export function createRequest(state: State): { body: CreateBatchInputRaw | null; problems: LocalProblem[] } {
  const checks = new Checks();
  const source = state.source;
  if (!source) {
    checks.add('source', 'noSource');
    return { body: null, problems: checks.problems };
  }
  const m = state.mapping;
  const o = state.outputs;
  const mapping = buildMapping(m, source.headers, checks);
  if (m.fileNamePattern.trim() === '') checks.add('outputs.fileNamePattern', 'emptyPattern');
  const seq = buildSeq(m, checks);
  if (o.formats.length === 0 && !o.sheet) checks.add('outputs.formats', 'noOutput');
  const vector = o.formats.some((f) => f === 'pdf' || f === 'eps');
  const raster = o.formats.includes('png');
  const size: { size?: number; mm?: number; dpi?: number } = {};
  if (o.formats.length) {
    if (o.sizeMode === 'px') size.size = checks.number(o.size, 'outputs.size', { integer: true });
    else {
      size.mm = checks.number(o.mm, 'outputs.mm');
      if (raster) size.dpi = checks.number(o.dpi, 'outputs.dpi', { integer: true });
    }
  }
  const body: CreateBatchInputRaw = {
    source: { sourceId: source.id },
    kind: m.mode === 'qr' ? m.kind : 'static',
    mapping,
    seq,
    ...(m.mode === 'qr'
      ? { type: m.type, design: baseDesign(state, checks) }
      : {
          barcodeFormat: m.barcodeFormat,
          ...(m.barcodeFormat === 'EAN13' && m.upcAsEan13 ? { upcAsEan13: true } : {}),
          barcodeStyle: {
            barColor: state.barcodeStyle.barColor.toUpperCase(),
            backgroundColor: state.barcodeStyle.backgroundColor.toUpperCase(),
            showText: state.barcodeStyle.showText,
          },
        }),
    outputs: {
      ...(o.formats.length ? { formats: o.formats } : {}),
      ...size,
      colorSpace: vector ? o.colorSpace : 'rgb',
      fileNamePattern: m.fileNamePattern,
      container: 'zip',
      ...(o.sheet ? { sheet: sheetOptions(o, checks) } : {}),
    },
    verify: o.verify,
  };
  return { body: checks.problems.length ? null : body, problems: checks.problems };
}

/** Which step a field path belongs to, to show a refusal where it can be fixed. */
export function stepOfPath(path: string): 'upload' | 'mapping' | 'preview' | 'outputs' {
  if (path === 'source' || path.startsWith('source.') || path === 'sourceId') return 'upload';
  if (path.startsWith('rows.')) return 'preview';
  if (
    path.startsWith('outputs.') ||
    path.startsWith('design') ||
    path.startsWith('barcodeStyle') ||
    path === 'verify'
  ) {
    return path === 'outputs.fileNamePattern' ? 'mapping' : 'outputs';
  }
  return 'mapping';
}

export { Checks };
