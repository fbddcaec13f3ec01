// dark-light-dark-dark-dark-light-dark followed, or preceded, by four light modules.
const FINDER_THEN_LIGHT = 0b10111010000;
const LIGHT_THEN_FINDER = 0b00001011101;

/** N1 and N3 along one row or column: `size` modules from `start`, `step` apart. */
function linePenalty(dark: Uint8Array, start: number, step: number, size: number): number {
  let penalty = 0;
  let runColor = -1;
  let run = 0;
  // An 11-module window; the area outside the symbol is light, so it starts (and ends) with zeros.
  let window = 0;
  for (let k = 0, i = start; k < size; k++, i += step) {
    const v = dark[i]!;
    if (v === runColor) run++;
    else {
      if (run >= 5) penalty += run - 2;
      runColor = v;
      run = 1;
    }
    window = ((window << 1) | v) & 0x7ff;
    if (k >= 6 && (window === FINDER_THEN_LIGHT || window === LIGHT_THEN_FINDER)) penalty += 40;
  }
  if (run >= 5) penalty += run - 2;
  for (let k = 0; k < 4; k++) {
    window = (window << 1) & 0x7ff;
    if (window === FINDER_THEN_LIGHT) penalty += 40;
  }
  return penalty;
}

/**
 * The mask penalty of ISO/IEC 18004 §7.8.3: runs of five or more (N1 = 3 + the
 * excess), 2×2 blocks (N2 = 3), finder-like 1:1:3:1:1 patterns with four light
 * modules on one side (N3 = 40, the area outside the symbol counting as light)
 * and the distance of the dark share from 50% (N4 = 10 per 5%). Called eight
 * times per code, so it is written for speed: flat loops, no closures.
 */
export function maskPenalty(dark: Uint8Array, size: number): number {
  let penalty = 0;
  for (let line = 0; line < size; line++) {
    penalty += linePenalty(dark, line * size, 1, size);
    penalty += linePenalty(dark, line, size, size);
  }
  let darkCount = 0;
  for (let row = 0; row < size; row++) {
    const top = row * size;
    const below = top + size;
    for (let col = 0; col < size; col++) {
      const v = dark[top + col]!;
      darkCount += v;
      if (row < size - 1 && col < size - 1) {
        const sum = v + dark[top + col + 1]! + dark[below + col]! + dark[below + col + 1]!;
        if (sum === 0 || sum === 4) penalty += 3;
      }
    }
  }
  const total = size * size;
  const k = Math.ceil(Math.abs(darkCount * 20 - total * 10) / total) - 1;
  return penalty + Math.max(0, k) * 10;
}
