import { payloadCapacityProblem } from '../../src-shared/qr-capacity';
import type { Drawing } from '../../src-shared/render/model';
import { qrDrawing, QrCapacityError, type LogoImage } from '../../src-shared/render/qr';
import type { Design } from '../../src-shared/schemas/design';
import type { OutputOptions } from '../../src-shared/schemas/output';
import { AppError } from '../errors';
import { exportDrawing, type ExportedImage } from './export';
import { loadCaptionFont } from './fonts';

/**
 * What to do when a design names a logo that is gone: refuse (a design being
 * made now) or draw without it (a saved code whose logo was force-deleted).
 */
export type MissingLogo = 'refuse' | 'skip';

/** What the renderer needs from the asset library: a logo's bytes and pixel size. */
export interface LogoSource {
  getForRender(id: string): { mediaType: string; bytes: Buffer; width: number; height: number } | undefined;
}

/**
 * Turns a payload and a design into a drawing and then into files: resolves
 * the logo asset, loads the bundled caption font once, and maps every way a
 * render can fail on its input to a 400 naming the field.
 */
export class QrRenderer {
  constructor(private readonly logos: LogoSource) {}

  private logoFor(design: Design, missing: MissingLogo = 'refuse'): LogoImage | null {
    const assetId = design.logo?.assetId;
    if (!assetId) return null;
    const asset = this.logos.getForRender(assetId);
    if (!asset && missing === 'skip') return null;
    if (!asset) {
      throw new AppError('VALIDATION_ERROR', 'The design refers to a logo that does not exist.', [
        { path: 'design.logo.assetId', message: `No asset ${assetId}; upload one with POST /api/v1/assets` },
      ]);
    }
    return {
      mediaType: asset.mediaType,
      base64: asset.bytes.toString('base64'),
      width: asset.width,
      height: asset.height,
    };
  }

  /** The pixel size of the design's logo, or null without one. */
  logoSize(design: Design): { width: number; height: number } | null {
    const logo = this.logoFor(design);
    return logo ? { width: logo.width, height: logo.height } : null;
  }

  /** The drawing of a payload in a design; 400 when it cannot be drawn as asked. */
  async drawing(payload: string, design: Design, missingLogo: MissingLogo = 'refuse'): Promise<Drawing> {
    const problem = payloadCapacityProblem(payload, design.errorCorrection);
    if (problem) throw new AppError('VALIDATION_ERROR', problem, [{ path: 'content', message: problem }]);
    const font = design.frame ? await loadCaptionFont() : null;
    if (font && design.frame) {
      const missing = font.missing(design.frame.text);
      if (missing.length) {
        const message = `The caption font cannot draw ${missing.map((c) => `"${c}"`).join(', ')}; it covers Latin, Greek and Cyrillic`;
        throw new AppError('VALIDATION_ERROR', message, [{ path: 'design.frame.text', message }]);
      }
    }
    try {
      const logo = this.logoFor(design, missingLogo);
      return qrDrawing(payload, design, { logo, font });
    } catch (err) {
      if (err instanceof QrCapacityError) {
        throw new AppError('VALIDATION_ERROR', err.message, [{ path: 'content', message: err.message }]);
      }
      throw err;
    }
  }

  async render(
    payload: string,
    design: Design,
    output: OutputOptions,
    options: { title?: string; missingLogo?: MissingLogo } = {},
  ): Promise<ExportedImage> {
    const drawing = await this.drawing(payload, design, options.missingLogo);
    return exportDrawing(drawing, { ...output, title: options.title });
  }
}
