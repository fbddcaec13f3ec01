import { gtinCheckDigit } from '../../../src-shared/barcodes';
import {
  PREVIEW_ROWS,
  REPORT_MAX_PROBLEMS,
  type BatchPreviewRow,
  type BatchProblem,
  type BatchReport,
} from '../../../src-shared/schemas/batches';
import { csvLine } from '../../../src-shared/csv';
import { buildRow, readSource, type BatchItem, type CompiledBatch } from './mapping';
import type { CsvRow } from './read';

export interface ValidateOptions {
  /** Rows returned as they would be made (default PREVIEW_ROWS). */
  previewRows?: number;
  /** Problems listed (default REPORT_MAX_PROBLEMS); all are counted. */
  maxProblems?: number;
  /** Called with every valid item, in order (an export renders them). */
  onItem?: (item: BatchItem) => void | Promise<void>;
}

export interface ValidationResult {
  report: BatchReport;
  preview: BatchPreviewRow[];
}

/** Rows checked between yields to the event loop, so the server keeps answering scans meanwhile. */
const ROWS_PER_TICK = 500;
/** Distinct messages counted in the summary. */
const MESSAGE_COUNTS = 100;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Checks every row of a source against a compiled mapping before anything
 * runs: the report says how many rows are valid and, row by row, what is
 * wrong and in which column. Streams: memory stays bounded whatever the rows.
 */
export async function validateRows(
  rows: AsyncIterable<CsvRow> | Iterable<CsvRow>,
  compiled: CompiledBatch,
  options: ValidateOptions = {},
): Promise<ValidationResult> {
  const previewRows = options.previewRows ?? PREVIEW_ROWS;
  const maxProblems = options.maxProblems ?? REPORT_MAX_PROBLEMS;
  const problems: BatchProblem[] = [];
  const counts = new Map<string, number>();
  const preview: BatchPreviewRow[] = [];
  const fileNames = new Set<string>();
  let totalRows = 0;
  let validRows = 0;
  let problemCount = 0;
  let repeatedNames = 0;
  let firstRepeat: number | null = null;
  // EAN-13 batches: 12-digit values that all carry a valid UPC-A check digit are likely GTIN-12s.
  let twelveDigits = 0;
  let twelveDigitsUpc = 0;

  for await (const row of rows) {
    totalRows++;
    const outcome = buildRow(compiled, row);
    if (compiled.format === 'EAN13' && !compiled.upcAsEan13) {
      const digits = String(readSource(compiled, compiled.value!, row)).trim();
      if (/^\d{12}$/.test(digits)) {
        twelveDigits++;
        if (String(gtinCheckDigit(digits.slice(0, 11))) === digits[11]) twelveDigitsUpc++;
      }
    }
    if (outcome.ok) {
      validRows++;
      const key = outcome.item.fileName.toLowerCase();
      if (fileNames.has(key)) {
        repeatedNames++;
        firstRepeat ??= row.row;
      } else {
        fileNames.add(key);
      }
      await options.onItem?.(outcome.item);
    } else {
      problemCount += outcome.problems.length;
      for (const problem of outcome.problems) {
        if (problems.length < maxProblems) problems.push(problem);
        if (counts.has(problem.message) || counts.size < 10_000) {
          counts.set(problem.message, (counts.get(problem.message) ?? 0) + 1);
        }
      }
    }
    if (preview.length < previewRows) {
      const item = outcome.ok ? outcome.item : null;
      preview.push({
        row: row.row,
        line: row.line,
        seq: outcome.ok ? outcome.item.seqText : outcome.seqText,
        valid: outcome.ok,
        payload: item?.payload ?? null,
        content: item?.content ?? null,
        name: item?.name ?? null,
        fileName: item?.fileName ?? null,
        caption: item?.caption ?? null,
        design: item?.design ?? null,
      });
    }
    if (totalRows % ROWS_PER_TICK === 0) await tick();
  }

  const warnings: string[] = [];
  if (repeatedNames > 0) {
    warnings.push(
      `${repeatedNames} row${repeatedNames === 1 ? ' has' : 's have'} the file name of an earlier row (first: row ${firstRepeat}); ` +
        'the export numbers them, e.g. "name (2)". Map fileName to something unique, such as {seq} or a SKU column.',
    );
  }
  if (twelveDigits >= 3 && twelveDigitsUpc === twelveDigits) {
    warnings.push(
      `All ${twelveDigits} 12-digit values end in a valid UPC-A check digit: they look like GTIN-12 (UPC-A) numbers. ` +
        'They are read as EAN-13 without the check digit, which gives other numbers; set upcAsEan13 to encode them ' +
        'as EAN-13 with a leading 0, or make UPCA barcodes.',
    );
  }
  const messageCounts = [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MESSAGE_COUNTS)
    .map(([message, count]) => ({ message, count }));
  return {
    report: {
      totalRows,
      validRows,
      invalidRows: totalRows - validRows,
      problemCount,
      problems,
      truncated: problemCount > problems.length,
      messageCounts,
      warnings,
    },
    preview,
  };
}

/**
 * A report as CSV for a spreadsheet: one line per problem. Every cell goes
 * through csvLine, so a value that starts with =, +, - or @ is text there,
 * never a formula.
 */
export function reportToCsv(report: Pick<BatchReport, 'problems'>): string {
  let out = csvLine(['row', 'line', 'column', 'columnIndex', 'field', 'message']);
  for (const p of report.problems) out += csvLine([p.row, p.line, p.column, p.columnIndex, p.field, p.message]);
  return out;
}
