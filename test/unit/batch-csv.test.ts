/**
 * Reading CSV sources for batches: encoding detection (UTF-8, BOM, Windows-1252,
 * UTF-16 with a BOM; binaries and UTF-16 without one refused), delimiters,
 * quoting, header detection, ragged rows reported (never padded), empty files,
 * the size and row limits, streaming 100,000 rows, and formula-looking cells
 * read verbatim.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { csvRows, readCsv, type CsvReadOptions, type CsvRow } from '../../src-server/batch/csv';
import { AppError } from '../../src-server/errors';
import { CSV_MAX_ROWS } from '../../src-shared/schemas/batches';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-batch-csv-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (text: string | Uint8Array, options: CsvReadOptions = {}) =>
  readCsv(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, options);

/** Asserts readCsv refuses the input with this code and a message matching `message`. */
async function refused(input: string | Uint8Array, code: string, message: RegExp, options: CsvReadOptions = {}) {
  const err = await read(input, options).then(
    () => assert.fail('expected the file to be refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof AppError, `an AppError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, message);
  return err;
}

async function allRows(input: string | Uint8Array, options: CsvReadOptions = {}): Promise<CsvRow[]> {
  const bytes = typeof input === 'string' ? Buffer.from(input) : input;
  const format = await readCsv(bytes, options);
  const rows: CsvRow[] = [];
  for await (const row of csvRows(bytes, format)) rows.push(row);
  return rows;
}

describe('CSV encodings', () => {
  test('UTF-8 with accents, CJK and emoji', async () => {
    const r = await read('name,city\nCrème brûlée,東京\nPizza 🍕,Zürich\n');
    assert.equal(r.encoding, 'utf-8');
    assert.deepEqual(r.sample, [
      ['Crème brûlée', '東京'],
      ['Pizza 🍕', 'Zürich'],
    ]);
  });

  test('UTF-8 with a BOM: the BOM is not part of the first header', async () => {
    const r = await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('sku,name\n1,Café\n')]));
    assert.equal(r.encoding, 'utf-8-bom');
    assert.deepEqual(r.headers, ['sku', 'name']);
    assert.deepEqual(r.sample, [['1', 'Café']]);
  });

  test('Windows-1252: é is 0xE9 and € is 0x80', async () => {
    const bytes = Buffer.from([
      ...Buffer.from('name;price\nCaf'),
      0xe9,
      ...Buffer.from(';3,50 '),
      0x80,
      ...Buffer.from('\r\nTh'),
      0xe9,
      ...Buffer.from(';2 '),
      0x80,
      ...Buffer.from('\r\n'),
    ]);
    const r = await read(bytes);
    assert.equal(r.encoding, 'windows-1252');
    assert.equal(r.delimiter, ';');
    assert.deepEqual(r.sample, [
      ['Café', '3,50 €'],
      ['Thé', '2 €'],
    ]);
  });

  test('a file that is UTF-8 at the start but not further on is read as Windows-1252 throughout', async () => {
    const head = 'name\n' + 'plain ascii row\n'.repeat(6000); // past the 64 KB the guess looks at
    const bytes = Buffer.concat([Buffer.from(head), Buffer.from([0x43, 0x61, 0x66, 0xe9, 0x0a])]);
    const r = await read(bytes);
    assert.equal(r.encoding, 'windows-1252');
    const rows = await allRows(bytes);
    assert.equal(rows.at(-1)!.cells[0], 'Café');
    // Forced UTF-8 is not second-guessed: the bad byte is reported.
    await refused(bytes, 'UNSUPPORTED_MEDIA_TYPE', /not valid UTF-8/, { encoding: 'utf-8' });
  });

  test('encoding can be forced to Windows-1252', async () => {
    // "Ã©" in Windows-1252 is the two bytes of é in UTF-8: valid UTF-8, read as asked.
    const r = await read('name\nCafé\n', { encoding: 'windows-1252' });
    assert.equal(r.encoding, 'windows-1252');
    assert.deepEqual(r.sample, [['CafÃ©']]);
  });

  test('UTF-16 with a BOM (Excel "Unicode Text") is read, LE and BE', async () => {
    const text = 'sku\tname\n1\tCafé 東京\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    for (const [bytes, encoding] of [
      [le, 'utf-16le'],
      [be, 'utf-16be'],
    ] as const) {
      const r = await read(bytes);
      assert.equal(r.encoding, encoding);
      assert.equal(r.delimiter, '\t');
      assert.deepEqual(r.headers, ['sku', 'name']);
      assert.deepEqual(r.sample, [['1', 'Café 東京']]);
    }
  });

  test('UTF-16 without a BOM is refused with a clear message', async () => {
    await refused(Buffer.from('sku,name\n1,Café\n', 'utf16le'), 'UNSUPPORTED_MEDIA_TYPE', /UTF-16.*byte order mark/);
    const be = Buffer.from('sku,name\n1,Café\n', 'utf16le');
    be.swap16();
    await refused(be, 'UNSUPPORTED_MEDIA_TYPE', /UTF-16/);
  });

  test('binaries are refused: NUL bytes, XLSX (ZIP), old XLS, PDF, PNG, UTF-32', async () => {
    await refused(Buffer.from('name\nab\0cd\n'), 'UNSUPPORTED_MEDIA_TYPE', /NUL bytes/);
    await refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), 'UNSUPPORTED_MEDIA_TYPE', /ZIP.*xlsx/);
    await refused(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1]), 'UNSUPPORTED_MEDIA_TYPE', /\.xls/);
    await refused(Buffer.from('%PDF-1.7\n'), 'UNSUPPORTED_MEDIA_TYPE', /PDF/);
    await refused(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a]), 'UNSUPPORTED_MEDIA_TYPE', /PNG/);
    await refused(Buffer.from([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0]), 'UNSUPPORTED_MEDIA_TYPE', /UTF-32/);
    // A NUL far into a long file is found too, not just in the first bytes.
    const late = Buffer.concat([Buffer.from('name\n' + 'row\n'.repeat(50_000)), Buffer.from([0x41, 0, 0x0a])]);
    await refused(late, 'UNSUPPORTED_MEDIA_TYPE', /NUL bytes/);
  });
});

