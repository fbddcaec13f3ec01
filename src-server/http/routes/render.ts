import { z } from 'zod';
import { asciiFileName, safeFileName } from '../../../src-shared/file-names';
import { encodePayload } from '../../../src-shared/payloads';
import { BooleanParam, IdParams } from '../../../src-shared/schemas/common';
import { applyDesign, DEFAULT_DESIGN } from '../../../src-shared/schemas/design';
import { IMAGE_MEDIA_TYPES, outputFields, sizeChecks } from '../../../src-shared/schemas/output';
import { CheckInput, RenderInput, ScannabilityReport } from '../../../src-shared/schemas/render';
import type { ExportedImage } from '../../render/export';
import type { QrRenderer } from '../../render/qr-renderer';
import { checkScannability } from '../../render/scannability';
import type { QrCodeService } from '../../services/qrcodes';
import { defineRoute, type Route } from '../route';

const TAG = 'Rendering';

const ImageQuery = z
  .object({
    ...outputFields('query'),
    download: BooleanParam.optional().meta({ description: 'true: Content-Disposition attachment (save, not show).' }),
  })
  .superRefine(sizeChecks);

const Binary = z.string().meta({ format: 'binary' });
const IMAGE_CONTENT = Object.fromEntries(Object.values(IMAGE_MEDIA_TYPES).map((type) => [type, Binary]));

/** Percent-encoding for an RFC 5987 value, which also forbids ' ( ) * that encodeURIComponent keeps. */
const rfc5987 = (s: string): string =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** inline or attachment, with an ASCII file name and the UTF-8 original in filename* (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string, extension: string): string {
  const file = `${safeFileName(name, 'qrcode')}.${extension}`;
  return `${kind}; filename="${asciiFileName(name, 'qrcode')}.${extension}"; filename*=UTF-8''${rfc5987(file)}`;
}

const imageResponse = (image: ExportedImage, disposition: string) => ({
  body: image.bytes,
  headers: { 'Content-Type': image.mediaType, 'Content-Disposition': disposition, 'Cache-Control': 'no-store' },
});

export function renderRoutes(renderer: QrRenderer, codes: QrCodeService): Route[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/render',
      operationId: 'renderQrCode',
      summary: 'Render a QR code (stateless)',
      description:
        'Encodes the content of any type in a design and answers the image itself, in the format asked. Nothing is ' +
        'stored. Sizes are pixels (`size`) or millimetres at a resolution (`mm`, `dpi`); `colorSpace: "cmyk"` paints ' +
        'PDF and EPS in DeviceCMYK for print.',
      tag: TAG,
      auth: 'read',
      body: RenderInput,
      success: { status: 200, description: 'The image', otherContent: IMAGE_CONTENT },
      errors: [],
      handler: async ({ body }) => {
        const { type, content, design, format, size, mm, dpi, colorSpace } = body;
        const payload = encodePayload(type, content as never);
        const image = await renderer.render(payload, applyDesign(DEFAULT_DESIGN, design), {
          format,
          size,
          mm,
          dpi,
          colorSpace,
        });
        return imageResponse(image, contentDisposition('inline', `qrcode-${type}`, image.extension));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/render/check',
      operationId: 'checkScannability',
      summary: 'Check that a design scans',
      description:
        'Renders the design, decodes the image with ZXing and reports whether it reads back exactly, the contrast, ' +
        'and warnings for what tends to fail in print (low contrast, light on dark, a logo too large for the ' +
        'error-correction level, a quiet zone under 4 modules, styles that trouble readers). It warns; it never refuses.',
      tag: TAG,
      auth: 'read',
      body: CheckInput,
      success: { status: 200, description: 'What a reader saw', schema: ScannabilityReport },
      handler: async ({ body }) => {
        const payload = encodePayload(body.type, body.content as never);
        return { body: await checkScannability(renderer, payload, applyDesign(DEFAULT_DESIGN, body.design)) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/qrcodes/:id/image',
      operationId: 'getQrCodeImage',
      summary: "A code's image",
      description:
        'The saved code in its saved design, as SVG, PNG, JPEG, WebP, PDF or EPS. The file name comes from the ' +
        "code's name; `download=true` asks the browser to save it rather than show it.",
      tag: TAG,
      auth: 'read',
      params: IdParams,
      query: ImageQuery,
      success: { status: 200, description: 'The image', otherContent: IMAGE_CONTENT },
      errors: ['NOT_FOUND'],
      handler: async ({ params, query }) => {
        const code = codes.get(params.id);
        const { format, size, mm, dpi, colorSpace } = query;
        const image = await renderer.render(
          code.payload,
          code.design,
          { format, size, mm, dpi, colorSpace },
          { title: code.name, missingLogo: 'skip' },
        );
        return imageResponse(
          image,
          contentDisposition(query.download ? 'attachment' : 'inline', code.name, image.extension),
        );
      },
    }),
  ];
}
