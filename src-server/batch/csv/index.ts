export {
  readCsv,
  csvRows,
  type CsvInput,
  type CsvReadOptions,
  type CsvFormat,
  type CsvRow,
  type CsvReadResult,
} from './read';
export { compileBatch, buildRow, formatSeq, type CompiledBatch, type BatchItem, type RowOutcome } from './mapping';
export { validateRows, reportToCsv, type ValidateOptions, type ValidationResult } from './validate';
