/**
 * The pure barcode value checks shared by the server and the UI: GTIN check
 * digits, UPC-E expansion, character sets, GS1 element strings, 2D capacity,
 * and the request schemas built on them.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BARCODE_FORMATS,
  checkBarcodeValue,
  gtinCheckDigit,
  MATRIX_CAPACITY,
  parseGs1,
  upceToUpca,
  utf8Length,
  type BarcodeFormat,
} from '../../src-shared/barcodes';
import { BarcodeOutput, BarcodeRenderInput, CreateBarcodeInput } from '../../src-shared/schemas/barcodes';

const valid = (format: BarcodeFormat, value: string) => {
  const r = checkBarcodeValue(format, value);
  assert.ok(r.valid, `${format} ${JSON.stringify(value).slice(0, 60)} is valid: ${r.message}`);
  return r;
};
const invalid = (format: BarcodeFormat, value: string, message: RegExp) => {
  const r = checkBarcodeValue(format, value);
  assert.equal(r.valid, false, `${format} ${JSON.stringify(value).slice(0, 60)} is refused`);
  assert.equal(r.normalizedValue, null);
  assert.match(r.message, message);
  return r;
};

describe('GTIN check digits', () => {
  test('mod 10 with weights 3/1 from the right, on published examples', () => {
    assert.equal(gtinCheckDigit('590123412345'), 7); // EAN-13 5901234123457
    assert.equal(gtinCheckDigit('400638133393'), 1); // EAN-13 4006381333931
    assert.equal(gtinCheckDigit('9638507'), 4); // EAN-8 96385074
    assert.equal(gtinCheckDigit('03600029145'), 2); // UPC-A 036000291452
    assert.equal(gtinCheckDigit('0950110153000'), 3); // GTIN-14 09501101530003
    assert.equal(gtinCheckDigit('1540014128876'), 3); // ITF-14 15400141288763
    assert.equal(gtinCheckDigit('00000000000'), 0);
  });

  test('EAN-13: 12 digits get the check digit, 13 are verified', () => {
    const added = valid('EAN13', '590123412345');
    assert.equal(added.normalizedValue, '5901234123457');
    assert.equal(added.checkDigit, '7');
    assert.match(added.message, /check digit 7 added/);
    assert.equal(valid('EAN13', '5901234123457').normalizedValue, '5901234123457');
    assert.equal(valid('EAN13', ' 5901234123457 ').normalizedValue, '5901234123457', 'surrounding spaces go');
    const wrong = invalid('EAN13', '5901234123458', /check digit should be 7, not 8/);
    assert.equal(wrong.checkDigit, '7', 'the expected digit is reported');
    invalid('EAN13', '59012341234', /12 digits .* or 13 .*; got 11/);
    invalid('EAN13', '59012341234570', /got 14/);
    invalid('EAN13', '59012341234a', /digits only/);
    invalid('EAN13', '5901-234123457', /digits only/);
    invalid('EAN13', '٥٩٠١٢٣٤١٢٣٤٥', /digits only/);
    invalid('EAN13', '', /required/);
    invalid('EAN13', '   ', /required/);
  });

  test('EAN-8 from 7 or 8 digits, UPC-A from 11 or 12, ITF-14 from 13 or 14', () => {
    assert.equal(valid('EAN8', '9638507').normalizedValue, '96385074');
    invalid('EAN8', '96385075', /EAN-8 check digit should be 4, not 5/);
    invalid('EAN8', '963850', /7 digits/);
    assert.equal(valid('UPCA', '03600029145').normalizedValue, '036000291452');
    invalid('UPCA', '036000291453', /UPC-A check digit should be 2, not 3/);
    assert.equal(valid('ITF14', '1540014128876').normalizedValue, '15400141288763');
    invalid('ITF14', '15400141288760', /ITF-14 check digit should be 3, not 0/);
  });

  test('UPC-E: number system 0 or 1, six digits, check digit of the expanded UPC-A', () => {
    assert.equal(upceToUpca('0', '123450'), '01200000345');
    assert.equal(upceToUpca('0', '123453'), '01230000045');
    assert.equal(upceToUpca('0', '123454'), '01234000005');
    assert.equal(upceToUpca('0', '123456'), '01234500006');
    assert.equal(upceToUpca('1', '654327'), '16543200007');
    // 01234565 is the UPC-E form of UPC-A 012345000065.
    const upce = valid('UPCE', '0123456');
    assert.equal(upce.normalizedValue, '01234565');
    assert.equal(upce.checkDigit, '5');
    valid('UPCE', '01234565');
    invalid('UPCE', '01234564', /UPC-E check digit should be 5, not 4/);
    invalid('UPCE', '2123456', /number system .* 0 or 1/);
    invalid('UPCE', '123456', /7 digits .* got 6/);
    invalid('UPCE', '012345678', /got 9/);
  });
});

describe('character sets', () => {
  test('Code 39: digits, capitals, space and - . $ / + %', () => {
    valid('CODE39', 'CODE 39-$/+%.');
    invalid('CODE39', 'Code39', /"o" is not allowed \(use capitals\)/);
    invalid('CODE39', 'A*B', /"\*" is not allowed/);
    invalid('CODE39', 'É', /"É" is not allowed/);
    invalid('CODE39', 'A'.repeat(81), /at most 80/);
  });

  test('Code 128: printable ASCII, up to 80 characters', () => {
    assert.equal(valid('CODE128', ' Hello ~ 128 ').normalizedValue, ' Hello ~ 128 ', 'spaces are kept');
    invalid('CODE128', 'tab\there', /printable ASCII .* U\+0009/);
    invalid('CODE128', 'del\x7f', /U\+007F/);
    invalid('CODE128', 'café', /"é" is not allowed/);
    invalid('CODE128', 'x'.repeat(81), /at most 80 characters; got 81/);
    valid('CODE128', 'x'.repeat(80));
  });
});

describe('GS1 element strings', () => {
  test('valid strings with fixed and variable AIs, measures, prices and URLs', () => {
    for (const s of [
      '(01)09501101530003',
      '(01)09501101530003(17)260101(10)ABC123',
      '(00)106141411234567897',
      '(01)09501101530003(3103)000750(15)261200',
      '(02)09501101530003(37)24',
      '(3922)1299(421)528ABC',
      '(8200)https://example.com/p/1',
      '(90)internal-1(91)x',
    ]) {
      const parsed = parseGs1(s);
      assert.ok(parsed.ok, `${s}: ${parsed.ok ? '' : parsed.message}`);
    }
    const r = valid('GS1_128', '(01)09501101530003(17)260101');
    assert.equal(r.normalizedValue, '(01)09501101530003(17)260101');
    assert.equal(r.checkDigit, '3');
  });

  test('clear messages for what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['0109501101530003', /bracketed AIs, like \(01\)/],
      ['(01)0950110153000', /\(01\) GTIN takes exactly 14 digits; got 13/],
      ['(01)09501101530004', /\(01\) GTIN check digit should be 3, not 4/],
      ['(00)106141411234567890', /\(00\) SSCC check digit should be 7, not 0/],
      ['(01)0950110153000A', /digits only/],
      ['(23)ABC', /\(23\) is not a GS1 application identifier/],
      ['(3106)000750', /\(3106\) is not a GS1 application identifier/],
      ['(17)261301', /no month 13/],
      ['(17)260230', /no day 30/],
      ['(17)240229', null as never],
      ['(7006)260100', /no day 00/],
      ['(7003)2601011260', /not a time of day/],
      ['(10)', /\(10\) has no data/],
      ['(10)ABC#1', /character GS1 does not allow: "#"/],
      ['(10)' + 'A'.repeat(21), /\(10\) BATCH\/LOT takes 1 to 20 characters; got 21/],
      ['(10)A(10)B', /\(10\) appears twice/],
      ['(01)09501101530003 (10)A', /exactly 14 digits; got 15/],
      ['(10)A B', /character GS1 does not allow: " "/],
      ['(01)09501101530003x(10)A', /digits only|exactly 14/],
      ['(01)09501101530003(10)ABC)', /cannot read an element/],
      [
        '(01)09501101530003(21)' + 'A'.repeat(20) + '(10)' + 'B'.repeat(10),
        /at most 48 data characters; this needs 51/,
      ],
    ];
    for (const [value, message] of cases) {
      if (message === null) {
        valid('GS1_128', value);
        continue;
      }
      invalid('GS1_128', value, message);
    }
    // Day 00 stands for "end of month" in the product dates.
    valid('GS1_128', '(17)260200');
  });
});

describe('2D text', () => {
  test('UTF-8 text up to capacity; digits pack denser', () => {
    assert.equal(utf8Length('aé日😀'), 1 + 2 + 3 + 4);
    for (const format of ['QR', 'DATAMATRIX', 'PDF417', 'AZTEC'] as const) {
      const cap = MATRIX_CAPACITY[format];
      valid(format, 'Grüße, 日本, 😀 ^ \n tabs\tand newlines');
      valid(format, 'x'.repeat(cap.bytes));
      invalid(
        format,
        'x'.repeat(cap.bytes + 1),
        new RegExp(`at most ${cap.bytes} bytes of UTF-8 text; this is ${cap.bytes + 1}`),
      );
      invalid(format, 'é'.repeat(Math.ceil((cap.bytes + 1) / 2)), /bytes of UTF-8/);
      valid(format, '7'.repeat(cap.digits));
      invalid(format, '7'.repeat(cap.digits + 1), new RegExp(`at most ${cap.digits} digits`));
      invalid(format, 'a\ud800b', /lone surrogate/);
      invalid(format, '', /required/);
      assert.equal(valid(format, '  spaced  ').normalizedValue, '  spaced  ');
    }
  });

  test('every format has a check', () => {
    for (const format of BARCODE_FORMATS) assert.equal(typeof checkBarcodeValue(format, '1').valid, 'boolean');
  });
});

describe('request schemas', () => {
  const issues = (
    schema: {
      safeParse(v: unknown): { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
    },
    v: unknown,
  ) => {
    const r = schema.safeParse(v);
    return r.success ? [] : r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  test('a render request checks the value against its format, on `value`', () => {
    assert.deepEqual(issues(BarcodeRenderInput, { format: 'EAN13', value: '590123412345' }), []);
    assert.deepEqual(issues(BarcodeRenderInput, { format: 'EAN13', value: '5901234123458' }), [
      'value: EAN-13 check digit should be 7, not 8',
    ]);
    assert.ok(issues(BarcodeRenderInput, { format: 'EAN14', value: '1' }).some((i) => i.startsWith('format:')));
    assert.ok(issues(BarcodeRenderInput, { format: 'QR', value: 'x', extra: 1 }).length > 0);
    assert.ok(
      issues(BarcodeRenderInput, { format: 'QR', value: 'x', barColor: 'red' }).some((i) => i.startsWith('barColor')),
    );
    assert.ok(
      issues(CreateBarcodeInput, { name: 'A', format: 'UPCE', value: '2123456' }).some((i) => i.startsWith('value')),
    );
    assert.ok(
      issues(CreateBarcodeInput, { name: 'A', format: 'QR', value: 'x', price: '4,99' }).some((i) =>
        i.startsWith('price'),
      ),
    );
    assert.deepEqual(issues(CreateBarcodeInput, { name: 'A', format: 'QR', value: 'x', price: '4.99' }), []);
  });

  test('output: one of size, mm or moduleWidthMm; dpi with mm or moduleWidthMm; cmyk for PDF and EPS', () => {
    assert.deepEqual(issues(BarcodeOutput, {}), []);
    assert.deepEqual(issues(BarcodeOutput, { format: 'png', moduleWidthMm: 0.33, dpi: 600 }), []);
    assert.deepEqual(issues(BarcodeOutput, { format: 'pdf', moduleWidthMm: 0.33, colorSpace: 'cmyk' }), []);
    assert.deepEqual(issues(BarcodeOutput, { size: 512, moduleWidthMm: 0.33 }), [
      'moduleWidthMm: Give size or moduleWidthMm, not both',
    ]);
    assert.deepEqual(issues(BarcodeOutput, { mm: 40, moduleWidthMm: 0.33 }), [
      'moduleWidthMm: Give mm or moduleWidthMm, not both',
    ]);
    assert.ok(issues(BarcodeOutput, { dpi: 300 }).some((i) => i.startsWith('dpi:')));
    assert.ok(issues(BarcodeOutput, { format: 'png', colorSpace: 'cmyk' }).some((i) => i.startsWith('colorSpace:')));
    assert.ok(issues(BarcodeOutput, { size: 63 }).some((i) => i.startsWith('size:')));
    assert.ok(issues(BarcodeOutput, { moduleWidthMm: 0.05 }).some((i) => i.startsWith('moduleWidthMm:')));
    assert.ok(issues(BarcodeOutput, { moduleWidthMm: 11 }).some((i) => i.startsWith('moduleWidthMm:')));
  });
});
