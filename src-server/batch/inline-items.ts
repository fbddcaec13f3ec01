import type { z } from 'zod';
import { checkBarcodeValue } from '../../src-shared/barcodes';
import { fileNameFor } from '../../src-shared/batch/file-names';
import { safeFileName } from '../../src-shared/file-names';
import { encodePayload } from '../../src-shared/payloads';
import { payloadCapacityProblem } from '../../src-shared/qr-capacity';
import {
  DEFAULT_FILE_NAME_PATTERN,
  type BatchInlineItem,
  type BatchProblem,
  type CreateBatchInput,
} from '../../src-shared/schemas/batches';
import { CONTENT_SCHEMAS, type ContentOf, type QrType } from '../../src-shared/schemas/content';
import { DEFAULT_DESIGN, DesignInput } from '../../src-shared/schemas/design';
import { label, line } from '../../src-shared/schemas/text';
import { defaultName } from '../services/qrcodes';
import { formatSeq, type RowOutcome } from './csv';

/**
 * Items given inline in a batch request, made into the same BatchItems a CSV
 * row gives, by the same rules: content checked with the type's own schema,
 * design laid over the batch design and checked, payload capacity, name,
 * caption and a file name made safe. An item that fails becomes a failed row
 * with its problems; the others are made.
 */

const NAME = label(100, 'Name');
const CAPTION = line('Caption', 200);

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Objects merged member by member; anything else (lists, null, values) replaces. */
function mergeDesign(base: unknown, over: unknown): unknown {
  if (!isObject(over) || !isObject(base)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v === undefined ? out[k] : mergeDesign(out[k], v);
  return out;
}

export function inlineOutcome(input: CreateBatchInput, item: BatchInlineItem, index: number): RowOutcome {
  const row = index + 1;
  const seqOptions = input.seq ?? { start: 1, step: 1, padding: 0 };
  const seq = seqOptions.start + index * seqOptions.step;
  const seqText = formatSeq(seq, seqOptions.padding);
  const problems: BatchProblem[] = [];
  const problem = (field: string | null, message: string) =>
    problems.push({ row, line: null, column: null, columnIndex: null, field, message });
  const issues = (prefix: string, list: readonly z.core.$ZodIssue[], value: unknown) => {
    for (const issue of list) {
      const where = [prefix, ...issue.path.map(String)].join('.');
      let node = value;
      for (const key of issue.path) node = isObject(node) || Array.isArray(node) ? (node as never)[key] : undefined;
      const missing = issue.code === 'invalid_type' && node === undefined;
      problem(where, missing ? `${where} is required` : issue.message);
    }
  };

  let content: unknown = null;
  let payload: string | null = null;
  let design: DesignInput | null = null;
  if (input.type) {
    const type: QrType = input.type;
    if (item.value !== undefined) problem('value', 'value is for barcode batches; give content');
    if (item.content === undefined) {
      problem('content', 'content is required');
    } else {
      const result = CONTENT_SCHEMAS[type].safeParse(item.content);
      if (result.success) content = result.data;
      else issues('content', result.error.issues, item.content);
    }
    if (item.design === undefined) {
      design = input.design ?? null;
    } else {
      const merged = mergeDesign(input.design ?? {}, item.design);
      const result = DesignInput.safeParse(merged);
      if (result.success) design = result.data;
      else issues('design', result.error.issues, merged);
    }
    if (content !== null) {
      payload = encodePayload(type, content as ContentOf<QrType>);
      const tooLong = payloadCapacityProblem(payload, design?.errorCorrection ?? DEFAULT_DESIGN.errorCorrection);
      if (tooLong) problem('content', tooLong);
    }
  } else {
    const format = input.barcodeFormat!;
    if (item.content !== undefined) problem('content', 'content is for QR batches; give value');
    if (item.design !== undefined) problem('design', 'A design is for QR batches');
    if (item.value === undefined) {
      problem('value', 'value is required');
    } else {
      let value = item.value;
      const digits = value.trim();
      let ok = true;
      if (format === 'EAN13' && input.upcAsEan13 && /^\d{12}$/.test(digits)) {
        const upc = checkBarcodeValue('UPCA', digits);
        if (!upc.valid) {
          problem('value', upc.message.replace('UPC-A', 'UPC-A (GTIN-12)'));
          ok = false;
        }
        value = `0${digits}`;
      }
      if (ok) {
        const check = checkBarcodeValue(format, value);
        if (check.valid) content = payload = check.normalizedValue!;
        else problem('value', check.message);
      }
    }
  }

  let name: string | null = null;
  if (item.name !== undefined && item.name.trim() !== '') {
    const result = NAME.safeParse(item.name);
    if (result.success) name = result.data;
    else problem('name', result.error.issues[0]!.message);
  } else if (content !== null) {
    name = input.type ? defaultName(input.type, content) : String(content);
  }

  let caption: string | null = null;
  if (item.caption !== undefined) {
    const result = CAPTION.safeParse(item.caption);
    if (result.success) caption = result.data || null;
    else problem('caption', result.error.issues[0]!.message);
  }

  if (problems.length || payload === null) return { ok: false, row, line: 0, seqText, problems };
  const fallback = `code-${seqText}`;
  let fileName: string;
  if (item.fileName !== undefined && item.fileName.trim() !== '') {
    fileName = safeFileName(item.fileName, fallback);
  } else {
    const pattern = input.outputs.fileNamePattern ?? DEFAULT_FILE_NAME_PATTERN;
    // A bare {seq} is padded as the seq options say, as for CSV rows; fileNameFor pads only {seq:NN}.
    const padded = seqOptions.padding > 0 ? pattern.replace(/\{seq\}/g, `{seq:${seqOptions.padding}}`) : pattern;
    fileName = fileNameFor(padded, { seq, row, name: name ?? '', columns: {} });
  }
  return {
    ok: true,
    item: {
      row,
      line: 0,
      seq,
      seqText,
      kind: input.type ? 'qr' : 'barcode',
      type: input.type ?? null,
      format: input.barcodeFormat ?? null,
      content,
      payload,
      name: name!,
      fileName,
      caption,
      design,
    },
  };
}
