import type { z } from 'zod';
import { checkBarcodeValue, type BarcodeFormat } from '../../../src-shared/barcodes';
import { fileNameFor } from '../../../src-shared/batch/file-names';
import { safeFileName } from '../../../src-shared/file-names';
import { encodePayload } from '../../../src-shared/payloads';
import { payloadCapacityProblem } from '../../../src-shared/qr-capacity';
import {
  parseTemplate,
  TEMPLATE_TOKEN,
  type BatchProblem,
  type BatchSpec,
  type BatchValueSource,
  type SeqOptions,
  type TemplatePart,
} from '../../../src-shared/schemas/batches';
import { CONTENT_SCHEMAS, type ContentOf, type QrType } from '../../../src-shared/schemas/content';
import { DEFAULT_DESIGN, DesignInput } from '../../../src-shared/schemas/design';
import { label, line } from '../../../src-shared/schemas/text';
import type { ErrorDetail } from '../../../src-shared/errors';
import { AppError } from '../../errors';
import { defaultName } from '../../services/qrcodes';
import type { CsvRow } from './read';

/**
 * From a mapping and a CSV row to a checked batch item: content built field by
 * field from columns, constants and templates, coerced to the field's type
 * (numbers, booleans, enum spellings) and then checked by the type's own
 * content schema, CONTENT_SCHEMAS (or the barcode validator): the one
 * validation path, as for a single code made through the API. Each problem is
 * traced back to the CSV column that fed the field.
 */

// ---------------------------------------------------------------------------
// What a schema's fields are, read from the zod schema itself

type LeafKind = 'string' | 'number' | 'boolean' | 'enum';

interface Leaf {
  kind: LeafKind;
  /** Enum values. */
  options: readonly string[];
  /** Required with every parent required and no array on the way: every row must have it. */
  alwaysRequired: boolean;
}

interface FieldTable {
  /** Leaf paths with `*` for array items: `ssid`, `address.city`, `phones.*.number`, `emails.*`. */
  leaves: Map<string, Leaf>;
  /** Array paths and their most items. */
  arrays: Map<string, number>;
}

interface ZodInternals {
  _zod: {
    def: {
      type: string;
      innerType?: ZodInternals;
      in?: ZodInternals;
      shape?: Record<string, ZodInternals>;
      element?: ZodInternals;
      entries?: Record<string, string>;
      values?: unknown[];
      checks?: { _zod: { def: { check: string; maximum?: number } } }[];
    };
  };
}

function buildTable(schema: z.ZodType): FieldTable {
  const table: FieldTable = { leaves: new Map(), arrays: new Map() };
  const walk = (node: ZodInternals, path: string, required: boolean) => {
    const def = node._zod.def;
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'nullable':
        return walk(def.innerType!, path, false);
      case 'pipe':
        return walk(def.in!, path, required);
      case 'object':
        for (const [key, child] of Object.entries(def.shape!)) walk(child, path ? `${path}.${key}` : key, required);
        return;
      case 'array': {
        const max = def.checks?.find((c) => c._zod.def.check === 'max_length')?._zod.def.maximum ?? 10;
        table.arrays.set(path, max);
        return walk(def.element!, `${path}.*`, false);
      }
      case 'string':
      case 'number':
      case 'boolean':
        table.leaves.set(path, { kind: def.type, options: [], alwaysRequired: required });
        return;
      case 'enum':
        table.leaves.set(path, { kind: 'enum', options: Object.values(def.entries!), alwaysRequired: required });
        return;
      case 'literal':
        table.leaves.set(path, { kind: 'enum', options: def.values!.map(String), alwaysRequired: required });
        return;
    }
  };
  walk(schema as unknown as ZodInternals, '', true);
  return table;
}

const tables = new Map<z.ZodType, FieldTable>();
function tableOf(schema: z.ZodType): FieldTable {
  let table = tables.get(schema);
  if (!table) tables.set(schema, (table = buildTable(schema)));
  return table;
}