describe('CSV delimiters and quoting', () => {
  test('each of , ; tab | is detected', async () => {
    for (const d of [',', ';', '\t', '|']) {
      const r = await read(['sku', 'name', 'price'].join(d) + '\n' + ['1', 'Tea', '2'].join(d) + '\n');
      assert.equal(r.delimiter, d, JSON.stringify(d));
      assert.deepEqual(r.headers, ['sku', 'name', 'price']);
      assert.deepEqual(r.sample, [['1', 'Tea', '2']]);
    }
  });

  test('semicolons with decimal commas, and commas with semicolons inside quotes', async () => {
    const eu = await read('name;price;weight\nTea;2,50;0,1\nCake;3,20;1,25\n');
    assert.equal(eu.delimiter, ';');
    assert.deepEqual(eu.sample[0], ['Tea', '2,50', '0,1']);
    const us = await read('name,note\nTea,"a; b; c"\nCake,"x;y"\nPie,plain\n');
    assert.equal(us.delimiter, ',');
    assert.deepEqual(us.sample[0], ['Tea', 'a; b; c']);
  });

  test('a single column has no delimiter: one cell per row', async () => {
    const r = await read('url\nhttps://example.com/a?x=1;y=2\nhttps://example.com/b\n');
    assert.equal(r.columnCount, 1);
    assert.deepEqual(r.sample, [['https://example.com/a?x=1;y=2'], ['https://example.com/b']]);
  });

  test('the delimiter can be given', async () => {
    const r = await read('a|b\n1,5|2\n', { delimiter: '|' });
    assert.equal(r.delimiter, '|');
    assert.deepEqual(r.sample, [['1,5', '2']]);
  });

  test('quoted cells keep delimiters, line breaks (as \\n) and doubled quotes; lines are counted across them', async () => {
    // CRLF, LF and a lone CR, mixed as concatenated files mix them.
    const text = 'id,text\r\n1,"one, two"\r\n2,"line 1\r\nline 2"\r\n3,"say ""hi"""\r\n\r\n4,"a\nb\nc"\n5,last\r6,end';
    const rows = await allRows(text);
    assert.deepEqual(
      rows.map((r) => [r.row, r.line, r.cells]),
      [
        [1, 2, ['1', 'one, two']],
        [2, 3, ['2', 'line 1\nline 2']],
        [3, 5, ['3', 'say "hi"']],
        [4, 7, ['4', 'a\nb\nc']],
        [5, 10, ['5', 'last']],
        [6, 11, ['6', 'end']],
      ],
    );
  });

  test('trim: spaces around unquoted cells go by default, quoted ones stay; trim=false keeps all', async () => {
    const text = 'a,b\n  x  ,  " y "  \n';
    assert.deepEqual((await read(text)).sample, [['x', ' y ']]);
    const raw = await read('a,b\n  x  , y \n', { trim: false });
    assert.deepEqual(raw.sample, [['  x  ', ' y ']]);
  });

  test('an unclosed quote is an error naming the line where the row starts', async () => {
    await refused('a,b\n1,2\n3,"four\n5,6\n', 'VALIDATION_ERROR', /Line 3: a quoted cell .* never closed/);
  });

  test('more than 1,000 columns is refused', async () => {
    const wide = Array.from({ length: 1001 }, (_, i) => `c${i}`).join(',');
    await refused(`${wide}\n${wide}\n`, 'VALIDATION_ERROR', /at most 1000 columns/);
  });
});

