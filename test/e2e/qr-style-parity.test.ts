import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { decodeImage } from '../../src-server/render/decoder';
import { buildQrDrawing, matrixFromRows, type LogoImage } from '../../src-shared/render/qr';
import { drawingToSvg } from '../../src-shared/render/svg';
import {
  CORNER_DOT_STYLES,
  CORNER_SQUARE_STYLES,
  DEFAULT_DESIGN,
  DOT_STYLES,
  type Design,
} from '../../src-shared/schemas/design';
import { launchChromium } from '../helpers/browser';

/*
 * Parity with qr-code-styling, the reference for how each style looks
 * (docs/rendering.md "Parity with qr-code-styling"). qr-code-styling runs in
 * Chromium and writes its SVG; our engine draws the same matrix (read from
 * qr-code-styling's own encoder, whose mask choice can differ from ours) with
 * the same options; both SVGs are rasterised by sharp, thresholded at 128, and
 * the share of pixels that differ must stay under the thresholds below.
 *
 * Set QRDESK_PARITY_DUMP=/some/dir to write ours | reference | difference PNGs.
 */

const require = createRequire(import.meta.url);

/** Pixels per module: qr-code-styling floors its dot size, so sizes are chosen to make it exactly K. */
const K = 10;
/** Quiet zone in modules, on both sides. */
const QUIET = 4;
const DATA = 'https://qrdesk.example/menu?table=12&lang=en';

/*
 * Thresholds (docs/rendering.md has the measured table; sharp 0.35.5 with
 * librsvg 2.63, qr-code-styling 1.9.2). Both renders come from the same
 * rasteriser, so the outlines agree to the pixel: the worst case measured is
 * 0.010 % (the round finder rings, where a handful of edge pixels whose
 * coverage is near one half land on different sides of 128). Drawing one style
 * in place of another, even a close one (rounded for extra-rounded, a round
 * finder ring for an extra-rounded one), makes 0.96 % to 3.1 % differ, so
 * 0.1 % sits ten times above the noise and ten times below a wrong style.
 */
const MAX_STYLE_DIFF = 0.001;
/**
 * Gradient, compared in colour: share of pixels whose channels differ by more
 * than 32 of 255. Measured: none (largest difference 13: qr-code-styling rounds
 * the gradient's end points to whole pixels). Wrong shapes under it: 1.3 %.
 */
const MAX_GRADIENT_DIFF = 0.001;
const GRADIENT_CHANNEL_TOLERANCE = 32;
/**
 * Circle shape, beyond a one-pixel shift: qr-code-styling's dot size is a whole
 * number of pixels and ours is the width over (count × √2 + 2 × margin), so its
 * modules sit up to a pixel from ours and 2.6-2.7 % of pixels differ outright
 * (all along edges). Differences a one-pixel shift cannot explain: measured
 * none; a wrong dot style: 0.67 %.
 */
const MAX_CIRCLE_DIFF = 0.001;
/** Logo: the image and the dots around it. Measured: none. */
const MAX_LOGO_DIFF = 0.001;

type Level = Design['errorCorrection'];

interface ParityCase {
  name: string;
  ec: Level;
  dotStyle: Design['dotStyle'];
  cornerSquareStyle: Design['cornerSquareStyle'];
  cornerDotStyle: Design['cornerDotStyle'];
  gradient?: { rotation: number; colorStops: { offset: number; color: string }[] };
  shape?: 'circle';
  logo?: boolean;
}

interface Reference {
  svg: string;
  /** Pixel size of both renders. */
  width: number;
  /** Rows of '0'/'1', as qrcode-generator encoded the data. */
  rows: string[];
}

const styleCases: ParityCase[] = DOT_STYLES.flatMap((dotStyle) =>
  CORNER_SQUARE_STYLES.flatMap((cornerSquareStyle) =>
    CORNER_DOT_STYLES.map((cornerDotStyle) => ({
      name: `${dotStyle} / ${cornerSquareStyle} / ${cornerDotStyle}`,
      ec: 'M' as Level,
      dotStyle,
      cornerSquareStyle,
      cornerDotStyle,
    })),
  ),
);

const levelHCases: ParityCase[] = (['rounded', 'classy', 'extra-rounded', 'dots'] as const).map((dotStyle, i) => ({
  name: `H: ${dotStyle}`,
  ec: 'H',
  dotStyle,
  cornerSquareStyle: CORNER_SQUARE_STYLES[i % 3]!,
  cornerDotStyle: CORNER_DOT_STYLES[i % 2]!,
}));