// ---------------------------------------------------------------------------
// Compiled mapping

type Raw = string | number | boolean;

interface RowContext {
  cells: readonly string[];
  row: number;
  seq: number;
  seqText: string;
  name: string;
}

export interface Source {
  /** 0-based columns it reads, in order. */
  columns: number[];
  read(ctx: RowContext): Raw;
  /** The template, for file names (filled by fileNameFor, as the export does). */
  template?: { pattern: string; columns: [string, number][] };
}

interface Field {
  /** As written in the mapping, e.g. `phones.0.number`. */
  key: string;
  path: (string | number)[];
  leaf: Leaf;
  source: Source;
}

export interface CompiledBatch {
  kind: 'qr' | 'barcode';
  type: QrType | null;
  format: BarcodeFormat | null;
  /** String content types: one source. */
  whole: Source | null;
  /** Object content types: one source per field. */
  fields: Field[];
  value: Source | null;
  name: Source | null;
  fileName: Source | null;
  caption: Source | null;
  design: Field[];
  baseDesign: DesignInput | null;
  seq: SeqOptions;
  upcAsEan13: boolean;
  headers: readonly string[] | null;
  columnCount: number;
}

export interface BatchItem {
  row: number;
  line: number;
  seq: number;
  /** The serial number as `{seq}` writes it (padded). */
  seqText: string;
  kind: 'qr' | 'barcode';
  type: QrType | null;
  format: BarcodeFormat | null;
  /** QR: the checked content (defaults applied); barcode: the value with its check digit. */
  content: unknown;
  /** The exact text encoded. */
  payload: string;
  name: string;
  /** Safe for every file system, without extension. */
  fileName: string;
  caption: string | null;
  /** QR: the base design with the row's overrides. */
  design: DesignInput | null;
}

export type RowOutcome =
  { ok: true; item: BatchItem } | { ok: false; row: number; line: number; seqText: string; problems: BatchProblem[] };

const DEFAULT_SEQ: SeqOptions = { start: 1, step: 1, padding: 0 };

export const formatSeq = (n: number, padding: number): string => String(n).padStart(padding, '0');

/** The serial number of a data row (1-based). */
export const seqOf = (compiled: Pick<CompiledBatch, 'seq'>, row: number): number =>
  compiled.seq.start + (row - 1) * compiled.seq.step;

/** What a value source gives for a row, as buildRow reads it. */
export function readSource(compiled: CompiledBatch, source: Source, row: CsvRow): Raw {
  const seq = seqOf(compiled, row.row);
  return source.read({ cells: row.cells, row: row.row, seq, seqText: formatSeq(seq, compiled.seq.padding), name: '' });
}

const padded = (value: string, pad: number | null) =>
  pad !== null && /^\d+$/.test(value) ? value.padStart(pad, '0') : value;

const shown = (s: string) => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

const isValueSource = (v: unknown): v is BatchValueSource => {
  if (typeof v === 'string' || typeof v === 'number') return true;
  if (!v || typeof v !== 'object') return false;
  const keys = Object.keys(v);
  return keys.length === 1 && ['column', 'const', 'template'].includes(keys[0]!);
};

