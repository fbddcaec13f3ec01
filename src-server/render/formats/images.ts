import type { Drawing, PlacedImage } from '../../../src-shared/render/model';
import { loadSharp } from '../../lazy';

/** Longest side a rasterised SVG logo gets in PDF and EPS: plenty for a logo inside a code at 300 dpi. */
export const MAX_LOGO_PIXELS = 1024;

/**
 * WebP images as PNG. librsvg (sharp's SVG renderer) cannot draw WebP, nor can
 * most vector editors opening our SVG, PDF has no WebP filter, and PostScript
 * gets raw samples anyway; PNG is lossless, so nothing is lost.
 */
export async function withPortableImages(drawing: Drawing): Promise<Drawing> {
  if (!drawing.images.some((i) => i.mediaType === 'image/webp')) return drawing;
  const sharp = await loadSharp();
  const images = await Promise.all(
    drawing.images.map(async (image): Promise<PlacedImage> => {
      if (image.mediaType !== 'image/webp') return image;
      const png = await sharp(Buffer.from(image.base64, 'base64')).png().toBuffer();
      return { ...image, mediaType: 'image/png', base64: png.toString('base64') };
    }),
  );
  return { ...drawing, images };
}

export interface DecodedImage {
  /** PNG or JPEG bytes (what pdfkit embeds). */
  file: Buffer;
  /** Intrinsic size, for fitting the image in its box. */
  width: number;
  height: number;
}

/**
 * An image as a PNG or JPEG file. SVG logos are rasterised at `targetPx` on
 * their longer side (capped), since neither PDF nor PostScript can embed SVG;
 * the intrinsic size stays the SVG's own so the fit matches the SVG output.
 */
export async function decodeForEmbedding(image: PlacedImage, targetPx: number): Promise<DecodedImage> {
  const bytes = Buffer.from(image.base64, 'base64');
  const sharp = await loadSharp();
  const meta = await sharp(bytes).metadata();
  const width = meta.width ?? 1;
  const height = meta.height ?? 1;
  if (image.mediaType === 'image/png' || image.mediaType === 'image/jpeg') return { file: bytes, width, height };
  if (image.mediaType === 'image/svg+xml') {
    const longer = Math.min(MAX_LOGO_PIXELS, Math.max(1, Math.round(targetPx)));
    const density = Math.max(1, Math.min(2400, (72 * longer) / Math.max(width, height)));
    const file = await sharp(bytes, { density })
      .resize({ width: width >= height ? longer : undefined, height: height > width ? longer : undefined })
      .png()
      .toBuffer();
    return { file, width, height };
  }
  return { file: await sharp(bytes).png().toBuffer(), width, height };
}

/** Raw 8-bit samples of an image (RGB plus a separate alpha), for PostScript's `image` operator. */
export async function rawSamples(
  image: PlacedImage,
  targetPx: number,
): Promise<{ rgb: Buffer; alpha: Buffer | null; width: number; height: number; intrinsic: [number, number] }> {
  const { file, width, height } = await decodeForEmbedding(image, targetPx);
  const sharp = await loadSharp();
  let pipeline = sharp(file);
  const meta = await pipeline.metadata();
  const longer = Math.max(meta.width ?? 1, meta.height ?? 1);
  if (longer > MAX_LOGO_PIXELS)
    pipeline = pipeline.resize({ width: MAX_LOGO_PIXELS, height: MAX_LOGO_PIXELS, fit: 'inside' });
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const pixels = info.width * info.height;
  const rgb = Buffer.alloc(pixels * 3);
  const alpha = Buffer.alloc(pixels);
  let opaque = true;
  for (let i = 0; i < pixels; i++) {
    rgb[i * 3] = data[i * 4]!;
    rgb[i * 3 + 1] = data[i * 4 + 1]!;
    rgb[i * 3 + 2] = data[i * 4 + 2]!;
    alpha[i] = data[i * 4 + 3]!;
    if (alpha[i] !== 255) opaque = false;
  }
  return { rgb, alpha: opaque ? null : alpha, width: info.width, height: info.height, intrinsic: [width, height] };
}