describe('CSV header row', () => {
  test('auto: a first row of distinct, non-empty names is a header', async () => {
    const r = await read('SKU, Name ,Colour\nA1,Tea,#ff0000\n');
    assert.equal(r.hasHeader, true);
    assert.deepEqual(r.headers, ['SKU', 'Name', 'Colour']);
    assert.equal(r.rowCount, 1);
  });

  test('auto: numbers, URLs, e-mails, phone numbers, empty or repeated cells are data', async () => {
    for (const first of [
      '1,2,3',
      'https://example.com/a,Menu',
      'ann@example.com,Ann',
      '+33 1 23 45 67 89,Ann',
      '4006381333931,Tea',
      'Tea,,Cake',
      'x,x',
    ]) {
      const r = await read(`${first}\n${first}\n`);
      assert.equal(r.hasHeader, false, first);
      assert.equal(r.headers, null);
      assert.equal(r.rowCount, 2, first);
    }
  });

  test('the header can be forced on or off', async () => {
    const on = await read('1,2\n3,4\n', { header: true });
    assert.deepEqual(on.headers, ['1', '2']);
    assert.equal(on.rowCount, 1);
    const off = await read('sku,name\nA,Tea\n', { header: false });
    assert.equal(off.hasHeader, false);
    assert.equal(off.rowCount, 2);
    assert.deepEqual(off.sample[0], ['sku', 'name']);
  });
});

describe('CSV ragged rows and empty files', () => {
  test('rows with too few or too many cells are reported per row, not padded', async () => {
    const r = await read('a,b,c\n1,2,3\n4,5\n6,7,8,9\n10,11,12\n');
    assert.equal(r.rowCount, 4);
    assert.equal(r.problemCount, 2);
    assert.deepEqual(
      r.problems.map((p) => [p.row, p.line]),
      [
        [2, 3],
        [3, 4],
      ],
    );
    assert.match(r.problems[0]!.message, /2 cells where the header has 3/);
    assert.match(r.problems[1]!.message, /4 cells where the header has 3/);
    assert.deepEqual(r.sample[1], ['4', '5'], 'not padded');
    const rows = await allRows('a,b,c\n1,2,3\n4,5\n');
    assert.equal(rows[1]!.problem, r.problems[0]!.message);
  });

  test('empty cells after the last column (a trailing delimiter) are not a problem', async () => {
    const r = await read('a,b\n1,2,\n3,4,,\n');
    assert.equal(r.problemCount, 0);
    assert.deepEqual(r.sample, [
      ['1', '2'],
      ['3', '4'],
    ]);
  });

  test('without a header, rows are compared with the usual count of the first rows', async () => {
    const r = await read('1,2,3\n4,5,6\n7,8\n9,10,11\n');
    assert.equal(r.columnCount, 3);
    assert.equal(r.problemCount, 1);
    assert.equal(r.problems[0]!.row, 3);
  });

  test('blank lines and rows of empty cells are skipped, not counted', async () => {
    const r = await read('a,b\n\n1,2\n , \n,,\n\n3,4\n');
    assert.equal(r.rowCount, 2);
    const rows = await allRows('a,b\n\n1,2\n , \n,,\n\n3,4\n');
    assert.deepEqual(
      rows.map((x) => [x.row, x.line]),
      [
        [1, 3],
        [2, 7],
      ],
    );
  });

  test('an empty file, only blank lines, or only a header is a clear error', async () => {
    await refused('', 'VALIDATION_ERROR', /The file is empty/);
    await refused('\n\r\n  \n', 'VALIDATION_ERROR', /no rows/);
    await refused('sku,name\n', 'VALIDATION_ERROR', /header row but no data rows/);
  });
});

