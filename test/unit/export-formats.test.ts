/**
 * The output writers (SVG, PNG, JPEG, WebP, PDF, EPS) for the vector Drawing
 * model: each file is rasterised the way a user's tools would (sharp for SVG,
 * pdftoppm for PDF, Ghostscript for EPS) and decoded back with ZXing.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { correction, generate } from 'lean-qr';
import sharp from 'sharp';
import type { Drawing, Layer, Paint, PathCommand, PlacedImage } from '../../src-shared/render/model';
import type { ImageFormat } from '../../src-shared/schemas/output';
import { hexToCmyk } from '../../src-server/render/formats/color';
import { arcCentre, arcToCubics } from '../../src-server/render/formats/geometry';
import { drawingToPdf } from '../../src-server/render/formats/pdf';
import { decodeImage } from '../../src-server/render/decoder';
import { exportDrawing, type ExportOptions } from '../../src-server/render/export';
import { openExport } from '../helpers/open-export';

const MARGIN = 4;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-export-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One square path per dark module, inside a 4-module quiet zone, over a white background layer. */
function qrDrawing(text: string, paint: Paint = { kind: 'solid', color: '#000000' }): Drawing {
  const code = generate(text, { minCorrectionLevel: correction.M, maxCorrectionLevel: correction.M });
  const side = code.size + 2 * MARGIN;
  const modules: PathCommand[] = [];
  for (let y = 0; y < code.size; y++) {
    for (let x = 0; x < code.size; x++) {
      if (!code.get(x, y)) continue;
      const [px, py] = [x + MARGIN, y + MARGIN];
      modules.push(
        { op: 'M', x: px, y: py },
        { op: 'L', x: px + 1, y: py },
        { op: 'L', x: px + 1, y: py + 1 },
        { op: 'L', x: px, y: py + 1 },
        { op: 'Z' },
      );
    }
  }
  const background: Layer = {
    name: 'background',
    path: [
      { op: 'M', x: 0, y: 0 },
      { op: 'L', x: side, y: 0 },
      { op: 'L', x: side, y: side },
      { op: 'L', x: 0, y: side },
      { op: 'Z' },
    ],
    paint: { kind: 'solid', color: '#FFFFFF' },
    fillRule: 'nonzero',
  };
  return {
    width: side,
    height: side,
    layers: [background, { name: 'dots', path: modules, paint, fillRule: 'nonzero' }],
    images: [],
  };
}

const toPng = (bytes: Buffer, format: string): Promise<Buffer> => openExport(bytes, format, 150);

async function decodesTo(bytes: Buffer, format: ImageFormat, text: string): Promise<void> {
  const results = await decodeImage(await toPng(bytes, format));
  assert.deepEqual(
    results.map((r) => r.text),
    [text],
    `${format} decodes to ${JSON.stringify(text)}`,
  );
}

const ALL: ImageFormat[] = ['svg', 'png', 'jpeg', 'webp', 'pdf', 'eps'];
const opts = (format: ImageFormat, extra: Partial<ExportOptions> = {}): ExportOptions => ({
  format,
  colorSpace: 'rgb',
  ...extra,
});

/** Content streams of a PDF, inflated. */
function contentStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const out: string[] = [];
  const re = /<<([^]*?)>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const dict = m[1]!;
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    const raw = pdf.subarray(start, end);
    if (/\/Subtype \/Image/.test(dict)) continue;
    out.push(/FlateDecode/.test(dict) ? inflateSync(raw).toString('latin1') : raw.toString('latin1'));
  }
  return out;
}

/** A small PNG logo with transparent corners (a red disc). */
async function discPng(): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="#D02020"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

