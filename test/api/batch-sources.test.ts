/**
 * Batch sources over HTTP: CSV uploads as raw bodies and multipart forms,
 * with what was detected; the validation preview of a mapping; refusals
 * (oversized, 200 MB, binary, UTF-16 without BOM, empty, too many rows,
 * wrong scope, unknown ids, hostile mappings) answered with a clear 4xx and
 * nothing written.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import type { BatchPreview, BatchSource, BatchSourceCreated } from '../../src-shared/schemas/batches';
import { startTestServer, type TestServer } from '../helpers/server';
import { expectError, expectValidationError } from './support';

const MB = 1024 * 1024;

describe('batch sources', () => {
  let ts: TestServer;
  let key: string;
  let readKey: string;
  let sourcesDir: string;

  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    readKey = ts.createKey({ scopes: ['read'] });
    sourcesDir = path.join(ts.dataDir, 'batch-sources');
  });
  after(() => ts.stop());

  const upload = (
    body: string | Uint8Array,
    { query = '', contentType = 'text/csv', as = key }: { query?: string; contentType?: string; as?: string } = {},
  ) =>
    ts.api(`/api/v1/batch-sources${query}`, {
      key: as,
      method: 'POST',
      headers: { 'Content-Type': contentType },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  const uploadForm = (body: string | Uint8Array, filename: string, query = '') => {
    const form = new FormData();
    form.append(
      'file',
      new Blob([typeof body === 'string' ? body : new Uint8Array(body)], { type: 'text/csv' }),
      filename,
    );
    return ts.api(`/api/v1/batch-sources${query}`, { key, method: 'POST', body: form });
  };

  const created = async (res: Response): Promise<BatchSourceCreated> => {
    const text = await res.text();
    assert.equal(res.status, 201, text);
    return JSON.parse(text) as BatchSourceCreated;
  };

  const preview = (body: unknown, as = readKey) =>
    ts.api('/api/v1/batches/preview', {
      key: as,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });

  const sourceCount = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM batch_sources').get() as { n: number }).n;
  const storedFiles = () => (fs.existsSync(sourcesDir) ? fs.readdirSync(sourcesDir).sort() : []);

  async function expectNothingWritten(run: () => Promise<void>) {
    const rows = sourceCount();
    const files = storedFiles();
    await run();
    assert.equal(sourceCount(), rows, 'no source recorded');
    assert.deepEqual(storedFiles(), files, 'no file stored');
  }

  /**
   * Streams `total` bytes of CSV-looking text in 1 MB chunks, pulled as the
   * socket takes them; resolves with the answer and how much was pulled.
   */
  function streamUpload(total: number, options: { contentLength?: boolean; multipart?: boolean } = {}) {
    const url = new URL(ts.apiUrl);
    const boundary = 'qrdeskboundary7MA4YWxkTrZu0gW';
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const chunk = Buffer.from('sku,name\n'.repeat(Math.ceil(MB / 9))).subarray(0, MB);
    let pulled = 0;
    let sentHead = !options.multipart;
    const body = new Readable({
      read() {
        if (!sentHead) {
          sentHead = true;
          this.push(head);
          return;
        }
        if (pulled >= total) {
          if (options.multipart) this.push(tail);
          this.push(null);
          return;
        }
        const part = chunk.subarray(0, Math.min(chunk.length, total - pulled));
        pulled += part.length;
        this.push(part);
      },
    });
    const headers: Record<string, string> = {
      Authorization: `Bearer ${key}`,
      'Content-Type': options.multipart ? `multipart/form-data; boundary=${boundary}` : 'text/csv',
    };
    if (options.contentLength) {
      headers['Content-Length'] = String(total + (options.multipart ? head.length + tail.length : 0));
    }
    const started = performance.now();
    return new Promise<{ status: number; body: unknown; pulled: number; ms: number }>((resolve, reject) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: '/api/v1/batch-sources', method: 'POST', agent: false, headers },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), pulled, ms: performance.now() - started });
            body.destroy();
            req.destroy();
          });
        },
      );
      // The server answers and stops reading before we have sent everything.
      req.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      });
      body.pipe(req);
    });
  }

  describe('upload', () => {
    test('a raw CSV body: detected, counted, sampled, stored as uploaded with mode 0600', async () => {
      const csv =
        'sku,name,url\nA-1,Crème brûlée,https://shop.example/p/1\nB-2,"Tea, green",https://shop.example/p/2\n';
      const res = await upload(csv, { query: '?name=Menu%20items' });
      const source = await created(res);
      assert.match(source.id, /^bsrc_/);
      assert.equal(res.headers.get('location'), `/api/v1/batch-sources/${source.id}`);
      assert.deepEqual(
        { ...source, id: undefined, createdAt: undefined },
        {
          id: undefined,
          createdAt: undefined,
          name: 'Menu items',
          byteSize: Buffer.byteLength(csv),
          encoding: 'utf-8',
          delimiter: ',',
          hasHeader: true,
          trim: true,
          headers: ['sku', 'name', 'url'],
          columnCount: 3,
          rowCount: 2,
          sample: [
            ['A-1', 'Crème brûlée', 'https://shop.example/p/1'],
            ['B-2', 'Tea, green', 'https://shop.example/p/2'],
          ],
          problems: [],
          problemCount: 0,
        },
      );
      const file = path.join(sourcesDir, `${source.id}.csv`);
      assert.equal(fs.readFileSync(file, 'utf8'), csv);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(fs.statSync(sourcesDir).mode & 0o777, 0o700);
    });

    test('multipart/form-data, Windows-1252 with semicolons, named after the file', async () => {
      const bytes = Buffer.concat([
        Buffer.from('produit;prix\nCaf'),
        Buffer.from([0xe9]),
        Buffer.from(';2,50 '),
        Buffer.from([0x80]),
        Buffer.from('\n'),
      ]);
      const source = await created(await uploadForm(bytes, 'C:\\fakepath\\Prix été.csv'));
      assert.equal(source.name, 'Prix été.csv');
      assert.equal(source.encoding, 'windows-1252');
      assert.equal(source.delimiter, ';');
      assert.deepEqual(source.sample, [['Café', '2,50 €']]);
    });

    test('UTF-8 with a BOM, and UTF-16 with a BOM', async () => {
      const bom = await created(await upload(Buffer.from('\ufeffsku\tname\n1\tTé\n')));
      assert.equal(bom.encoding, 'utf-8-bom');
      assert.deepEqual(bom.headers, ['sku', 'name']);
      const utf16 = await created(
        await upload(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('sku\tname\n1\t東京\n', 'utf16le')])),
      );
      assert.equal(utf16.encoding, 'utf-16le');
      assert.deepEqual(utf16.sample, [['1', '東京']]);
    });

    test('reading options: delimiter, header, encoding, trim', async () => {
      const source = await created(
        await upload('a|b\n  1,5 |x\n', { query: '?delimiter=pipe&header=false&encoding=windows-1252&trim=false' }),
      );
      assert.equal(source.delimiter, '|');
      assert.equal(source.hasHeader, false);
      assert.equal(source.headers, null);
      assert.equal(source.encoding, 'windows-1252');
      assert.deepEqual(source.sample, [
        ['a', 'b'],
        ['  1,5 ', 'x'],
      ]);
      await expectValidationError(await upload('a\n1\n', { query: '?delimiter=x' }), 'delimiter');
      await expectValidationError(await upload('a\n1\n', { query: '?header=maybe' }), 'header');
      await expectValidationError(await upload('a\n1\n', { query: '?encoding=latin9' }), 'encoding');
    });

    test('ragged rows are listed with their row and line, never padded', async () => {
      const source = await created(await upload('a,b,c\n1,2,3\n4,5\n\n6,7,8,9\n'));
      assert.equal(source.rowCount, 3);
      assert.equal(source.problemCount, 2);
      assert.deepEqual(
        source.problems.map((p) => [p.row, p.line]),
        [
          [2, 3],
          [3, 5],
        ],
      );
      assert.match(source.problems[0]!.message, /2 cells where the header has 3/);
      assert.deepEqual(source.sample[1], ['4', '5']);
    });

    test('cells starting with =, +, - or @ are kept verbatim', async () => {
      const source = await created(await upload("name,phone\n=cmd|' /C calc'!A0,+33 1 23 45 67 89\n@SUM(1),-\n"));
      assert.deepEqual(source.sample, [
        ["=cmd|' /C calc'!A0", '+33 1 23 45 67 89'],
        ['@SUM(1)', '-'],
      ]);
    });

    test('an Idempotency-Key retry replays the same source; nothing is stored twice', async () => {
      const send = () =>
        ts.api('/api/v1/batch-sources', {
          key,
          method: 'POST',
          headers: { 'Content-Type': 'text/csv', 'Idempotency-Key': 'batch-upload-1' },
          body: 'a\n1\n',
        });
      const first = await created(await send());
      const rows = sourceCount();
      const again = await send();
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(((await again.json()) as BatchSource).id, first.id);
      assert.equal(sourceCount(), rows);
    });
  });

  describe('refused uploads write nothing', () => {
    test('over 64 MB streamed without Content-Length is 413', async () => {
      await expectNothingWritten(async () => {
        const res = await streamUpload(65 * MB);
        assert.equal(res.status, 413);
        assert.equal((res.body as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
      });
    });

    test('a 200 MB file with its Content-Length is refused before it is read', async () => {
      await expectNothingWritten(async () => {
        const res = await streamUpload(200 * MB, { contentLength: true });
        assert.equal(res.status, 413);
        assert.equal((res.body as { error: { code: string } }).error.code, 'PAYLOAD_TOO_LARGE');
        assert.ok(res.pulled < 32 * MB, `only what the sockets buffer was sent: ${res.pulled / MB} MB`);
        console.log(
          `# 200 MB upload refused after ${(res.pulled / MB).toFixed(0)} MB sent, in ${res.ms.toFixed(0)} ms`,
        );
      });
    });

    test('a multipart form over 64 MB is 413', async () => {
      await expectNothingWritten(async () => {
        const streamed = await streamUpload(65 * MB, { multipart: true });
        assert.equal(streamed.status, 413);
        const declared = await streamUpload(200 * MB, { multipart: true, contentLength: true });
        assert.equal(declared.status, 413);
        assert.ok(declared.pulled < 32 * MB);
      });
    });

    test('binary files are 415 with a message saying what they are', async () => {
      await expectNothingWritten(async () => {
        const cases: [Uint8Array, RegExp][] = [
          [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]), /PNG image/],
          [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0]), /ZIP archive \(an Excel \.xlsx/],
          [Buffer.from('sku,name\n1,Tea\n', 'utf16le'), /UTF-16 text without a byte order mark/],
          [Buffer.from('sku,name\n1,T\0ea\n'), /NUL bytes/],
        ];
        for (const [bytes, message] of cases) {
          const body = await expectError(
            await upload(bytes, { contentType: 'application/octet-stream' }),
            415,
            'UNSUPPORTED_MEDIA_TYPE',
          );
          assert.match(body.error.message, message);
        }
        // A JSON body is not a file.
        await expectError(await upload('{"a":1}', { contentType: 'application/json' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    });

    test('empty files, header-only files and unreadable CSV are 400 saying why', async () => {
      await expectNothingWritten(async () => {
        await expectValidationError(await upload(''), 'file');
        for (const [csv, message] of [
          ['\n\n', /no rows/],
          ['sku,name\n', /header row but no data rows/],
          ['a,b\n1,"open\n2,3\n', /Line 2: a quoted cell .* never closed/],
        ] as const) {
          const body = await expectValidationError(await upload(csv), 'file');
          assert.match(body.error.message, message);
        }
      });
    });

    test('more than 100,000 data rows is 413 naming the limit', async () => {
      await expectNothingWritten(async () => {
        const csv = 'n\n' + Array.from({ length: 100_001 }, (_, i) => i).join('\n') + '\n';
        const body = await expectError(await upload(csv), 413, 'PAYLOAD_TOO_LARGE');
        assert.match(body.error.message, /more than 100,000 data rows/);
      });
    });

    test('uploading needs the write scope; no key is 401', async () => {
      await expectNothingWritten(async () => {
        await expectError(await upload('a\n1\n', { as: readKey }), 403, 'FORBIDDEN');
        const res = await ts.api('/api/v1/batch-sources', {
          method: 'POST',
          headers: { 'Content-Type': 'text/csv' },
          body: 'a\n1\n',
        });
        await expectError(res, 401, 'UNAUTHORIZED');
      });
    });
  });

  describe('get and delete', () => {
    test('get shows what was detected and the first 10 rows; delete removes the record and the file', async () => {
      const rows = Array.from({ length: 25 }, (_, i) => `${i + 1};Item ${i + 1}`).join('\n');
      const source = await created(await upload(`id;name\n${rows}\n`));
      const got = await ts.api(`/api/v1/batch-sources/${source.id}`, { key: readKey });
      assert.equal(got.status, 200);
      const body = (await got.json()) as BatchSource;
      // The upload's answer, less its problem list; the sample is the same first 10 rows.
      assert.deepEqual({ ...body, problems: source.problems, problemCount: source.problemCount }, source);
      assert.equal(body.sample.length, 10);
      assert.deepEqual(body.sample[9], ['10', 'Item 10']);

      await expectError(
        await ts.api(`/api/v1/batch-sources/${source.id}`, { key: readKey, method: 'DELETE' }),
        403,
        'FORBIDDEN',
      );
      const file = path.join(sourcesDir, `${source.id}.csv`);
      assert.ok(fs.existsSync(file));
      const del = await ts.api(`/api/v1/batch-sources/${source.id}`, { key, method: 'DELETE' });
      assert.equal(del.status, 204);
      assert.equal(fs.existsSync(file), false);
      await expectError(await ts.api(`/api/v1/batch-sources/${source.id}`, { key: readKey }), 404, 'NOT_FOUND');
      await expectError(
        await ts.api(`/api/v1/batch-sources/${source.id}`, { key, method: 'DELETE' }),
        404,
        'NOT_FOUND',
      );
    });

    test('an unknown id is 404; an oversized one is 400', async () => {
      await expectError(await ts.api('/api/v1/batch-sources/bsrc_nope', { key: readKey }), 404, 'NOT_FOUND');
      await expectValidationError(await ts.api(`/api/v1/batch-sources/${'x'.repeat(65)}`, { key: readKey }), 'id');
    });
  });

  describe('preview', () => {
    let wifi: BatchSourceCreated;
    let gtins: BatchSourceCreated;

    before(async () => {
      wifi = await created(
        await upload(
          'SSID,Password,Colour,File\n' +
            'Café Guest,croissant42,#1A1A2E,../../etc/passwd\n' +
            'Bar,short,#00FF00,bar\n' +
            ',longenough1,red,x\n' +
            `Big,longenough2,#000000,${'n'.repeat(300)}\n`,
        ),
      );
      gtins = await created(await upload('sku,gtin\nA,400638133393\nB,4006381333932\n'));
    });

    const wifiSpec = () => ({
      sourceId: wifi.id,
      type: 'wifi',
      mapping: {
        content: { ssid: 'SSID', password: 'Password', encryption: { const: 'WPA' } },
        name: { template: 'Wi-Fi {column:SSID} #{seq}' },
        fileName: 'File',
        caption: { const: 'Scan to join' },
        design: { foregroundColor: 'Colour' },
      },
      seq: { start: 1, step: 1, padding: 3 },
      design: { errorCorrection: 'Q' },
    });

    test('the report lists each problem with its row, line and column; the first rows come encoded', async () => {
      const res = await preview(wifiSpec());
      assert.equal(res.status, 200);
      const body = (await res.json()) as BatchPreview;
      assert.equal(body.sourceId, wifi.id);
      assert.equal(body.report.totalRows, 4);
      assert.equal(body.report.validRows, 2);
      assert.deepEqual(
        body.report.problems.map((p) => [p.row, p.line, p.column, p.columnIndex, p.field]),
        [
          [2, 3, 'Password', 2, 'content.password'],
          [3, 4, 'SSID', 1, 'content.ssid'],
          [3, 4, 'Colour', 3, 'design.foregroundColor'],
        ],
      );
      const first = body.rows[0]!;
      assert.deepEqual(first, {
        row: 1,
        line: 2,
        seq: '001',
        valid: true,
        payload: 'WIFI:T:WPA;S:Café Guest;P:croissant42;;',
        content: { ssid: 'Café Guest', password: 'croissant42', encryption: 'WPA', hidden: false },
        name: 'Wi-Fi Café Guest #001',
        // The path-like cell is made a plain, safe file name.
        fileName: '_.._etc_passwd',
        caption: 'Scan to join',
        design: { errorCorrection: 'Q', foregroundColor: '#1A1A2E' },
      });
      assert.equal(body.rows[1]!.valid, false);
      assert.equal(body.rows[1]!.payload, null);
      // A 300-character file name is cut to 100.
      assert.equal(body.rows[3]!.fileName, 'n'.repeat(100));
    });

    test('a barcode batch: GTIN-12 completed to EAN-13; a wrong check digit names the right one', async () => {
      const res = await preview({ sourceId: gtins.id, barcodeFormat: 'EAN13', mapping: { value: 'gtin' } });
      const body = (await res.json()) as BatchPreview;
      assert.equal(res.status, 200, JSON.stringify(body));
      assert.equal(body.rows[0]!.payload, '4006381333931');
      assert.deepEqual(body.report.problems[0], {
        row: 2,
        line: 3,
        column: 'gtin',
        columnIndex: 2,
        field: 'value',
        message: 'EAN-13 check digit should be 1, not 2',
      });
    });

    test('mapping mistakes are 400 naming each one', async () => {
      const res = await preview({
        sourceId: wifi.id,
        type: 'wifi',
        mapping: { content: { ssid: 'Network', pass: 'Password' }, design: { colour: 'Colour' } },
      });
      const body = await expectValidationError(res, 'mapping.content.ssid');
      assert.deepEqual(
        body.error.details!.map((d) => d.path),
        ['mapping.content.ssid', 'mapping.content.pass', 'mapping.design.colour'],
      );
      assert.match(body.error.details![0]!.message, /No column "Network" in the file; its columns are "SSID"/);
    });

    test('hostile bodies: wrong types, oversized strings, unknown fields, both type and format', async () => {
      const base = wifiSpec();
      const cases: [unknown, string][] = [
        [{ ...base, mapping: { ...base.mapping, content: ['SSID'] } }, 'mapping.content'],
        [{ ...base, mapping: { ...base.mapping, name: { template: 'x'.repeat(2001) } } }, 'mapping.name.template'],
        [{ ...base, mapping: { ...base.mapping, caption: { const: 'y'.repeat(5000) } } }, 'mapping.caption.const'],
        [
          { ...base, mapping: { ...base.mapping, fileName: { template: '{../../etc/passwd}' } } },
          'mapping.fileName.template',
        ],
        [{ ...base, mapping: { ...base.mapping, extra: 'x' } }, 'mapping.extra'],
        [{ ...base, evil: true }, 'evil'],
        [{ ...base, barcodeFormat: 'EAN13' }, 'type'],
        [{ ...base, type: 'telepathy' }, 'type'],
        [{ ...base, seq: { start: -1, step: 0, padding: 99 } }, 'seq.start'],
        [{ ...base, design: { foregroundColor: 'red' } }, 'design.foregroundColor'],
        [{ ...base, sourceId: 42 }, 'sourceId'],
        [{ ...base, mapping: { ...base.mapping, content: { ssid: { column: 5000 } } } }, 'mapping.content.ssid.column'],
      ];
      await expectNothingWritten(async () => {
        for (const [body, pathName] of cases) await expectValidationError(await preview(body), pathName);
        await expectError(
          await ts.api('/api/v1/batches/preview', {
            key: readKey,
            method: 'POST',
            body: 'not json',
            headers: { 'Content-Type': 'application/json' },
          }),
          400,
          'INVALID_BODY',
        );
      });
    });

    test('an unknown source is 404; the preview writes nothing', async () => {
      await expectNothingWritten(async () => {
        await expectError(await preview({ ...wifiSpec(), sourceId: 'bsrc_nope' }), 404, 'NOT_FOUND');
        assert.equal((await preview(wifiSpec())).status, 200);
      });
    });

    test('100,000 rows are checked in one preview', async () => {
      const lines = ['sku,url'];
      for (let i = 1; i <= 100_000; i++) lines.push(`SKU-${i},https://shop.example/p/${i}`);
      const source = await created(await upload(lines.join('\n')));
      assert.equal(source.rowCount, 100_000);
      const started = performance.now();
      const res = await preview({
        sourceId: source.id,
        type: 'url',
        mapping: { content: 'url', fileName: { template: '{column:sku}' } },
      });
      const body = (await res.json()) as BatchPreview;
      assert.equal(res.status, 200);
      assert.equal(body.report.validRows, 100_000);
      assert.equal(body.rows.length, 20);
      console.log(`# preview of 100,000 url rows: ${(performance.now() - started).toFixed(0)} ms`);
    });
  });

  test('the OpenAPI document lists the batch operations with their scopes', async () => {
    const doc = (await (await ts.api('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { tags: string[]; 'x-required-scope': string; requestBody?: unknown }>>;
      tags: { name: string }[];
    };
    assert.ok(doc.tags.some((t) => t.name === 'Batches'));
    const expected: [string, string, string][] = [
      ['/api/v1/batch-sources', 'post', 'write'],
      ['/api/v1/batch-sources/{id}', 'get', 'read'],
      ['/api/v1/batch-sources/{id}', 'delete', 'write'],
      ['/api/v1/batches/preview', 'post', 'read'],
    ];
    for (const [p, method, scope] of expected) {
      const op = doc.paths[p]![method]!;
      assert.deepEqual(op.tags, ['Batches']);
      assert.equal(op['x-required-scope'], scope, `${method} ${p}`);
    }
    assert.ok(doc.paths['/api/v1/batch-sources']!.post!.requestBody);
  });
});