const gradientCase: ParityCase = {
  name: 'linear gradient',
  ec: 'M',
  dotStyle: 'rounded',
  cornerSquareStyle: 'extra-rounded',
  cornerDotStyle: 'dot',
  gradient: {
    rotation: Math.PI / 5,
    colorStops: [
      { offset: 0, color: '#0b3d91' },
      { offset: 1, color: '#c2185b' },
    ],
  },
};

const circleCases: ParityCase[] = (['square', 'dots', 'classy-rounded'] as const).map((dotStyle) => ({
  name: `circle: ${dotStyle}`,
  ec: 'M',
  dotStyle,
  cornerSquareStyle: 'extra-rounded',
  cornerDotStyle: 'dot',
  shape: 'circle',
}));

const logoCase: ParityCase = {
  name: 'logo 0.4, H',
  ec: 'H',
  dotStyle: 'square',
  cornerSquareStyle: 'square',
  cornerDotStyle: 'square',
  logo: true,
};

const allCases = [...styleCases, ...levelHCases, gradientCase, ...circleCases, logoCase];

/**
 * Runs in the page (a string, so the test runner's transforms never reach it):
 * each case sized so qr-code-styling's dot size is exactly K pixels, its SVG
 * and its matrix.
 */
const PAGE_SCRIPT = `async ({ cases, k, quiet, data, logoUri }) => {
  const results = [];
  for (const c of cases) {
    const qrOptions = { errorCorrectionLevel: c.ec, mode: 'Byte' };
    const probe = new QRCodeStyling({ type: 'svg', width: 1000, height: 1000, data, qrOptions });
    const count = probe._qr.getModuleCount();
    // A circle's symbol is (width - 2 margin) / sqrt(2) across: round the width up so the floored dot size is k.
    const width = c.shape === 'circle' ? Math.ceil(k * (count * Math.SQRT2 + 2 * quiet)) : (count + 2 * quiet) * k;
    const paint = c.gradient ? {} : { color: '#000000' };
    const options = {
      type: 'svg',
      shape: c.shape || 'square',
      width,
      height: width,
      margin: quiet * k,
      data,
      qrOptions,
      dotsOptions: c.gradient
        ? { type: c.dotStyle, gradient: { type: 'linear', rotation: c.gradient.rotation, colorStops: c.gradient.colorStops } }
        : { type: c.dotStyle, color: '#000000' },
      cornersSquareOptions: { type: c.cornerSquareStyle, ...paint },
      cornersDotOptions: { type: c.cornerDotStyle, ...paint },
      backgroundOptions: { color: '#ffffff' },
    };
    if (c.logo) {
      options.image = logoUri;
      options.imageOptions = { imageSize: 0.4, hideBackgroundDots: true, margin: 0, saveAsBlob: false };
    }
    const qr = new QRCodeStyling(options);
    const blob = await qr.getRawData('svg');
    const svg = await blob.text();
    const n = qr._qr.getModuleCount();
    const rows = [];
    for (let row = 0; row < n; row++) {
      let bits = '';
      for (let col = 0; col < n; col++) bits += qr._qr.isDark(row, col) ? '1' : '0';
      rows.push(bits);
    }
    results.push({ svg, width, rows });
  }
  return results;
}`;

function ourSvg(c: ParityCase, ref: Reference, logo: LogoImage | null): string {
  const design: Design = {
    ...DEFAULT_DESIGN,
    dotStyle: c.dotStyle,
    cornerSquareStyle: c.cornerSquareStyle,
    cornerDotStyle: c.cornerDotStyle,
    errorCorrection: c.ec,
    margin: QUIET,
    shape: c.shape ?? 'square',
    gradient: c.gradient ? { type: 'linear', ...c.gradient } : null,
    logo: c.logo ? { assetId: 'x', size: 0.4, hideBackgroundDots: true } : null,
  };
  const matrix = matrixFromRows(ref.rows.map((r) => [...r].map((b) => b === '1')));
  return drawingToSvg(buildQrDrawing({ matrix, design, logo: c.logo ? logo : null }), { size: ref.width });
}

interface Raster {
  data: Buffer;
  width: number;
  height: number;
  channels: number;
}

