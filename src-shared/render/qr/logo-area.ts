import type { Design } from '../../schemas/design';

/** The share of modules each error-correction level can restore, as qr-code-styling counts it. */
export const EC_RECOVERY: Record<Design['errorCorrection'], number> = { L: 0.07, M: 0.15, Q: 0.25, H: 0.3 };

export interface LogoArea {
  /** Modules hidden across and down (both odd, so the area is centred on a module). */
  hideX: number;
  hideY: number;
  /** The image box in modules. */
  width: number;
  height: number;
}

/**
 * How many modules a logo covers, following qr-code-styling's rule: `size`
 * times the level's recoverable share of all modules, shaped to the image's
 * aspect ratio, odd in each direction, and never wider than the space between
 * the finder patterns.
 */
export function logoArea(
  count: number,
  size: number,
  level: Design['errorCorrection'],
  imageWidth: number,
  imageHeight: number,
): LogoArea {
  const maxHidden = Math.floor(size * EC_RECOVERY[level] * count * count);
  const maxAxis = count - 14;
  if (imageWidth <= 0 || imageHeight <= 0 || maxHidden <= 0) return { hideX: 0, hideY: 0, width: 0, height: 0 };
  const k = imageHeight / imageWidth;
  let hideX = Math.max(1, Math.floor(Math.sqrt(maxHidden / k)));
  if (maxAxis < hideX) hideX = maxAxis;
  if (hideX % 2 === 0) hideX--;
  let width = hideX;
  // Round up to the next odd count so the image never covers part of a drawn module.
  let hideY = 1 + 2 * Math.ceil((hideX * k - 1) / 2);
  let height = Math.round(hideY);
  if (hideY * hideX > maxHidden || maxAxis < hideY) {
    if (maxAxis < hideY) {
      hideY = maxAxis;
      if (hideY % 2 === 0) hideY--;
    } else {
      hideY -= 2;
    }
    height = hideY;
    hideX = 1 + 2 * Math.ceil((hideY / k - 1) / 2);
    width = Math.round(hideX);
  }
  return {
    hideX: Math.max(0, hideX),
    hideY: Math.max(0, hideY),
    width: Math.max(0, width),
    height: Math.max(0, height),
  };
}
