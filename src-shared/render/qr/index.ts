import type { Design } from '../../schemas/design';
import type { CaptionFont } from '../caption-font';
import type { Drawing } from '../model';
import { encodeQr } from './matrix';
import { buildQrDrawing, type LogoImage } from './qr-drawing';

export { encodeQr, matrixFromRows, QrCapacityError, type QrMatrix } from './matrix';
export { buildQrDrawing, type LogoImage } from './qr-drawing';
export { logoArea, EC_RECOVERY } from './logo-area';

/** Payload + design → the styled code as a Drawing (encode, then draw). */
export function qrDrawing(
  payload: string,
  design: Design,
  extras: { logo?: LogoImage | null; font?: CaptionFont | null } = {},
): Drawing {
  return buildQrDrawing({ matrix: encodeQr(payload, design.errorCorrection), design, ...extras });
}
