/**
 * The barcodes API against the real server: every symbology rendered and
 * decoded back, in every output format for a few, check digits, bad input
 * answered with the envelope and nothing written, and the saved library with
 * its scopes and pagination.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { MATRIX_CAPACITY } from '../../src-shared/barcodes';
import { decodeImage } from '../../src-server/render/decoder';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, expectValidationError, sendJson } from './support';
import { openExport } from '../helpers/open-export';

interface SavedBarcode {
  id: string;
  name: string;
  format: string;
  value: string;
  options: {
    showText: boolean | null;
    barColor: string;
    textColor: string | null;
    backgroundColor: string;
    quietZone: boolean;
  };
  sku: string | null;
  price: string | null;
  category: string | null;
  createdAt: string;
  updatedAt: string;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-barcodes-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const toPng = (bytes: Buffer, format: string): Promise<Buffer> => openExport(bytes, format, 150);

/** ZXing's text in our terms: GS1 without parentheses gets them back from the AIs; UPC-A/E may come as EAN-13. */
function normalise(format: string, text: string): string {
  if (format === 'GS1_128') return text.replace(/^\]C1/, '');
  return text;
}

/** UPC-E 01234565 stands for UPC-A 012345000065; ZXing may report either form (or EAN-13 with a leading 0). */
const UPCE_FORMS = ['01234565', '012345000065', '0012345000065'];

const barcodeCount = (ts: TestServer) =>
  (ts.store.db.prepare('SELECT COUNT(*) AS n FROM barcodes').get() as { n: number }).n;

