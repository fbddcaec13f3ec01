import type { Drawing } from '../../../src-shared/render/model';
import { loadSharp } from '../../lazy';
import { encodePng, rasterizeDrawing } from '../raster';
import { rasterSize, type SizeOptions } from './size';

export type RasterFormat = 'png' | 'jpeg' | 'webp';

/**
 * Rasterises a drawing with qrdesk's own rasteriser at the exact pixel size,
 * then writes PNG directly (with the print resolution in pHYs when a size in
 * mm was asked) or hands the pixels to sharp for JPEG and WebP.
 */
export async function rasterize(drawing: Drawing, format: RasterFormat, options: SizeOptions): Promise<Buffer> {
  const { width, height, dpi } = rasterSize(drawing, options);
  const raster = await rasterizeDrawing(drawing, width, height);
  // Alpha stays in PNG: a drawing without a background layer stays transparent.
  if (format === 'png') return encodePng(raster, { dpi: dpi ?? undefined });
  const sharp = await loadSharp();
  let image = sharp(raster.pixels, { raw: { width, height, channels: raster.channels } });
  // Print sizes carry their resolution, so a layout program places them at the asked mm.
  if (dpi !== null) image = image.withMetadata({ density: dpi });
  if (format === 'jpeg') {
    // JPEG has no alpha; transparent parts would turn black, so they go on white.
    return image.flatten({ background: '#ffffff' }).jpeg({ quality: 92, chromaSubsampling: '4:4:4' }).toBuffer();
  }
  // Codes are flat colour: lossless WebP is exact and smaller than lossy at a safe quality.
  return image.webp({ lossless: true }).toBuffer();
}
