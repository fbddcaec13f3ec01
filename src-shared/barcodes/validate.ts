import { BARCODE_LABELS, type BarcodeFormat } from './formats';
import { parseGs1 } from './gs1';
import { gtinCheckDigit, upceToUpca } from './gtin';

/**
 * Checking a barcode value before it is drawn: pure functions with no Node or
 * DOM API, so the UI validates as the user types with the same rules (and the
 * same messages) as the server.
 */
export interface BarcodeCheck {
  valid: boolean;
  /** What is encoded: the value with its check digit completed; null when invalid. */
  normalizedValue: string | null;
  /** The GTIN-family check digit (computed or verified), else null. */
  checkDigit: string | null;
  /** Why the value is refused, or what was done to it. */
  message: string;
}

/** Longest values for the free-text symbologies (characters). */
export const TEXT_MAX = { CODE128: 80, CODE39: 80 } as const;

/**
 * 2D capacity, in UTF-8 bytes, and in digits for all-digit values (which the
 * symbologies pack denser). QR at error correction M (bwip-js's default),
 * Data Matrix 144×144, PDF417 at its lowest useful error correction, Aztec
 * 32-layer at the default 23 %. The exact fit depends on the content; a value
 * within these bounds that still does not fit is refused at render time.
 */
export const MATRIX_CAPACITY = {
  QR: { bytes: 2331, digits: 5596 },
  DATAMATRIX: { bytes: 1556, digits: 3116 },
  PDF417: { bytes: 1108, digits: 2710 },
  AZTEC: { bytes: 1914, digits: 3832 },
} as const;

/** The longest value any symbology takes, for a schema's first, cheap bound. */
export const BARCODE_VALUE_MAX = 6000;

const ok = (normalizedValue: string, checkDigit: string | null, message: string): BarcodeCheck => ({
  valid: true,
  normalizedValue,
  checkDigit,
  message,
});
const bad = (message: string, checkDigit: string | null = null): BarcodeCheck => ({
  valid: false,
  normalizedValue: null,
  checkDigit,
  message,
});

/** UTF-8 length without TextEncoder (not in src-shared's library). */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    n += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return n;
}

/** A fixed-length GTIN-family number given with or without its check digit. */
function gtinLike(format: BarcodeFormat, value: string, bodyLength: number): BarcodeCheck {
  const label = BARCODE_LABELS[format];
  if (!/^\d+$/.test(value)) return bad(`${label} takes digits only`);
  if (value.length !== bodyLength && value.length !== bodyLength + 1) {
    return bad(
      `${label} takes ${bodyLength} digits (the check digit is added) or ${bodyLength + 1} with the check digit; got ${value.length}`,
    );
  }
  const expected = String(gtinCheckDigit(value.slice(0, bodyLength)));
  if (value.length === bodyLength) {
    return ok(value + expected, expected, `Valid ${label}; check digit ${expected} added`);
  }
  const given = value[bodyLength]!;
  if (given !== expected) return bad(`${label} check digit should be ${expected}, not ${given}`, expected);
  return ok(value, expected, `Valid ${label}`);
}

function upce(value: string): BarcodeCheck {
  if (!/^\d+$/.test(value)) return bad('UPC-E takes digits only');
  if (value.length !== 7 && value.length !== 8) {
    return bad(
      `UPC-E takes 7 digits (number system 0 or 1, then 6 digits; the check digit is added) or 8 with the check digit; got ${value.length}`,
    );
  }
  if (value[0] !== '0' && value[0] !== '1') return bad('UPC-E number system (first digit) must be 0 or 1');
  // The check digit is the one of the UPC-A number the UPC-E stands for.
  const expected = String(gtinCheckDigit(upceToUpca(value[0], value.slice(1, 7))));
  if (value.length === 7) return ok(value + expected, expected, `Valid UPC-E; check digit ${expected} added`);
  if (value[7] !== expected) return bad(`UPC-E check digit should be ${expected}, not ${value[7]}`, expected);
  return ok(value, expected, 'Valid UPC-E');
}

const CODE39_CHARS = /^[0-9A-Z \-.$/+%]+$/;

function code39(value: string): BarcodeCheck {
  if (value.length > TEXT_MAX.CODE39)
    return bad(`Code 39 takes at most ${TEXT_MAX.CODE39} characters; got ${value.length}`);
  if (!CODE39_CHARS.test(value)) {
    const ch = [...value].find((c) => !CODE39_CHARS.test(c))!;
    const hint = /[a-z]/.test(ch) ? ' (use capitals)' : '';
    return bad(`Code 39 takes 0-9, A-Z, space and - . $ / + %; "${ch}" is not allowed${hint}`);
  }
  return ok(value, null, 'Valid Code 39');
}

function code128(value: string): BarcodeCheck {
  if (value.length > TEXT_MAX.CODE128)
    return bad(`Code 128 takes at most ${TEXT_MAX.CODE128} characters; got ${value.length}`);
  const ch = [...value].find((c) => c < ' ' || c > '~');
  if (ch !== undefined) {
    const shown =
      ch < ' ' || ch === '\x7f' ? `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${ch}"`;
    return bad(`Code 128 takes printable ASCII (space to ~); ${shown} is not allowed`);
  }
  return ok(value, null, 'Valid Code 128');
}

function matrix(format: keyof typeof MATRIX_CAPACITY, value: string): BarcodeCheck {
  const label = BARCODE_LABELS[format];
  if (/\p{Cs}/u.test(value)) return bad(`${label}: the text is not valid Unicode (a lone surrogate)`);
  const cap = MATRIX_CAPACITY[format];
  if (/^\d+$/.test(value)) {
    if (value.length > cap.digits) return bad(`${label} holds at most ${cap.digits} digits; got ${value.length}`);
    return ok(value, null, `Valid ${label}`);
  }
  const bytes = utf8Length(value);
  if (bytes > cap.bytes) return bad(`${label} holds at most ${cap.bytes} bytes of UTF-8 text; this is ${bytes}`);
  return ok(value, null, `Valid ${label}`);
}

/** Checks (and completes) a value for a symbology. */
export function checkBarcodeValue(format: BarcodeFormat, raw: string): BarcodeCheck {
  if (raw.length > BARCODE_VALUE_MAX) return bad(`A barcode value is at most ${BARCODE_VALUE_MAX} characters`);
  // Digit codes and GS1 strings never carry meaningful surrounding spaces; free text keeps them.
  const value = ['EAN13', 'EAN8', 'UPCA', 'UPCE', 'ITF14', 'GS1_128'].includes(format) ? raw.trim() : raw;
  if (value === '') return bad('A value is required');
  switch (format) {
    case 'EAN13':
      return gtinLike(format, value, 12);
    case 'EAN8':
      return gtinLike(format, value, 7);
    case 'UPCA':
      return gtinLike(format, value, 11);
    case 'ITF14':
      return gtinLike(format, value, 13);
    case 'UPCE':
      return upce(value);
    case 'CODE39':
      return code39(value);
    case 'CODE128':
      return code128(value);
    case 'GS1_128': {
      const parsed = parseGs1(value);
      if (!parsed.ok) return bad(parsed.message);
      const gtin = parsed.elements.find((e) => e.ai === '01');
      return ok(value, gtin ? gtin.data.slice(-1) : null, 'Valid GS1-128');
    }
    case 'DATAMATRIX':
    case 'PDF417':
    case 'AZTEC':
    case 'QR':
      return matrix(format, value);
  }
}
