/**
 * Label-sheet PDFs (issue 8): for every built-in template a full sheet and
 * part of a second one of distinct QR codes, and a sheet of EAN-13 barcodes.
 * Positions are read back from the PDF itself: the content streams (written
 * uncompressed for the test) are interpreted operator by operator, tracking
 * the transformation matrix through q/Q/cm, and each code's box is where its
 * background is filled on the page; it must be where the published template
 * puts the label, within 0.1 mm. Every page is then rasterised by poppler's
 * pdftoppm, each label cell cut out and decoded with ZXing, and the ink of
 * each QR symbol measured on the raster as a second, independent check.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { inflateSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { z } from 'zod';
import { PT_PER_MM } from '../../src-server/batch/sheets/layout';
import { createSheetPdf, type SheetItem, type SheetPdfExtras } from '../../src-server/batch/sheets/sheet-pdf';
import { barcodeDrawing } from '../../src-server/render/barcode';
import { decodeImage } from '../../src-server/render/decoder';
import { qrDrawing } from '../../src-shared/render/qr';
import { DEFAULT_DESIGN, type Design } from '../../src-shared/schemas/design';
import { type SheetOptionsInput } from '../../src-shared/schemas/sheets';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-sheets-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const IN = 25.4;
const DPI = 300;
const PX_PER_MM = DPI / IN;
/** The acceptance criterion: each code within 0.1 mm of where the template puts it. */
const TOLERANCE_MM = 0.1;

/**
 * The published layouts, written out here independently of the schema (label
 * size, grid, top left corner of the first label, pitch), in mm.
 */
const TEMPLATES = {
  'avery-l7160': { page: [210, 297], grid: [3, 7], label: [63.5, 38.1], first: [7.21, 15.15], pitch: [66.04, 38.1] },
  'avery-l7163': { page: [210, 297], grid: [2, 7], label: [99.1, 38.1], first: [4.65, 15.15], pitch: [101.6, 38.1] },
  'avery-l7651': { page: [210, 297], grid: [5, 13], label: [38.1, 21.2], first: [4.67, 10.7], pitch: [40.64, 21.2] },
  'avery-5160': {
    page: [8.5 * IN, 11 * IN],
    grid: [3, 10],
    label: [2.625 * IN, IN],
    first: [(3 / 16) * IN, 0.5 * IN],
    pitch: [2.75 * IN, IN],
  },
  'avery-5163': {
    page: [8.5 * IN, 11 * IN],
    grid: [2, 5],
    label: [4 * IN, 2 * IN],
    first: [(5 / 32) * IN, 0.5 * IN],
    pitch: [4.1875 * IN, 2 * IN],
  },
} as const;
type TemplateId = keyof typeof TEMPLATES;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Label `position` (from 0) of a template, from the published numbers. */
function publishedLabel(id: TemplateId, position: number): Box {
  const t = TEMPLATES[id];
  const column = position % t.grid[0];
  const row = Math.floor(position / t.grid[0]);
  return {
    x: t.first[0] + column * t.pitch[0],
    y: t.first[1] + row * t.pitch[1],
    width: t.label[0],
    height: t.label[1],
  };
}

const url = (id: string, i: number) => `https://qrdesk.example/${id}/item-${String(i).padStart(4, '0')}`;

// ---------------------------------------------------------------------------------------------
// Reading the PDF back

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** Every object of an (unencrypted) PDF by number, with its stream's bytes. */
function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let i = m.index + m[0].length;
    let dict: string;
    if (text.startsWith('<<', i)) {
      // The dictionary, with nested dictionaries.
      let depth = 0;
      const start = i;
      do {
        if (text.startsWith('<<', i)) {
          depth++;
          i += 2;
        } else if (text.startsWith('>>', i)) {
          depth--;
          i += 2;
        } else i++;
      } while (depth > 0 && i < text.length);
      dict = text.slice(start, i);
    } else {
      dict = text.slice(i, text.indexOf('\nendobj', i));
    }
    let stream: Buffer | null = null;
    if (text.startsWith('\nstream\n', i)) {
      const length = Number(/\/Length (\d+)/.exec(dict)![1]);
      const start = i + '\nstream\n'.length;
      stream = pdf.subarray(start, start + length);
      re.lastIndex = start + length;
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  return objects;
}

interface PdfPage {
  widthPt: number;
  heightPt: number;
  content: string;
}

/** The pages in order (the page tree's Kids), each with its content stream, inflated. */
function pdfPages(pdf: Buffer): PdfPage[] {
  const objects = pdfObjects(pdf);
  const tree = [...objects.values()].find((o) => /\/Type \/Pages/.test(o.dict))!;
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(tree.dict)![1]!.matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
  return kids.map((id) => {
    const page = objects.get(id)!;
    const box = /\/MediaBox \[([^\]]+)\]/.exec(page.dict)![1]!.trim().split(/\s+/).map(Number);
    const contents = objects.get(Number(/\/Contents (\d+) 0 R/.exec(page.dict)![1]))!;
    const raw = contents.stream!;
    const content = (/FlateDecode/.test(contents.dict) ? inflateSync(raw) : raw).toString('latin1');
    return { widthPt: box[2]!, heightPt: box[3]!, content };
  });
}

