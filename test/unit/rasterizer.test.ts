/**
 * qrdesk's own rasteriser, checked against librsvg (through sharp) drawing
 * the SVG of the same Drawing: the two must agree to within anti-aliasing,
 * for every kind of shape and paint the engine produces.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import sharp from 'sharp';
import { CAPTION_FONT_FILES, CaptionFont } from '../../src-shared/render/caption-font';
import type { Drawing } from '../../src-shared/render/model';
import { qrDrawing } from '../../src-shared/render/qr';
import { drawingToSvg } from '../../src-shared/render/svg';
import { DEFAULT_DESIGN, type Design } from '../../src-shared/schemas/design';
import { decodeImage } from '../../src-server/render/decoder';
import { drawingToPng } from '../../src-server/render/raster';
import { ROOT } from '../helpers/cli';

const font = new CaptionFont(
  CAPTION_FONT_FILES.map((file) => {
    const bytes = fs.readFileSync(path.join(ROOT, 'resources', 'fonts', file));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  }),
);

const URL = 'https://example.com/menu?table=12';

/**
 * Our PNG and librsvg's rendering of the same drawing at the same placement
 * (whole pixels per module, centred, as the rasteriser places a snapped
 * drawing), both flattened on white and cropped to the drawing: the mean
 * absolute difference per channel, and the share of pixels off by more than 64.
 */
async function compare(drawing: Drawing, width: number, height: number) {
  const ours = await drawingToPng(drawing, width, height);
  const fit = Math.min(width / drawing.width, height / drawing.height);
  const scale = drawing.pixelSnap && fit >= 1 ? Math.floor(fit) : fit;
  const ox = drawing.pixelSnap ? Math.round((width - drawing.width * scale) / 2) : 0;
  const oy = drawing.pixelSnap ? Math.round((height - drawing.height * scale) / 2) : 0;
  const svg = drawingToSvg(drawing).replace(
    /^<svg [^>]*>/,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" preserveAspectRatio="none" ` +
      `viewBox="${-ox / scale} ${-oy / scale} ${width / scale} ${height / scale}">`,
  );
  const region = {
    left: ox,
    top: oy,
    width: Math.min(width - ox, Math.floor(drawing.width * scale)),
    height: Math.min(height - oy, Math.floor(drawing.height * scale)),
  };
  const flat = (img: Buffer) =>
    sharp(img, { density: 72 }).flatten({ background: '#ffffff' }).extract(region).removeAlpha().raw().toBuffer();
  const [a, b] = await Promise.all([flat(ours), flat(Buffer.from(svg))]);
  let sum = 0;
  let far = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > 64) far++;
  }
  return { ours, meanDiff: sum / a.length, farShare: far / a.length };
}

const CASES: [string, Partial<Design>][] = [
  ['square', {}],
  ['dots', { dotStyle: 'dots', cornerSquareStyle: 'dot', cornerDotStyle: 'dot' }],
  ['rounded', { dotStyle: 'rounded', cornerSquareStyle: 'extra-rounded' }],
  ['classy-rounded', { dotStyle: 'classy-rounded' }],
  [
    'linear gradient on a coloured background',
    {
      dotStyle: 'extra-rounded',
      backgroundColor: '#FFF8E7',
      gradient: {
        type: 'linear',
        rotation: 0.6,
        colorStops: [
          { offset: 0, color: '#7A1FA2' },
          { offset: 1, color: '#0D47A1' },
        ],
      },
    },
  ],
  [
    'radial gradient corners',
    {
      cornerSquareGradient: {
        type: 'radial',
        rotation: 0,
        colorStops: [
          { offset: 0, color: '#D62828' },
          { offset: 1, color: '#003049' },
        ],
      },
      cornerDotColor: '#F77F00',
    },
  ],
  ['transparent background', { transparentBackground: true, dotStyle: 'classy' }],
  ['circle', { shape: 'circle', dotStyle: 'dots' }],
  ['frame with caption', { frame: { text: 'Scan me — Café Ünïcødé', color: '#1A1A2E', textColor: null } }],
];

describe('the rasteriser agrees with librsvg', () => {
  for (const [name, overrides] of CASES) {
    test(name, async () => {
      const drawing = qrDrawing(URL, { ...DEFAULT_DESIGN, ...overrides }, { font });
      const width = 420;
      const height = Math.round((420 * drawing.height) / drawing.width);
      const { ours, meanDiff, farShare } = await compare(drawing, width, height);
      // Measured: 0.3-1.0 mean, under 1% far, all at shape edges (two anti-aliasing methods).
      assert.ok(meanDiff < 2, `mean difference ${meanDiff.toFixed(2)}`);
      assert.ok(farShare < 0.02, `${(farShare * 100).toFixed(2)}% of pixels differ by more than 64`);
      const meta = await sharp(ours).metadata();
      assert.deepEqual([meta.width, meta.height], [width, height]);
      assert.equal((await decodeImage(ours))[0]?.text, URL);
    });
  }
});

describe('pixel snapping', () => {
  test('square modules land on whole pixels: a 512 px code is pure black and white, centred', async () => {
    const drawing = qrDrawing(URL, DEFAULT_DESIGN);
    const png = await drawingToPng(drawing, 512, 512);
    assert.equal((await sharp(png).metadata()).channels, 1);
    const data = await sharp(png).extractChannel(0).raw().toBuffer();
    assert.ok(
      data.every((v) => v === 0 || v === 255),
      'no anti-aliased grey',
    );
    // 37 modules at 13 px = 481 px, centred: the first dark pixel (the finder's corner) is at the margin.
    const margin = Math.round((512 - drawing.width * 13) / 2) + 4 * 13;
    assert.equal(data[margin * 512 + margin], 0);
    assert.equal(data[(margin - 1) * 512 + margin - 1], 255);
  });
});

describe('PNG encoding', () => {
  test('black on white is greyscale, colour is RGB, a transparent background keeps alpha', async () => {
    const kind = async (design: Partial<Design>) => {
      const png = await drawingToPng(qrDrawing(URL, { ...DEFAULT_DESIGN, ...design }), 256, 256);
      const meta = await sharp(png).metadata();
      return [meta.channels, meta.hasAlpha];
    };
    assert.deepEqual(await kind({}), [1, false]);
    assert.deepEqual(await kind({ foregroundColor: '#0D47A1' }), [3, false]);
    assert.deepEqual(await kind({ transparentBackground: true }), [4, true]);
  });

  test('a print resolution is recorded in pHYs', async () => {
    const png = await drawingToPng(qrDrawing(URL, DEFAULT_DESIGN), 300, 300, { dpi: 600 });
    assert.equal((await sharp(png).metadata()).density, 600);
  });
});
