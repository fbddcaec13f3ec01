import { CAPTION_FONT_FILES, CaptionFont } from '../../../src-shared/render/caption-font';
import { qrDrawing, type LogoImage } from '../../../src-shared/render/qr';
import { drawingToSvg } from '../../../src-shared/render/svg';
import type { Design } from '../../../src-shared/schemas/design';
import { assetsApi } from '../api/assets';

// The same engine the server exports with, so the preview is what prints.
// Fonts and logos load once and are cached for every preview and thumbnail.

const fontUrls = import.meta.glob<string>('../../../resources/fonts/*.woff', {
  query: '?url',
  import: 'default',
  eager: true,
});

let fontPromise: Promise<CaptionFont> | null = null;

/** The bundled caption fonts (needed only for designs with a frame caption). */
export function captionFont(): Promise<CaptionFont> {
  fontPromise ??= Promise.all(
    CAPTION_FONT_FILES.map(async (file) => {
      const url = fontUrls[`../../../resources/fonts/${file}`];
      if (!url) throw new Error(`The caption font ${file} is not bundled`);
      const res = await fetch(url);
      return res.arrayBuffer();
    }),
  ).then((files) => new CaptionFont(files));
  fontPromise.catch(() => (fontPromise = null));
  return fontPromise;
}

const logos = new Map<string, Promise<LogoImage | null>>();

function base64Of(bytes: ArrayBuffer): string {
  let binary = '';
  const view = new Uint8Array(bytes);
  for (let i = 0; i < view.length; i += 0x8000) binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A logo asset as the engine takes it; null when it no longer exists. */
export function logoImage(assetId: string): Promise<LogoImage | null> {
  let promise = logos.get(assetId);
  if (!promise) {
    promise = Promise.all([assetsApi.get(assetId), assetsApi.content(assetId)]).then(
      async ([asset, file]) => ({
        mediaType: asset.mediaType,
        width: asset.width,
        height: asset.height,
        base64: base64Of(await file.blob.arrayBuffer()),
      }),
      () => null,
    );
    logos.set(assetId, promise);
  }
  return promise;
}

export interface PreviewExtras {
  font: CaptionFont | null;
  logo: LogoImage | null;
}

/** Loads what a design needs beyond itself: its logo and, with a caption, the font. */
export async function previewExtras(design: Design): Promise<PreviewExtras> {
  const [font, logo] = await Promise.all([
    design.frame?.text ? captionFont() : Promise.resolve(null),
    design.logo?.assetId ? logoImage(design.logo.assetId) : Promise.resolve(null),
  ]);
  return { font, logo };
}

/** The styled code as SVG text (synchronous once the extras are loaded: fast enough for every keystroke). */
export function qrSvg(payload: string, design: Design, extras: PreviewExtras, size = 512, title?: string): string {
  return drawingToSvg(qrDrawing(payload, design, extras), { size, ...(title ? { title } : {}) });
}

/** An SVG as a data: URL for an <img> (an image cannot run script, unlike inline SVG). */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
