/** A value for one CSV cell; null is an empty cell. */
export type CsvValue = string | number | boolean | null;

/**
 * One CSV cell, safe to open in a spreadsheet: text that a spreadsheet would run as a formula
 * (starting with = + - @ tab or CR) gets a leading apostrophe; RFC 4180 quoting. Numbers and
 * booleans are written as they are (a negative number is a number, not a formula).
 */
export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV record with its CRLF line end. */
export function csvLine(cells: readonly CsvValue[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}
