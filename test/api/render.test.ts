/**
 * The rendering endpoints against the real server: POST /render in every
 * format, decoded back (PDF through pdftoppm, EPS through Ghostscript) for
 * several content types; pixel, mm and dpi sizes; CMYK PDF; a lean SVG; logos,
 * including one force-deleted from under a saved code; a saved code's image
 * and its file names; the scannability check and its warnings; and bad input
 * answered with the envelope and nothing written.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { encodePayload } from '../../src-shared/payloads';
import { CONTENT_SCHEMAS } from '../../src-shared/schemas/content';
import { decodeImage } from '../../src-server/render/decoder';
import { startTestServer, type TestServer } from '../helpers/server';
import { createCode, expectError, expectValidationError, sendJson, type Envelope } from './support';
import { openExport } from '../helpers/open-export';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-render-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const FORMATS = ['svg', 'png', 'jpeg', 'webp', 'pdf', 'eps'] as const;
type Format = (typeof FORMATS)[number];

const MEDIA_TYPES: Record<Format, string> = {
  svg: 'image/svg+xml',
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  pdf: 'application/pdf',
  eps: 'application/postscript',
};
const EXTENSIONS: Record<Format, string> = {
  svg: 'svg',
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  pdf: 'pdf',
  eps: 'eps',
};

const toPng = (bytes: Buffer, format: string): Promise<Buffer> => openExport(bytes, format, 200);

/** Every QR code a reader finds in the file. */
async function decodeQr(bytes: Buffer, format: Format): Promise<string[]> {
  return (await decodeImage(await toPng(bytes, format), { formats: ['QRCode'] })).map((r) => r.text);
}

/** The streams of a PDF, inflated where they are FlateDecode (each read by its /Length, not by searching). */
function pdfStreams(pdf: Buffer): string[] {
  const text = pdf.toString('latin1');
  const streams: string[] = [];
  const re = /<<((?:[^<>]|<<[^<>]*>>)*)>>\s*stream\r?\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const dict = m[1]!;
    const length = /\/Length (\d+)/.exec(dict);
    assert.ok(length, `a stream with a direct /Length: ${dict}`);
    const start = m.index + m[0].length;
    const raw = pdf.subarray(start, start + Number(length[1]));
    streams.push((/\/FlateDecode/.test(dict) ? zlib.inflateSync(raw) : raw).toString('latin1'));
    re.lastIndex = start + raw.length;
  }
  return streams;
}

