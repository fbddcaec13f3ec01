import { ASSET_MAX_PIXELS, ASSET_MEDIA_TYPES, type AssetMediaType } from '../../src-shared/schemas/assets';
import { AppError } from '../errors';
import { lazy, loadSharp } from '../lazy';
import { sanitizeSvg } from '../render/sanitize-svg';

/** An uploaded image that passed every check: its real type, the bytes to store, and its size in pixels. */
export interface InspectedImage {
  mediaType: AssetMediaType;
  bytes: Buffer;
  width: number;
  height: number;
}

const ACCEPTED = 'PNG, JPEG, WebP or SVG';

// What file-type calls the raster types we take; an animated PNG is still a PNG.
const RASTER: Record<string, AssetMediaType> = {
  'image/png': 'image/png',
  'image/apng': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/webp': 'image/webp',
};

const unsupported = (message: string) =>
  new AppError('UNSUPPORTED_MEDIA_TYPE', `${message} Accepted types: ${ASSET_MEDIA_TYPES.join(', ')}.`);

const invalid = (message: string) => new AppError('VALIDATION_ERROR', message, [{ path: 'file', message }]);

const DOCTYPE = /<!DOCTYPE\s[^[>]*(?:\[[\s\S]*?\]\s*)?>/y;

/**
 * Whether the text is an SVG document: an <svg> root, after only white
 * space, an XML declaration or other processing instructions, comments and a
 * doctype. A scanner rather than one regex, so hostile input cannot make it
 * backtrack.
 */
export function isSvgDocument(text: string): boolean {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (text.startsWith('<?', i)) {
      const end = text.indexOf('?>', i + 2);
      if (end < 0) return false;
      i = end + 2;
    } else if (text.startsWith('<!--', i)) {
      const end = text.indexOf('-->', i + 4);
      if (end < 0) return false;
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', i)) {
      DOCTYPE.lastIndex = i;
      if (!DOCTYPE.test(text)) return false;
      i = DOCTYPE.lastIndex;
    } else {
      return /^<svg[\s/>]/.test(text.slice(i, i + 5));
    }
  }
}

/** UTF-8 text (a BOM is dropped), or null for bytes that are not valid UTF-8. */
function utf8(bytes: Buffer): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

// Loaded on the first upload: it costs a noticeable share of server start-up otherwise.
const loadFileType = lazy(() => import('file-type'));
const detectType = async (bytes: Uint8Array) => (await loadFileType()).fileTypeFromBuffer(bytes);

async function sniff(bytes: Buffer): Promise<{ mediaType: AssetMediaType; bytes: Buffer }> {
  const detected = await detectType(bytes);
  const raster = detected && RASTER[detected.mime];
  if (raster) return { mediaType: raster, bytes };
  const text = detected && detected.mime !== 'application/xml' ? null : utf8(bytes);
  if (text === null || !isSvgDocument(text)) {
    const seen = detected ? ` (it looks like ${detected.mime})` : '';
    throw unsupported(`The file is not a ${ACCEPTED} image${seen}.`);
  }
  const clean = sanitizeSvg(text);
  if (!clean.ok) throw invalid(`The SVG cannot be used as a logo: ${clean.reason}.`);
  await checkEmbedded(clean.embedded);
  return { mediaType: 'image/svg+xml', bytes: Buffer.from(clean.svg, 'utf8') };
}

function dataUriBytes(uri: string): Buffer | null {
  const comma = uri.indexOf(',');
  const payload = uri.slice(comma + 1);
  if (/;base64$/i.test(uri.slice(0, comma))) return Buffer.from(payload, 'base64');
  try {
    return Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch {
    return null;
  }
}

/**
 * Images embedded in an SVG are decoded whenever it is drawn, by a decoder
 * that sniffs formats of its own: each must really be a PNG, JPEG or WebP,
 * and together they stay under the pixel limit.
 */
async function checkEmbedded(uris: readonly string[]): Promise<void> {
  let pixels = 0;
  for (const uri of uris) {
    const bytes = dataUriBytes(uri);
    const type = bytes && (await detectType(bytes));
    let size: { width: number; height: number } | null = null;
    if (bytes && type && RASTER[type.mime]) {
      const sharp = await loadSharp();
      size = await sharp(bytes, { limitInputPixels: false })
        .metadata()
        .catch(() => null);
    }
    if (!size) throw invalid('An image embedded in the SVG is not a readable PNG, JPEG or WebP.');
    pixels += size.width * size.height;
    if (pixels > ASSET_MAX_PIXELS) {
      throw invalid(
        `The images embedded in the SVG have over ${ASSET_MAX_PIXELS / 1_000_000} megapixels; a logo may have at most that.`,
      );
    }
  }
}

const KIND: Record<AssetMediaType, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/webp': 'WebP',
  'image/svg+xml': 'SVG',
};

/**
 * Decides what an uploaded file is from its bytes, sanitises SVG, and checks
 * the image can really be decoded (a truncated or corrupt file is refused
 * here, not when a code is exported) and is not a decompression bomb.
 */
export async function inspectImage(upload: Buffer): Promise<InspectedImage> {
  const { mediaType, bytes } = await sniff(upload);
  const sharp = await loadSharp();
  const kind = KIND[mediaType];
  let width: number;
  let height: number;
  try {
    // The header alone: cheap, and it tells the claimed size before anything is decoded.
    const meta = await sharp(bytes, { limitInputPixels: false }).metadata();
    // A JPEG rotated by its EXIF orientation shows with its sides swapped.
    width = meta.autoOrient?.width ?? meta.width;
    height = meta.autoOrient?.height ?? meta.height;
  } catch {
    throw unsupported(`The ${kind} file could not be read; it may be truncated or corrupt.`);
  }
  if (!(width > 0 && height > 0)) throw unsupported(`The ${kind} image has no size.`);
  if (width * height > ASSET_MAX_PIXELS) {
    throw invalid(
      `The image is ${width} × ${height} pixels; a logo may have at most ${ASSET_MAX_PIXELS / 1_000_000} megapixels.`,
    );
  }
  try {
    // Decoding every pixel is what finds truncated data; shrinking on the way keeps it cheap.
    await sharp(bytes, { limitInputPixels: ASSET_MAX_PIXELS, failOn: 'truncated' })
      // An SVG's filters can be made arbitrarily slow to draw.
      .timeout({ seconds: 10 })
      .resize(64, 64, { fit: 'inside' })
      .raw()
      .toBuffer();
  } catch {
    throw mediaType === 'image/svg+xml'
      ? invalid('The SVG could not be drawn; check that it is a complete, valid SVG document.')
      : unsupported(`The ${kind} file could not be decoded; it may be truncated or corrupt.`);
  }
  return { mediaType, bytes, width, height };
}