async function raster(svg: string, colour = false): Promise<Raster> {
  let image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' });
  image = colour ? image.removeAlpha() : image.greyscale();
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Share of pixels on different sides of 128 (first channel of a greyscale raster). */
function thresholdDiff(a: Raster, b: Raster): number {
  assert.deepEqual([a.width, a.height], [b.width, b.height], 'both renders have the same pixel size');
  let differ = 0;
  const pixels = a.width * a.height;
  for (let i = 0; i < pixels; i++) {
    if (a.data[i * a.channels]! < 128 !== b.data[i * b.channels]! < 128) differ++;
  }
  return differ / pixels;
}

/**
 * Share of pixels that disagree with every pixel within one pixel of them in
 * the other render: differences a shift of at most one pixel cannot explain.
 */
function shiftTolerantDiff(a: Raster, b: Raster): number {
  const { width, height } = a;
  const dark = (r: Raster, x: number, y: number) => r.data[(y * width + x) * r.channels]! < 128;
  const matchedNearby = (r: Raster, x: number, y: number, value: boolean) => {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx;
        const ny = y + dy;
        if (nx >= 0 && ny >= 0 && nx < width && ny < height && dark(r, nx, ny) === value) return true;
      }
    }
    return false;
  };
  let differ = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!matchedNearby(b, x, y, dark(a, x, y)) || !matchedNearby(a, x, y, dark(b, x, y))) differ++;
    }
  }
  return differ / (width * height);
}

/** Share of pixels where any colour channel differs by more than `tolerance`. */
function colourDiff(a: Raster, b: Raster, tolerance: number): { fraction: number; max: number } {
  assert.deepEqual([a.width, a.height], [b.width, b.height], 'both renders have the same pixel size');
  let differ = 0;
  let max = 0;
  const pixels = a.width * a.height;
  for (let i = 0; i < pixels; i++) {
    let worst = 0;
    for (let ch = 0; ch < 3; ch++) {
      worst = Math.max(worst, Math.abs(a.data[i * a.channels + ch]! - b.data[i * b.channels + ch]!));
    }
    if (worst > tolerance) differ++;
    max = Math.max(max, worst);
  }
  return { fraction: differ / pixels, max };
}

/** Which modules are dark, sampled at module centres (square codes, K pixels a module, QUIET modules of margin). */
function sampledModules(r: Raster, count: number): string[] {
  const rows: string[] = [];
  for (let row = 0; row < count; row++) {
    let bits = '';
    for (let col = 0; col < count; col++) {
      const x = (QUIET + col) * K + K / 2;
      const y = (QUIET + row) * K + K / 2;
      bits += r.data[(y * r.width + x) * r.channels]! < 128 ? '1' : '0';
    }
    rows.push(bits);
  }
  return rows;
}

const dumpDir = process.env.QRDESK_PARITY_DUMP;

/** ours | reference | difference (red where they disagree), for looking at a case. */
async function dump(name: string, ours: Raster, theirs: Raster): Promise<void> {
  if (!dumpDir) return;
  fs.mkdirSync(dumpDir, { recursive: true });
  const { width, height } = ours;
  const out = Buffer.alloc(width * 3 * height * 3, 255);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const a = ours.data[(y * width + x) * ours.channels]!;
      const b = theirs.data[(y * width + x) * theirs.channels]!;
      const row = y * width * 3;
      for (const [panel, value] of [
        [0, a],
        [1, b],
      ] as const) {
        out.fill(value, (row + panel * width + x) * 3, (row + panel * width + x) * 3 + 3);
      }
      const d = (row + 2 * width + x) * 3;
      if (a < 128 !== b < 128) out.set([255, 0, 0], d);
      else out.fill(a < 128 ? 160 : 255, d, d + 3);
    }
  }
  const file = path.join(dumpDir, name.replace(/[^a-z0-9]+/gi, '_') + '.png');
  await sharp(out, { raw: { width: width * 3, height, channels: 3 } })
    .png()
    .toFile(file);
}

const percent = (f: number): string => (f * 100).toFixed(3) + ' %';

