import type { Drawing, Layer, PlacedImage } from '../../../src-shared/render/model';
import { loadSharp } from '../../lazy';
import { RasterCanvas, type RawImage } from './canvas';
import type { Placement } from './flatten';
import { hexToRgb } from './paint';
import { encodePng, type PngOptions } from './png';

/** Decoded logos by content and box size: a batch places the same logo thousands of times. */
const imageCache = new Map<string, RawImage>();
const IMAGE_CACHE_ENTRIES = 32;

async function decodeImage(image: PlacedImage, width: number, height: number): Promise<RawImage> {
  const key = `${width}x${height}:${image.mediaType}:${image.base64.length}:${image.base64.slice(0, 64)}:${image.base64.slice(-64)}`;
  const cached = imageCache.get(key);
  if (cached) return cached;
  const sharp = await loadSharp();
  const { data, info } = await sharp(Buffer.from(image.base64, 'base64'), { density: 300 })
    .resize(width, height, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const raw = {
    width: info.width,
    height: info.height,
    data: new Uint8Array(data.buffer, data.byteOffset, data.length),
  };
  if (imageCache.size >= IMAGE_CACHE_ENTRIES) imageCache.delete(imageCache.keys().next().value!);
  imageCache.set(key, raw);
  return raw;
}

const isGrey = (hex: string) => hex.slice(1, 3) === hex.slice(3, 5) && hex.slice(3, 5) === hex.slice(5, 7);

/** A layer that is one axis-aligned rectangle covering the whole drawing, in one solid colour. */
function coversAll(layer: Layer, drawing: Drawing): boolean {
  if (layer.paint.kind !== 'solid') return false;
  const points = layer.path.filter((c) => c.op === 'M' || c.op === 'L') as { x: number; y: number }[];
  if (points.length !== 4 || layer.path.some((c) => c.op === 'A' || c.op === 'C')) return false;
  const xs = points.map((p) => p.x);
  const ys = points.map((p) => p.y);
  return (
    Math.min(...xs) <= 0 &&
    Math.min(...ys) <= 0 &&
    Math.max(...xs) >= drawing.width &&
    Math.max(...ys) >= drawing.height &&
    new Set(xs).size === 2 &&
    new Set(ys).size === 2
  );
}

/**
 * Where the drawing lands in the image. Normally it fills it (a non-square
 * drawing cannot keep its aspect in whole pixels exactly, so it covers both
 * sides and at most a pixel is cropped). A pixel-snapped drawing gets a whole
 * number of pixels per unit and is centred; its background fills the rest.
 */
function place(drawing: Drawing, width: number, height: number): Placement {
  if (drawing.pixelSnap) {
    const fit = Math.min(width / drawing.width, height / drawing.height);
    const scale = fit >= 1 ? Math.floor(fit) : fit;
    return {
      scale,
      ox: Math.round((width - drawing.width * scale) / 2),
      oy: Math.round((height - drawing.height * scale) / 2),
    };
  }
  return { scale: Math.max(width / drawing.width, height / drawing.height), ox: 0, oy: 0 };
}

export interface Raster {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** Grey (1 channel), RGB (3) or straight RGBA (4), 8 bits each. */
  pixels: Buffer;
  /** With 4 channels: whether every pixel came out opaque. */
  opaque: boolean;
}

/**
 * Paints a Drawing into pixels with qrdesk's own scanline rasteriser. A
 * general SVG renderer costs milliseconds per image before drawing anything
 * (measured here: librsvg through sharp, about 2.5 ms for an empty SVG); a
 * code is a few hundred small filled shapes, which this paints one at a time.
 */
export async function rasterizeDrawing(drawing: Drawing, width: number, height: number): Promise<Raster> {
  const first = drawing.layers[0];
  const opaqueBase = first !== undefined && coversAll(first, drawing);
  const grey =
    opaqueBase &&
    drawing.images.length === 0 &&
    drawing.layers.every((l) => l.paint.kind === 'solid' && isGrey(l.paint.color));
  const canvas = new RasterCanvas(width, height, grey ? 1 : opaqueBase ? 3 : 4);
  const placement = place(drawing, width, height);
  drawing.layers.forEach((layer, i) => {
    if (i === 0 && opaqueBase && layer.paint.kind === 'solid') canvas.fillAll(hexToRgb(layer.paint.color));
    else canvas.fillLayer(layer, placement);
  });
  const { scale, ox, oy } = placement;
  for (const image of drawing.images) {
    const x = Math.round(ox + image.x * scale);
    const y = Math.round(oy + image.y * scale);
    const w = Math.max(1, Math.round(ox + (image.x + image.width) * scale) - x);
    const h = Math.max(1, Math.round(oy + (image.y + image.height) * scale) - y);
    canvas.drawImage(await decodeImage(image, w, h), x, y);
  }
  let opaque = opaqueBase;
  if (canvas.channels === 4) {
    opaque = true;
    for (let o = 3; o < canvas.pixels.length; o += 4) {
      if (canvas.pixels[o] !== 255) {
        opaque = false;
        break;
      }
    }
  }
  return { width, height, channels: canvas.channels, pixels: canvas.pixels, opaque };
}

/** A Drawing as PNG bytes. */
export async function drawingToPng(
  drawing: Drawing,
  width: number,
  height: number,
  options: PngOptions = {},
): Promise<Buffer> {
  return encodePng(await rasterizeDrawing(drawing, width, height), options);
}
export { encodePng } from './png';
