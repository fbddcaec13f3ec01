import { correction, generate, mode, type Mask } from 'lean-qr';
import { utf8Bytes } from '../../payloads/encoding';
import type { Design } from '../../schemas/design';
import { formatBits, maskPatterns, writeFormatBits } from './function-modules';
import { maskPenalty } from './penalty';

/** The modules of a QR symbol: `dark[row * size + col]` is 1 for a dark module. */
export interface QrMatrix {
  size: number;
  dark: Uint8Array;
}

const LEVELS = { L: correction.L, M: correction.M, Q: correction.Q, H: correction.H } as const;

export class QrCapacityError extends Error {}

type Level = Design['errorCorrection'];

function generateWithMask(bytes: Uint8Array, level: Level, mask: number): QrMatrix {
  let bitmap;
  try {
    bitmap = generate(mode.bytes(bytes), {
      minCorrectionLevel: LEVELS[level],
      maxCorrectionLevel: LEVELS[level],
      mask: mask as Mask,
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

/**
 * The mask with the lowest ISO penalty, found from one encoding: the symbol is
 * encoded once with mask 0, unmasked, and each mask is scored on a copy. The
 * library scores all eight by encoding eight times, which is most of the cost
 * of a code; the result is the same kind of choice, several times faster.
 */
export function bestMask(masked0: QrMatrix, level: Level): number {
  const { size, dark } = masked0;
  const patterns = maskPatterns(size);
  const unmasked = new Uint8Array(dark.length);
  for (let i = 0; i < dark.length; i++) unmasked[i] = dark[i]! ^ patterns[0]![i]!;
  const candidate = new Uint8Array(dark.length);
  let best = 0;
  let bestScore = Infinity;
  for (let mask = 0; mask < 8; mask++) {
    const pattern = patterns[mask]!;
    for (let i = 0; i < dark.length; i++) candidate[i] = unmasked[i]! ^ pattern[i]!;
    writeFormatBits(candidate, size, formatBits(level, mask));
    const score = maskPenalty(candidate, size);
    if (score < bestScore) {
      bestScore = score;
      best = mask;
    }
  }
  return best;
}

/**
 * Encodes a payload as UTF-8 in byte mode, without an ECI header (readers
 * recognise UTF-8 on their own; an ECI header confuses some older ones). The
 * level is fixed: lean-qr would otherwise raise it when the version has room,
 * and the logo and scannability rules depend on the level the user chose. The
 * symbol itself always comes from lean-qr, with the mask chosen above.
 */
export function encodeQr(payload: string, level: Level): QrMatrix {
  const bytes = utf8Bytes(payload);
  const mask = bestMask(generateWithMask(bytes, level, 0), level);
  return generateWithMask(bytes, level, mask);
}

/** A matrix from rows of booleans (tests, and matrices from other encoders). */
export function matrixFromRows(rows: readonly (readonly boolean[])[]): QrMatrix {
  const size = rows.length;
  const dark = new Uint8Array(size * size);
  rows.forEach((r, row) => r.forEach((d, col) => (dark[row * size + col] = d ? 1 : 0)));
  return { size, dark };
}
