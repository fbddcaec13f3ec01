import type { Drawing } from '../../src-shared/render/model';
import { drawingToSvg } from '../../src-shared/render/svg';
import { IMAGE_MEDIA_TYPES, PIXEL_SIZE, type OutputOptions } from '../../src-shared/schemas/output';
import { drawingToEps } from './formats/eps';
import { withPortableImages } from './formats/images';
import { drawingToPdf } from './formats/pdf';
import { rasterize } from './formats/raster';

export interface ExportedImage {
  bytes: Buffer;
  mediaType: string;
  /** Without the dot: `svg`, `png`, `jpg`, `webp`, `pdf`, `eps`. */
  extension: string;
}

export type ExportOptions = Pick<OutputOptions, 'format' | 'colorSpace'> &
  Partial<Pick<OutputOptions, 'size' | 'mm' | 'dpi'>> & { title?: string };

/**
 * Writes a Drawing in any output format: SVG as written by the shared writer
 * (mm units when a physical size is asked), PNG/JPEG/WebP rasterised from it,
 * PDF and EPS as vectors. Every format comes from the same Drawing, so they
 * all show the same thing. CMYK applies to PDF and EPS only.
 */
export async function exportDrawing(drawing: Drawing, options: ExportOptions): Promise<ExportedImage> {
  if (!(drawing.width > 0 && drawing.height > 0)) throw new Error('A drawing needs a positive width and height');
  const portable = await withPortableImages(drawing);
  const sizing = { size: options.size, mm: options.mm, dpi: options.dpi };
  const mediaType = IMAGE_MEDIA_TYPES[options.format];
  switch (options.format) {
    case 'svg': {
      const size = options.size ?? PIXEL_SIZE.default;
      const svg = drawingToSvg(portable, { size, mm: options.mm, title: options.title });
      return { bytes: Buffer.from(svg, 'utf8'), mediaType, extension: 'svg' };
    }
    case 'png':
    case 'jpeg':
    case 'webp': {
      const bytes = await rasterize(portable, options.format, sizing);
      return { bytes, mediaType, extension: options.format === 'jpeg' ? 'jpg' : options.format };
    }
    case 'pdf': {
      const bytes = await drawingToPdf(portable, { ...sizing, colorSpace: options.colorSpace, title: options.title });
      return { bytes, mediaType, extension: 'pdf' };
    }
    case 'eps': {
      const bytes = await drawingToEps(portable, { ...sizing, colorSpace: options.colorSpace, title: options.title });
      return { bytes, mediaType, extension: 'eps' };
    }
  }
}