/** The operators of a content stream: its bare-word tokens (operands are numbers, names and arrays). */
const operators = (stream: string): string[] => stream.split(/\s+/).filter((t) => /^[A-Za-z'"*]+$/.test(t));

const mediaBox = (pdf: Buffer): number[] => {
  const m = /\/MediaBox \[([^\]]+)\]/.exec(pdf.toString('latin1'));
  assert.ok(m, 'the PDF has a MediaBox');
  return m[1]!.trim().split(/\s+/).map(Number);
};

interface Report {
  decodes: boolean;
  decodedText: string | null;
  matches: boolean;
  payload: string;
  contrastRatio: number;
  warnings: { code: string; message: string }[];
}

interface AssetBody {
  id: string;
}

describe('rendering API', () => {
  let ts: TestServer;
  let writer: string;
  let reader: string;
  let logoPng: Buffer;
  let logoId: string;

  const codeCount = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n;
  const assetCount = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM assets').get() as { n: number }).n;

  /** Asserts that `fn` adds no row to qr_codes or assets. */
  async function expectNothingWritten(fn: () => Promise<unknown>): Promise<void> {
    const before = [codeCount(), assetCount()];
    await fn();
    assert.deepEqual([codeCount(), assetCount()], before, 'nothing was written');
  }

  async function uploadLogo(bytes: Buffer): Promise<string> {
    const res = await ts.api('/api/v1/assets', {
      key: writer,
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: new Uint8Array(bytes),
    });
    const text = await res.text();
    assert.equal(res.status, 201, text);
    return (JSON.parse(text) as AssetBody).id;
  }

  before(async () => {
    ts = await startTestServer();
    writer = ts.createKey({ scopes: ['write'] });
    // Rendering and checking store nothing: a read key does them all.
    reader = ts.createKey({ scopes: ['read'] });
    // A logo with some shape to it: a red square with a white centre.
    logoPng = await sharp({ create: { width: 80, height: 80, channels: 4, background: '#C81E3C' } })
      .composite([
        {
          input: await sharp({ create: { width: 40, height: 40, channels: 4, background: '#FFFFFF' } })
            .png()
            .toBuffer(),
          top: 20,
          left: 20,
        },
      ])
      .png()
      .toBuffer();
    logoId = await uploadLogo(logoPng);
  });
  after(() => ts.stop());

  const render = (body: unknown, key = reader) => sendJson(ts, key, '/api/v1/render', body);
  const check = (body: unknown, key = reader) => sendJson(ts, key, '/api/v1/render/check', body);

  async function renderOk(body: Record<string, unknown>): Promise<{ bytes: Buffer; res: Response }> {
    const res = await render(body);
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, `${JSON.stringify(body).slice(0, 200)}: ${bytes.toString().slice(0, 300)}`);
    return { bytes, res };
  }

  async function checkOk(body: Record<string, unknown>): Promise<Report> {
    const res = await check(body);
    const text = await res.text();
    assert.equal(res.status, 200, text);
    return JSON.parse(text) as Report;
  }

  const warningCodes = (r: Report) => r.warnings.map((w) => w.code);

  // -------------------------------------------------------------------------

  describe('POST /api/v1/render', () => {
    const wifi = { ssid: 'Café "Le Zinc"; 2F', password: 'croissant:42;', encryption: 'WPA', hidden: true };
    const vcard = {
      firstName: 'Amélie',
      lastName: 'Poulain',
      organization: 'Café des 2 Moulins',
      phones: [{ number: '+33 1 42 54 90 50', type: 'work' }],
      emails: ['amelie@example.com'],
      note: 'Crème brûlée; tous les jours, 8h-20h',
    };
    const CONTENTS: { type: 'url' | 'text' | 'wifi' | 'vcard'; content: unknown }[] = [
      { type: 'url', content: 'https://example.com/menu?table=12&lang=fr' },
      { type: 'text', content: 'Crème brûlée 東京 😀' },
      { type: 'wifi', content: wifi },
      { type: 'vcard', content: vcard },
    ];
    /** The payload the server must encode, computed from the shared encoder on the validated content. */
    const expectedPayload = (type: (typeof CONTENTS)[number]['type'], content: unknown) =>
      encodePayload(type, CONTENT_SCHEMAS[type].parse(content) as never);

    test('the wifi and vcard payloads are the standard forms, escaped', () => {
      assert.equal(expectedPayload('wifi', wifi), 'WIFI:T:WPA;S:Café \\"Le Zinc\\"\\; 2F;P:croissant\\:42\\;;H:true;;');
      assert.match(expectedPayload('vcard', vcard), /^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    });

    for (const format of FORMATS) {
      test(`${format}: its media type, an inline file name, and every content type decodes to its payload`, async () => {
        for (const { type, content } of CONTENTS) {
          const { bytes, res } = await renderOk({ type, content, format });
          assert.equal(res.headers.get('content-type'), MEDIA_TYPES[format]);
          const file = `qrcode-${type}.${EXTENSIONS[format]}`;
          assert.equal(res.headers.get('content-disposition'), `inline; filename="${file}"; filename*=UTF-8''${file}`);
          assert.equal(res.headers.get('cache-control'), 'no-store');
          assert.deepEqual(await decodeQr(bytes, format), [expectedPayload(type, content)], `${format} ${type}`);
        }
      });
    }

    test('each format starts with its own signature', async () => {
      const signatures: Record<Format, (b: Buffer) => boolean> = {
        svg: (b) => b.toString('utf8').startsWith('<svg xmlns="http://www.w3.org/2000/svg"'),
        png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
        jpeg: (b) => b[0] === 0xff && b[1] === 0xd8,
        webp: (b) => b.subarray(0, 4).toString() === 'RIFF' && b.subarray(8, 12).toString() === 'WEBP',
        pdf: (b) => b.subarray(0, 5).toString() === '%PDF-',
        eps: (b) => b.subarray(0, 11).toString() === '%!PS-Adobe-',
      };
      for (const format of FORMATS) {
        const { bytes } = await renderOk({ type: 'url', content: 'https://example.com/', format });
        assert.ok(signatures[format](bytes), `${format}: ${bytes.subarray(0, 16).toString('latin1')}`);
      }
    });

    test('the default is a 512 px PNG; size 64 and 4096 give exactly those pixels', async () => {
      const { bytes: plain, res } = await renderOk({ type: 'text', content: 'default size' });
      assert.equal(res.headers.get('content-type'), 'image/png');
      const meta = await sharp(plain).metadata();
      assert.deepEqual([meta.width, meta.height, meta.format], [512, 512, 'png']);
      for (const size of [64, 4096]) {
        const { bytes } = await renderOk({ type: 'url', content: 'https://example.com/s', format: 'png', size });
        const m = await sharp(bytes).metadata();
        assert.deepEqual([m.width, m.height], [size, size]);
        if (size === 64) assert.deepEqual(await decodeQr(bytes, 'png'), ['https://example.com/s']);
      }
      const { bytes: webp } = await renderOk({
        type: 'url',
        content: 'https://example.com/s',
        format: 'webp',
        size: 100,
      });
      const wm = await sharp(webp).metadata();
      assert.deepEqual([wm.width, wm.height], [100, 100]);
    });

    test('mm at a dpi gives round(mm / 25.4 × dpi) pixels and records the density', async () => {
      const px = Math.round((30 / 25.4) * 300);
      assert.equal(px, 354);
      for (const format of ['png', 'jpeg'] as const) {
        const { bytes } = await renderOk({ type: 'text', content: 'print me', format, mm: 30, dpi: 300 });
        const meta = await sharp(bytes).metadata();
        assert.deepEqual([meta.width, meta.height], [px, px], format);
        assert.equal(Math.round(meta.density ?? 0), 300, `${format} density`);
        assert.deepEqual(await decodeQr(bytes, format), ['print me']);
      }
      // Without dpi, 300 is the default.
      const { bytes } = await renderOk({ type: 'text', content: 'print me', format: 'png', mm: 20 });
      assert.equal((await sharp(bytes).metadata()).width, Math.round((20 / 25.4) * 300));
      const { bytes: lowRes } = await renderOk({ type: 'text', content: 'x', format: 'png', mm: 50, dpi: 72 });
      assert.equal((await sharp(lowRes).metadata()).width, Math.round((50 / 25.4) * 72));
    });

    test('vector sizes: SVG in mm, PDF and EPS pages in points', async () => {
      const { bytes: svg } = await renderOk({ type: 'url', content: 'https://example.com/', format: 'svg', mm: 30 });
      const root = /^<svg [^>]*>/.exec(svg.toString('utf8'))![0];
      assert.match(root, /\swidth="30mm"/);
      assert.match(root, /\sheight="30mm"/);
      assert.match(root, /\sviewBox="/);
      const { bytes: pxSvg } = await renderOk({
        type: 'url',
        content: 'https://example.com/',
        format: 'svg',
        size: 300,
      });
      assert.match(/^<svg [^>]*>/.exec(pxSvg.toString('utf8'))![0], /\swidth="300" height="300"/);

      const pt = (30 / 25.4) * 72;
      const { bytes: pdf } = await renderOk({ type: 'url', content: 'https://example.com/', format: 'pdf', mm: 30 });
      const box = mediaBox(pdf);
      assert.equal(box.length, 4);
      assert.deepEqual(box.slice(0, 2), [0, 0]);
      assert.ok(Math.abs(box[2]! - pt) < 0.01 && Math.abs(box[3]! - pt) < 0.01, `MediaBox ${box.join(' ')} ≈ ${pt}`);
      // Without mm, the pixel size is CSS pixels: 512 px = 384 pt.
      const { bytes: pxPdf } = await renderOk({ type: 'url', content: 'https://example.com/', format: 'pdf' });
      assert.deepEqual(mediaBox(pxPdf), [0, 0, 384, 384]);

      const { bytes: eps } = await renderOk({ type: 'url', content: 'https://example.com/', format: 'eps', mm: 30 });
      const hires = /%%HiResBoundingBox: 0 0 ([\d.]+) ([\d.]+)/.exec(eps.toString('latin1'));
      assert.ok(hires, 'the EPS has a HiResBoundingBox');
      assert.ok(Math.abs(Number(hires[1]) - pt) < 0.01 && Math.abs(Number(hires[2]) - pt) < 0.01, hires[0]);
      assert.match(eps.toString('latin1'), new RegExp(`%%BoundingBox: 0 0 ${Math.ceil(pt)} ${Math.ceil(pt)}`));
    });

    test('CMYK PDF paints with k and has no RGB operator; the RGB PDF uses rg', async () => {
      const body = { type: 'url', content: 'https://example.com/print', format: 'pdf' };
      const { bytes: cmyk } = await renderOk({
        ...body,
        colorSpace: 'cmyk',
        design: { foregroundColor: '#1A1A2E', cornerSquareColor: '#C81E3C' },
      });
      const streams = pdfStreams(cmyk);
      assert.ok(streams.length > 0, 'the PDF has content streams');
      const ops = streams.flatMap(operators);
      assert.ok(ops.includes('k'), 'the symbol is painted with k');
      assert.ok(ops.includes('f') || ops.includes('f*'), 'and filled');
      for (const banned of ['rg', 'RG', 'sc', 'scn', 'SC', 'SCN', 'cs', 'CS']) {
        assert.ok(!ops.includes(banned), `no ${banned} operator in a CMYK PDF`);
      }
      const all = streams.join('\n');
      // #1A1A2E → K = 1 - 46/255; black would be 0 0 0 1.
      assert.match(all, /(?:^|\s)[\d.]+ [\d.]+ 0 [\d.]+ k(?:\s|$)/);
      assert.match(all, /(?:^|\s)0 0 0 0 k(?:\s|$)/, 'the white background is 0 0 0 0 k');
      assert.deepEqual(await decodeQr(cmyk, 'pdf'), ['https://example.com/print']);

      const { bytes: rgb } = await renderOk(body);
      const rgbOps = pdfStreams(rgb).flatMap(operators);
      assert.ok(rgbOps.includes('rg'), 'the RGB PDF paints with rg');
      assert.ok(!rgbOps.includes('k'), 'and has no k');

      const { bytes: eps } = await renderOk({ ...body, format: 'eps', colorSpace: 'cmyk' });
      assert.match(eps.toString('latin1'), /setcmykcolor/);
      assert.doesNotMatch(eps.toString('latin1'), /setrgbcolor/);
      assert.deepEqual(await decodeQr(eps, 'eps'), ['https://example.com/print']);
    });

    test('colorSpace cmyk for a raster or SVG format is 400 naming colorSpace', async () => {
      for (const format of ['png', 'jpeg', 'webp', 'svg']) {
        const res = await render({ type: 'text', content: 'x', format, colorSpace: 'cmyk' });
        const body = await expectValidationError(res, 'colorSpace');
        assert.match(body.error.details!.find((d) => d.path === 'colorSpace')!.message, /pdf and eps/);
      }
      await expectValidationError(
        await render({ type: 'text', content: 'x', format: 'pdf', colorSpace: 'hsl' }),
        'colorSpace',
      );
    });

    test('the SVG of a 30-character URL is small, with no clipPath, script or outside reference', async () => {
      const url = 'https://example.com/abcdefghij';
      assert.equal(url.length, 30);
      const { bytes } = await renderOk({ type: 'url', content: url, format: 'svg' });
      const svg = bytes.toString('utf8');
      assert.ok(bytes.length <= 10 * 1024, `${bytes.length} bytes`);
      assert.doesNotMatch(svg, /clipPath/i);
      assert.doesNotMatch(svg, /<script/i);
      assert.doesNotMatch(svg, /\bon\w+\s*=/i);
      assert.doesNotMatch(svg, /<image|href=/i, 'no image without a logo');
      const urls = svg.match(/[a-z][a-z0-9+.-]*:\/\/[^\s"'<>)]*/gi) ?? [];
      assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg'], 'the only URL is the SVG namespace');
      assert.doesNotMatch(svg, /url\(/i);
      assert.deepEqual(await decodeQr(bytes, 'svg'), [url]);
    });

    test('a logo renders in PNG, SVG and PDF at EC H and still decodes', async () => {
      const content = 'https://example.com/menu/logo';
      const design = { errorCorrection: 'H', logo: { assetId: logoId, size: 0.3, hideBackgroundDots: true } };
      for (const format of ['png', 'svg', 'pdf'] as const) {
        const { bytes } = await renderOk({ type: 'url', content, format, design });
        assert.deepEqual(await decodeQr(bytes, format), [content], format);
        if (format === 'svg') {
          const svg = bytes.toString('utf8');
          assert.match(svg, /<image [^>]*href="data:image\/png;base64,[A-Za-z0-9+/=]+"/);
          assert.doesNotMatch(svg, /clipPath/i);
        }
        if (format === 'png') {
          // The logo is there: the centre pixel is in its red or its white.
          const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
          const centre = ((info.height >> 1) * info.width + (info.width >> 1)) * 3;
          const reddish = (dx: number) => {
            const i = centre + dx * 3;
            return data[i]! > 150 && data[i + 1]! < 80 && data[i + 2]! < 100;
          };
          // 0.3 × the symbol is about 100 px at 512: 35 px off the centre is in the red ring.
          assert.ok(reddish(-35) || reddish(35), 'the red logo is drawn around the centre');
        }
      }
    });

    test('an unknown logo asset is 400 naming design.logo.assetId, for render and for check', async () => {
      const design = {
        errorCorrection: 'H',
        logo: { assetId: 'ast_doesnotexist', size: 0.3, hideBackgroundDots: true },
      };
      await expectNothingWritten(async () => {
        await expectValidationError(
          await render({ type: 'url', content: 'https://example.com/', design }),
          'design.logo.assetId',
        );
        await expectValidationError(
          await render({ type: 'url', content: 'https://example.com/', format: 'svg', design }),
          'design.logo.assetId',
        );
        await expectValidationError(
          await check({ type: 'url', content: 'https://example.com/', design }),
          'design.logo.assetId',
        );
      });
    });

    test('a frame caption in Latin, Greek and Cyrillic renders and decodes', async () => {
      const design = { frame: { text: 'Scannez-moi · Σάρωση · Сканируй' } };
      for (const format of ['png', 'pdf'] as const) {
        const { bytes } = await renderOk({ type: 'text', content: 'framed', format, design });
        assert.deepEqual(await decodeQr(bytes, format), ['framed'], format);
      }
    });
  });

  // -------------------------------------------------------------------------

  describe('GET /api/v1/qrcodes/:id/image', () => {
    const image = (id: string, query = '', key = reader) =>
      ts.api(`/api/v1/qrcodes/${encodeURIComponent(id)}/image${query}`, { key });

    test('the file name comes from the code name: an ASCII fallback and the UTF-8 original; download=true attaches', async () => {
      const name = 'Menu: café "terrasse"/été';
      const code = await createCode(ts, writer, { type: 'url', content: 'https://example.com/menu', name });
      const res = await image(code.id);
      const bytes = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, 200, bytes.toString().slice(0, 300));
      assert.equal(res.headers.get('content-type'), 'image/png');
      const disposition = res.headers.get('content-disposition')!;
      assert.equal(
        disposition,
        `inline; filename="Menu_ cafe _terrasse_ete.png"; filename*=UTF-8''Menu_%20caf%C3%A9%20_terrasse_%C3%A9t%C3%A9.png`,
      );
      // Read back generically too: the ASCII name is printable ASCII with no character a file system forbids.
      const m = /^inline; filename="([^"]*)"; filename\*=UTF-8''([A-Za-z0-9%._~!$&+^`|-]+)$/.exec(disposition);
      assert.ok(m, disposition);
      assert.match(m[1]!, /^[\x20-\x7e]+$/);
      assert.doesNotMatch(m[1]!, /[\\/:*?"<>|]/);
      const utf8 = decodeURIComponent(m[2]!);
      assert.doesNotMatch(utf8, /[\\/:*?"<>|]/);
      assert.match(utf8, /café/);
      assert.match(utf8, /été\.png$/);
      assert.deepEqual(await decodeQr(bytes, 'png'), [code.payload]);

      const dl = await image(code.id, '?download=true&format=pdf');
      assert.equal(dl.status, 200);
      assert.equal(dl.headers.get('content-type'), 'application/pdf');
      assert.match(dl.headers.get('content-disposition')!, /^attachment; filename="Menu_ cafe _terrasse_ete\.pdf"; /);
      assert.deepEqual(await decodeQr(Buffer.from(await dl.arrayBuffer()), 'pdf'), [code.payload]);
      const inline = await image(code.id, '?download=false&format=jpeg');
      assert.match(inline.headers.get('content-disposition')!, /^inline; filename="Menu_ cafe _terrasse_ete\.jpg"/);
      await inline.arrayBuffer();
    });

    test('query options: format, size and mm apply; bad ones are 400 naming the parameter', async () => {
      const code = await createCode(ts, writer, { type: 'text', content: 'Query options ✓', name: 'opts' });
      const svg = await image(code.id, '?format=svg&size=200');
      assert.equal(svg.status, 200);
      assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
      const svgText = await svg.text();
      assert.match(svgText, /^<svg [^>]*width="200" height="200"/);
      assert.match(svgText, /<title>opts<\/title>/, 'the SVG is titled with the code name');
      const png = await image(code.id, '?size=128');
      const bytes = Buffer.from(await png.arrayBuffer());
      assert.equal((await sharp(bytes).metadata()).width, 128);
      assert.deepEqual(await decodeQr(bytes, 'png'), ['Query options ✓']);
      const print = await image(code.id, '?mm=25&dpi=600');
      assert.equal(
        (await sharp(Buffer.from(await print.arrayBuffer())).metadata()).width,
        Math.round((25 / 25.4) * 600),
      );

      const bad: [string, string][] = [
        ['?format=gif', 'format'],
        ['?size=0', 'size'],
        ['?size=63', 'size'],
        ['?size=4097', 'size'],
        ['?size=abc', 'size'],
        ['?size=512.5', 'size'],
        ['?size=200&mm=30', 'size'],
        ['?dpi=300', 'dpi'],
        ['?mm=500&dpi=600', 'mm'],
        ['?colorSpace=cmyk', 'colorSpace'],
        ['?download=yes', 'download'],
      ];
      for (const [query, field] of bad) await expectValidationError(await image(code.id, query), field);
    });

    test('an unknown id is 404 in the envelope; no key is 401', async () => {
      const res = await expectError(await image('qr_doesnotexist'), 404, 'NOT_FOUND');
      assert.ok(res.error.message.length > 0);
      await expectError(await image('qr_doesnotexist', '', ''), 401, 'UNAUTHORIZED');
    });

    test("a dynamic code's image decodes to its short URL", async () => {
      const code = await createCode(ts, writer, { type: 'url', kind: 'dynamic', content: 'https://example.com/later' });
      assert.ok(code.shortUrl, 'a dynamic code has a shortUrl');
      assert.equal(code.payload, code.shortUrl);
      for (const format of ['png', 'eps'] as const) {
        const res = await image(code.id, `?format=${format}`);
        assert.equal(res.status, 200);
        assert.deepEqual(await decodeQr(Buffer.from(await res.arrayBuffer()), format), [code.shortUrl]);
      }
    });

    test('a code whose logo was force-deleted still renders, without it; a stateless render with that asset is 400', async () => {
      const assetId = await uploadLogo(logoPng);
      const design = { errorCorrection: 'H', logo: { assetId, size: 0.3, hideBackgroundDots: true } };
      const code = await createCode(ts, writer, { type: 'url', content: 'https://example.com/logo-gone', design });

      const withLogo = await image(code.id, '?format=svg');
      assert.match(await withLogo.text(), /data:image\/png;base64,/);

      await expectError(await ts.api(`/api/v1/assets/${assetId}`, { key: writer, method: 'DELETE' }), 409, 'CONFLICT');
      const del = await ts.api(`/api/v1/assets/${assetId}?force=true`, { key: writer, method: 'DELETE' });
      assert.equal(del.status, 204, await del.text());

      const svg = await image(code.id, '?format=svg');
      assert.equal(svg.status, 200);
      const svgText = await svg.text();
      assert.doesNotMatch(svgText, /<image/, 'the logo is gone from the image');
      assert.deepEqual(await decodeQr(Buffer.from(svgText), 'svg'), ['https://example.com/logo-gone']);
      for (const format of ['png', 'pdf'] as const) {
        const res = await image(code.id, `?format=${format}`);
        assert.equal(res.status, 200, format);
        assert.deepEqual(await decodeQr(Buffer.from(await res.arrayBuffer()), format), [
          'https://example.com/logo-gone',
        ]);
      }

      await expectNothingWritten(async () => {
        await expectValidationError(
          await render({ type: 'url', content: 'https://example.com/logo-gone', design }),
          'design.logo.assetId',
        );
      });
    });
  });

  // -------------------------------------------------------------------------

  describe('POST /api/v1/render/check', () => {
    const url = 'https://example.com/check';

    test('the default design reads back exactly, at 21:1, with no warnings', async () => {
      const r = await checkOk({ type: 'url', content: url });
      assert.deepEqual(r, {
        decodes: true,
        decodedText: url,
        matches: true,
        payload: url,
        contrastRatio: 21,
        warnings: [],
      });
      const text = 'Crème brûlée 東京 😀';
      const t = await checkOk({ type: 'text', content: text });
      assert.equal(t.decodedText, text);
      assert.equal(t.matches, true);
    });

    test('low contrast, light on dark, a small margin and the circle shape are warned about', async () => {
      const low = await checkOk({ type: 'url', content: url, design: { foregroundColor: '#CCCCCC' } });
      assert.ok(warningCodes(low).includes('low-contrast'), JSON.stringify(low.warnings));
      assert.ok(low.contrastRatio < 3 && low.contrastRatio >= 1, String(low.contrastRatio));

      const inverted = await checkOk({
        type: 'url',
        content: url,
        design: { foregroundColor: '#FFFFFF', backgroundColor: '#000000' },
      });
      assert.ok(warningCodes(inverted).includes('light-on-dark'), JSON.stringify(inverted.warnings));
      assert.ok(!warningCodes(inverted).includes('low-contrast'), 'white on black is high contrast');
      assert.equal(inverted.contrastRatio, 21);

      const margin = await checkOk({ type: 'url', content: url, design: { margin: 1 } });
      assert.deepEqual(warningCodes(margin), ['small-margin']);
      assert.match(margin.warnings[0]!.message, /1 module;/);
      assert.equal(margin.matches, true);

      const circle = await checkOk({ type: 'url', content: url, design: { shape: 'circle' } });
      assert.ok(warningCodes(circle).includes('circle-quiet-zone'), JSON.stringify(circle.warnings));
    });

    test('logos: over dots is warned about; logo-too-large follows the share of the error budget', async () => {
      const logo = (size: number, hideBackgroundDots: boolean) => ({ assetId: logoId, size, hideBackgroundDots });
      const overDots = await checkOk({
        type: 'url',
        content: url,
        design: { errorCorrection: 'H', logo: logo(0.2, false) },
      });
      assert.ok(warningCodes(overDots).includes('logo-over-dots'), JSON.stringify(overDots.warnings));
      assert.ok(!warningCodes(overDots).includes('logo-too-large'));

      const hidden = await checkOk({
        type: 'url',
        content: url,
        design: { errorCorrection: 'H', logo: logo(0.2, true) },
      });
      assert.deepEqual(warningCodes(hidden), []);
      assert.equal(hidden.matches, true);

      // The rule (scannability.ts): share = modules the logo hides / (the level's recovery × modules²). The hidden
      // area is sized as size × recovery × modules² (qr-code-styling's rule), so the share follows `size` at every
      // level, rounded to odd module counts: it passes the 35 % line only for sizes over 0.35. For this
      // 25-character URL: at L (25 modules) a 0.4 logo hides 3 × 3 modules, 21 % of L's 7 % budget: no warning;
      // at H (33 modules) it hides 11 × 11, 37 % of H's 30 %: warned.
      const atL = await checkOk({ type: 'url', content: url, design: { errorCorrection: 'L', logo: logo(0.4, true) } });
      assert.ok(!warningCodes(atL).includes('logo-too-large'), JSON.stringify(atL.warnings));
      assert.deepEqual(warningCodes(atL), []);
      assert.equal(atL.matches, true);
      const atH = await checkOk({ type: 'url', content: url, design: { errorCorrection: 'H', logo: logo(0.4, true) } });
      assert.deepEqual(warningCodes(atH), ['logo-too-large']);
      assert.match(atH.warnings[0]!.message, /hides 37% of what error correction H can restore/);
      assert.equal(atH.matches, true, 'it still reads: the warning is about margin for print defects');
      // Hence the logo drawn at L is far smaller than at H for the same `size`.
      const logoWidth = async (errorCorrection: string) => {
        const { bytes } = await renderOk({
          type: 'url',
          content: url,
          format: 'svg',
          design: { errorCorrection, logo: logo(0.4, true) },
        });
        const svg = bytes.toString('utf8');
        const viewBox = /viewBox="0 0 ([\d.]+)/.exec(svg)![1]!;
        return Number(/<image [^>]*width="([\d.]+)"/.exec(svg)![1]) / Number(viewBox);
      };
      const [wL, wH] = [await logoWidth('L'), await logoWidth('H')];
      assert.ok(wL < wH / 2, `logo width at L ${wL.toFixed(3)} vs H ${wH.toFixed(3)} of the symbol`);
    });

    test('a design that cannot read is reported (200, does-not-decode first), never refused', async () => {
      const r = await checkOk({
        type: 'url',
        content: url,
        design: { foregroundColor: '#777777', backgroundColor: '#777777' },
      });
      assert.equal(r.decodes, false);
      assert.equal(r.decodedText, null);
      assert.equal(r.matches, false);
      assert.equal(r.payload, url);
      assert.equal(r.contrastRatio, 1);
      assert.equal(r.warnings[0]!.code, 'does-not-decode');
      assert.ok(warningCodes(r).includes('low-contrast'));
      // The same design still renders when asked: the API warns, it does not refuse.
      const { bytes } = await renderOk({
        type: 'url',
        content: url,
        design: { foregroundColor: '#777777', backgroundColor: '#777777' },
      });
      assert.deepEqual(await decodeQr(bytes, 'png'), []);
    });

    test('check takes no output options, and refuses what render refuses', async () => {
      await expectNothingWritten(async () => {
        await expectValidationError(await check({ type: 'url', content: url, format: 'pdf' }), 'format');
        await expectValidationError(await check({ content: url }), 'type');
        await expectValidationError(
          await check({ type: 'text', content: 'x'.repeat(1300), design: { errorCorrection: 'H' } }),
          'content',
        );
        await expectValidationError(
          await check({ type: 'text', content: 'x', design: { frame: { text: '日本' } } }),
          'design.frame.text',
        );
        await expectError(
          await ts.api('/api/v1/render/check', {
            key: reader,
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: '{"type":',
          }),
          400,
          'INVALID_BODY',
        );
      });
    });
  });

  // -------------------------------------------------------------------------

  describe('bad input: the envelope, and nothing written', () => {
    const ok = { type: 'text', content: 'hello' };

    test('type and content', async () => {
      await expectNothingWritten(async () => {
        await expectValidationError(await render({ content: 'hello' }), 'type');
        await expectValidationError(await render({ type: 'gif', content: 'hello' }), 'type');
        await expectValidationError(await render({ type: null, content: 'hello' }), 'type');
        await expectValidationError(await render({ type: 'url' }), 'content');
        await expectValidationError(await render({ type: 'url', content: { url: 'https://example.com/' } }), 'content');
        await expectValidationError(await render({ type: 'url', content: 'javascript:alert(1)' }), 'content');
        await expectValidationError(await render({ type: 'wifi', content: 'WIFI:S:x;;' }), 'content');
        await expectValidationError(
          await render({ type: 'vcard', content: { firstName: 'A', evil: true } }),
          'content',
        );
        await expectValidationError(await render({ type: 'text', content: 42 }), 'content');
        await expectValidationError(await render({ type: 'text', content: '' }), 'content');
        await expectValidationError(await render({ type: 'text', content: 'lone \ud800 surrogate' }), 'content');
        await expectValidationError(await render({ type: 'text', content: 'bell \u0007' }), 'content');
        await expectValidationError(await render({ ...ok, extra: 1 }), 'extra');
        await expectValidationError(await render([ok]), 'body');
      });
    });

    test('content beyond the QR capacity at the level is 400 naming the capacity', async () => {
      await expectNothingWritten(async () => {
        const body = await expectValidationError(
          await render({ type: 'text', content: 'x'.repeat(1300), design: { errorCorrection: 'H' } }),
          'content',
        );
        assert.match(body.error.message, /1300 bytes/);
        assert.match(body.error.message, /1273/);
        // Bytes, not characters: 700 × "é" is 1,400 bytes.
        const accents = await expectValidationError(
          await render({ type: 'text', content: 'é'.repeat(700), design: { errorCorrection: 'H' } }),
          'content',
        );
        assert.match(accents.error.message, /1400 bytes/);
      });
      // The same 1,300 bytes fit at L.
      const { bytes } = await renderOk({
        type: 'text',
        content: 'x'.repeat(1300),
        design: { errorCorrection: 'L' },
        size: 1024,
      });
      assert.deepEqual(await decodeQr(bytes, 'png'), ['x'.repeat(1300)]);
    });

    test('sizes', async () => {
      await expectNothingWritten(async () => {
        for (const size of [63, 4097, 512.5, 'big', 0, -512, null]) {
          const res = await render({ ...ok, size });
          await expectValidationError(res, 'size');
        }
        await expectValidationError(await render({ ...ok, size: 512, mm: 30 }), 'size');
        await expectValidationError(await render({ ...ok, dpi: 300 }), 'dpi');
        await expectValidationError(await render({ ...ok, format: 'svg', dpi: 300 }), 'dpi');
        // 400 mm at 300 dpi is 4,724 px.
        const tooBig = await expectValidationError(await render({ ...ok, format: 'png', mm: 400 }), 'mm');
        assert.match(tooBig.error.details!.find((d) => d.path === 'mm')!.message, /4724 px/);
        await expectValidationError(await render({ ...ok, format: 'jpeg', mm: 100, dpi: 2400 }), 'mm');
        await expectValidationError(await render({ ...ok, format: 'png', mm: 5, dpi: 72 }), 'mm');
        await expectValidationError(await render({ ...ok, mm: 4 }), 'mm');
        await expectValidationError(await render({ ...ok, format: 'pdf', mm: 1001 }), 'mm');
        await expectValidationError(await render({ ...ok, mm: 30, dpi: 71 }), 'dpi');
        await expectValidationError(await render({ ...ok, mm: 30, dpi: 2401 }), 'dpi');
        await expectValidationError(await render({ ...ok, mm: 30, dpi: 300.5 }), 'dpi');
      });
      // A vector format takes a large mm: no raster is made.
      const { bytes } = await renderOk({ ...ok, format: 'pdf', mm: 400 });
      assert.ok(Math.abs(mediaBox(bytes)[2]! - (400 / 25.4) * 72) < 0.01);
    });

    test('a JSON body gives sizes as numbers, not strings or arrays', async () => {
      for (const size of ['512', [512], '0x100', ' 128 ']) {
        await expectValidationError(await render({ ...ok, size }), 'size');
      }
      await expectValidationError(await render({ ...ok, format: 'pdf', mm: '30' }), 'mm');
    });

    test('format and design', async () => {
      await expectNothingWritten(async () => {
        await expectValidationError(await render({ ...ok, format: 'gif' }), 'format');
        await expectValidationError(await render({ ...ok, format: 'PNG' }), 'format');
        await expectValidationError(await render({ ...ok, design: { glitter: true } }), 'design');
        await expectValidationError(
          await render({ ...ok, design: { foregroundColor: 'red' } }),
          'design.foregroundColor',
        );
        await expectValidationError(await render({ ...ok, design: { margin: 21 } }), 'design.margin');
        await expectValidationError(
          await render({ ...ok, design: { errorCorrection: 'X' } }),
          'design.errorCorrection',
        );
        await expectValidationError(
          await render({ ...ok, design: { logo: { assetId: logoId, size: 0.5, hideBackgroundDots: true } } }),
          'design.logo.size',
        );
        await expectValidationError(
          await render({
            ...ok,
            design: {
              gradient: {
                type: 'linear',
                colorStops: Array.from({ length: 100 }, (_, i) => ({ offset: i / 100, color: '#000000' })),
              },
            },
          }),
          'design.gradient',
        );
        await expectValidationError(
          await render({ ...ok, design: JSON.parse('{"__proto__": {"margin": 0}}') }),
          'design',
        );
        const frame = await expectValidationError(
          await render({ ...ok, design: { frame: { text: '日本' } } }),
          'design.frame.text',
        );
        assert.match(frame.error.message, /"日"/);
      });
    });

    test('bodies: not JSON, too large, wrong type; no key; Idempotency-Key', async () => {
      const post = (body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>, key = reader) =>
        ts.api('/api/v1/render', { key, method: 'POST', headers, body });
      const json = { 'Content-Type': 'application/json' };
      await expectNothingWritten(async () => {
        await expectError(await post('{"type": "text", "content": ', json), 400, 'INVALID_BODY');
        await expectError(await post('type=text&content=hello', json), 400, 'INVALID_BODY');
        const infinite = await post('{"type": "text", "content": "x", "size": 1e309}', json);
        await expectValidationError(infinite, 'size');
        await expectError(await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), json), 400, 'INVALID_BODY');
        const twoMb = JSON.stringify({ type: 'text', content: 'x'.repeat(2 * 1024 * 1024) });
        await expectError(await post(twoMb, json), 413, 'PAYLOAD_TOO_LARGE');
        await expectError(
          await post(JSON.stringify(ok), { 'Content-Type': 'text/plain' }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
        await expectError(
          await post(JSON.stringify(ok), { 'Content-Type': 'application/x-www-form-urlencoded' }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
        await expectError(await post(JSON.stringify(ok), json, ''), 401, 'UNAUTHORIZED');
        await expectError(await post(JSON.stringify(ok), json, 'qrd_short'), 401, 'UNAUTHORIZED');
        const forged = `qrd_${'x'.repeat(reader.length - 4)}`;
        await expectError(await post(JSON.stringify(ok), json, forged), 401, 'INVALID_API_KEY');
        await expectError(await ts.api('/api/v1/render', { key: reader, method: 'POST' }), 400, 'VALIDATION_ERROR');
        const idem = await post(JSON.stringify(ok), { ...json, 'Idempotency-Key': 'render-1' });
        const body: Envelope = await expectValidationError(idem, 'Idempotency-Key');
        assert.match(body.error.message, /Idempotency-Key/);
        await expectValidationError(
          await sendJson(ts, reader, '/api/v1/render/check', ok, { headers: { 'Idempotency-Key': 'check-1' } }),
          'Idempotency-Key',
        );
      });
      // GET is not a way to render.
      const get = await ts.api('/api/v1/render', { key: reader });
      assert.ok([404, 405].includes(get.status), String(get.status));
      await get.arrayBuffer();
    });
  });

  test('a read key renders and checks; nothing it does there is stored', async () => {
    await expectNothingWritten(async () => {
      const { res } = await renderOk({ type: 'text', content: 'read only' });
      assert.equal(res.headers.get('content-type'), 'image/png');
      assert.equal((await checkOk({ type: 'text', content: 'read only' })).matches, true);
    });
    // The same key may not create a code.
    await expectError(
      await sendJson(ts, reader, '/api/v1/qrcodes', { type: 'text', content: 'read only' }),
      403,
      'FORBIDDEN',
    );
  });
});