describe('parity with qr-code-styling', () => {
  let browser: Browser;
  const references = new Map<ParityCase, Reference>();
  let logo: LogoImage;

  before(async () => {
    const png = await sharp({ create: { width: 100, height: 100, channels: 3, background: '#b00020' } })
      .png()
      .toBuffer();
    logo = { mediaType: 'image/png', base64: png.toString('base64'), width: 100, height: 100 };

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setContent('<html><body></body></html>');
    await page.addScriptTag({
      content: fs.readFileSync(require.resolve('qr-code-styling/lib/qr-code-styling.js'), 'utf8'),
    });
    const results = (await page.evaluate(
      `(${PAGE_SCRIPT})(${JSON.stringify({
        cases: allCases,
        k: K,
        quiet: QUIET,
        data: DATA,
        logoUri: `data:image/png;base64,${logo.base64}`,
      })})`,
    )) as Reference[];
    allCases.forEach((c, i) => references.set(c, results[i]!));
    await page.close();
  });
  after(async () => {
    await browser?.close();
  });

  /** Rasterises both renders of a case, reports the difference, and checks that ours scans. */
  async function compare(t: TestContext, c: ParityCase) {
    const ref = references.get(c)!;
    const svg = ourSvg(c, ref, logo);
    const [ours, theirs] = await Promise.all([raster(svg), raster(ref.svg)]);
    const fraction = thresholdDiff(ours, theirs);
    const shifted = shiftTolerantDiff(ours, theirs);
    await dump(c.name, ours, theirs);
    const decoded = await decodeImage(Buffer.from(svg));
    assert.deepEqual(
      decoded.map((d) => d.text),
      [DATA],
      `${c.name}: our render decodes`,
    );
    const theirsDecoded = await decodeImage(Buffer.from(ref.svg));
    t.diagnostic(
      `${c.name}: ${percent(fraction)} of pixels differ, ${percent(shifted)} beyond a one-pixel shift` +
        (theirsDecoded.length ? '' : ' (the reference render does not decode)'),
    );
    return { fraction, shifted, ours, theirs, svg, ref };
  }

  it('draws every dot, corner-square and corner-dot style as qr-code-styling does (EC M)', async (t) => {
    const worst = new Map<string, number>();
    for (const c of styleCases) {
      const { fraction } = await compare(t, c);
      worst.set(c.dotStyle, Math.max(worst.get(c.dotStyle) ?? 0, fraction));
      assert.ok(fraction <= MAX_STYLE_DIFF, `${c.name}: ${percent(fraction)} of pixels differ`);
    }
    t.diagnostic('worst per dot style: ' + [...worst].map(([s, f]) => `${s} ${percent(f)}`).join(', '));
  });

  it('matches at error correction H', async (t) => {
    for (const c of levelHCases) {
      const { fraction } = await compare(t, c);
      assert.ok(fraction <= MAX_STYLE_DIFF, `${c.name}: ${percent(fraction)} of pixels differ`);
    }
  });

  it('paints a linear gradient across the symbol as qr-code-styling does', async (t) => {
    const { fraction, svg, ref } = await compare(t, gradientCase);
    assert.ok(fraction <= MAX_STYLE_DIFF, `${gradientCase.name}: ${percent(fraction)} of pixels differ (shape)`);
    const colour = colourDiff(await raster(svg, true), await raster(ref.svg, true), GRADIENT_CHANNEL_TOLERANCE);
    const message = `${gradientCase.name}: ${percent(colour.fraction)} of pixels differ in colour by more than ${GRADIENT_CHANNEL_TOLERANCE} (largest channel difference ${colour.max})`;
    t.diagnostic(message);
    assert.ok(colour.fraction <= MAX_GRADIENT_DIFF, message);
  });

  it('draws the circle shape as qr-code-styling does', async (t) => {
    for (const c of circleCases) {
      const { shifted } = await compare(t, c);
      assert.ok(shifted <= MAX_CIRCLE_DIFF, `${c.name}: ${percent(shifted)} of pixels differ beyond a one-pixel shift`);
    }
  });

  it('hides the same modules under a logo and places the image the same way', async (t) => {
    const { fraction, svg, ref } = await compare(t, logoCase);
    assert.ok(fraction <= MAX_LOGO_DIFF, `${logoCase.name}: ${percent(fraction)} of pixels differ`);
    // Without the images, the modules each render draws must be exactly the same.
    const noImage = (s: string) => s.replace(/<image\b[^>]*\/>|<image\b[\s\S]*?<\/image>/g, '');
    assert.notEqual(noImage(svg), svg);
    assert.notEqual(noImage(ref.svg), ref.svg);
    const count = ref.rows.length;
    const ours = sampledModules(await raster(noImage(svg)), count);
    const theirs = sampledModules(await raster(noImage(ref.svg)), count);
    assert.deepEqual(ours, theirs);
    const hidden = ref.rows.join('').split('1').length - ours.join('').split('1').length;
    t.diagnostic(`${logoCase.name}: ${hidden} dark modules hidden in both`);
    assert.ok(hidden > 0, 'the logo hides some modules');
  });
});