/** Compiles a spec against a source's columns; mapping mistakes are one 400 listing them all. */
export function compileBatch(
  spec: BatchSpec,
  source: { headers: readonly string[] | null; columnCount: number },
): CompiledBatch {
  const details: ErrorDetail[] = [];
  const fail = (path: string, message: string) => {
    details.push({ path, message });
    return null;
  };
  const { headers, columnCount } = source;

  const resolveColumn = (ref: string | number, path: string): number | null => {
    if (typeof ref === 'number') {
      if (ref < 1) return fail(path, 'Columns are numbered from 1');
      if (ref > columnCount) {
        return fail(
          path,
          `Column ${ref} does not exist: the file has ${columnCount} column${columnCount === 1 ? '' : 's'}`,
        );
      }
      return ref - 1;
    }
    const name = ref.trim();
    if (headers) {
      const exact = headers.flatMap((h, i) => (h === name ? [i] : []));
      if (exact.length > 1)
        return fail(path, `Column "${name}" appears ${exact.length} times in the header: use its number`);
      if (exact.length === 1) return exact[0]!;
      const folded = headers.flatMap((h, i) => (h.toLowerCase() === name.toLowerCase() ? [i] : []));
      if (folded.length === 1) return folded[0]!;
    }
    if (/^\d+$/.test(name)) return resolveColumn(Number(name), path);
    if (!headers) {
      return fail(path, `The file has no header row: refer to columns by number (1-${columnCount})`);
    }
    const list =
      headers
        .slice(0, 20)
        .map((h) => `"${h}"`)
        .join(', ') + (headers.length > 20 ? ', …' : '');
    return fail(path, `No column "${name.slice(0, 100)}" in the file; its columns are ${list}`);
  };

  const compileTemplate = (template: string, path: string, allowName: boolean): Source | null => {
    const parsed = parseTemplate(template, { allowName });
    if (!parsed.ok) return fail(path, parsed.message);
    // Each column named once, so a missing one is reported once.
    const resolved = new Map<string, number | null>();
    const column = (name: string) => {
      if (!resolved.has(name)) resolved.set(name, resolveColumn(name, path));
      return resolved.get(name)!;
    };
    const columns: number[] = [];
    const readers: ((ctx: RowContext) => string)[] = [];
    for (const part of parsed.parts) {
      if (part.kind === 'column') {
        const index = column(part.column);
        if (index === null) continue;
        columns.push(index);
        readers.push((ctx) => padded(ctx.cells[index] ?? '', part.pad));
      } else {
        readers.push(compilePart(part));
      }
    }
    if (resolved.size && [...resolved.values()].includes(null)) return null;
    const rawColumns: [string, number][] = [];
    for (const m of template.matchAll(TEMPLATE_TOKEN)) {
      if (m[1]!.startsWith('column:')) {
        const raw = m[1]!.slice('column:'.length);
        rawColumns.push([raw, column(raw.trim())!]);
      }
    }
    return {
      columns,
      read: (ctx) => (readers.length === 1 ? readers[0]!(ctx) : readers.map((r) => r(ctx)).join('')),
      template: { pattern: template, columns: rawColumns },
    };
  };

  const compilePart = (part: Exclude<TemplatePart, { kind: 'column' }>): ((ctx: RowContext) => string) => {
    switch (part.kind) {
      case 'text':
        return () => part.text;
      case 'seq':
        return part.pad === null ? (ctx) => ctx.seqText : (ctx) => formatSeq(ctx.seq, part.pad!);
      case 'row':
        return (ctx) => padded(String(ctx.row), part.pad);
      case 'name':
        return (ctx) => ctx.name;
    }
  };

  const compileSource = (src: BatchValueSource, path: string, allowName = false): Source | null => {
    if (typeof src === 'string' || typeof src === 'number' || 'column' in src) {
      const ref = typeof src === 'object' ? src.column : src;
      const index = resolveColumn(ref, path);
      return index === null ? null : { columns: [index], read: (ctx) => ctx.cells[index] ?? '' };
    }
    if ('const' in src) {
      const value = src.const;
      return { columns: [], read: () => value };
    }
    return compileTemplate(src.template, path, allowName);
  };

  const compileFields = (map: Record<string, BatchValueSource>, table: FieldTable, prefix: string, what: string) => {
    const fields: Field[] = [];
    for (const [key, src] of Object.entries(map)) {
      const path = `${prefix}.${key}`;
      const segments = key.split('.');
      const pattern: string[] = [];
      const fieldPath: (string | number)[] = [];
      let bad: string | null = null;
      for (const segment of segments) {
        const parent = pattern.join('.');
        if (table.arrays.has(parent)) {
          if (!/^\d+$/.test(segment)) {
            bad = `${parent} is a list: give an item number, e.g. ${parent}.0`;
            break;
          }
          const max = table.arrays.get(parent)!;
          if (Number(segment) >= max) {
            bad = `${parent} has at most ${max} items (0-${max - 1})`;
            break;
          }
          pattern.push('*');
          fieldPath.push(Number(segment));
        } else {
          pattern.push(segment);
          fieldPath.push(segment);
        }
      }
      if (!bad && table.arrays.has(pattern.join('.'))) bad = `${key} is a list: map its items, e.g. ${key}.0`;
      const leaf = bad ? undefined : table.leaves.get(pattern.join('.'));
      if (!leaf) {
        const known = [...table.leaves.keys()].map((k) => k.replace(/\*/g, '0'));
        fail(path, bad ?? `Unknown ${what} field "${key.slice(0, 100)}"; the fields are ${known.join(', ')}`);
        continue;
      }
      const source = compileSource(src, path);
      if (source) fields.push({ key, path: fieldPath, leaf, source });
    }
    return fields;
  };

  const { mapping } = spec;
  const compiled: CompiledBatch = {
    kind: spec.barcodeFormat ? 'barcode' : 'qr',
    type: spec.type ?? null,
    format: spec.barcodeFormat ?? null,
    whole: null,
    fields: [],
    value: null,
    name: mapping.name === undefined ? null : compileSource(mapping.name, 'mapping.name'),
    fileName: mapping.fileName === undefined ? null : compileSource(mapping.fileName, 'mapping.fileName', true),
    caption: mapping.caption === undefined ? null : compileSource(mapping.caption, 'mapping.caption', true),
    design: [],
    baseDesign: spec.design ?? null,
    seq: spec.seq ?? DEFAULT_SEQ,
    upcAsEan13: spec.upcAsEan13 ?? false,
    headers,
    columnCount,
  };
  if (spec.type && mapping.content !== undefined) {
    const table = tableOf(CONTENT_SCHEMAS[spec.type]);
    const isString = table.leaves.has('');
    if (isString) {
      if (isValueSource(mapping.content)) compiled.whole = compileSource(mapping.content, 'mapping.content');
      else fail('mapping.content', `${spec.type} content is one value: map a column, a constant or a template`);
    } else if (isValueSource(mapping.content)) {
      const example = [...table.leaves.keys()].slice(0, 2).map((k) => `"${k}": …`);
      fail('mapping.content', `${spec.type} content has fields: map each one, e.g. {${example.join(', ')}}`);
    } else {
      compiled.fields = compileFields(mapping.content, table, 'mapping.content', spec.type);
      const mapped = new Set(compiled.fields.map((f) => f.key));
      for (const [key, leaf] of table.leaves) {
        if (leaf.alwaysRequired && !mapped.has(key) && !details.some((d) => d.path === `mapping.content.${key}`)) {
          fail(`mapping.content.${key}`, `${spec.type} content needs ${key}: map a column, a constant or a template`);
        }
      }
    }
  }
  if (spec.barcodeFormat && mapping.value !== undefined) {
    compiled.value = compileSource(mapping.value, 'mapping.value');
  }
  if (mapping.design) compiled.design = compileFields(mapping.design, tableOf(DesignInput), 'mapping.design', 'design');
  if (details.length) {
    const summary = details.length === 1 ? `${details[0]!.path}: ${details[0]!.message}` : `${details.length} problems`;
    throw new AppError('VALIDATION_ERROR', `Invalid mapping: ${summary}`, details);
  }
  return compiled;
}

