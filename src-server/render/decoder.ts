import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { readBarcodes, ReadResult, ReaderOptions } from 'zxing-wasm/reader';
import { lazy, loadSharp } from '../lazy';

const require = createRequire(import.meta.url);

type ReaderInput = Parameters<typeof readBarcodes>[0];

/**
 * Loads ZXing with its wasm from the installed package. Left to itself, zxing-wasm
 * fetches the binary from a CDN, which an offline desktop app must never do.
 */
const loadReader = lazy(async () => {
  const zxing = await import('zxing-wasm/reader');
  await zxing.prepareZXingModule({
    overrides: { wasmBinary: fs.readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer },
    fireImmediately: true,
  });
  return zxing;
});

export interface Decoded {
  text: string;
  /** ZXing's name for the symbology, e.g. "QRCode", "EAN13", "DataMatrix". */
  format: string;
  bytes: Uint8Array;
}

/** Light margin added around an image before decoding, so a symbol drawn without its quiet zone still has one to be found in. */
const DECODE_PAD = 16;

/**
 * Decodes every barcode in an image file (PNG, JPEG, WebP, or SVG rasterised
 * by sharp). The image is flattened on white: a transparent background reads
 * as black to a decoder, which is not what a printed page shows.
 */
export async function decodeImage(image: Buffer, options: ReaderOptions = {}): Promise<Decoded[]> {
  const [zxing, sharp] = await Promise.all([loadReader(), loadSharp()]);
  const { data, info } = await sharp(image)
    .flatten({ background: '#ffffff' })
    .extend({ top: DECODE_PAD, bottom: DECODE_PAD, left: DECODE_PAD, right: DECODE_PAD, background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  // zxing-wasm duck-types ImageData ({data, width, height}); Node has no ImageData class.
  const pixels = {
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    width: info.width,
    height: info.height,
  };
  const results: ReadResult[] = await zxing.readBarcodes(pixels as ReaderInput, {
    tryHarder: true,
    maxNumberOfSymbols: 4,
    ...options,
  });
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format, bytes: r.bytes }));
}

/** Pixels as qrdesk's own rasteriser hands them over: grey, RGB or straight RGBA, 8 bits each. */
export interface RawPixels {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  pixels: Uint8Array;
}

/**
 * Decodes pixels already in memory, without writing and reopening an image
 * file: composited on white with the same light margin as decodeImage. A
 * batch verifies every code this way, at a few pixels a module, in about a
 * millisecond.
 */
export async function decodePixels(raster: RawPixels, options: ReaderOptions = {}): Promise<Decoded[]> {
  const zxing = await loadReader();
  const { width, height, channels, pixels } = raster;
  const w = width + 2 * DECODE_PAD;
  const h = height + 2 * DECODE_PAD;
  const data = new Uint8ClampedArray(w * h * 4).fill(255);
  for (let y = 0; y < height; y++) {
    let o = ((y + DECODE_PAD) * w + DECODE_PAD) * 4;
    let i = y * width * channels;
    for (let x = 0; x < width; x++, o += 4, i += channels) {
      if (channels === 1) {
        data[o] = data[o + 1] = data[o + 2] = pixels[i]!;
      } else if (channels === 3) {
        data[o] = pixels[i]!;
        data[o + 1] = pixels[i + 1]!;
        data[o + 2] = pixels[i + 2]!;
      } else {
        // Over white, as a printed page shows it.
        const a = pixels[i + 3]!;
        const white = 255 - a;
        data[o] = (pixels[i]! * a) / 255 + white;
        data[o + 1] = (pixels[i + 1]! * a) / 255 + white;
        data[o + 2] = (pixels[i + 2]! * a) / 255 + white;
      }
    }
  }
  const results: ReadResult[] = await zxing.readBarcodes({ data, width: w, height: h } as ReaderInput, {
    tryHarder: true,
    maxNumberOfSymbols: 4,
    ...options,
  });
  return results.filter((r) => r.isValid).map((r) => ({ text: r.text, format: r.format, bytes: r.bytes }));
}
