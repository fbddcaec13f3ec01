/**
 * Label-sheet geometry and options (issue 8): the built-in templates against
 * their published dimensions, where the n-th code lands (start position, page
 * breaks), where a code and its caption go inside a label, bleed limits, crop
 * marks, and every bad option answered with a clear message.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  bleedRect,
  CodeSizeError,
  cropMarks,
  labelRect,
  labelRects,
  pagesNeeded,
  placeCode,
  slotOf,
} from '../../src-server/batch/sheets/layout';
import {
  BUILT_IN_SHEET_TEMPLATES,
  labelAreas,
  PAGE_SIZES,
  SheetOptions,
  sheetTemplate,
  type SheetOptionsInput,
  type SheetTemplate,
} from '../../src-shared/schemas/sheets';

const IN = 25.4;
const close = (actual: number, expected: number, what: string, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} ≠ ${expected} (± ${tolerance})`);

/**
 * The published layouts, written out independently of the schema: label size,
 * grid, first label's top left corner and pitch (label + gap), in mm. Sources
 * in src-shared/schemas/sheets.ts (Avery product data, LibreOffice's
 * Labels.xcu, Label Planet LP65/38).
 */
const PUBLISHED = {
  'avery-l7160': { page: [210, 297], grid: [3, 7], label: [63.5, 38.1], first: [7.21, 15.15], pitch: [66.04, 38.1] },
  'avery-l7163': { page: [210, 297], grid: [2, 7], label: [99.1, 38.1], first: [4.65, 15.15], pitch: [101.6, 38.1] },
  'avery-l7651': { page: [210, 297], grid: [5, 13], label: [38.1, 21.2], first: [4.67, 10.7], pitch: [40.64, 21.2] },
  'avery-5160': {
    page: [8.5 * IN, 11 * IN],
    grid: [3, 10],
    label: [2.625 * IN, 1 * IN],
    first: [0.1875 * IN, 0.5 * IN],
    pitch: [2.75 * IN, 1 * IN],
  },
  'avery-5163': {
    page: [8.5 * IN, 11 * IN],
    grid: [2, 5],
    label: [4 * IN, 2 * IN],
    first: [0.15625 * IN, 0.5 * IN],
    pitch: [4.1875 * IN, 2 * IN],
  },
} as const;

const options = (input: SheetOptionsInput): SheetOptions => SheetOptions.parse(input);

describe('built-in templates', () => {
  test('are the five asked for, each matching its published layout to 0.01 mm', () => {
    assert.deepEqual(
      BUILT_IN_SHEET_TEMPLATES.map((t) => t.id),
      Object.keys(PUBLISHED),
    );
    for (const t of BUILT_IN_SHEET_TEMPLATES) {
      const p = PUBLISHED[t.id];
      close(t.page.widthMm, p.page[0], `${t.id} page width`);
      close(t.page.heightMm, p.page[1], `${t.id} page height`);
      assert.deepEqual([t.columns, t.rows], [...p.grid], `${t.id} grid`);
      for (const [i, r] of labelRects(t).entries()) {
        const column = i % t.columns;
        const row = Math.floor(i / t.columns);
        close(r.x, p.first[0] + column * p.pitch[0], `${t.id} label ${i + 1} x`, 0.01);
        close(r.y, p.first[1] + row * p.pitch[1], `${t.id} label ${i + 1} y`, 0.01);
        close(r.width, p.label[0], `${t.id} width`);
        close(r.height, p.label[1], `${t.id} height`);
      }
    }
  });

  test('sit centred on their page (equal margins left and right, top and bottom, to 0.05 mm)', () => {
    for (const t of BUILT_IN_SHEET_TEMPLATES) {
      const last = labelRect(t, t.columns * t.rows - 1);
      close(t.page.widthMm - (last.x + last.width), t.marginLeftMm, `${t.id} right margin`, 0.05);
      close(t.page.heightMm - (last.y + last.height), t.marginTopMm, `${t.id} bottom margin`, 0.05);
    }
  });

  test('A4 is 210 × 297 mm and Letter 215.9 × 279.4 mm', () => {
    assert.deepEqual(PAGE_SIZES.A4, { widthMm: 210, heightMm: 297 });
    assert.deepEqual(PAGE_SIZES.Letter, { widthMm: 215.9, heightMm: 279.4 });
  });
});