describe('barcodes API', () => {
  let ts: TestServer;
  let writer: string;
  let reader: string;
  before(async () => {
    ts = await startTestServer();
    writer = ts.createKey({ scopes: ['write'] });
    reader = ts.createKey({ scopes: ['read'] });
  });
  after(() => ts.stop());

  const render = (body: unknown, key = reader) => sendJson(ts, key, '/api/v1/barcodes/render', body);

  async function renderOk(body: Record<string, unknown>): Promise<{ bytes: Buffer; res: Response }> {
    const res = await render(body);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, `${JSON.stringify(body).slice(0, 200)}: ${bytes.toString().slice(0, 300)}`);
    return { bytes, res };
  }

  async function decoded(bytes: Buffer, format: string): Promise<string[]> {
    return (await decodeImage(await toPng(bytes, format))).map((r) => r.text);
  }

  const SYMBOLS: [string, string, string][] = [
    // format, value sent, value expected back
    ['EAN13', '590123412345', '5901234123457'],
    ['EAN8', '9638507', '96385074'],
    ['UPCA', '03600029145', '036000291452'],
    ['UPCE', '0123456', '01234565'],
    ['CODE128', 'Order #42 / box-7 ^~', 'Order #42 / box-7 ^~'],
    ['CODE39', 'SKU-42 $/+%', 'SKU-42 $/+%'],
    ['ITF14', '1540014128876', '15400141288763'],
    ['GS1_128', '(01)09501101530003(17)260101(10)ABC123', '(01)09501101530003(17)260101(10)ABC123'],
    ['DATAMATRIX', 'Lot 7 · Grüße · 日本 ^ ok', 'Lot 7 · Grüße · 日本 ^ ok'],
    ['PDF417', 'PDF417 ünïcode and ASCII ^^', 'PDF417 ünïcode and ASCII ^^'],
    ['AZTEC', 'Aztec ✓ ticket 12345', 'Aztec ✓ ticket 12345'],
    ['QR', 'https://shop.example/p/42?ref=qr 😀', 'https://shop.example/p/42?ref=qr 😀'],
  ];

  for (const [format, value, expected] of SYMBOLS) {
    test(`${format} renders to PNG and decodes to its value`, async () => {
      const { bytes, res } = await renderOk({ format, value });
      assert.equal(res.headers.get('content-type'), 'image/png');
      const meta = await sharp(bytes).metadata();
      assert.equal(Math.max(meta.width!, meta.height!), 512, 'the default size is 512 px on the longer side');
      const texts = (await decoded(bytes, 'png')).map((t) => normalise(format, t));
      if (format === 'UPCE' || format === 'UPCA') {
        const forms = format === 'UPCE' ? UPCE_FORMS : [expected, `0${expected}`];
        assert.ok(texts.length === 1 && forms.includes(texts[0]!), `${format} decoded ${JSON.stringify(texts)}`);
      } else {
        assert.deepEqual(texts, [expected]);
      }
      // The corner is the white background, opaque.
      const { data } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([...data.subarray(0, 4)], [255, 255, 255, 255]);
    });
  }

  test('EAN-13 from 12 digits gets the right check digit, in the file name too', async () => {
    const { bytes, res } = await renderOk({ format: 'EAN13', value: '590123412345' });
    assert.deepEqual(await decoded(bytes, 'png'), ['5901234123457']);
    assert.equal(res.headers.get('content-disposition'), 'inline; filename="ean13-5901234123457.png"');
  });

  test('SVG, PDF and EPS (and JPEG/WebP) decode too, through sharp, pdftoppm and Ghostscript', async () => {
    const cases: [string, string, string][] = [
      ['EAN13', '5901234123457', '5901234123457'],
      ['GS1_128', '(01)09501101530003(17)260101', '(01)09501101530003(17)260101'],
      ['QR', 'Vector QR ✓', 'Vector QR ✓'],
      ['DATAMATRIX', 'DM-123', 'DM-123'],
    ];
    const types: Record<string, string> = {
      svg: 'image/svg+xml',
      pdf: 'application/pdf',
      eps: 'application/postscript',
      jpeg: 'image/jpeg',
      webp: 'image/webp',
    };
    for (const [format, value, expected] of cases) {
      for (const output of ['svg', 'pdf', 'eps', 'jpeg', 'webp']) {
        const { bytes, res } = await renderOk({ format, value, output: { format: output } });
        assert.equal(res.headers.get('content-type'), types[output]);
        const ext = output === 'jpeg' ? 'jpg' : output;
        assert.match(
          res.headers.get('content-disposition')!,
          new RegExp(`^inline; filename="[A-Za-z0-9._-]+\\.${ext}"$`),
        );
        const texts = (await decoded(bytes, output)).map((t) => normalise(format, t));
        assert.deepEqual(texts, [expected], `${format} as ${output}`);
      }
    }
    // CMYK print files decode as well.
    for (const output of ['pdf', 'eps']) {
      const { bytes } = await renderOk({
        format: 'EAN13',
        value: '5901234123457',
        output: { format: output, colorSpace: 'cmyk' },
      });
      assert.deepEqual(await decoded(bytes, output), ['5901234123457']);
    }
  });

  test('file names are sanitised', async () => {
    const { res } = await renderOk({
      format: 'GS1_128',
      value: '(01)09501101530003(17)260101',
      output: { format: 'svg' },
    });
    assert.equal(res.headers.get('content-disposition'), 'inline; filename="gs1_128-_01_09501101530003_17_260101.svg"');
    const qr = await renderOk({ format: 'QR', value: '../../etc/"passwd"\r\nX-Evil: 1 é', output: { format: 'svg' } });
    const cd = qr.res.headers.get('content-disposition')!;
    assert.match(cd, /^inline; filename="qr-[A-Za-z0-9._-]+\.svg"$/);
    assert.doesNotMatch(cd, /\/|\\|"passwd|\r|\n/);
    assert.equal(qr.res.headers.get('x-evil'), null);
  });

  test('moduleWidthMm sets the physical size from the symbol; mm at dpi too', async () => {
    // EAN-13 with its quiet zones is 113 modules wide: at 0.33 mm that is 37.29 mm, 440 px at 300 dpi.
    const png = await renderOk({ format: 'EAN13', value: '5901234123457', output: { moduleWidthMm: 0.33 } });
    const meta = await sharp(png.bytes).metadata();
    assert.equal(meta.width, Math.round((113 * 0.33 * 300) / 25.4));
    assert.equal(Math.round(meta.density!), 300);
    assert.deepEqual(await decoded(png.bytes, 'png'), ['5901234123457']);
    const hi = await sharp(
      (await renderOk({ format: 'EAN13', value: '5901234123457', output: { moduleWidthMm: 0.33, dpi: 600 } })).bytes,
    ).metadata();
    assert.equal(hi.width, Math.round((113 * 0.33 * 600) / 25.4));
    const pdf = (
      await renderOk({ format: 'EAN13', value: '5901234123457', output: { format: 'pdf', moduleWidthMm: 0.33 } })
    ).bytes.toString('latin1');
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)!;
    assert.ok(Math.abs(Number(box[1]) - (113 * 0.33 * 72) / 25.4) < 0.01, `page width ${box[1]} pt`);
    const svg = (await renderOk({ format: 'QR', value: 'mm', output: { format: 'svg', mm: 20 } })).bytes.toString();
    assert.match(svg, /width="20mm" height="20mm"/);
    const sized = await sharp(
      (await renderOk({ format: 'CODE128', value: 'wide', output: { size: 300 } })).bytes,
    ).metadata();
    assert.equal(sized.width, 300, 'size is the longer side');
    assert.ok(sized.height! < 300);
  });

  test('the quiet zone can be turned off; colours and text follow the request', async () => {
    const viewBox = async (body: Record<string, unknown>) => {
      const svg = (await renderOk({ ...body, output: { format: 'svg' } })).bytes.toString();
      const m = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg)!;
      return { width: Number(m[1]), height: Number(m[2]), svg };
    };
    const withZone = await viewBox({ format: 'QR', value: 'zone' });
    const without = await viewBox({ format: 'QR', value: 'zone', quietZone: false });
    assert.equal(withZone.width - without.width, 8, 'QR: 4 modules each side');
    const code128 = await viewBox({ format: 'CODE128', value: 'zone' });
    const code128Bare = await viewBox({ format: 'CODE128', value: 'zone', quietZone: false });
    assert.equal(code128.width - code128Bare.width, 20, 'Code 128: 10 modules each side');
    const ean = await viewBox({ format: 'EAN13', value: '5901234123457', showText: false });
    assert.equal(ean.width, 95 + 11 + 7, 'EAN-13: 95 modules plus 11 left and 7 right');
    assert.doesNotMatch(ean.svg, /data-layer="text"/);
    assert.match((await viewBox({ format: 'EAN13', value: '5901234123457' })).svg, /data-layer="text"/);

    const colored = await viewBox({
      format: 'EAN13',
      value: '5901234123457',
      barColor: '#1A237E',
      textColor: '#B71C1C',
      backgroundColor: '#FFF8E1',
    });
    assert.match(colored.svg, /data-layer="background" fill="#FFF8E1"/);
    assert.match(colored.svg, /data-layer="bars" fill="#1A237E"/);
    assert.match(colored.svg, /data-layer="text" fill="#B71C1C"/);
    const png = (await renderOk({ format: 'QR', value: 'colour', barColor: '#1A237E', backgroundColor: '#FFF8E1' }))
      .bytes;
    assert.deepEqual(await decoded(png, 'png'), ['colour']);
    const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([...data.subarray(0, 3)], [0xff, 0xf8, 0xe1]);
  });

  test('2D values at capacity render; beyond what the symbol holds is a 400 on value', async () => {
    for (const format of ['QR', 'DATAMATRIX', 'PDF417', 'AZTEC'] as const) {
      const cap = MATRIX_CAPACITY[format];
      const res = await render({ format, value: 'x'.repeat(cap.bytes), output: { format: 'svg' } });
      assert.equal(res.status, 200, `${format} at ${cap.bytes} bytes: ${(await res.clone().text()).slice(0, 200)}`);
      await res.arrayBuffer();
      const over = await expectValidationError(await render({ format, value: 'x'.repeat(cap.bytes + 1) }), 'value');
      assert.match(over.error.message, /at most \d+ bytes/);
    }
  });

  test('a wrong check digit is a 400 naming the expected digit', async () => {
    for (const [format, value, digit] of [
      ['EAN13', '5901234123458', '7'],
      ['EAN8', '96385070', '4'],
      ['UPCA', '036000291450', '2'],
      ['UPCE', '01234560', '5'],
      ['ITF14', '15400141288760', '3'],
      ['GS1_128', '(01)09501101530009', '3'],
    ] as const) {
      const body = await expectValidationError(await render({ format, value }), 'value');
      assert.match(body.error.message, new RegExp(`check digit should be ${digit}`));
      assert.match(body.error.details![0]!.message, new RegExp(`check digit should be ${digit}`));
    }
  });

  test('bad render requests are 400 with the envelope, naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ format: 'EAN13', value: '59012341234x' }, 'value'],
      [{ format: 'CODE39', value: 'lower' }, 'value'],
      [{ format: 'CODE128', value: 'naïve' }, 'value'],
      [{ format: 'GS1_128', value: '(99x)1' }, 'value'],
      [{ format: 'EAN13', value: '' }, 'value'],
      [{ format: 'QR', value: '' }, 'value'],
      [{ format: 'CODE128', value: 'x'.repeat(81) }, 'value'],
      [{ format: 'QR', value: 'x'.repeat(6001) }, 'value'],
      [{ format: 'EAN13' }, 'value'],
      [{ value: '5901234123457' }, 'format'],
      [{ format: 'EAN14', value: '1' }, 'format'],
      [{ format: 'ean13', value: '5901234123457' }, 'format'],
      [{ format: 42, value: '1' }, 'format'],
      [{ format: 'QR', value: 42 }, 'value'],
      [{ format: 'QR', value: ['a'] }, 'value'],
      [{ format: 'QR', value: 'x', showText: 'yes' }, 'showText'],
      [{ format: 'QR', value: 'x', quietZone: 1 }, 'quietZone'],
      [{ format: 'QR', value: 'x', barColor: 'black' }, 'barColor'],
      [{ format: 'QR', value: 'x', backgroundColor: '#FFF' }, 'backgroundColor'],
      [{ format: 'QR', value: 'x', colour: '#000000' }, 'colour'],
      [{ format: 'QR', value: 'x', output: { size: 512, moduleWidthMm: 0.5 } }, 'output.moduleWidthMm'],
      [{ format: 'QR', value: 'x', output: { mm: 30, moduleWidthMm: 0.5 } }, 'output.moduleWidthMm'],
      [{ format: 'QR', value: 'x', output: { size: 63 } }, 'output.size'],
      [{ format: 'QR', value: 'x', output: { size: 4097 } }, 'output.size'],
      [{ format: 'QR', value: 'x', output: { size: 'big' } }, 'output.size'],
      [{ format: 'QR', value: 'x', output: { format: 'gif' } }, 'output.format'],
      [{ format: 'QR', value: 'x', output: { format: 'png', colorSpace: 'cmyk' } }, 'output.colorSpace'],
      [{ format: 'QR', value: 'x', output: { dpi: 300 } }, 'output.dpi'],
      [{ format: 'QR', value: 'x', output: { mm: 1000, dpi: 600 } }, 'output.mm'],
      [{ format: 'QR', value: 'x', output: { moduleWidthMm: 0.01 } }, 'output.moduleWidthMm'],
      [{ format: 'QR', value: 'x', output: { moduleWidthMm: 'wide' } }, 'output.moduleWidthMm'],
      [{ format: 'QR', value: 'x', output: { shape: 'round' } }, 'output.shape'],
      // Only rendering knows the symbol's size: too big a module for a raster, too small a symbol for print.
      [{ format: 'CODE128', value: 'x'.repeat(40), output: { moduleWidthMm: 2 } }, 'output.moduleWidthMm'],
      [{ format: 'QR', value: 'x', output: { format: 'pdf', moduleWidthMm: 0.1 } }, 'output.moduleWidthMm'],
    ];
    for (const [body, field] of cases) {
      await expectValidationError(await render(body), field);
    }
    await expectError(await render('{"format": "QR", '), 400, 'INVALID_BODY');
    await expectError(await render('[]'), 400, 'VALIDATION_ERROR');
    const noType = await ts.api('/api/v1/barcodes/render', { key: reader, method: 'POST', body: 'format=QR' });
    assert.ok([400, 415].includes(noType.status));
    await noType.arrayBuffer();
    await expectError(await ts.api('/api/v1/barcodes/render', { method: 'POST' }), 401, 'UNAUTHORIZED');
    assert.equal(barcodeCount(ts), 0, 'rendering stores nothing');
  });

  test('validate answers valid, normalizedValue, checkDigit and message', async () => {
    const check = async (body: unknown) => {
      const res = await sendJson(ts, reader, '/api/v1/barcodes/validate', body);
      assert.equal(res.status, 200);
      return (await res.json()) as {
        valid: boolean;
        normalizedValue: string | null;
        checkDigit: string | null;
        message: string;
      };
    };
    assert.deepEqual(await check({ format: 'EAN13', value: '590123412345' }), {
      valid: true,
      normalizedValue: '5901234123457',
      checkDigit: '7',
      message: 'Valid EAN-13; check digit 7 added',
    });
    assert.deepEqual(await check({ format: 'EAN13', value: '5901234123458' }), {
      valid: false,
      normalizedValue: null,
      checkDigit: '7',
      message: 'EAN-13 check digit should be 7, not 8',
    });
    const empty = await check({ format: 'QR', value: '' });
    assert.equal(empty.valid, false);
    assert.match(empty.message, /required/);
    assert.equal((await check({ format: 'GS1_128', value: '(17)261301' })).valid, false);
    assert.equal((await check({ format: 'UPCE', value: '0123456' })).normalizedValue, '01234565');
    await expectValidationError(
      await sendJson(ts, reader, '/api/v1/barcodes/validate', { format: 'X', value: '1' }),
      'format',
    );
    await expectValidationError(
      await sendJson(ts, reader, '/api/v1/barcodes/validate', { format: 'QR', value: 1 }),
      'value',
    );
    await expectValidationError(await sendJson(ts, reader, '/api/v1/barcodes/validate', { format: 'QR' }), 'value');
  });

  describe('saved barcodes', () => {
    const create = (body: unknown, key = writer) => sendJson(ts, key, '/api/v1/barcodes', body);
    async function createOk(body: Record<string, unknown>): Promise<SavedBarcode> {
      const res = await create(body);
      const text = await res.text();
      assert.equal(res.status, 201, text);
      const saved = JSON.parse(text) as SavedBarcode;
      assert.equal(res.headers.get('location'), `/api/v1/barcodes/${saved.id}`);
      return saved;
    }
    const patch = (id: string, body: unknown, key = writer) =>
      sendJson(ts, key, `/api/v1/barcodes/${id}`, body, { method: 'PATCH' });
    const get = async (id: string): Promise<SavedBarcode> => {
      const res = await ts.api(`/api/v1/barcodes/${id}`, { key: reader });
      assert.equal(res.status, 200);
      return (await res.json()) as SavedBarcode;
    };

    test('create, get, change and delete a product barcode', async () => {
      const saved = await createOk({
        name: '  Espresso beans 1 kg  ',
        format: 'EAN13',
        value: '590123412345',
        sku: 'ESP-1KG',
        price: '14.90',
        category: 'Coffee',
        options: { barColor: '#1a237e' },
      });
      assert.match(saved.id, /^bc_/);
      assert.equal(saved.name, 'Espresso beans 1 kg');
      assert.equal(saved.value, '5901234123457', 'stored with its check digit');
      assert.deepEqual(saved.options, {
        showText: null,
        barColor: '#1A237E',
        textColor: null,
        backgroundColor: '#FFFFFF',
        quietZone: true,
      });
      assert.deepEqual([saved.sku, saved.price, saved.category], ['ESP-1KG', '14.90', 'Coffee']);
      assert.equal(saved.createdAt, saved.updatedAt);
      assert.deepEqual(await get(saved.id), saved);

      const renamed = await patch(saved.id, { name: 'Espresso 1 kg', price: null, sku: '' });
      assert.equal(renamed.status, 200);
      const r = (await renamed.json()) as SavedBarcode;
      assert.deepEqual(
        [r.name, r.price, r.sku, r.category, r.value],
        ['Espresso 1 kg', null, null, 'Coffee', '5901234123457'],
      );
      const changed = (await (
        await patch(saved.id, { format: 'EAN8', value: '9638507', options: { showText: false } })
      ).json()) as SavedBarcode;
      assert.deepEqual(
        [changed.format, changed.value, changed.options.showText, changed.options.barColor],
        ['EAN8', '96385074', false, '#000000'],
      );

      const image = await ts.api(`/api/v1/barcodes/${saved.id}/image`, { key: reader });
      assert.equal(image.status, 200);
      assert.equal(image.headers.get('content-type'), 'image/png');
      assert.equal(image.headers.get('content-disposition'), 'inline; filename="ean8-96385074.png"');
      assert.deepEqual(await decoded(Buffer.from(await image.arrayBuffer()), 'png'), ['96385074']);

      const del = await ts.api(`/api/v1/barcodes/${saved.id}`, { key: writer, method: 'DELETE' });
      assert.equal(del.status, 204);
      assert.equal(await del.text(), '');
      await expectError(await ts.api(`/api/v1/barcodes/${saved.id}`, { key: reader }), 404, 'NOT_FOUND');
    });

    test('a saved barcode renders in every output format with query options', async () => {
      const saved = await createOk({
        name: 'Tea',
        format: 'QR',
        value: 'https://tea.example/🍵',
        options: { barColor: '#004D40' },
      });
      for (const format of ['svg', 'png', 'jpeg', 'webp', 'pdf', 'eps']) {
        const res = await ts.api(`/api/v1/barcodes/${saved.id}/image?format=${format}&size=400`, { key: reader });
        const bytes = Buffer.from(await res.arrayBuffer());
        assert.equal(res.status, 200, `${format}: ${bytes.toString().slice(0, 200)}`);
        assert.deepEqual(await decoded(bytes, format), ['https://tea.example/🍵'], format);
      }
      const mm = await ts.api(`/api/v1/barcodes/${saved.id}/image?format=png&mm=30&dpi=200`, { key: reader });
      const meta = await sharp(Buffer.from(await mm.arrayBuffer())).metadata();
      assert.equal(meta.width, Math.round((30 / 25.4) * 200));
      const module = await ts.api(`/api/v1/barcodes/${saved.id}/image?format=pdf&moduleWidthMm=0.5&colorSpace=cmyk`, {
        key: reader,
      });
      assert.equal(module.status, 200);
      await module.arrayBuffer();
      for (const [query, field] of [
        ['size=10', 'size'],
        ['format=bmp', 'format'],
        ['size=300&moduleWidthMm=0.5', 'moduleWidthMm'],
        ['format=png&colorSpace=cmyk', 'colorSpace'],
        ['dpi=300', 'dpi'],
        ['moduleWidthMm=10&dpi=600', 'moduleWidthMm'],
      ] as const) {
        await expectValidationError(
          await ts.api(`/api/v1/barcodes/${saved.id}/image?${query}`, { key: reader }),
          field,
        );
      }
      await expectError(await ts.api('/api/v1/barcodes/bc_nope/image', { key: reader }), 404, 'NOT_FOUND');
    });

    test('refused creates and changes write nothing', async () => {
      const before = barcodeCount(ts);
      const cases: [unknown, string][] = [
        [{ format: 'EAN13', value: '5901234123457' }, 'name'],
        [{ name: '', format: 'EAN13', value: '5901234123457' }, 'name'],
        [{ name: 'x'.repeat(101), format: 'EAN13', value: '5901234123457' }, 'name'],
        [{ name: 'ctl\u0007', format: 'EAN13', value: '5901234123457' }, 'name'],
        [{ name: 'A', format: 'EAN13', value: '5901234123458' }, 'value'],
        [{ name: 'A', format: 'EAN13', value: 5901234123457 }, 'value'],
        [{ name: 'A', format: 'NOPE', value: '1' }, 'format'],
        [{ name: 'A', format: 'QR', value: 'x', price: '4,99' }, 'price'],
        [{ name: 'A', format: 'QR', value: 'x', price: 4.99 }, 'price'],
        [{ name: 'A', format: 'QR', value: 'x', price: '-1' }, 'price'],
        [{ name: 'A', format: 'QR', value: 'x', sku: 'x'.repeat(65) }, 'sku'],
        [{ name: 'A', format: 'QR', value: 'x', category: 7 }, 'category'],
        [{ name: 'A', format: 'QR', value: 'x', options: { barColor: 'navy' } }, 'options.barColor'],
        [{ name: 'A', format: 'QR', value: 'x', options: { size: 3 } }, 'options.size'],
        [{ name: 'A', format: 'QR', value: 'x', id: 'bc_mine' }, 'id'],
      ];
      for (const [body, field] of cases) await expectValidationError(await create(body), field);
      assert.equal(barcodeCount(ts), before);

      const saved = await createOk({ name: 'Stable', format: 'EAN13', value: '5901234123457' });
      const snapshot = await get(saved.id);
      await expectValidationError(await patch(saved.id, { value: '5901234123458' }), 'value');
      await expectValidationError(await patch(saved.id, { format: 'EAN8' }), 'format');
      await expectValidationError(await patch(saved.id, { format: 'CODE39', value: 'lower' }), 'value');
      await expectValidationError(await patch(saved.id, { name: '' }), 'name');
      await expectValidationError(await patch(saved.id, { options: { quietZone: 'no' } }), 'options.quietZone');
      await expectValidationError(await patch(saved.id, { createdAt: '2020-01-01T00:00:00Z' }), 'createdAt');
      assert.deepEqual(await get(saved.id), snapshot, 'unchanged');
      // A format change that suits the stored value is fine.
      const asCode128 = (await (await patch(saved.id, { format: 'CODE128' })).json()) as SavedBarcode;
      assert.deepEqual([asCode128.format, asCode128.value], ['CODE128', '5901234123457']);
    });

    test('scopes: a read key lists, reads and renders but cannot write', async () => {
      const saved = await createOk({ name: 'Scoped', format: 'QR', value: 'scoped' });
      const before = barcodeCount(ts);
      await expectError(await create({ name: 'Nope', format: 'QR', value: 'x' }, reader), 403, 'FORBIDDEN');
      await expectError(await patch(saved.id, { name: 'Nope' }, reader), 403, 'FORBIDDEN');
      await expectError(
        await ts.api(`/api/v1/barcodes/${saved.id}`, { key: reader, method: 'DELETE' }),
        403,
        'FORBIDDEN',
      );
      assert.equal(barcodeCount(ts), before);
      assert.equal((await get(saved.id)).name, 'Scoped');
      assert.equal((await ts.api('/api/v1/barcodes', { key: reader })).status, 200);
      await expectError(await ts.api('/api/v1/barcodes'), 401, 'UNAUTHORIZED');
      await expectError(await ts.api(`/api/v1/barcodes/${saved.id}/image`), 401, 'UNAUTHORIZED');
    });

    test('unknown ids are 404 on GET, PATCH, DELETE and image; bad cursors 400', async () => {
      await expectError(await ts.api('/api/v1/barcodes/bc_nope', { key: reader }), 404, 'NOT_FOUND');
      await expectError(await patch('bc_nope', { name: 'x' }), 404, 'NOT_FOUND');
      await expectError(await ts.api('/api/v1/barcodes/bc_nope', { key: writer, method: 'DELETE' }), 404, 'NOT_FOUND');
      await expectError(await ts.api('/api/v1/barcodes/bc_nope/image', { key: reader }), 404, 'NOT_FOUND');
      await expectError(await ts.api(`/api/v1/barcodes/${'x'.repeat(65)}`, { key: reader }), 400, 'VALIDATION_ERROR');
      await expectError(await ts.api('/api/v1/barcodes?cursor=%%%', { key: reader }), 400, 'INVALID_CURSOR');
      await expectError(await ts.api('/api/v1/barcodes?cursor=abc', { key: reader }), 400, 'INVALID_CURSOR');
      await expectValidationError(await ts.api('/api/v1/barcodes?limit=201', { key: reader }), 'limit');
      await expectValidationError(await ts.api(`/api/v1/barcodes?q=${'x'.repeat(101)}`, { key: reader }), 'q');
    });

    test('the list pages newest first and searches name and SKU', async () => {
      const made: SavedBarcode[] = [];
      for (let i = 0; i < 5; i++) {
        made.push(await createOk({ name: `Paged item ${i}`, format: 'CODE128', value: `P-${i}`, sku: `PAGE-${i}` }));
      }
      made.push(await createOk({ name: 'Percent 100% juice', format: 'CODE128', value: 'J', sku: 'JUICE_1' }));
      const all: SavedBarcode[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const qs: string = cursor ? `&cursor=${cursor}` : '';
        const res = await ts.api(`/api/v1/barcodes?limit=2${qs}`, { key: reader });
        assert.equal(res.status, 200);
        const page = (await res.json()) as { data: SavedBarcode[]; nextCursor: string | null };
        assert.ok(page.data.length <= 2);
        all.push(...page.data);
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 100);
      assert.equal(all.length, barcodeCount(ts));
      assert.equal(new Set(all.map((b) => b.id)).size, all.length, 'no duplicates across pages');
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.createdAt >= all[i]!.createdAt, 'newest first');
      assert.equal(all[0]!.id, made[made.length - 1]!.id);

      const search = async (q: string) =>
        (
          (await (await ts.api(`/api/v1/barcodes?q=${encodeURIComponent(q)}`, { key: reader })).json()) as {
            data: SavedBarcode[];
          }
        ).data.map((b) => b.name);
      assert.deepEqual((await search('paged ITEM')).length, 5, 'case-insensitive on the name');
      assert.deepEqual(await search('page-3'), ['Paged item 3'], 'on the SKU');
      assert.deepEqual(await search('100%'), ['Percent 100% juice'], '% is literal');
      assert.deepEqual(await search('E_1'), ['Percent 100% juice'], '_ is literal');
      assert.deepEqual(await search('nothing like this'), []);
      const paged = await ts.api('/api/v1/barcodes?q=paged&limit=3', { key: reader });
      const first = (await paged.json()) as { data: SavedBarcode[]; nextCursor: string };
      assert.equal(first.data.length, 3);
      const rest = (await (
        await ts.api(`/api/v1/barcodes?q=paged&limit=3&cursor=${first.nextCursor}`, { key: reader })
      ).json()) as {
        data: SavedBarcode[];
        nextCursor: null;
      };
      assert.deepEqual(
        rest.data.map((b) => b.name),
        ['Paged item 1', 'Paged item 0'],
      );
      assert.equal(rest.nextCursor, null);
    });

    test('create honours Idempotency-Key; render refuses it', async () => {
      const before = barcodeCount(ts);
      const body = { name: 'Once', format: 'EAN8', value: '9638507' };
      const headers = { 'Idempotency-Key': 'bc-once-1' };
      const a = await sendJson(ts, writer, '/api/v1/barcodes', body, { headers });
      const b = await sendJson(ts, writer, '/api/v1/barcodes', body, { headers });
      assert.equal(a.status, 201);
      assert.equal(b.status, 201);
      assert.equal(b.headers.get('idempotent-replayed'), 'true');
      assert.equal(((await a.json()) as SavedBarcode).id, ((await b.json()) as SavedBarcode).id);
      assert.equal(barcodeCount(ts), before + 1);
      await expectValidationError(
        await sendJson(ts, reader, '/api/v1/barcodes/render', { format: 'QR', value: 'x' }, { headers }),
        'Idempotency-Key',
      );
    });
  });
});
