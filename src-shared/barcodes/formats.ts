/** The symbologies qrdesk renders (with bwip-js on the server). */
export const BARCODE_FORMATS = [
  'EAN13',
  'EAN8',
  'UPCA',
  'UPCE',
  'CODE128',
  'CODE39',
  'ITF14',
  'GS1_128',
  'DATAMATRIX',
  'PDF417',
  'AZTEC',
  'QR',
] as const;
export type BarcodeFormat = (typeof BARCODE_FORMATS)[number];

/** Names as printed in the standards, for messages. */
export const BARCODE_LABELS: Record<BarcodeFormat, string> = {
  EAN13: 'EAN-13',
  EAN8: 'EAN-8',
  UPCA: 'UPC-A',
  UPCE: 'UPC-E',
  CODE128: 'Code 128',
  CODE39: 'Code 39',
  ITF14: 'ITF-14',
  GS1_128: 'GS1-128',
  DATAMATRIX: 'Data Matrix',
  PDF417: 'PDF417',
  AZTEC: 'Aztec',
  QR: 'QR Code',
};

export const LINEAR_FORMATS: readonly BarcodeFormat[] = [
  'EAN13',
  'EAN8',
  'UPCA',
  'UPCE',
  'CODE128',
  'CODE39',
  'ITF14',
  'GS1_128',
];

export const isLinear = (format: BarcodeFormat): boolean => LINEAR_FORMATS.includes(format);

/**
 * Quiet zones in modules (the narrow bar width, or the 2D module), per the
 * symbology specifications: EAN/UPC (ISO/IEC 15420), ITF-14 (GS1 General
 * Specifications; inside its bearer bars), Code 128/GS1-128 (ISO/IEC 15417),
 * Code 39 (ISO/IEC 16388), QR (ISO/IEC 18004), Data Matrix (ISO/IEC 16022),
 * PDF417 (ISO/IEC 15438), Aztec (ISO/IEC 24778: none required).
 * Linear symbols get `vertical` above and below as well, which no standard
 * asks for but keeps text and bars off the edge of a label.
 */
export const QUIET_ZONES: Record<BarcodeFormat, { left: number; right: number; vertical: number }> = {
  EAN13: { left: 11, right: 7, vertical: 2 },
  EAN8: { left: 7, right: 7, vertical: 2 },
  UPCA: { left: 9, right: 9, vertical: 2 },
  UPCE: { left: 9, right: 7, vertical: 2 },
  CODE128: { left: 10, right: 10, vertical: 2 },
  CODE39: { left: 10, right: 10, vertical: 2 },
  ITF14: { left: 10, right: 10, vertical: 2 },
  GS1_128: { left: 10, right: 10, vertical: 2 },
  DATAMATRIX: { left: 1, right: 1, vertical: 1 },
  PDF417: { left: 2, right: 2, vertical: 2 },
  AZTEC: { left: 0, right: 0, vertical: 0 },
  QR: { left: 4, right: 4, vertical: 4 },
};