// ---------------------------------------------------------------------------
// One row

const NAME = label(100, 'Name');
const CAPTION = line('Caption', 200);
const SCIENTIFIC = /^\d+(?:[.,]\d+)?e\+\d+$/i;

function parseNumber(raw: Raw): number | string {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return `${raw} is not a number`;
  const s = raw.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  // A decimal comma, as a spreadsheet in much of Europe writes it.
  if (/^[+-]?\d+,\d+$/.test(s)) return Number(s.replace(',', '.'));
  return `${shown(s)} is not a number`;
}

function parseBoolean(raw: Raw): boolean | string {
  if (typeof raw === 'boolean') return raw;
  const s = String(raw).trim();
  if (/^(true|yes|y|1|on|x)$/i.test(s)) return true;
  if (/^(false|no|n|0|off)$/i.test(s)) return false;
  return `${shown(s)} is not true or false (use true/false, yes/no or 1/0)`;
}

/** The value to put in the object for a leaf, undefined to leave it out, or a problem. */
function coerce(leaf: Leaf, raw: Raw, key: string): { value?: unknown; problem?: string } {
  if (raw === '') return leaf.alwaysRequired && leaf.kind === 'string' ? { value: '' } : {};
  switch (leaf.kind) {
    case 'string': {
      const s = String(raw);
      // A colour without its # (as spreadsheets often hold them).
      if (/color$/i.test(key) && /^[0-9A-Fa-f]{6}$/.test(s)) return { value: `#${s}` };
      return { value: s };
    }
    case 'number': {
      const n = parseNumber(raw);
      return typeof n === 'number' ? { value: n } : { problem: n };
    }
    case 'boolean': {
      const b = parseBoolean(raw);
      return typeof b === 'boolean' ? { value: b } : { problem: b };
    }
    case 'enum': {
      const s = String(raw).trim();
      const match = leaf.options.find((o) => o === s) ?? leaf.options.find((o) => o.toLowerCase() === s.toLowerCase());
      return { value: match ?? s };
    }
  }
}