describe('CSV limits', () => {
  test(`${CSV_MAX_ROWS + 1} data rows are refused, naming the limit`, async () => {
    const text = 'n\n' + Array.from({ length: CSV_MAX_ROWS + 1 }, (_, i) => String(i)).join('\n') + '\n';
    await refused(text, 'PAYLOAD_TOO_LARGE', /more than 100,000 data rows/);
    // The header is not a data row: exactly the limit is fine.
    const ok = 'n\n' + Array.from({ length: CSV_MAX_ROWS }, (_, i) => String(i)).join('\n') + '\n';
    assert.equal((await read(ok)).rowCount, CSV_MAX_ROWS);
  });

  test('a 200 MB file is refused from its size, before it is read', async () => {
    const file = path.join(dir, 'huge.csv');
    // Sparse: 200 MB on paper, nothing on disk; reading it would take seconds.
    fs.writeFileSync(file, 'a,b\n');
    fs.truncateSync(file, 200 * 1024 * 1024);
    const started = performance.now();
    const err = await readCsv(file).then(
      () => assert.fail('refused'),
      (e: unknown) => e as AppError,
    );
    const ms = performance.now() - started;
    assert.equal(err.code, 'PAYLOAD_TOO_LARGE');
    assert.match(err.message, /200 MB; qrdesk reads at most 64 MB/);
    console.log(`# 200 MB file refused in ${ms.toFixed(1)} ms`);
    await assert.rejects(readCsv(Buffer.alloc(10), { maxBytes: 5 }), /qrdesk reads at most/);
  });

  test('a missing path or a folder is a clear error', async () => {
    await assert.rejects(readCsv(path.join(dir, 'nope.csv')), /No file at/);
    await assert.rejects(readCsv(dir), /is not a file/);
  });

  test('100,000 rows stream from a file in reasonable time and memory', async () => {
    const file = path.join(dir, '100k.csv');
    const out = fs.openSync(file, 'w');
    fs.writeSync(out, 'sku,name,url,colour\n');
    let chunk = '';
    for (let i = 1; i <= CSV_MAX_ROWS; i++) {
      chunk += `SKU-${i},"Product ${i}, large",https://shop.example/p/${i},#1A2B3C\n`;
      if (chunk.length > 1 << 20) {
        fs.writeSync(out, chunk);
        chunk = '';
      }
    }
    fs.writeSync(out, chunk);
    fs.closeSync(out);
    const size = fs.statSync(file).size;

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let started = performance.now();
    const r = await readCsv(file);
    const readMs = performance.now() - started;
    assert.equal(r.rowCount, CSV_MAX_ROWS);
    assert.deepEqual(r.headers, ['sku', 'name', 'url', 'colour']);

    started = performance.now();
    let count = 0;
    let last: CsvRow | null = null;
    for await (const row of csvRows(file, r)) {
      count++;
      last = row;
    }
    const streamMs = performance.now() - started;
    const heapDelta = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
    assert.equal(count, CSV_MAX_ROWS);
    assert.deepEqual(last, {
      row: CSV_MAX_ROWS,
      line: CSV_MAX_ROWS + 1,
      cells: [
        `SKU-${CSV_MAX_ROWS}`,
        `Product ${CSV_MAX_ROWS}, large`,
        `https://shop.example/p/${CSV_MAX_ROWS}`,
        '#1A2B3C',
      ],
      problem: null,
    });
    console.log(
      `# 100,000 rows (${(size / 1024 / 1024).toFixed(1)} MB): readCsv ${readMs.toFixed(0)} ms, ` +
        `csvRows ${streamMs.toFixed(0)} ms, heap +${heapDelta.toFixed(1)} MB, rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MB`,
    );
  });
});

describe('CSV cells are data', () => {
  test('cells starting with =, +, -, @ are read verbatim', async () => {
    const text =
      'formula,plus,minus,at\n=cmd|\' /C calc\'!A0,+33 1 23 45 67 89,-12.5,@SUM(A1:A2)\n"=HYPERLINK(""http://x"")",+,-,@\n';
    const r = await read(text);
    assert.equal(r.delimiter, ',');
    assert.deepEqual(r.sample, [
      ["=cmd|' /C calc'!A0", '+33 1 23 45 67 89', '-12.5', '@SUM(A1:A2)'],
      ['=HYPERLINK("http://x")', '+', '-', '@'],
    ]);
  });
});