describe('slots and pages', () => {
  const t = sheetTemplate('avery-l7160');

  test('items fill labels left to right, then down, then the next sheet', () => {
    assert.deepEqual(slotOf(t, 1, 0), { page: 0, position: 0, row: 0, column: 0 });
    assert.deepEqual(slotOf(t, 1, 4), { page: 0, position: 4, row: 1, column: 1 });
    assert.deepEqual(slotOf(t, 1, 20), { page: 0, position: 20, row: 6, column: 2 });
    assert.deepEqual(slotOf(t, 1, 21), { page: 1, position: 0, row: 0, column: 0 });
    assert.deepEqual(slotOf(t, 1, 65), { page: 3, position: 2, row: 0, column: 2 });
  });

  test('a start position skips used labels on the first sheet only', () => {
    assert.deepEqual(slotOf(t, 5, 0), { page: 0, position: 4, row: 1, column: 1 });
    assert.deepEqual(slotOf(t, 21, 0), { page: 0, position: 20, row: 6, column: 2 });
    assert.deepEqual(slotOf(t, 21, 1), { page: 1, position: 0, row: 0, column: 0 });
    assert.deepEqual(slotOf(t, 5, 17), { page: 1, position: 0, row: 0, column: 0 });
  });

  test('pages needed', () => {
    assert.equal(pagesNeeded(t, 1, 0), 1, 'an empty job is one blank sheet');
    assert.equal(pagesNeeded(t, 1, 21), 1);
    assert.equal(pagesNeeded(t, 1, 22), 2);
    assert.equal(pagesNeeded(t, 21, 1), 1);
    assert.equal(pagesNeeded(t, 21, 2), 2);
    assert.equal(pagesNeeded(sheetTemplate('avery-l7651'), 1, 10_000), 154);
  });

  test('positions outside the sheet are refused', () => {
    assert.throws(() => labelRect(t, 21), RangeError);
    assert.throws(() => labelRect(t, -1), RangeError);
    assert.throws(() => labelRect(t, 1.5), RangeError);
  });
});

describe('placing a code in a label', () => {
  const l7160 = sheetTemplate('avery-l7160');

  test('a square code fills the padded label, centred', () => {
    const p = placeCode(l7160, options({ template: 'avery-l7160' }), 4, { width: 33, height: 33 });
    const label = labelRect(l7160, 4);
    close(p.code.width, 38.1 - 3, 'side');
    close(p.code.height, 38.1 - 3, 'side');
    close(p.code.x + p.code.width / 2, label.x + label.width / 2, 'centre x');
    close(p.code.y + p.code.height / 2, label.y + label.height / 2, 'centre y');
    assert.equal(p.caption, null);
  });

  test('a wide barcode keeps its aspect ratio and fits the narrower way', () => {
    const t = sheetTemplate('avery-l7651');
    const p = placeCode(t, options({ template: 'avery-l7651', paddingMm: 1 }), 0, { width: 120, height: 60 });
    // 36.1 × 19.2 mm of room: a 2:1 code is as wide as the room, 36.1 × 18.05 mm.
    close(p.code.width, 36.1, 'width');
    close(p.code.height, 18.05, 'height');
    close(p.code.x, 4.67 + 1, 'left edge at the padding');
  });

  test('codeSizeMm sets the longer side, and refuses a size that does not fit', () => {
    const p = placeCode(l7160, options({ template: 'avery-l7160', codeSizeMm: 20 }), 0, { width: 29, height: 29 });
    close(p.code.width, 20, 'side');
    close(p.code.x + 10, 7.21 + 63.5 / 2, 'centred');
    assert.throws(
      () => placeCode(l7160, options({ template: 'avery-l7160', codeSizeMm: 40 }), 0, { width: 29, height: 29 }),
      (err: unknown) => err instanceof CodeSizeError && /does not fit/.test(err.message),
    );
  });

  test('a caption below or above shares the centre with the code; right of it starts after the padding', () => {
    const o = options({ template: 'avery-l7160', caption: true });
    const areas = labelAreas(l7160, o);
    close(areas.captionSizeMm, 4, 'font size: 14 % of 35.1 mm, capped at 4 mm');
    const below = placeCode(l7160, o, 0, { width: 1, height: 1 });
    const label = labelRect(l7160, 0);
    assert.ok(below.caption);
    close(below.code.height, 35.1 - 4 * 1.3, 'code shrinks by the caption line');
    close(below.caption.y, below.code.y + below.code.height, 'caption right under the code');
    close(
      (below.code.y + below.caption.y + below.caption.height) / 2,
      label.y + label.height / 2,
      'block centred vertically',
    );
    const above = placeCode(l7160, options({ template: 'avery-l7160', caption: 'above' }), 0, { width: 1, height: 1 });
    assert.ok(above.caption);
    close(above.caption.y + above.caption.height, above.code.y, 'caption right over the code');
    const right = placeCode(l7160, options({ template: 'avery-l7160', caption: 'right' }), 0, { width: 1, height: 1 });
    assert.ok(right.caption);
    close(right.code.x, label.x + 1.5, 'code at the left padding');
    close(right.caption.x, right.code.x + right.code.width + 1.5, 'caption after the padding');
    close(right.caption.x + right.caption.width, label.x + label.width - 1.5, 'caption to the right padding');
    assert.equal(right.captionAlign, 'left');
  });
});

