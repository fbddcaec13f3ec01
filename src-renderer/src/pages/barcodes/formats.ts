import { BARCODE_FORMATS, BARCODE_LABELS, isLinear, type BarcodeFormat } from '../../../../src-shared/barcodes';

export { BARCODE_LABELS, isLinear, type BarcodeFormat };

/** The symbologies as a shop or print shop thinks of them; anything new on the server lands in "other". */
const GROUPS: { id: string; formats: BarcodeFormat[] }[] = [
  { id: 'retail', formats: ['EAN13', 'EAN8', 'UPCA', 'UPCE'] },
  { id: 'logistics', formats: ['ITF14', 'GS1_128'] },
  { id: 'text', formats: ['CODE128', 'CODE39'] },
  { id: 'matrix', formats: ['DATAMATRIX', 'PDF417', 'AZTEC', 'QR'] },
];

export const FORMAT_GROUPS: { id: string; formats: BarcodeFormat[] }[] = (() => {
  const known = new Set<BarcodeFormat>(BARCODE_FORMATS);
  const groups = GROUPS.map((g) => ({ id: g.id, formats: g.formats.filter((f) => known.has(f)) })).filter(
    (g) => g.formats.length > 0,
  );
  const listed = new Set(groups.flatMap((g) => g.formats));
  const other = BARCODE_FORMATS.filter((f) => !listed.has(f));
  return other.length ? [...groups, { id: 'other', formats: other }] : groups;
})();

/** A value that suits each symbology, shown as the field's placeholder. */
export const EXAMPLE_VALUES: Partial<Record<BarcodeFormat, string>> = {
  EAN13: '400638133393',
  EAN8: '9638507',
  UPCA: '03600029145',
  UPCE: '0123456',
  ITF14: '1540014128876',
  GS1_128: '(01)09501101530003(17)260101',
  CODE128: 'SKU-000123',
  CODE39: 'PART-42',
  DATAMATRIX: 'LOT 2026-001',
  PDF417: 'Ticket 0042',
  AZTEC: 'BOARDING 1234',
  QR: 'https://example.com',
};

/** Symbologies whose value ends in a GTIN check digit (worth showing on its own). */
export const HAS_CHECK_DIGIT = new Set<BarcodeFormat>(['EAN13', 'EAN8', 'UPCA', 'UPCE', 'ITF14', 'GS1_128']);

export function isBarcodeFormat(value: string): value is BarcodeFormat {
  return (BARCODE_FORMATS as readonly string[]).includes(value);
}