function setAt(target: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let node: Record<string | number, unknown> = target;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    node[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function getAt(target: unknown, path: readonly PropertyKey[]): unknown {
  let node = target;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key as string];
  }
  return node;
}

/** Lists without holes and empty items; objects left empty removed. */
function compact(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(compact).filter((v) => v !== undefined);
    return items.length ? items : undefined;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, compact(v)] as const)
      .filter(([, v]) => v !== undefined);
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value;
}

/** Lays `over` on `base`, objects and lists merged member by member. */
function deepMerge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (Array.isArray(over) && Array.isArray(base)) {
    return Array.from({ length: Math.max(base.length, over.length) }, (_, i) => deepMerge(base[i], over[i]));
  }
  if (
    over &&
    typeof over === 'object' &&
    !Array.isArray(over) &&
    base &&
    typeof base === 'object' &&
    !Array.isArray(base)
  ) {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(over)) out[k] = deepMerge(out[k], v);
    return out;
  }
  return over;
}

interface ProblemSink {
  add(field: string | null, columns: readonly number[], message: string): void;
}

/** The key of the object or list item a field sits in ('' at the top). */
const containerOf = (field: Field) => field.path.slice(0, -1).join('.');

/**
 * Builds an object from fields; null when a cell could not be coerced (reported).
 * A constant inside a nested object or list item (`phones.0.type: "cell"`) is
 * set only when a column gave that item a value: a row without a phone number
 * has no phone, rather than a phone with a type and no number.
 */
function buildObject(fields: readonly Field[], ctx: RowContext, prefix: string, sink: ProblemSink) {
  const object: Record<string, unknown> = {};
  const filled = new Set<string>();
  const fedByData = new Set(fields.filter((f) => f.source.columns.length > 0).map(containerOf));
  let ok = true;
  const put = (field: Field) => {
    const { value, problem } = coerce(field.leaf, field.source.read(ctx), field.key);
    if (problem) {
      sink.add(`${prefix}.${field.key}`, field.source.columns, problem);
      ok = false;
    } else if (value !== undefined) {
      setAt(object, field.path, value);
      filled.add(containerOf(field));
    }
  };
  for (const field of fields) if (field.source.columns.length > 0) put(field);
  for (const field of fields) {
    if (field.source.columns.length > 0) continue;
    const container = containerOf(field);
    if (container === '' || !fedByData.has(container) || filled.has(container)) put(field);
  }
  return ok ? ((compact(object) as Record<string, unknown> | undefined) ?? {}) : null;
}