interface Fill {
  /** Bounding box of the path's points (Bézier control points included), mm from the top left. */
  box: Box;
  /** The colour operator in force, e.g. "1 1 1 rg". */
  color: string;
}

interface Segment {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** What a top-level q … Q block painted: a code, a caption, a bleed, or (artifact) marks and outlines. */
interface Group {
  artifact: boolean;
  fills: Fill[];
  strokes: Segment[][];
}

interface PageReading {
  groups: Group[];
  /** Every operator used on the page, with how often. */
  operators: Map<string, number>;
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[1] * n[2],
  m[0] * n[1] + m[1] * n[3],
  m[2] * n[0] + m[3] * n[2],
  m[2] * n[1] + m[3] * n[3],
  m[4] * n[0] + m[5] * n[2] + n[4],
  m[4] * n[1] + m[5] * n[3] + n[5],
];

/**
 * Interprets a content stream: the transformation matrix through q/Q/cm, path
 * construction, fills and strokes, in page millimetres from the top left.
 */
function readPage(page: PdfPage): PageReading {
  const tokens = page.content.split(/\s+/).filter(Boolean);
  const operators = new Map<string, number>();
  const groups: Group[] = [];
  const stack: Matrix[] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  let operands: string[] = [];
  let points: [number, number][] = [];
  let subpaths: [number, number][][] = [];
  let color = '';
  let artifact = 0;
  let group: Group | null = null;
  const toMm = (x: number, y: number): [number, number] => {
    const px = ctm[0] * x + ctm[2] * y + ctm[4];
    const py = ctm[1] * x + ctm[3] * y + ctm[5];
    return [px / PT_PER_MM, (page.heightPt - py) / PT_PER_MM];
  };
  const add = (x: number, y: number, start = false) => {
    const p = toMm(x, y);
    points.push(p);
    if (start || subpaths.length === 0) subpaths.push([p]);
    else subpaths[subpaths.length - 1]!.push(p);
  };
  const bbox = (): Box => {
    const xs = points.map((p) => p[0]);
    const ys = points.map((p) => p[1]);
    const x = Math.min(...xs);
    const y = Math.min(...ys);
    return { x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
  };
  for (const token of tokens) {
    if (/^[-+]?(\d+\.?\d*|\.\d+)$/.test(token) || token.startsWith('/') || token === '[' || token === ']') {
      operands.push(token);
      continue;
    }
    operators.set(token, (operators.get(token) ?? 0) + 1);
    const n = operands.map(Number);
    switch (token) {
      case 'q':
        stack.push(ctm);
        if (stack.length === 1) groups.push((group = { artifact: artifact > 0, fills: [], strokes: [] }));
        break;
      case 'Q':
        ctm = stack.pop()!;
        break;
      case 'cm':
        ctm = multiply(n as Matrix, ctm);
        break;
      case 'm':
        add(n[0]!, n[1]!, true);
        break;
      case 'l':
        add(n[0]!, n[1]!);
        break;
      case 'c':
        add(n[0]!, n[1]!);
        add(n[2]!, n[3]!);
        add(n[4]!, n[5]!);
        break;
      case 're':
        add(n[0]!, n[1]!, true);
        add(n[0]! + n[2]!, n[1]! + n[3]!);
        break;
      case 'f':
      case 'f*':
      case 'F':
        group?.fills.push({ box: bbox(), color });
        points = [];
        subpaths = [];
        break;
      case 'S':
        group?.strokes.push(
          ...subpaths.map((sp) => sp.slice(1).map((p, i) => ({ x1: sp[i]![0], y1: sp[i]![1], x2: p[0], y2: p[1] }))),
        );
        points = [];
        subpaths = [];
        break;
      case 'rg':
      case 'k':
      case 'scn':
        color = `${operands.join(' ')} ${token}`;
        break;
      case 'BMC':
      case 'BDC':
        artifact += operands[0] === '/Artifact' ? 1 : 0;
        break;
      case 'EMC':
        artifact = Math.max(0, artifact - 1);
        break;
    }
    operands = [];
  }
  return { groups, operators };
}

/** Code groups: everything drawDrawing painted (a background and at least one more layer). */
const codeGroups = (r: PageReading) => r.groups.filter((g) => !g.artifact && g.fills.length >= 2);

// ---------------------------------------------------------------------------------------------
// Writing and rasterising

async function renderSheet(options: SheetOptionsInput, items: SheetItem[], extras: SheetPdfExtras = {}) {
  const chunks: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => chunks.push(c));
  const writer = createSheetPdf(options, out, { uncompressed: true, ...extras });
  for (const item of items) await writer.add(item);
  const summary = await writer.finish();
  const pdf = Buffer.concat(chunks);
  assert.equal(summary.bytes, pdf.length, 'the summary counts the bytes written');
  return { pdf, summary };
}

interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

/** Page `n` (from 1) rasterised by pdftoppm at 300 dpi in grey. */
async function rasterPage(pdf: Buffer, n: number): Promise<Raster> {
  const file = path.join(tmp, `sheet-${process.hrtime.bigint()}.pdf`);
  fs.writeFileSync(file, pdf);
  const out = `${file}-page`;
  execFileSync('pdftoppm', [
    '-png',
    '-gray',
    '-r',
    String(DPI),
    '-singlefile',
    '-f',
    String(n),
    '-l',
    String(n),
    file,
    out,
  ]);
  const { data, info } = await sharp(`${out}.png`).greyscale().raw().toBuffer({ resolveWithObject: true });
  fs.rmSync(file);
  fs.rmSync(`${out}.png`);
  return { data, width: info.width, height: info.height };
}

const px = (mm: number) => Math.round(mm * PX_PER_MM);

/** A box of the raster (mm), as a PNG. */
function crop(r: Raster, box: Box): Promise<Buffer> {
  return sharp(r.data, { raw: { width: r.width, height: r.height, channels: 1 } })
    .extract({ left: px(box.x), top: px(box.y), width: px(box.width), height: px(box.height) })
    .png()
    .toBuffer();
}

/** The bounding box (mm) of dark pixels (< 50 % grey) inside a box of the raster; null if there are none. */
function inkBox(r: Raster, box: Box): Box | null {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let y = px(box.y); y < px(box.y + box.height); y++) {
    for (let x = px(box.x); x < px(box.x + box.width); x++) {
      if (r.data[y * r.width + x]! < 128) {
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  if (x0 === Infinity) return null;
  return { x: x0 / PX_PER_MM, y: y0 / PX_PER_MM, width: (x1 + 1 - x0) / PX_PER_MM, height: (y1 + 1 - y0) / PX_PER_MM };
}

const pixel = (r: Raster, xMm: number, yMm: number) => r.data[px(yMm) * r.width + px(xMm)]!;

function assertBoxNear(actual: Box, expected: Box, what: string, tolerance = TOLERANCE_MM): number {
  const error = Math.max(
    Math.abs(actual.x - expected.x),
    Math.abs(actual.y - expected.y),
    Math.abs(actual.x + actual.width - (expected.x + expected.width)),
    Math.abs(actual.y + actual.height - (expected.y + expected.height)),
  );
  assert.ok(
    error <= tolerance,
    `${what}: ${JSON.stringify(actual)} is ${error.toFixed(3)} mm from ${JSON.stringify(expected)}`,
  );
  return error;
}

// ---------------------------------------------------------------------------------------------

describe('label-sheet PDF: every built-in template', () => {
  for (const id of Object.keys(TEMPLATES) as TemplateId[]) {
    const t = TEMPLATES[id];
    const perSheet = t.grid[0] * t.grid[1];

    test(`${id}: a full sheet and part of a second, each code where the template says and decoding`, async (ctx) => {
      const count = perSheet + t.grid[0] + 1;
      const drawings = Array.from({ length: count }, (_, i) => qrDrawing(url(id, i), DEFAULT_DESIGN));
      const { pdf, summary } = await renderSheet(
        { template: id, title: `Sheet ${id}` },
        drawings.map((drawing) => ({ drawing })),
      );
      assert.deepEqual({ labels: summary.labels, pages: summary.pages }, { labels: count, pages: 2 });
      const pages = pdfPages(pdf);
      assert.equal(pages.length, 2);
      for (const page of pages) {
        assert.ok(Math.abs(page.widthPt / PT_PER_MM - t.page[0]) < 0.01, 'page width');
        assert.ok(Math.abs(page.heightPt / PT_PER_MM - t.page[1]) < 0.01, 'page height');
      }
      // Padding 1.5 mm: a square code of the label's shorter side less 3 mm, centred.
      const side = Math.min(t.label[0], t.label[1]) - 3;
      const expectedBox = (i: number): Box => {
        const label = publishedLabel(id, i % perSheet);
        return {
          x: label.x + (label.width - side) / 2,
          y: label.y + (label.height - side) / 2,
          width: side,
          height: side,
        };
      };

      let worst = 0;
      const readings = pages.map(readPage);
      const boxes = readings.flatMap((r, p) => codeGroups(r).map((g) => ({ page: p, box: g.fills[0]!.box })));
      assert.equal(boxes.length, count, 'one code per item');
      for (const [i, found] of boxes.entries()) {
        assert.equal(found.page, Math.floor(i / perSheet), `code ${i + 1} on its page`);
        worst = Math.max(worst, assertBoxNear(found.box, expectedBox(i), `${id} code ${i + 1}`));
      }
      assert.ok(worst < 0.001, `positions are exact in the file (worst ${worst} mm)`);

      // Rasterised: every label decodes to its own code, and the symbol's ink is where it should be.
      let worstInk = 0;
      for (const [p, page] of [0, 1].entries()) {
        const raster = await rasterPage(pdf, page + 1);
        for (let position = 0; position < perSheet; position++) {
          const i = p * perSheet + position;
          const label = publishedLabel(id, position);
          if (i >= count) {
            assert.equal(inkBox(raster, label), null, `label ${position + 1} of page 2 is empty`);
            continue;
          }
          const texts = (await decodeImage(await crop(raster, label))).map((d) => d.text);
          assert.deepEqual(texts, [url(id, i)], `${id} label ${position + 1} on page ${page + 1}`);
          // The symbol (dark modules) sits inside the 4-module quiet zone of the code's box.
          const quiet = (4 * side) / drawings[i]!.width;
          const box = expectedBox(i);
          const symbol = {
            x: box.x + quiet,
            y: box.y + quiet,
            width: box.width - 2 * quiet,
            height: box.height - 2 * quiet,
          };
          const ink = inkBox(raster, label)!;
          worstInk = Math.max(worstInk, assertBoxNear(ink, symbol, `${id} ink of code ${i + 1}`));
        }
      }
      ctx.diagnostic(
        `${id}: ${count} codes; worst position error in the file ${worst.toExponential(1)} mm, ` +
          `on the 300 dpi raster ${worstInk.toFixed(3)} mm`,
      );
    });

    test(`${id}: a start position leaves the used labels empty and carries on to the next sheet`, async () => {
      const start = perSheet - t.grid[0]; // the last row but one label
      const count = t.grid[0] + 1 + 2; // the rest of the first sheet, then two on the second
      const { pdf, summary } = await renderSheet(
        { template: id, startPosition: start },
        Array.from({ length: count }, (_, i) => ({ drawing: qrDrawing(url(id, i), DEFAULT_DESIGN) })),
      );
      assert.equal(summary.pages, 2);
      const side = Math.min(t.label[0], t.label[1]) - 3;
      const [first, second] = pdfPages(pdf).map(readPage).map(codeGroups);
      assert.equal(first!.length, t.grid[0] + 1);
      assert.equal(second!.length, 2);
      const positions = [
        ...first!.map((g, k) => ({ g, position: start - 1 + k })),
        ...second!.map((g, k) => ({ g, position: k })),
      ];
      for (const { g, position } of positions) {
        const label = publishedLabel(id, position);
        assertBoxNear(
          g.fills[0]!.box,
          { x: label.x + (label.width - side) / 2, y: label.y + (label.height - side) / 2, width: side, height: side },
          `${id} start ${start}: label ${position + 1}`,
        );
      }
      if (id === 'avery-l7160') {
        const raster = await rasterPage(pdf, 1);
        for (let position = 0; position < start - 1; position++) {
          assert.equal(inkBox(raster, publishedLabel(id, position)), null, `used label ${position + 1} stays blank`);
        }
        const texts = (await decodeImage(await crop(raster, publishedLabel(id, start - 1)))).map((d) => d.text);
        assert.deepEqual(texts, [url(id, 0)], 'the first code is on the start label');
      }
    });
  }
});

/** EAN-13 with its check digit. */
function ean13(base12: string): string {
  const sum = [...base12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return base12 + String((10 - (sum % 10)) % 10);
}

describe('label-sheet PDF: barcodes', () => {
  test('EAN-13 on L7651: each barcode keeps its aspect ratio, fits its label, and decodes', async () => {
    const style = {
      showText: true,
      barColor: '#000000',
      textColor: '#000000',
      backgroundColor: '#FFFFFF',
      quietZone: true,
    };
    const values = Array.from({ length: 65 }, (_, i) => ean13(`400638133${String(i).padStart(3, '0')}`));
    const drawings = await Promise.all(values.map((v) => barcodeDrawing('EAN13', v, style)));
    const { pdf } = await renderSheet(
      { template: 'avery-l7651' },
      drawings.map((drawing) => ({ drawing })),
    );
    const groups = codeGroups(readPage(pdfPages(pdf)[0]!));
    assert.equal(groups.length, 65);
    const raster = await rasterPage(pdf, 1);
    for (const [i, g] of groups.entries()) {
      const label = publishedLabel('avery-l7651', i);
      const d = drawings[i]!;
      const scale = Math.min(35.1 / d.width, 18.2 / d.height);
      const width = d.width * scale;
      const height = d.height * scale;
      assertBoxNear(
        g.fills[0]!.box,
        { x: label.x + (label.width - width) / 2, y: label.y + (label.height - height) / 2, width, height },
        `EAN-13 ${i + 1}`,
      );
      const decoded = await decodeImage(await crop(raster, label));
      assert.deepEqual(
        decoded.map((r) => [r.format, r.text]),
        [['EAN13', values[i]]],
        `label ${i + 1}`,
      );
    }
  });
});

describe('label-sheet PDF: marks, outlines, bleed, captions, colour', () => {
  const drawingsFor = (n: number, design: Design = DEFAULT_DESIGN) =>
    Array.from({ length: n }, (_, i) => ({ drawing: qrDrawing(url('opt', i), design) }));

  test('crop marks are drawn when asked, in every margin in line with the label edges, and not otherwise', async () => {
    const { pdf } = await renderSheet({ template: 'avery-l7160', cropMarks: true }, drawingsFor(3));
    const reading = readPage(pdfPages(pdf)[0]!);
    const marks = reading.groups.filter((g) => g.artifact).flatMap((g) => g.strokes.flat());
    // Column edges 7.21, 70.71, 73.25, 136.75, 139.29, 202.79; row edges every 38.1 from 15.15 to 281.85.
    const xs = [0, 1, 2].flatMap((c) => [7.21 + c * 66.04, 7.21 + c * 66.04 + 63.5]);
    const ys = Array.from({ length: 8 }, (_, r) => 15.15 + r * 38.1);
    const has = (test: (s: Segment) => boolean) => marks.some(test);
    const near = (a: number, b: number) => Math.abs(a - b) < 0.01;
    for (const x of xs) {
      assert.ok(
        has((s) => near(s.x1, x) && near(s.x2, x) && s.y2 < 15.15 && s.y1 < 15.15),
        `top mark at x ${x}`,
      );
      assert.ok(
        has((s) => near(s.x1, x) && near(s.x2, x) && s.y1 > 281.85),
        `bottom mark at x ${x}`,
      );
    }
    for (const y of ys) {
      assert.ok(
        has((s) => near(s.y1, y) && near(s.y2, y) && s.x2 < 7.21),
        `left mark at y ${y}`,
      );
      assert.ok(
        has((s) => near(s.y1, y) && near(s.y2, y) && s.x1 > 202.79),
        `right mark at y ${y}`,
      );
    }
    assert.equal(marks.length, 2 * xs.length + 2 * ys.length);
    assert.ok(reading.operators.get('S'), 'stroked');

    const plain = readPage(pdfPages((await renderSheet({ template: 'avery-l7160' }, drawingsFor(3))).pdf)[0]!);
    assert.equal(plain.operators.get('S'), undefined, 'no strokes without crop marks or outlines');
    assert.equal(plain.groups.filter((g) => g.artifact).length, 0);
  });

  test('outlines trace every label of the sheet, filled or not', async () => {
    const { pdf } = await renderSheet({ template: 'avery-5163', outlines: true }, drawingsFor(1));
    const reading = readPage(pdfPages(pdf)[0]!);
    const outline = reading.groups.filter((g) => g.artifact);
    assert.equal(outline.length, 1);
    const shapes = outline[0]!.strokes;
    assert.equal(shapes.length, 10, 'one closed outline per label');
    for (const [i, shape] of shapes.entries()) {
      const xs = shape.flatMap((s) => [s.x1, s.x2]);
      const ys = shape.flatMap((s) => [s.y1, s.y2]);
      const box = { x: Math.min(...xs), y: Math.min(...ys), width: 0, height: 0 };
      box.width = Math.max(...xs) - box.x;
      box.height = Math.max(...ys) - box.y;
      assertBoxNear(box, publishedLabel('avery-5163', i), `outline ${i + 1}`);
    }
  });

  test('bleed fills the label with the background and runs past it, halfway into gaps, never further', async () => {
    const design: Design = { ...DEFAULT_DESIGN, backgroundColor: '#FFD000' };
    const { pdf } = await renderSheet({ template: 'avery-l7160', bleedMm: 2 }, drawingsFor(4, design));
    const reading = readPage(pdfPages(pdf)[0]!);
    const bleeds = reading.groups.filter((g) => !g.artifact && g.fills.length === 1);
    assert.equal(bleeds.length, 4, 'one background fill per label before its code');
    const first = publishedLabel('avery-l7160', 0);
    assertBoxNear(
      bleeds[0]!.fills[0]!.box,
      { x: first.x - 2, y: first.y - 2, width: first.width + 2 + 1.27, height: first.height + 2 },
      'bleed of label 1: 2 mm at the page side, 1.27 mm (half the gap) towards label 2, none into the next row',
    );
    const raster = await rasterPage(pdf, 1);
    const yellow = pixel(raster, first.x + 1, first.y + 1); // grey of #FFD000 inside the label
    assert.ok(yellow < 230 && yellow > 150, `the label is painted (${yellow})`);
    assert.equal(pixel(raster, first.x - 1.5, first.y + 10), yellow, '1.5 mm left of the label: bleed');
    assert.equal(pixel(raster, first.x + 10, first.y - 1.5), yellow, '1.5 mm above: bleed');
    assert.equal(pixel(raster, first.x + first.width + 1.27, first.y + 10), yellow, 'the gap to label 2 is covered');
    assert.equal(pixel(raster, first.x - 2.5, first.y + 10), 255, '2.5 mm left: paper');
    assert.equal(pixel(raster, first.x + 10, first.y - 2.5), 255, '2.5 mm above: paper');

    const none = await renderSheet({ template: 'avery-l7160' }, drawingsFor(1, design));
    const plain = await rasterPage(none.pdf, 1);
    assert.equal(pixel(plain, first.x + 1, first.y + 1), 255, 'without bleed only the code has the background');
    assert.equal(pixel(plain, first.x - 1.5, first.y + 10), 255);
  });

  test('captions are outlines under (or beside) each code: no font in the file, codes still decode', async () => {
    const items = Array.from({ length: 4 }, (_, i) => ({
      drawing: qrDrawing(url('cap', i), DEFAULT_DESIGN),
      caption: `Crème brûlée nº ${i} — Ωmega`,
    }));
    for (const [template, caption] of [
      ['avery-l7160', 'below'],
      ['avery-l7163', 'right'],
      ['avery-5160', 'above'],
    ] as const) {
      const { pdf } = await renderSheet({ template, caption }, items);
      const file = path.join(tmp, `caption-${template}.pdf`);
      fs.writeFileSync(file, pdf);
      assert.equal(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).trim(), '', 'no text objects');
      assert.doesNotMatch(execFileSync('pdffonts', [file], { encoding: 'utf8' }), /Type|TrueType|CID/, 'no fonts');
      const groups = readPage(pdfPages(pdf)[0]!).groups.filter((g) => !g.artifact);
      assert.equal(groups.length, 8, 'a code and a caption per label');
      const raster = await rasterPage(pdf, 1);
      for (let i = 0; i < 4; i++) {
        const code = groups[2 * i]!.fills[0]!.box;
        const text = groups[2 * i + 1]!.fills[0]!.box;
        const label = publishedLabel(template, i);
        const inner = { x: label.x + 1.5, y: label.y + 1.5, width: label.width - 3, height: label.height - 3 };
        const inside = (b: Box) =>
          b.x >= inner.x - 0.01 &&
          b.y >= inner.y - 0.01 &&
          b.x + b.width <= inner.x + inner.width + 0.01 &&
          b.y + b.height <= inner.y + inner.height + 0.01;
        assert.ok(inside(code) && inside(text), `${template} ${i + 1}: code and caption inside the padding`);
        if (caption === 'below') assert.ok(text.y >= code.y + code.height - 0.01, 'caption under the code');
        if (caption === 'above') assert.ok(text.y + text.height <= code.y + 0.01, 'caption over the code');
        if (caption === 'right') assert.ok(text.x >= code.x + code.width + 1.5 - 0.01, 'caption right of the code');
        if (caption !== 'right') {
          const mid = text.x + text.width / 2;
          assert.ok(Math.abs(mid - (label.x + label.width / 2)) < 0.5, 'caption centred under the label');
        }
        assert.ok(inkBox(raster, text), 'the caption prints');
        const texts = (await decodeImage(await crop(raster, label))).map((d) => d.text);
        assert.deepEqual(texts, [url('cap', i)]);
      }
    }
  });

  test('a caption too long for the label is shrunk, then cut with an ellipsis, never spilling out', async () => {
    const long = 'A very long caption that could never fit on a small label at any readable size at all, really';
    const { pdf } = await renderSheet({ template: 'avery-l7651', caption: true }, [
      { drawing: qrDrawing('x', DEFAULT_DESIGN), caption: long },
      { drawing: qrDrawing('y', DEFAULT_DESIGN), caption: 'Short' },
    ]);
    const groups = readPage(pdfPages(pdf)[0]!).groups.filter((g) => !g.artifact);
    for (const [i, g] of [groups[1]!, groups[3]!].entries()) {
      const box = g.fills[0]!.box;
      const label = publishedLabel('avery-l7651', i);
      assert.ok(box.x >= label.x + 1.5 - 0.01 && box.x + box.width <= label.x + label.width - 1.5 + 0.01, 'fits');
    }
  });

  test('CMYK sheets paint with k/K only: no RGB or generic colour operator anywhere', async () => {
    const design: Design = { ...DEFAULT_DESIGN, foregroundColor: '#1A1A2E', backgroundColor: '#FFF3C4' };
    const { pdf } = await renderSheet(
      {
        template: 'avery-l7160',
        colorSpace: 'cmyk',
        cropMarks: true,
        outlines: true,
        bleedMm: 1,
        caption: true,
        captionColor: '#C02040',
      },
      drawingsFor(3, design).map((item, i) => ({ ...item, caption: `No. ${i}` })),
    );
    for (const page of pdfPages(pdf)) {
      const ops = readPage(page).operators;
      for (const op of ['rg', 'RG', 'g', 'G', 'sc', 'SC', 'scn', 'SCN', 'cs', 'CS']) {
        assert.equal(ops.get(op), undefined, `no ${op}`);
      }
      assert.ok(ops.get('k'), 'fills in DeviceCMYK');
      assert.ok(ops.get('K'), 'marks in DeviceCMYK');
      assert.match(page.content, /1 1 1 1 K/, 'crop marks in registration colour');
    }
    const raster = await rasterPage(pdf, 1);
    for (let i = 0; i < 3; i++) {
      const texts = (await decodeImage(await crop(raster, publishedLabel('avery-l7160', i)))).map((d) => d.text);
      assert.deepEqual(texts, [url('opt', i)]);
    }
    const rgb = await renderSheet({ template: 'avery-l7160', cropMarks: true }, drawingsFor(1, design));
    assert.ok(readPage(pdfPages(rgb.pdf)[0]!).operators.get('rg'), 'RGB sheets use rg');
  });
});

describe('label-sheet PDF: writer behaviour', () => {
  test('the same input gives the same bytes', async () => {
    const items = Array.from({ length: 30 }, (_, i) => ({
      drawing: qrDrawing(url('same', i), DEFAULT_DESIGN),
      caption: `n ${i}`,
    }));
    const options: SheetOptionsInput = { template: 'avery-l7160', caption: true, cropMarks: true, title: 'Same' };
    const a = await renderSheet(options, items, { uncompressed: false });
    const b = await renderSheet(options, items, { uncompressed: false });
    assert.ok(a.pdf.equals(b.pdf));
    assert.match(a.pdf.subarray(0, 8).toString('latin1'), /^%PDF-1\.4/);
  });

  test('pages leave for the output as they are finished, before the job ends', async () => {
    let received = 0;
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        done();
      },
    });
    const writer = createSheetPdf({ template: 'avery-5163' }, out);
    for (let i = 0; i < 10 * 3 + 1; i++) await writer.add({ drawing: qrDrawing(url('stream', i), DEFAULT_DESIGN) });
    const before = received;
    assert.ok(before > 20_000, `three finished pages are already out (${before} bytes)`);
    const summary = await writer.finish();
    assert.equal(summary.pages, 4);
    assert.equal(received, summary.bytes);
  });

  test('a slow output holds add() back instead of piling up pages in memory', async () => {
    const held: (() => void)[] = [];
    let stalled = true;
    const chunks: Buffer[] = [];
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        if (stalled) held.push(done);
        else done();
      },
    });
    const writer = createSheetPdf({ template: 'avery-l7651' }, out, { uncompressed: true });
    let blocked: Promise<void> | null = null;
    for (let i = 0; i < 65 * 8 && !blocked; i++) {
      const pending = writer.add({ drawing: qrDrawing(url('slow', i), DEFAULT_DESIGN) });
      const state = await Promise.race([pending.then(() => 'done'), delay(200).then(() => 'waiting')]);
      if (state === 'waiting') blocked = pending;
    }
    assert.ok(blocked, 'add() waits while the output is stalled');
    stalled = false;
    for (const done of held.splice(0)) done();
    await blocked;
    const summary = await writer.finish();
    assert.ok(summary.labels > 65, 'it waited only once a page or more was queued');
    const file = path.join(tmp, 'slow.pdf');
    fs.writeFileSync(file, Buffer.concat(chunks));
    assert.match(execFileSync('pdfinfo', [file], { encoding: 'utf8' }), new RegExp(`Pages:\\s+${summary.pages}\\n`));
  });

  test('a logo shared by every code is embedded once, not once per code', async () => {
    const disc = async (color: string) => ({
      mediaType: 'image/png',
      base64: (
        await sharp(
          Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><circle cx="32" cy="32" r="30" fill="${color}"/></svg>`,
          ),
        )
          .png()
          .toBuffer()
      ).toString('base64'),
      width: 64,
      height: 64,
    });
    const design: Design = {
      ...DEFAULT_DESIGN,
      errorCorrection: 'H',
      logo: { assetId: 'logo', size: 0.25, hideBackgroundDots: true },
    };
    const images = (pdf: Buffer) =>
      [...pdfObjects(pdf).values()].filter((o) => /\/Subtype \/Image/.test(o.dict)).length;
    const red = await disc('#D02020');
    const same = await renderSheet(
      { template: 'avery-l7163' },
      Array.from({ length: 16 }, (_, i) => ({ drawing: qrDrawing(url('logo', i), design, { logo: red }) })),
    );
    // A PNG with transparency is an image and its soft mask: two objects, once.
    const once = images(same.pdf);
    assert.ok(once >= 1 && once <= 2, `${once} image objects`);
    const blue = await disc('#2030D0');
    const two = await renderSheet(
      { template: 'avery-l7163' },
      Array.from({ length: 4 }, (_, i) => ({
        drawing: qrDrawing(url('logo', i), design, { logo: i % 2 ? blue : red }),
      })),
    );
    assert.equal(images(two.pdf), 2 * once, 'two logos, each once');
    for (const page of [1, 2]) {
      const raster = await rasterPage(same.pdf, page);
      for (const position of [0, 13]) {
        const i = (page - 1) * 14 + position;
        if (i >= 16) continue;
        const texts = (await decodeImage(await crop(raster, publishedLabel('avery-l7163', position)))).map(
          (d) => d.text,
        );
        assert.deepEqual(texts, [url('logo', i)], `logo code ${i + 1} decodes`);
      }
    }
  });

  test('an empty job is one blank sheet (with its marks)', async () => {
    const { pdf, summary } = await renderSheet({ template: 'avery-l7160', cropMarks: true, outlines: true }, []);
    assert.deepEqual({ labels: summary.labels, pages: summary.pages }, { labels: 0, pages: 1 });
    const reading = readPage(pdfPages(pdf)[0]!);
    assert.equal(codeGroups(reading).length, 0);
    assert.equal(reading.groups.filter((g) => g.artifact).length, 2);
  });

  test('an item that cannot be drawn is refused before anything is written; the job carries on', async () => {
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    const writer = createSheetPdf({ template: 'avery-l7651', caption: true, codeSizeMm: 12 }, out, {
      uncompressed: true,
    });
    await writer.add({ drawing: qrDrawing('one', DEFAULT_DESIGN), caption: 'fine' });
    await assert.rejects(writer.add({ drawing: qrDrawing('two', DEFAULT_DESIGN), caption: 'tick ✓' }), {
      name: 'MissingGlyphError',
      message: /The caption font has no glyph for "✓"/,
    });
    await assert.rejects(writer.add({ drawing: qrDrawing('three', DEFAULT_DESIGN), caption: 'x'.repeat(501) }), {
      message: /at most 500 characters/,
    });
    await assert.rejects(
      writer.add({ drawing: { width: 0, height: 10, layers: [], images: [] } }),
      /positive width and height/,
    );
    await writer.add({ drawing: qrDrawing('four', DEFAULT_DESIGN), caption: 'fine too' });
    const summary = await writer.finish();
    assert.equal(summary.labels, 2);
    const groups = codeGroups(readPage(pdfPages(Buffer.concat(chunks))[0]!));
    assert.equal(groups.length, 2);
    assertBoxNear(
      groups[1]!.fills[0]!.box,
      { ...groups[1]!.fills[0]!.box, x: publishedLabel('avery-l7651', 1).x + (38.1 - 12) / 2, width: 12 },
      'the next good item takes the next label',
    );
    await assert.rejects(writer.add({ drawing: qrDrawing('late', DEFAULT_DESIGN) }), /after finish/);
  });

  test('a failure once drawing has begun ends the job, and destroys the output rather than leave half a file', async () => {
    const out = new PassThrough().resume();
    const writer = createSheetPdf({ template: 'avery-l7160' }, out);
    await writer.add({ drawing: qrDrawing('fine', DEFAULT_DESIGN) });
    const broken = qrDrawing('broken logo', DEFAULT_DESIGN);
    broken.images.push({ x: 10, y: 10, width: 5, height: 5, mediaType: 'image/png', base64: 'bm90IGFuIGltYWdl' });
    await assert.rejects(writer.add({ drawing: broken }));
    await assert.rejects(writer.add({ drawing: qrDrawing('after', DEFAULT_DESIGN) }));
    await assert.rejects(writer.finish());
    assert.ok(out.destroyed, 'the output is destroyed');
  });

  test('a code that cannot have the size asked for is refused with the room there is', async () => {
    const writer = createSheetPdf({ template: 'avery-l7651', codeSizeMm: 30 }, new PassThrough().resume());
    await assert.rejects(writer.add({ drawing: qrDrawing('big', DEFAULT_DESIGN) }), {
      name: 'CodeSizeError',
      message: /A 30 × 30 mm code \(codeSizeMm 30\) does not fit the 35\.1 × 18\.2 mm left for it/,
    });
    await writer.finish();
  });

  test('bad options are refused up front with the schema messages', () => {
    const sink = new PassThrough().resume();
    const refused = (options: unknown, message: RegExp) =>
      assert.throws(
        () => createSheetPdf(options as SheetOptionsInput, sink),
        (err: unknown) => err instanceof z.ZodError && err.issues.some((i) => message.test(i.message)),
        `${JSON.stringify(options)} → ${message}`,
      );
    refused({ template: 'avery-l0000' }, /Unknown sheet template "avery-l0000"/);
    refused({ template: 'avery-l7160', startPosition: 0 }, /counts labels from 1/);
    refused({ template: 'avery-l7160', startPosition: 99 }, /between 1 and 21/);
    refused(
      {
        template: {
          page: 'Letter',
          columns: 4,
          rows: 10,
          labelWidthMm: 60,
          labelHeightMm: 25,
          marginTopMm: 10,
          marginLeftMm: 5,
        },
      },
      /does not fit the page width/,
    );
    refused({ template: 'avery-l7160', bleedMm: -2 }, /bleedMm must be at least 0/);
    refused({ template: 'avery-l7160', codeSizeMm: 1e7 }, /at most 1000 mm/);
  });
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
