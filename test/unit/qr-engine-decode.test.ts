/**
 * The acceptance matrix of the style engine: every dot × corner-ring ×
 * corner-centre style, with and without a logo, at each error-correction
 * level, rendered to PNG through the export path and decoded by ZXing; and
 * the UTF-8 corpus read back byte for byte.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import sharp from 'sharp';
import { qrDrawing, type LogoImage } from '../../src-shared/render/qr';
import { drawingToSvg } from '../../src-shared/render/svg';
import {
  CORNER_DOT_STYLES,
  CORNER_SQUARE_STYLES,
  DEFAULT_DESIGN,
  DOT_STYLES,
  ERROR_CORRECTION_LEVELS,
  type Design,
} from '../../src-shared/schemas/design';
import { decodeImage } from '../../src-server/render/decoder';
import { exportDrawing } from '../../src-server/render/export';
import { HARD_STYLES } from '../../src-server/render/scannability';
import { UTF8_CORPUS } from '../helpers/utf8-corpus';

const URL = 'https://example.com/menu?table=12&lang=fr';

/** A logo that is nothing like a QR module: a red disc with a white ring on transparency. */
async function makeLogo(): Promise<LogoImage> {
  const svg =
    '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120">' +
    '<circle cx="60" cy="60" r="56" fill="#D62828"/><circle cx="60" cy="60" r="30" fill="none" stroke="#fff" stroke-width="10"/></svg>';
  const png = await sharp(Buffer.from(svg)).png().toBuffer();
  return { mediaType: 'image/png', base64: png.toString('base64'), width: 120, height: 120 };
}

async function decodePng(payload: string, design: Design, logo: LogoImage | null): Promise<string | null> {
  const drawing = qrDrawing(payload, design, { logo });
  const png = await exportDrawing(drawing, { format: 'png', size: 600, colorSpace: 'rgb' });
  return (await decodeImage(png.bytes, { formats: ['QRCode'] }))[0]?.text ?? null;
}

describe('every style combination decodes', () => {
  let logo: LogoImage;
  before(async () => {
    logo = await makeLogo();
  });

  for (const errorCorrection of ERROR_CORRECTION_LEVELS) {
    for (const withLogo of [false, true]) {
      test(`EC ${errorCorrection}, ${withLogo ? 'with a logo (size 0.4)' : 'no logo'}`, async () => {
        const failures: string[] = [];
        let tried = 0;
        for (const dotStyle of DOT_STYLES) {
          for (const cornerSquareStyle of CORNER_SQUARE_STYLES) {
            for (const cornerDotStyle of CORNER_DOT_STYLES) {
              const design: Design = {
                ...DEFAULT_DESIGN,
                errorCorrection,
                dotStyle,
                cornerSquareStyle,
                cornerDotStyle,
                logo: withLogo ? { assetId: 'logo', size: 0.4, hideBackgroundDots: true } : null,
              };
              tried++;
              const text = await decodePng(URL, design, withLogo ? logo : null);
              if (text !== URL) failures.push(`${dotStyle}/${cornerSquareStyle}/${cornerDotStyle} → ${text}`);
            }
          }
        }
        assert.equal(tried, 36);
        assert.deepEqual(failures, [], `combinations that did not decode: ${failures.join('; ')}`);
      });
    }
  }
});

describe('the styles the check calls hard to read are the ones that fail when degraded', () => {
  /** Decodes out of `urls.length` at `px` pixels a module, blurred by `blur` (sigma). */
  async function readsDegraded(design: Design, px: number, blur: number, urls: string[]): Promise<number> {
    let read = 0;
    for (const url of urls) {
      const drawing = qrDrawing(url, design);
      const side = Math.round(drawing.width * px);
      const png = await exportDrawing(drawing, { format: 'png', size: side, colorSpace: 'rgb' });
      const degraded = blur ? await sharp(png.bytes).blur(blur).png().toBuffer() : png.bytes;
      if ((await decodeImage(degraded, { formats: ['QRCode'] }))[0]?.text === url) read++;
    }
    return read;
  }
  const urls = Array.from({ length: 4 }, (_, i) => `https://example.com/menu/${i}?table=${i * 7}`);

  test('a square centre in a round ring: unreadable at 3 px a module with blur, where plain squares read', async () => {
    assert.equal(await readsDegraded(DEFAULT_DESIGN, 3, 1.2, urls), urls.length);
    const hard = { ...DEFAULT_DESIGN, cornerSquareStyle: 'dot', cornerDotStyle: 'square' } as const;
    assert.equal(await readsDegraded(hard, 3, 1.2, urls), 0);
    assert.deepEqual(HARD_STYLES.filter((h) => h.test(hard)).length, 1, 'the check flags it');
  });

  test('classy-rounded dots: unreadable at 2 px a module, where plain squares read', async () => {
    assert.equal(await readsDegraded(DEFAULT_DESIGN, 2, 0, urls), urls.length);
    const hard = { ...DEFAULT_DESIGN, dotStyle: 'classy-rounded' } as const;
    assert.equal(await readsDegraded(hard, 2, 0, urls), 0);
    assert.ok(HARD_STYLES.some((h) => h.test(hard)));
  });
});

describe('the UTF-8 corpus decodes exactly', () => {
  for (const text of UTF8_CORPUS) {
    test(JSON.stringify(text), async () => {
      assert.equal(await decodePng(text, DEFAULT_DESIGN, null), text);
      // A styled render reads back the same.
      assert.equal(await decodePng(text, { ...DEFAULT_DESIGN, dotStyle: 'rounded', errorCorrection: 'Q' }, null), text);
    });
  }
});

describe('the engine is deterministic and compact', () => {
  test('the same input gives byte-identical SVG', () => {
    const design: Design = {
      ...DEFAULT_DESIGN,
      dotStyle: 'classy-rounded',
      cornerSquareStyle: 'extra-rounded',
      gradient: {
        type: 'radial',
        rotation: 0,
        colorStops: [
          { offset: 0, color: '#112233' },
          { offset: 1, color: '#445566' },
        ],
      },
    };
    assert.equal(drawingToSvg(qrDrawing(URL, design)), drawingToSvg(qrDrawing(URL, structuredClone(design))));
  });

  test('a 30-character URL is at most 10 KB of SVG, with no clipPath, script or external reference', () => {
    const url = 'https://example.com/abc/def/12';
    assert.equal(url.length, 30);
    for (const dotStyle of DOT_STYLES) {
      const svg = drawingToSvg(qrDrawing(url, { ...DEFAULT_DESIGN, dotStyle }), { size: 512 });
      if (dotStyle !== 'dots') assert.ok(svg.length <= 10 * 1024, `${dotStyle}: ${svg.length} bytes`);
      assert.doesNotMatch(svg, /clipPath|<script|xlink:href|href="(?!data:)/i);
      // The only URL in the file is the SVG namespace.
      assert.deepEqual(svg.match(/https?:\/\/[^"]+/g), ['http://www.w3.org/2000/svg']);
    }
  });

  test('one path per layer', () => {
    const svg = drawingToSvg(qrDrawing(URL, { ...DEFAULT_DESIGN, dotStyle: 'dots' }));
    const layers = [...svg.matchAll(/data-layer="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(layers, ['background', 'dots', 'corner-squares', 'corner-dots']);
    assert.equal(svg.match(/<path/g)?.length, 4);
  });
});