/** The fields that fed a path of the object: the field itself, else those below it, else the one above. */
function columnsFor(
  fields: readonly Field[],
  path: readonly PropertyKey[],
): { field: Field | null; columns: number[] } {
  const key = path.join('.');
  const exact = fields.find((f) => f.path.join('.') === key);
  if (exact) return { field: exact, columns: exact.source.columns };
  const below = fields.filter((f) => key === '' || f.path.join('.').startsWith(`${key}.`));
  if (below.length) return { field: below[0]!, columns: below.flatMap((f) => f.source.columns) };
  const above = fields
    .filter((f) => key.startsWith(`${f.path.join('.')}.`))
    .sort((a, b) => b.path.length - a.path.length)[0];
  return above ? { field: above, columns: above.source.columns } : { field: null, columns: [] };
}

function reportIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  fields: readonly Field[],
  prefix: string,
  sink: ProblemSink,
): void {
  for (const issue of issues) {
    const where = issue.path.length ? `${prefix}.${issue.path.map(String).join('.')}` : prefix;
    const { columns } = columnsFor(fields, issue.path);
    const missing = issue.code === 'invalid_type' && getAt(input, issue.path) === undefined;
    sink.add(where, columns, missing ? `${where.replace(/^content\./, '')} is required` : issue.message);
  }
}

function qrContent(compiled: CompiledBatch, ctx: RowContext, sink: ProblemSink): ContentOf<QrType> | null {
  const type = compiled.type!;
  let input: unknown;
  const fields = compiled.whole
    ? [
        {
          key: '',
          path: [],
          leaf: { kind: 'string', options: [], alwaysRequired: true },
          source: compiled.whole,
        } as Field,
      ]
    : compiled.fields;
  if (compiled.whole) {
    input = String(compiled.whole.read(ctx));
  } else {
    input = buildObject(fields, ctx, 'content', sink);
    if (input === null) return null;
  }
  const result = CONTENT_SCHEMAS[type].safeParse(input);
  if (!result.success) {
    reportIssues(result.error.issues, input, fields, 'content', sink);
    return null;
  }
  return result.data as ContentOf<QrType>;
}

function barcodeValue(compiled: CompiledBatch, ctx: RowContext, sink: ProblemSink): string | null {
  const format = compiled.format!;
  const columns = compiled.value!.columns;
  const raw = String(compiled.value!.read(ctx));
  const problem = (message: string) => {
    sink.add('value', columns, message);
    return null;
  };
  if (SCIENTIFIC.test(raw.trim())) {
    return problem(
      `${shown(raw.trim())} is a number a spreadsheet shortened to scientific notation: format the column as text and export again`,
    );
  }
  let value = raw;
  if (format === 'EAN13' && compiled.upcAsEan13 && /^\d{12}$/.test(raw.trim())) {
    const upc = checkBarcodeValue('UPCA', raw.trim());
    if (!upc.valid) return problem(upc.message.replace('UPC-A', 'UPC-A (GTIN-12)'));
    value = `0${raw.trim()}`;
  }
  const check = checkBarcodeValue(format, value);
  return check.valid ? check.normalizedValue : problem(check.message);
}