describe('bleed', () => {
  const t = sheetTemplate('avery-l7160');

  test('runs past outer edges by the bleed, but only halfway into a gap, and never off the page', () => {
    const first = bleedRect(t, 0, 2);
    const label = labelRect(t, 0);
    close(first.x, label.x - 2, 'outer left edge: full bleed');
    close(first.y, label.y - 2, 'outer top edge: full bleed');
    close(first.x + first.width, label.x + label.width + 1.27, 'towards the next column: half the 2.54 mm gap');
    close(first.y + first.height, label.y + label.height, 'rows touch (no gap): no bleed into the next row');
    const one = options({
      template: {
        page: 'A4',
        columns: 1,
        rows: 1,
        labelWidthMm: 200,
        labelHeightMm: 100,
        marginTopMm: 1,
        marginLeftMm: 9,
      },
    });
    const big = bleedRect(sheetTemplate(one.template), 0, 5);
    close(big.x, 4, 'left: full 5 mm');
    close(big.y, 0, 'top: stops at the page edge');
    close(big.x + big.width, 210, 'right: stops at the page edge');
  });

  test('neighbouring bleeds never overlap', () => {
    for (const template of BUILT_IN_SHEET_TEMPLATES) {
      const rects = labelRects(template).map((_, i) => bleedRect(template, i, 5));
      for (let i = 0; i < rects.length; i++) {
        for (let j = i + 1; j < rects.length; j++) {
          const a = rects[i]!;
          const b = rects[j]!;
          const overlapX = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
          const overlapY = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
          assert.ok(overlapX <= 1e-9 || overlapY <= 1e-9, `${template.id}: labels ${i + 1} and ${j + 1} overlap`);
        }
      }
    }
  });
});

describe('crop marks', () => {
  test('one in each margin for every column and row edge, clear of the labels', () => {
    const t = sheetTemplate('avery-l7160');
    const marks = cropMarks(t, 0);
    const vertical = marks.filter((m) => m.x1 === m.x2);
    const horizontal = marks.filter((m) => m.y1 === m.y2);
    // 3 columns with gaps: 6 x edges, top and bottom; 7 touching rows: 8 y edges, left and right.
    assert.equal(vertical.length, 12);
    assert.equal(horizontal.length, 16);
    const xs = [...new Set(vertical.map((m) => Math.round(m.x1 * 1000) / 1000))].sort((a, b) => a - b);
    assert.deepEqual(xs, [7.21, 70.71, 73.25, 136.75, 139.29, 202.79]);
    const top = vertical.find((m) => m.y1 < 100)!;
    close(top.y1, 15.15 - 1 - 5, 'top mark starts 6 mm above the grid');
    close(top.y2, 15.15 - 1, 'and stops 1 mm short of it');
    for (const m of marks) {
      for (const r of labelRects(t)) {
        const inside = (x: number, y: number) => x > r.x && x < r.x + r.width && y > r.y && y < r.y + r.height;
        assert.ok(!inside(m.x1, m.y1) && !inside(m.x2, m.y2), 'no mark on a label');
      }
    }
  });

  test('start beyond the bleed, and are left out where the margin is too narrow', () => {
    const t = sheetTemplate('avery-5160'); // 4.76 mm side margins
    const withBleed = cropMarks(t, 3);
    const left = withBleed.filter((m) => m.y1 === m.y2 && m.x1 < 50);
    assert.equal(left.length, 0, '4.76 mm margin − 3 mm bleed − 1 mm offset leaves no room for a 1 mm mark');
    const top = withBleed.filter((m) => m.x1 === m.x2 && m.y1 < 50);
    assert.ok(top.length > 0);
    for (const m of top) close(m.y2, 12.7 - 4, 'top marks stop 4 mm (bleed + 1) above the grid');
  });
});

