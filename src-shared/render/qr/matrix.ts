import { correction, generate, mode } from 'lean-qr';
import { utf8Bytes } from '../../payloads/encoding';
import type { Design } from '../../schemas/design';

/** The modules of a QR symbol: `dark[row * size + col]` is 1 for a dark module. */
export interface QrMatrix {
  size: number;
  dark: Uint8Array;
}

const LEVELS = { L: correction.L, M: correction.M, Q: correction.Q, H: correction.H } as const;

export class QrCapacityError extends Error {}

/**
 * Encodes a payload as UTF-8 in byte mode, without an ECI header (readers
 * recognise UTF-8 on their own; an ECI header confuses some older ones). The
 * level is fixed: lean-qr would otherwise raise it when the version has room,
 * and the logo and scannability rules depend on the level the user chose.
 */
export function encodeQr(payload: string, level: Design['errorCorrection']): QrMatrix {
  let bitmap;
  try {
    bitmap = generate(mode.bytes(utf8Bytes(payload)), {
      minCorrectionLevel: LEVELS[level],
      maxCorrectionLevel: LEVELS[level],
    });
  } catch {
    throw new QrCapacityError(`The payload does not fit a QR code at error correction ${level}.`);
  }
  const size = bitmap.size;
  const dark = new Uint8Array(size * size);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) dark[row * size + col] = bitmap.get(col, row) ? 1 : 0;
  }
  return { size, dark };
}

/** A matrix from rows of booleans (tests, and matrices from other encoders). */
export function matrixFromRows(rows: readonly (readonly boolean[])[]): QrMatrix {
  const size = rows.length;
  const dark = new Uint8Array(size * size);
  rows.forEach((r, row) => r.forEach((d, col) => (dark[row * size + col] = d ? 1 : 0)));
  return { size, dark };
}