/** The row made into a batch item, or its problems (each with the column at fault). */
export function buildRow(compiled: CompiledBatch, row: CsvRow): RowOutcome {
  const seq = seqOf(compiled, row.row);
  const seqText = formatSeq(seq, compiled.seq.padding);
  const problems: BatchProblem[] = [];
  const problem = (field: string | null, columns: readonly number[], message: string) => {
    const index = columns[0];
    problems.push({
      row: row.row,
      line: row.line,
      column: index === undefined ? null : (compiled.headers?.[index] ?? null),
      columnIndex: index === undefined ? null : index + 1,
      field,
      message,
    });
  };
  const sink: ProblemSink = { add: problem };
  const fail = (): RowOutcome => ({ ok: false, row: row.row, line: row.line, seqText, problems });
  if (row.problem) {
    problem(null, [], row.problem);
    return fail();
  }
  const ctx: RowContext = { cells: row.cells, row: row.row, seq, seqText, name: '' };

  let content: unknown;
  let payload: string | null = null;
  let design: DesignInput | null = null;
  if (compiled.kind === 'qr') {
    content = qrContent(compiled, ctx, sink);
    if (!compiled.design.length) {
      // Checked once, with the request.
      design = compiled.baseDesign;
    } else {
      const overrides = buildObject(compiled.design, ctx, 'design', sink);
      if (overrides) {
        const merged = deepMerge(compiled.baseDesign ?? {}, overrides);
        const result = DesignInput.safeParse(merged);
        if (result.success) design = result.data;
        else reportIssues(result.error.issues, merged, compiled.design, 'design', sink);
      }
    }
    if (content !== null) {
      payload = encodePayload(compiled.type!, content as ContentOf<QrType>);
      const level = design?.errorCorrection ?? DEFAULT_DESIGN.errorCorrection;
      const tooLong = payloadCapacityProblem(payload, level);
      if (tooLong) {
        const columns = compiled.whole?.columns ?? compiled.fields.flatMap((f) => f.source.columns);
        problem('content', columns, tooLong);
      }
    }
  } else {
    content = barcodeValue(compiled, ctx, sink);
    payload = content as string | null;
  }

  let name: string | null = null;
  if (compiled.name) {
    const raw = String(compiled.name.read(ctx));
    if (raw.trim() !== '') {
      const result = NAME.safeParse(raw);
      if (result.success) name = result.data;
      else problem('name', compiled.name.columns, result.error.issues[0]!.message);
    }
  }
  if (content !== null && name === null && !problems.some((p) => p.field === 'name')) {
    name = compiled.kind === 'qr' ? defaultName(compiled.type!, content) : (content as string);
  }
  ctx.name = name ?? '';

  let caption: string | null = null;
  if (compiled.caption) {
    const result = CAPTION.safeParse(String(compiled.caption.read(ctx)));
    if (!result.success) problem('caption', compiled.caption.columns, result.error.issues[0]!.message);
    else caption = result.data || null;
  }

  const fileName = fileNameOf(compiled, ctx);
  if (problems.length || payload === null) return fail();
  return {
    ok: true,
    item: {
      row: row.row,
      line: row.line,
      seq,
      seqText,
      kind: compiled.kind,
      type: compiled.type,
      format: compiled.format,
      content,
      payload,
      name: name!,
      fileName,
      caption,
      design,
    },
  };
}

/** The file name (no extension) as the export writes it: every value made safe on its own. */
function fileNameOf(compiled: CompiledBatch, ctx: RowContext): string {
  const fallback = `code-${ctx.seqText}`;
  const source = compiled.fileName;
  if (!source) return safeFileName(ctx.name, fallback);
  if (!source.template) return safeFileName(String(source.read(ctx)), fallback);
  const { padding } = compiled.seq;
  // A bare {seq} is padded as the seq options say; fileNameFor pads only {seq:NN}.
  const pattern =
    padding > 0 ? source.template.pattern.replace(/\{seq\}/g, `{seq:${padding}}`) : source.template.pattern;
  const columns = Object.fromEntries(source.template.columns.map(([raw, index]) => [raw, ctx.cells[index] ?? '']));
  return fileNameFor(pattern, { seq: ctx.seq, row: ctx.row, name: ctx.name, columns });
}