describe('exportDrawing', () => {
  const TEXT = 'https://qrdesk.example/menu?table=12';

  for (const format of ALL) {
    test(`${format}: a plain QR drawing decodes to its text`, async () => {
      const file = await exportDrawing(qrDrawing(TEXT), opts(format, { title: 'Menu' }));
      assert.ok(file.bytes.length > 100);
      assert.equal(
        file.mediaType,
        {
          svg: 'image/svg+xml',
          png: 'image/png',
          jpeg: 'image/jpeg',
          webp: 'image/webp',
          pdf: 'application/pdf',
          eps: 'application/postscript',
        }[format],
      );
      assert.equal(file.extension, format === 'jpeg' ? 'jpg' : format);
      await decodesTo(file.bytes, format, TEXT);
    });
  }

  test('raster sizes are exact: size px for the longer side, mm at dpi with the density stored', async () => {
    const drawing = qrDrawing('size check');
    for (const size of [64, 333, 512, 1000]) {
      const meta = await sharp((await exportDrawing(drawing, opts('png', { size }))).bytes).metadata();
      assert.deepEqual([meta.width, meta.height], [size, size]);
    }
    const defaulted = await sharp((await exportDrawing(drawing, opts('webp'))).bytes).metadata();
    assert.deepEqual([defaulted.width, defaulted.height], [512, 512]);
    for (const [mm, dpi, px] of [
      [25.4, 300, 300],
      [30, 300, 354],
      [20, 600, 472],
      [50, undefined, 591],
    ] as const) {
      for (const format of ['png', 'jpeg'] as const) {
        const meta = await sharp((await exportDrawing(drawing, opts(format, { mm, dpi }))).bytes).metadata();
        assert.deepEqual([meta.width, meta.height], [px, px], `${mm} mm at ${dpi ?? 300} dpi`);
        assert.equal(Math.round(meta.density ?? 0), dpi ?? 300, 'density is stored');
      }
    }
    // A wide drawing: the longer side gets the size, the other follows the aspect ratio.
    const wide: Drawing = { ...drawing, width: 100, height: 40 };
    const meta = await sharp((await exportDrawing(wide, opts('png', { size: 500 }))).bytes).metadata();
    assert.deepEqual([meta.width, meta.height], [500, 200]);
  });

  test('PNG keeps transparency without a background layer; JPEG goes on white', async () => {
    const drawing = qrDrawing('transparent');
    const bare: Drawing = { ...drawing, layers: drawing.layers.filter((l) => l.name !== 'background') };
    const png = await sharp((await exportDrawing(bare, opts('png', { size: 128 }))).bytes)
      .raw()
      .toBuffer({ resolveWithObject: true });
    assert.equal(png.info.channels, 4);
    assert.equal(png.data[3], 0, 'the corner is transparent');
    const withBackground = await sharp((await exportDrawing(drawing, opts('png', { size: 128 }))).bytes)
      .ensureAlpha()
      .raw()
      .toBuffer();
    assert.equal(withBackground[3], 255, 'the background is opaque');
    const jpeg = await sharp((await exportDrawing(bare, opts('jpeg', { size: 128 }))).bytes)
      .raw()
      .toBuffer();
    assert.ok(jpeg[0]! > 240 && jpeg[1]! > 240 && jpeg[2]! > 240, 'the transparent corner is white in JPEG');
    await decodesTo((await exportDrawing(bare, opts('png'))).bytes, 'png', 'transparent');
  });

  test('SVG has no clipPath, script or external reference; mm sizes are written in mm', async () => {
    const drawing = qrDrawing('svg hygiene');
    drawing.images.push({
      x: 14,
      y: 14,
      width: 5,
      height: 5,
      mediaType: 'image/png',
      base64: (await discPng()).toString('base64'),
    });
    const svg = (await exportDrawing(drawing, opts('svg', { title: 'A <b> & "c"' }))).bytes.toString('utf8');
    assert.doesNotMatch(svg, /clipPath/i);
    assert.doesNotMatch(svg, /<script/i);
    assert.deepEqual(svg.match(/https?:\/\/[^"' ]*/g), ['http://www.w3.org/2000/svg']);
    assert.match(svg, /<title>A &lt;b&gt; &amp; &quot;c&quot;<\/title>/);
    assert.match(svg, /width="512" height="512"/);
    const mm = (await exportDrawing(drawing, opts('svg', { mm: 30 }))).bytes.toString('utf8');
    assert.match(mm, /width="30mm" height="30mm"/);
  });

  test('PDF and EPS pages have the physical size asked for', async () => {
    const drawing = qrDrawing('page size');
    const pdf = (await exportDrawing(drawing, opts('pdf', { mm: 25.4, title: 'Page' }))).bytes.toString('latin1');
    assert.match(pdf, /\/MediaBox \[0 0 72 72\]/);
    const px = (await exportDrawing(drawing, opts('pdf'))).bytes.toString('latin1');
    assert.match(px, /\/MediaBox \[0 0 384 384\]/, '512 px at 96 per inch is 384 pt');
    const eps = (await exportDrawing(drawing, opts('eps', { mm: 50, title: 'Été (menu)' }))).bytes.toString('latin1');
    assert.match(eps, /^%!PS-Adobe-3\.0 EPSF-3\.0\n/);
    assert.match(eps, /\n%%BoundingBox: 0 0 142 142\n/);
    assert.match(eps, /\n%%HiResBoundingBox: 0 0 141\.7323 141\.7323\n/);
    assert.match(eps, /\n%%Title: \(\?t\? \\\(menu\\\)\)\n/);
    assert.match(eps, /\n%%EndComments\n/);
    assert.match(eps, /\nshowpage\n%%EOF\n$/);
    assert.match(pdf, /\/Title \d+ 0 R/, 'the PDF has a title when one is given');
  });

  test('CMYK PDF paints with k/K only: no rg/RG anywhere in the content streams', async () => {
    const drawing = qrDrawing('cmyk', { kind: 'solid', color: '#1A1A2E' });
    for (const uncompressed of [true, false]) {
      const pdf = await drawingToPdf(drawing, { colorSpace: 'cmyk', uncompressed, title: 'cmyk' });
      const streams = contentStreams(pdf);
      assert.ok(streams.length >= 1);
      const all = streams.join('\n');
      assert.match(all, /(^|\s)0 0 0 0 k(\s|$)/, 'white is 0 0 0 0 k');
      const [c, m, y, k] = hexToCmyk('#1A1A2E');
      assert.ok(all.includes(`${c} ${m} ${y} ${k} k`), 'the foreground is a k operator');
      assert.doesNotMatch(all, /(^|\s)(rg|RG|g|G|sc|SC|scn|SCN)(\s|$)/, 'no RGB or generic colour operator');
      assert.doesNotMatch(pdf.toString('latin1'), /DeviceRGB/);
    }
    const rgb = contentStreams(await drawingToPdf(drawing, { colorSpace: 'rgb', uncompressed: true })).join('\n');
    assert.match(rgb, /(^|\s)rg(\s|$)/);
    assert.doesNotMatch(rgb, /(^|\s)k(\s|$)/);
    await decodesTo(await drawingToPdf(drawing, { colorSpace: 'cmyk' }), 'pdf', 'cmyk');
  });

  test('CMYK conversion: black is K only, white is nothing, colours by the textbook formula', () => {
    assert.deepEqual(hexToCmyk('#000000'), [0, 0, 0, 1]);
    assert.deepEqual(hexToCmyk('#FFFFFF'), [0, 0, 0, 0]);
    assert.deepEqual(hexToCmyk('#FF0000'), [0, 1, 1, 0]);
    assert.deepEqual(hexToCmyk('#808080'), [0, 0, 0, 0.498]);
    assert.deepEqual(hexToCmyk('#336699'), [0.667, 0.333, 0, 0.4]);
  });

  test('CMYK EPS uses setcmykcolor and never setrgbcolor', async () => {
    const eps = (await exportDrawing(qrDrawing('eps cmyk'), opts('eps', { colorSpace: 'cmyk' }))).bytes;
    const text = eps.toString('latin1');
    assert.match(text, /0 0 0 1 setcmykcolor/);
    assert.doesNotMatch(text, /setrgbcolor/);
    await decodesTo(eps, 'eps', 'eps cmyk');
  });

  const gradients: [string, Paint][] = [
    [
      'linear',
      {
        kind: 'linear',
        x1: 0,
        y1: 0,
        x2: 33,
        y2: 33,
        stops: [
          { offset: 0, color: '#1A1A8E' },
          { offset: 0.5, color: '#6A1B1A' },
          { offset: 1, color: '#0B3D0B' },
        ],
      },
    ],
    [
      'radial',
      {
        kind: 'radial',
        cx: 16.5,
        cy: 16.5,
        r: 16,
        stops: [
          { offset: 0.2, color: '#000000' },
          { offset: 1, color: '#2A2A8A' },
        ],
      },
    ],
  ];
  for (const [name, paint] of gradients) {
    test(`a ${name} gradient layer exports in every format and decodes, in RGB and CMYK`, async () => {
      const text = `gradient ${name}`;
      const drawing = qrDrawing(text, paint);
      for (const format of ALL) {
        await decodesTo((await exportDrawing(drawing, opts(format))).bytes, format, text);
      }
      for (const format of ['pdf', 'eps'] as const) {
        const file = await exportDrawing(drawing, opts(format, { colorSpace: 'cmyk' }));
        await decodesTo(file.bytes, format, text);
      }
      const eps = (await exportDrawing(drawing, opts('eps'))).bytes.toString('latin1');
      assert.match(eps, new RegExp(`/ShadingType ${name === 'linear' ? 2 : 3} `));
      assert.match(eps, /shfill/);
    });
  }

  test('an image layer (PNG with alpha, JPEG, WebP, SVG) exports in every format and decodes', async () => {
    const disc = await discPng();
    const images: [string, Buffer][] = [
      ['image/png', disc],
      ['image/jpeg', await sharp(disc).flatten({ background: '#FFFFFF' }).jpeg().toBuffer()],
      ['image/webp', await sharp(disc).webp().toBuffer()],
      [
        'image/svg+xml',
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><rect width="40" height="20" rx="4" fill="#2050D0"/></svg>',
        ),
      ],
    ];
    for (const [mediaType, bytes] of images) {
      const text = `logo ${mediaType}`;
      const drawing = qrDrawing(text);
      const centre = drawing.width / 2;
      const image: PlacedImage = {
        x: centre - 2.5,
        y: centre - 2.5,
        width: 5,
        height: 5,
        mediaType,
        base64: bytes.toString('base64'),
      };
      drawing.images.push(image);
      for (const format of ALL) {
        const file = await exportDrawing(drawing, opts(format));
        await decodesTo(file.bytes, format, text);
        if (format === 'svg') assert.doesNotMatch(file.bytes.toString(), /image\/webp/, 'WebP is embedded as PNG');
      }
      for (const format of ['pdf', 'eps'] as const) {
        await decodesTo((await exportDrawing(drawing, opts(format, { colorSpace: 'cmyk' }))).bytes, format, text);
      }
    }
  });

  test('an image is really drawn, with its transparent parts left clear (EPS and PDF)', async () => {
    const drawing = qrDrawing('x');
    // A blank page with the red disc filling it: the centre is red, the corner stays white.
    drawing.layers = [drawing.layers[0]!];
    drawing.images.push({
      x: 0,
      y: 0,
      width: drawing.width,
      height: drawing.height,
      mediaType: 'image/png',
      base64: (await discPng()).toString('base64'),
    });
    for (const format of ['pdf', 'eps', 'png'] as const) {
      const png = await toPng((await exportDrawing(drawing, opts(format, { size: 256 }))).bytes, format);
      const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)];
      const [r, g, b] = at(info.width >> 1, info.height >> 1);
      assert.ok(r! > 180 && g! < 80 && b! < 80, `${format}: the centre is red, got ${[r, g, b]}`);
      assert.deepEqual(at(2, 2), [255, 255, 255], `${format}: the corner is white`);
    }
  });

  test('arcs: exact in EPS (arc/arcn), Béziers in PDF; circles decode as dots', async () => {
    // A code drawn with round modules: every module a full circle of two half arcs, except the
    // finder patterns (ZXing does not find dotted finders).
    const code = generate('round', { minCorrectionLevel: correction.M, maxCorrectionLevel: correction.M });
    const side = code.size + 8;
    const dots: PathCommand[] = [];
    const inFinder = (x: number, y: number) =>
      (x < 7 || x >= code.size - 7) && (y < 7 || y >= code.size - 7) && !(x >= 7 && y >= 7);
    for (let y = 0; y < code.size; y++) {
      for (let x = 0; x < code.size; x++) {
        if (!code.get(x, y)) continue;
        const [cx, cy] = [x + 4.5, y + 4.5];
        if (inFinder(x, y)) {
          dots.push(
            { op: 'M', x: cx - 0.5, y: cy - 0.5 },
            { op: 'L', x: cx + 0.5, y: cy - 0.5 },
            { op: 'L', x: cx + 0.5, y: cy + 0.5 },
            { op: 'L', x: cx - 0.5, y: cy + 0.5 },
            { op: 'Z' },
          );
          continue;
        }
        dots.push(
          { op: 'M', x: cx - 0.5, y: cy },
          { op: 'A', r: 0.5, large: false, sweep: x % 2 === 0, x: cx + 0.5, y: cy },
          { op: 'A', r: 0.5, large: false, sweep: x % 2 === 0, x: cx - 0.5, y: cy },
          { op: 'Z' },
        );
      }
    }
    const base = qrDrawing('unused');
    const drawing: Drawing = {
      width: side,
      height: side,
      layers: [
        base.layers[0]!,
        { name: 'dots', path: dots, paint: { kind: 'solid', color: '#000000' }, fillRule: 'nonzero' },
      ],
      images: [],
    };
    for (const format of ALL)
      await decodesTo((await exportDrawing(drawing, opts(format, { size: 600 }))).bytes, format, 'round');
    const eps = (await exportDrawing(drawing, opts('eps'))).bytes.toString('latin1');
    assert.match(eps, / A\n/);
    assert.match(eps, / AN\n/);
  });

  test('arc geometry: centre form and Béziers land on the circle', () => {
    const from = { x: 0, y: 0 };
    const to = { x: 2, y: 0 };
    const upper = arcCentre(from, 1, false, true, to)!;
    assert.deepEqual([upper.cx, upper.cy, upper.r], [1, 0, 1]);
    assert.ok(Math.abs(Math.abs(upper.delta) - Math.PI) < 1e-9);
    // A quarter circle of radius 10, large arc: three quarters the other way round.
    const big = arcCentre({ x: 10, y: 0 }, 10, true, true, { x: 0, y: 10 })!;
    assert.ok(Math.abs(big.delta - (3 * Math.PI) / 2) < 1e-9, `delta ${big.delta}`);
    assert.ok(Math.hypot(big.cx - 10, big.cy - 10) < 1e-9);
    const cubics = arcToCubics({ x: 10, y: 0 }, 10, true, true, { x: 0, y: 10 });
    assert.equal(cubics.length, 3);
    for (const c of cubics) {
      // The midpoint of each Bézier lies within 0.03 % of the radius from the circle.
      assert.ok(Math.abs(Math.hypot(c.x - 10, c.y - 10) - 10) < 1e-9);
    }
    assert.deepEqual([cubics[2]!.x, cubics[2]!.y], [0, 10]);
    // A radius too small for the chord is scaled up, as SVG does.
    assert.equal(arcCentre({ x: 0, y: 0 }, 0.1, false, false, { x: 4, y: 0 })!.r, 2);
    assert.equal(arcCentre({ x: 3, y: 3 }, 1, false, false, { x: 3, y: 3 }), null);
  });

  test('the same input gives the same bytes for SVG, PDF and EPS (with images and gradients)', async () => {
    const drawing = qrDrawing('repeatable', gradients[0]![1]);
    drawing.images.push({
      x: 15,
      y: 15,
      width: 3,
      height: 3,
      mediaType: 'image/png',
      base64: (await discPng()).toString('base64'),
    });
    for (const format of ['svg', 'pdf', 'eps'] as const) {
      for (const colorSpace of ['rgb', 'cmyk'] as const) {
        if (format === 'svg' && colorSpace === 'cmyk') continue;
        const a = await exportDrawing(drawing, opts(format, { colorSpace, title: 'same' }));
        await new Promise((r) => setTimeout(r, 5));
        const b = await exportDrawing(drawing, opts(format, { colorSpace, title: 'same' }));
        assert.ok(a.bytes.equals(b.bytes), `${format} ${colorSpace} is repeatable`);
      }
    }
  });
});