describe('sheet options', () => {
  const issues = (input: unknown) => {
    const r = SheetOptions.safeParse(input);
    assert.equal(r.success, false, `${JSON.stringify(input)} should be refused`);
    return r.error!.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };
  const custom = {
    page: 'A4',
    columns: 3,
    rows: 8,
    labelWidthMm: 63.5,
    labelHeightMm: 33.9,
    marginTopMm: 13.1,
    marginLeftMm: 7.2,
    gapXMm: 2.5,
  };

  test('defaults', () => {
    assert.deepEqual(SheetOptions.parse({ template: 'avery-l7651' }), {
      template: 'avery-l7651',
      caption: 'none',
      captionColor: '#000000',
      cropMarks: false,
      bleedMm: 0,
      startPosition: 1,
      outlines: false,
      paddingMm: 1.5,
      colorSpace: 'rgb',
    });
    assert.equal(SheetOptions.parse({ template: 'avery-l7651', caption: true }).caption, 'below');
    assert.equal(SheetOptions.parse({ template: 'avery-l7651', caption: 'right' }).caption, 'right');
  });

  test('a custom grid that fits is accepted, with its page by name or in mm', () => {
    const parsed = SheetOptions.parse({ template: custom, startPosition: 24 });
    const t: SheetTemplate = sheetTemplate(parsed.template);
    assert.equal(t.columns * t.rows, 24);
    assert.deepEqual(t.page, { widthMm: 210, heightMm: 297 });
    const mm = sheetTemplate(
      SheetOptions.parse({ template: { ...custom, page: { widthMm: 100, heightMm: 300 }, columns: 1 } }).template,
    );
    assert.deepEqual(mm.page, { widthMm: 100, heightMm: 300 });
  });

  test('an unknown template names the ones there are', () => {
    const [issue] = issues({ template: 'avery-l9999' });
    assert.equal(issue!.path, 'template');
    assert.match(issue!.message, /Unknown sheet template "avery-l9999"; use one of avery-l7160, .*avery-5163/);
    assert.match(issues({ template: 42 })[0]!.message, /built-in template id .* or a custom grid/);
  });

  test('a custom grid that does not fit the page says by how much', () => {
    const [wide] = issues({ template: { ...custom, columns: 4 } });
    assert.equal(wide!.path, 'template.columns');
    assert.match(wide!.message, /does not fit the page width: .* = 268\.7 mm, but the page is 210 mm wide/);
    const [tall] = issues({ template: { ...custom, rows: 9 } });
    assert.equal(tall!.path, 'template.rows');
    assert.match(tall!.message, /does not fit the page height: .* = 318\.2 mm, but the page is 297 mm tall/);
    assert.match(
      issues({ template: { ...custom, page: 'Letter', rows: 7, marginLeftMm: 25 } })[0]!.message,
      /215\.9 mm/,
    );
  });

  test('labels may not overlap: negative gaps are refused', () => {
    const [gap] = issues({ template: { ...custom, gapXMm: -1 } });
    assert.equal(gap!.path, 'template.gapXMm');
    assert.match(gap!.message, /gapXMm must be at least 0 mm/);
    assert.match(issues({ template: { ...custom, gapYMm: -0.5 } })[0]!.message, /gapYMm must be at least 0 mm/);
  });

  test('a custom grid missing fields lists them', () => {
    const [issue] = issues({ template: { page: 'A4', columns: 3, rows: 8, labelWidthMm: 63.5 } });
    assert.match(issue!.message, /labelHeightMm is required; marginTopMm is required; marginLeftMm is required/);
    assert.match(issues({ template: { ...custom, page: 'A5' } })[0]!.message, /page must be "A4", "Letter"/);
    assert.match(issues({ template: { ...custom, extra: 1 } })[0]!.message, /Unrecognized key/);
  });

  test('start position: from 1 to the labels on a sheet', () => {
    assert.match(issues({ template: 'avery-l7160', startPosition: 0 })[0]!.message, /counts labels from 1/);
    assert.match(issues({ template: 'avery-l7160', startPosition: -3 })[0]!.message, /counts labels from 1/);
    const [beyond] = issues({ template: 'avery-l7160', startPosition: 22 });
    assert.equal(beyond!.path, 'startPosition');
    assert.match(beyond!.message, /between 1 and 21: Avery L7160 .* has 21 labels/);
    assert.match(issues({ template: 'avery-5163', startPosition: 11 })[0]!.message, /between 1 and 10/);
    assert.match(issues({ template: 'avery-l7160', startPosition: 2.5 })[0]!.message, /whole number/);
    assert.match(issues({ template: custom, startPosition: 25 })[0]!.message, /between 1 and 24/);
  });

  test('negative, huge and wrong-typed sizes are refused, each naming its field', () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ bleedMm: -1 }, 'bleedMm', /at least 0 mm/],
      [{ bleedMm: 5.1 }, 'bleedMm', /at most 5 mm/],
      [{ paddingMm: -0.1 }, 'paddingMm', /at least 0 mm/],
      [{ paddingMm: 1e6 }, 'paddingMm', /at most 50 mm/],
      [{ codeSizeMm: 0 }, 'codeSizeMm', /at least 3 mm/],
      [{ codeSizeMm: 1e9 }, 'codeSizeMm', /at most 1000 mm/],
      [{ codeSizeMm: '20' }, 'codeSizeMm', /must be a number/],
      [{ captionSizeMm: 0.5 }, 'captionSizeMm', /at least 1 mm/],
      [{ caption: 'left' }, 'caption', /caption must be true, false or one of none, below, above, right/],
      [{ cropMarks: 'yes' }, 'cropMarks', /true or false/],
      [{ colorSpace: 'lab' }, 'colorSpace', /"rgb" or "cmyk"/],
      [{ captionColor: 'red' }, 'captionColor', /#RRGGBB/],
    ];
    for (const [extra, path, message] of cases) {
      const found = issues({ template: 'avery-l7160', ...extra });
      assert.equal(found[0]!.path, path, JSON.stringify(extra));
      assert.match(found[0]!.message, message, JSON.stringify(extra));
    }
    const [tiny] = issues({ template: { ...custom, labelWidthMm: 1 } });
    assert.match(tiny!.message, /labelWidthMm must be at least 5 mm/);
    const [many] = issues({ template: { ...custom, columns: 51 } });
    assert.match(many!.message, /columns must be at most 50/);
  });

  test('options that leave no room for the code say so', () => {
    assert.match(
      issues({ template: 'avery-l7651', paddingMm: 10 })[0]!.message,
      /paddingMm 10 leaves no room for a code on a 38\.1 × 21\.2 mm label \(at most 9\.1 mm\)/,
    );
    assert.match(
      issues({ template: 'avery-l7651', caption: true, captionSizeMm: 15 })[0]!.message,
      /A 15 mm caption leaves no room for the code/,
    );
    const [size] = issues({ template: 'avery-l7651', codeSizeMm: 40 });
    assert.equal(size!.path, 'codeSizeMm');
    assert.match(
      size!.message,
      /codeSizeMm 40 does not fit: a 38\.1 × 21\.2 mm label has 35\.1 × 18\.2 mm for the code/,
    );
    assert.match(
      issues({ template: { ...custom, labelWidthMm: 10, labelHeightMm: 10 }, caption: 'right' })[0]!.message,
      /A caption right of the code needs 5 mm beside it/,
    );
  });
});
