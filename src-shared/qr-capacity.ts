import type { Design } from './schemas/design';
import { utf8ByteLength } from './payloads/encoding';

/**
 * The most bytes a QR code holds in byte mode (version 40, ISO/IEC 18004
 * table 7) at each error-correction level. Payloads are encoded as UTF-8
 * bytes, so this is the limit that matters for them.
 */
export const QR_BYTE_CAPACITY: Record<Design['errorCorrection'], number> = { L: 2953, M: 2331, Q: 1663, H: 1273 };

/** null when the payload fits a QR code at the level, else a sentence saying by how much it does not. */
export function payloadCapacityProblem(payload: string, level: Design['errorCorrection']): string | null {
  const bytes = utf8ByteLength(payload);
  const max = QR_BYTE_CAPACITY[level];
  return bytes <= max
    ? null
    : `Too long for a QR code: the payload is ${bytes} bytes, and error correction ${level} holds at most ${max}` +
        (level === 'L' ? '' : ' (a lower error-correction level holds more)');
}
