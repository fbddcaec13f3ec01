/**
 * Which modules of a QR symbol are function patterns (finders, separators,
 * timing, alignment, format and version information) rather than data, per
 * ISO/IEC 18004. Masks apply only to data modules.
 */

/** Alignment pattern centres per version (ISO/IEC 18004 annex E), computed rather than tabled. */
export function alignmentCentres(version: number): number[] {
  if (version === 1) return [];
  const count = Math.floor(version / 7) + 2;
  const size = version * 4 + 17;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (count * 2 - 2)) * 2;
  const centres = [6];
  for (let pos = size - 7; centres.length < count; pos -= step) centres.splice(1, 0, pos);
  return centres;
}

const cache = new Map<number, Uint8Array>();

/** 1 for every function module of a symbol of `size` modules a side (cached per size). */
export function functionModules(size: number): Uint8Array {
  let map = cache.get(size);
  if (map) return map;
  map = new Uint8Array(size * size);
  const set = (row: number, col: number) => {
    if (row >= 0 && col >= 0 && row < size && col < size) map![row * size + col] = 1;
  };
  const block = (row: number, col: number, h: number, w: number) => {
    for (let r = row; r < row + h; r++) for (let c = col; c < col + w; c++) set(r, c);
  };
  // Finders with their separators, and the format information beside them.
  block(0, 0, 9, 9);
  block(0, size - 8, 9, 8);
  block(size - 8, 0, 8, 9);
  // Timing patterns.
  for (let i = 0; i < size; i++) {
    set(6, i);
    set(i, 6);
  }
  const version = (size - 17) / 4;
  const centres = alignmentCentres(version);
  for (const r of centres) {
    for (const c of centres) {
      // The three corners that hold finders have no alignment pattern.
      const onFinder = (r === 6 && c === 6) || (r === 6 && c === size - 7) || (r === size - 7 && c === 6);
      if (!onFinder) block(r - 2, c - 2, 5, 5);
    }
  }
  if (version >= 7) {
    block(0, size - 11, 6, 3);
    block(size - 11, 0, 3, 6);
  }
  cache.set(size, map);
  return map;
}

/** The eight data masks of ISO/IEC 18004 (row i, column j): 1 where the module is inverted. */
export const MASKS: readonly ((i: number, j: number) => boolean)[] = [
  (i, j) => (i + j) % 2 === 0,
  (i) => i % 2 === 0,
  (_i, j) => j % 3 === 0,
  (i, j) => (i + j) % 3 === 0,
  (i, j) => (Math.floor(i / 2) + Math.floor(j / 3)) % 2 === 0,
  (i, j) => ((i * j) % 2) + ((i * j) % 3) === 0,
  (i, j) => (((i * j) % 2) + ((i * j) % 3)) % 2 === 0,
  (i, j) => (((i + j) % 2) + ((i * j) % 3)) % 2 === 0,
];

const maskCache = new Map<number, Uint8Array[]>();

/** Per mask, 1 for each data module it inverts (cached per size). */
export function maskPatterns(size: number): Uint8Array[] {
  let patterns = maskCache.get(size);
  if (patterns) return patterns;
  const fn = functionModules(size);
  patterns = MASKS.map((mask) => {
    const p = new Uint8Array(size * size);
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) p[i * size + j] = !fn[i * size + j] && mask(i, j) ? 1 : 0;
    return p;
  });
  maskCache.set(size, patterns);
  return patterns;
}

const EC_FORMAT_BITS = { L: 1, M: 0, Q: 3, H: 2 } as const;

/** The 15 format bits for a level and mask: BCH(15,5) with generator 0x537, XORed with 0x5412. */
export function formatBits(level: keyof typeof EC_FORMAT_BITS, mask: number): number {
  const data = (EC_FORMAT_BITS[level] << 3) | mask;
  let rem = data;
  for (let i = 0; i < 10; i++) rem = (rem << 1) ^ ((rem >>> 9) * 0x537);
  return ((data << 10) | rem) ^ 0x5412;
}

/** Writes both copies of the format information into a matrix (row-major, 1 = dark). Hot: no closures. */
export function writeFormatBits(dark: Uint8Array, size: number, bits: number): void {
  for (let i = 0; i <= 5; i++) dark[i * size + 8] = (bits >>> i) & 1;
  dark[7 * size + 8] = (bits >>> 6) & 1;
  dark[8 * size + 8] = (bits >>> 7) & 1;
  dark[8 * size + 7] = (bits >>> 8) & 1;
  for (let i = 9; i < 15; i++) dark[8 * size + 14 - i] = (bits >>> i) & 1;
  for (let i = 0; i < 8; i++) dark[8 * size + size - 1 - i] = (bits >>> i) & 1;
  for (let i = 8; i < 15; i++) dark[(size - 15 + i) * size + 8] = (bits >>> i) & 1;
  dark[(size - 8) * size + 8] = 1;
}
