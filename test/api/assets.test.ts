/**
 * Logo assets: uploads as raw bodies and multipart forms, typed from their
 * bytes; hostile files (not images, truncated, oversized, bombs, scripted
 * SVG) refused or sanitised with nothing written; the list, the file itself,
 * delete with its in-use check, idempotent retries and the OpenAPI entries.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { startTestServer, type TestServer } from '../helpers/server';
import { assertEnvelope, createCode, expectError, expectValidationError, postChunked } from './support';

interface AssetBody {
  id: string;
  name: string;
  mediaType: string;
  byteSize: number;
  width: number;
  height: number;
  sha256: string;
  createdAt: string;
  contentUrl: string;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 4, background: { r: 200, g: 30, b: 60, alpha: 1 } } });

/** A PNG with detail in it, so that cutting it short leaves pixels undecodable. */
async function noisyPng(): Promise<Buffer> {
  const raw = randomBytes(120 * 90 * 3);
  return sharp(raw, { raw: { width: 120, height: 90, channels: 3 } })
    .png()
    .toBuffer();
}

/** A small PNG whose header claims 100,000 × 100,000 pixels: a decompression bomb as far as any decoder knows. */
async function bombPng(): Promise<Buffer> {
  const png = Buffer.from(await solid(8, 8).png().toBuffer());
  png.writeUInt32BE(100_000, 16);
  png.writeUInt32BE(100_000, 20);
  png.writeUInt32BE(zlib.crc32(png.subarray(12, 29)), 29);
  return png;
}

const CIRCLE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80" viewBox="0 0 120 80">' +
  '<circle cx="60" cy="40" r="30" fill="#dd3333"/></svg>';

const HOSTILE_SVG = `<?xml version="1.0" encoding="UTF-8"?>
<!-- exported by a tool -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100"
     viewBox="0 0 100 100" onload="alert('svg')">
  <script type="text/javascript">alert(document.cookie)</script>
  <style>@import url(http://evil.example/x.css); .c { fill: url(http://evil.example/p.svg#g); }</style>
  <defs><linearGradient id="grad"><stop offset="0" stop-color="#123456"/></linearGradient></defs>
  <circle class="c" cx="50" cy="50" r="40" fill="url(#grad)" onclick="steal()" style="background:url(http://x)"/>
  <path id="mark" d="M10 10 L90 90" stroke="#000" stroke-width="4" onmouseover="steal()"/>
  <foreignObject width="100" height="100"><div xmlns="http://www.w3.org/1999/xhtml">phish</div></foreignObject>
  <a xlink:href="http://evil.example/"><rect x="1" y="1" width="5" height="5"/></a>
  <image href="file:///etc/passwd" width="10" height="10"/>
  <image xlink:href="http://evil.example/track.png" width="10" height="10"/>
  <use href="#mark"/>
  <use xlink:href="https://evil.example/sprite.svg#icon"/>
  <set attributeName="href" to="javascript:alert(1)"/>
</svg>`;

describe('logo assets', () => {
  let ts: TestServer;
  let key: string;
  let readKey: string;
  let png: Buffer;
  let jpeg: Buffer;
  let webp: Buffer;

  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
    readKey = ts.createKey({ scopes: ['read'] });
    png = await solid(40, 30).png().toBuffer();
    jpeg = await solid(64, 48).jpeg().toBuffer();
    webp = await solid(50, 20).webp().toBuffer();
  });
  after(() => ts.stop());

  const assetCount = () => (ts.store.db.prepare('SELECT COUNT(*) AS n FROM assets').get() as { n: number }).n;

  /** Asserts that `fn` adds no row to assets. */
  async function expectNothingWritten(fn: () => Promise<unknown>): Promise<void> {
    const before = assetCount();
    await fn();
    assert.equal(assetCount(), before, 'nothing was written');
  }

  /** POST the file as the raw body, as `curl --data-binary @logo.png` does. */
  function uploadRaw(
    bytes: Uint8Array | string,
    options: { contentType?: string; query?: string; headers?: Record<string, string>; key?: string } = {},
  ): Promise<Response> {
    return ts.api(`/api/v1/assets${options.query ?? ''}`, {
      key: options.key ?? key,
      method: 'POST',
      headers: { 'Content-Type': options.contentType ?? 'application/octet-stream', ...options.headers },
      body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
    });
  }

  /** POST the file as the `file` part of a form, as a browser does. */
  function uploadForm(
    bytes: Uint8Array | string,
    filename: string,
    options: { type?: string; query?: string; field?: string } = {},
  ): Promise<Response> {
    const form = new FormData();
    const part = typeof bytes === 'string' ? bytes : new Uint8Array(bytes);
    form.append(
      options.field ?? 'file',
      new Blob([part], { type: options.type ?? 'application/octet-stream' }),
      filename,
    );
    return ts.api(`/api/v1/assets${options.query ?? ''}`, { key, method: 'POST', body: form });
  }

  async function created(res: Response): Promise<AssetBody> {
    const text = await res.text();
    assert.equal(res.status, 201, text.slice(0, 500));
    const asset = JSON.parse(text) as AssetBody;
    assert.equal(res.headers.get('location'), `/api/v1/assets/${asset.id}`);
    assert.match(asset.id, /^ast_/);
    assert.equal(asset.contentUrl, `/api/v1/assets/${asset.id}/content`);
    assert.ok(!('bytes' in asset), 'metadata never carries the bytes');
    return asset;
  }

  async function content(id: string): Promise<{ res: Response; bytes: Buffer }> {
    const res = await ts.api(`/api/v1/assets/${id}/content`, { key: readKey });
    const bytes = Buffer.from(await res.arrayBuffer());
    assert.equal(res.status, 200, bytes.toString('utf8', 0, 300));
    return { res, bytes };
  }

  const cases = () =>
    [
      { type: 'image/png', bytes: png, width: 40, height: 30, ext: 'png' },
      { type: 'image/jpeg', bytes: jpeg, width: 64, height: 48, ext: 'jpg' },
      { type: 'image/webp', bytes: webp, width: 50, height: 20, ext: 'webp' },
      { type: 'image/svg+xml', bytes: Buffer.from(CIRCLE_SVG), width: 120, height: 80, ext: 'svg' },
    ] as const;

  test('PNG, JPEG, WebP and SVG are accepted as a raw body, and served back as they are', async () => {
    for (const c of cases()) {
      const asset = await created(await uploadRaw(c.bytes, { contentType: c.type }));
      assert.equal(asset.mediaType, c.type);
      assert.equal(asset.name, 'logo', 'a raw body has no file name');
      assert.deepEqual([asset.width, asset.height], [c.width, c.height], c.type);

      const got = await ts.api(`/api/v1/assets/${asset.id}`, { key: readKey });
      assert.equal(got.status, 200);
      assert.deepEqual(await got.json(), asset);

      const { res, bytes } = await content(asset.id);
      assert.equal(res.headers.get('content-type'), c.type);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(res.headers.get('content-disposition') ?? '', new RegExp(`^inline; filename="logo\\.${c.ext}"`));
      assert.equal(bytes.length, asset.byteSize);
      assert.equal(sha256(bytes), asset.sha256);
      if (c.type === 'image/svg+xml') {
        assert.equal(
          res.headers.get('content-security-policy'),
          "default-src 'none'; style-src 'unsafe-inline'; sandbox",
        );
        assert.match(bytes.toString('utf8'), /<circle[^>]+r="30"/);
      } else {
        assert.equal(res.headers.get('content-security-policy'), null);
        assert.ok(bytes.equals(c.bytes), 'raster files are stored byte for byte');
      }
    }
  });

  test('PNG, JPEG, WebP and SVG are accepted as multipart/form-data, named after the file', async () => {
    for (const c of cases()) {
      const asset = await created(await uploadForm(c.bytes, `C:\\fakepath\\Café logo.${c.ext}`, { type: c.type }));
      assert.equal(asset.mediaType, c.type);
      assert.equal(asset.name, `Café logo.${c.ext}`, 'the path a browser may send is dropped');
      assert.deepEqual([asset.width, asset.height], [c.width, c.height]);
      const { res } = await content(asset.id);
      const disposition = res.headers.get('content-disposition') ?? '';
      assert.match(disposition, new RegExp(`filename="Caf_ logo\\.${c.ext}"`), 'an ASCII fallback');
      assert.ok(disposition.includes(`filename*=UTF-8''Caf%C3%A9%20logo.${c.ext}`), disposition);
    }
  });

  test('the name query parameter names the asset; it is checked like every name', async () => {
    const named = await created(await uploadForm(png, 'upload.png', { query: '?name=%20Menu%20logo%20' }));
    assert.equal(named.name, 'Menu logo');
    const empty = await created(await uploadRaw(png, { query: '?name=' }));
    assert.equal(empty.name, 'logo');
    await expectNothingWritten(async () => {
      await expectValidationError(await uploadRaw(png, { query: `?name=${'n'.repeat(101)}` }), 'name');
      await expectValidationError(await uploadRaw(png, { query: '?name=a%07b' }), 'name');
    });
  });

  test('the type comes from the bytes: a PNG sent as photo.jpg with Content-Type image/jpeg is a PNG', async () => {
    const asset = await created(await uploadForm(png, 'photo.jpg', { type: 'image/jpeg' }));
    assert.equal(asset.mediaType, 'image/png');
    const raw = await created(await uploadRaw(png, { contentType: 'image/jpeg' }));
    assert.equal(raw.mediaType, 'image/png');
    const svgAsPng = await created(await uploadRaw(CIRCLE_SVG, { contentType: 'image/png' }));
    assert.equal(svgAsPng.mediaType, 'image/svg+xml');
    const withBom = await created(await uploadRaw(`\uFEFF<?xml version="1.0"?>\n<!-- a logo -->\n${CIRCLE_SVG}`));
    assert.equal(withBom.mediaType, 'image/svg+xml', 'after a BOM, an XML declaration and a comment');
    const { res } = await content(asset.id);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.match(res.headers.get('content-disposition') ?? '', /filename="photo\.png"/, 'named by what it is');
  });

  test('bytes that are not an accepted image are 415 UNSUPPORTED_MEDIA_TYPE and write nothing', async () => {
    const truncated = await noisyPng();
    const gif = await solid(10, 10).gif().toBuffer();
    const hostile: [string, Uint8Array | string, string][] = [
      ['text', 'just some text, not a logo', 'text/plain'],
      ['a PDF', '%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF', 'image/png'],
      ['random bytes', randomBytes(4096), 'image/png'],
      ['a truncated PNG', truncated.subarray(0, Math.floor(truncated.length / 2)), 'image/png'],
      ['only the PNG signature', truncated.subarray(0, 8), 'image/png'],
      ['a GIF', gif, 'image/gif'],
      ['HTML', '<!DOCTYPE html><html><body><svg></svg></body></html>', 'image/svg+xml'],
      ['XML that is not SVG', '<?xml version="1.0"?><note><svg/></note>', 'image/svg+xml'],
      ['an unfinished comment', '<!-- <svg xmlns="http://www.w3.org/2000/svg"/>', 'image/svg+xml'],
      ['UTF-8 that is not', Buffer.concat([Buffer.from('<svg '), Buffer.from([0xff, 0xfe]), Buffer.from('/>')]), ''],
    ];
    for (const [what, bytes, type] of hostile) {
      await expectNothingWritten(async () => {
        const raw = await expectError(
          await uploadRaw(bytes, { contentType: type || undefined }),
          415,
          'UNSUPPORTED_MEDIA_TYPE',
        );
        assert.match(raw.error.message, /image\/png, image\/jpeg, image\/webp, image\/svg\+xml/, what);
        await expectError(await uploadForm(bytes, 'logo.png', { type: 'image/png' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      });
    }
  });

  test('an image over 50 megapixels (a decompression bomb) is 400 and writes nothing', async () => {
    const bomb = await bombPng();
    assert.ok(bomb.length < 200, 'a tiny file');
    await expectNothingWritten(async () => {
      const res = await expectValidationError(await uploadRaw(bomb), 'file');
      assert.match(res.error.message, /100000 × 100000/);
      const huge =
        '<svg xmlns="http://www.w3.org/2000/svg" width="30000" height="30000"><rect width="9" height="9"/></svg>';
      await expectValidationError(await uploadRaw(huge), 'file');
      const embedded =
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
        `<image width="10" height="10" href="data:image/png;base64,${bomb.toString('base64')}"/></svg>`;
      await expectValidationError(await uploadRaw(embedded), 'file');
    });
  });

  test('a 10 MB body is 413 PAYLOAD_TOO_LARGE, with or without Content-Length, and writes nothing', async () => {
    const big = randomBytes(10 * 1024 * 1024);
    await expectNothingWritten(async () => {
      await expectError(await uploadRaw(big, { contentType: 'image/png' }), 413, 'PAYLOAD_TOO_LARGE');
      await expectError(await uploadForm(big, 'big.png'), 413, 'PAYLOAD_TOO_LARGE');
      const chunks = Array.from({ length: 160 }, (_, i) => big.subarray(i * 65536, (i + 1) * 65536));
      const chunked = await postChunked(
        ts.apiUrl,
        '/api/v1/assets',
        { Authorization: `Bearer ${key}`, 'Content-Type': 'image/png' },
        chunks,
      );
      assertEnvelope(chunked.status, JSON.parse(chunked.text), 413, 'PAYLOAD_TOO_LARGE');
    });
  });

  test('a hostile SVG is stored sanitised: no script, handler, foreignObject or external reference', async () => {
    for (const res of [await uploadRaw(HOSTILE_SVG), await uploadForm(HOSTILE_SVG, 'hostile.svg')]) {
      const asset = await created(res);
      assert.equal(asset.mediaType, 'image/svg+xml');
      assert.deepEqual([asset.width, asset.height], [100, 100]);
      const { bytes } = await content(asset.id);
      const svg = bytes.toString('utf8');
      assert.equal(bytes.length, asset.byteSize);
      assert.equal(sha256(bytes), asset.sha256, 'the hash is of the sanitised file');
      for (const banned of [
        /<script/i,
        /alert/,
        /\bon\w+\s*=/i,
        /foreignObject/i,
        /phish/,
        /http:\/\/evil|https:\/\/evil|evil\.example/,
        /file:/,
        /passwd/,
        /url\(http/i,
        /@import/,
        /javascript:/,
        /<set/,
      ]) {
        assert.doesNotMatch(svg, banned);
      }
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, /<circle[^>]*r="40"/, 'the circle is still there');
      assert.match(svg, /<path[^>]*d="M10 10 L90 90"/, 'the path is still there');
      assert.match(svg, /fill="url\(#grad\)"/, 'references inside the document stay');
      assert.match(svg, /<use href="#mark"/, 'a <use> of the same document stays');
      // What is stored still draws.
      const drawn = await sharp(bytes).png().toBuffer();
      assert.ok(drawn.length > 0);
    }
  });

  test('an SVG with nothing drawable left once sanitised is 400 and writes nothing', async () => {
    await expectNothingWritten(async () => {
      const only = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><foreignObject><p>x</p></foreignObject></svg>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="https://x.example/a.png"/></svg>',
      ];
      for (const svg of only) {
        const res = await expectValidationError(await uploadRaw(svg), 'file');
        assert.match(res.error.message, /SVG/);
      }
      const svgInSvg =
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' +
        `<image href="data:image/png;base64,${Buffer.from(CIRCLE_SVG).toString('base64')}"/><rect width="1" height="1"/></svg>`;
      await expectValidationError(await uploadRaw(svgInSvg), 'file');
    });
  });

  test('an SVG may embed PNG, JPEG or WebP images as data: URIs', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="30">' +
      `<image width="40" height="30" href="data:image/png;base64,${png.toString('base64')}"/></svg>`;
    const asset = await created(await uploadRaw(svg));
    const { bytes } = await content(asset.id);
    assert.ok(bytes.toString('utf8').includes(png.toString('base64')));
  });

  test('a missing file is 400', async () => {
    await expectNothingWritten(async () => {
      await expectValidationError(await uploadRaw(''), 'file');
      await expectValidationError(await uploadForm(png, 'logo.png', { field: 'image' }), 'file');
      const form = new FormData();
      form.append('name', 'no file here');
      await expectValidationError(await ts.api('/api/v1/assets', { key, method: 'POST', body: form }), 'file');
      await expectError(
        await uploadRaw(JSON.stringify({ file: 'x' }), { contentType: 'application/json' }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  test('uploading and deleting need the write scope; reading needs read', async () => {
    const asset = await created(await uploadRaw(png));
    await expectNothingWritten(async () => {
      await expectError(await uploadRaw(png, { key: readKey }), 403, 'FORBIDDEN');
    });
    await expectError(await ts.api(`/api/v1/assets/${asset.id}`, { key: readKey, method: 'DELETE' }), 403, 'FORBIDDEN');
    for (const path of ['/api/v1/assets', `/api/v1/assets/${asset.id}`, `/api/v1/assets/${asset.id}/content`]) {
      assert.equal((await ts.api(path, { key: readKey })).status, 200, path);
      await expectError(await ts.api(path), 401, 'UNAUTHORIZED');
    }
  });

  test('an unknown id is 404 NOT_FOUND', async () => {
    for (const [path, method] of [
      ['/api/v1/assets/ast_nope', 'GET'],
      ['/api/v1/assets/ast_nope/content', 'GET'],
      ['/api/v1/assets/ast_nope', 'DELETE'],
    ] as const) {
      await expectError(await ts.api(path, { key, method }), 404, 'NOT_FOUND');
    }
  });

  test('the list is cursor-paginated, newest first, metadata only', async () => {
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await created(await uploadRaw(png, { query: `?name=page-${i}` }))).id);
    const seen: AssetBody[] = [];
    let cursor: string | null = null;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 100);
      const res = await ts.api(`/api/v1/assets?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: readKey });
      assert.equal(res.status, 200);
      const page = (await res.json()) as { data: AssetBody[]; nextCursor: string | null };
      assert.ok(page.data.length <= 2);
      for (const a of page.data) assert.ok(!('bytes' in a));
      seen.push(...page.data);
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    assert.equal(seen.length, assetCount());
    assert.equal(new Set(seen.map((a) => a.id)).size, seen.length, 'no asset twice');
    assert.deepEqual(
      seen.slice(0, 5).map((a) => a.id),
      [...mine].reverse(),
      'newest first',
    );
    const times = seen.map((a) => Date.parse(a.createdAt));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    await expectError(await ts.api('/api/v1/assets?cursor=bm90LWEtY3Vyc29y', { key }), 400, 'INVALID_CURSOR');
    await expectValidationError(await ts.api('/api/v1/assets?limit=201', { key }), 'limit');
  });

  test('delete is 204, then the asset and its file are 404', async () => {
    const asset = await created(await uploadRaw(webp));
    assert.ok(ts.services.assets.getForRender(asset.id), 'the renderer sees it');
    const res = await ts.api(`/api/v1/assets/${asset.id}`, { key, method: 'DELETE' });
    assert.equal(res.status, 204);
    assert.equal(await res.text(), '');
    await expectError(await ts.api(`/api/v1/assets/${asset.id}`, { key }), 404, 'NOT_FOUND');
    await expectError(await ts.api(`/api/v1/assets/${asset.id}/content`, { key }), 404, 'NOT_FOUND');
    await expectError(await ts.api(`/api/v1/assets/${asset.id}`, { key, method: 'DELETE' }), 404, 'NOT_FOUND');
    assert.equal(ts.services.assets.getForRender(asset.id), undefined, 'and no longer sees it');
  });

  test('deleting an asset that QR code designs use is 409 naming how many, unless force=true', async () => {
    const asset = await created(await uploadRaw(png));
    const design = { logo: { assetId: asset.id, size: 0.2, hideBackgroundDots: true } };
    const a = await createCode(ts, key, { name: 'A', type: 'url', content: 'https://a.example', design });
    await createCode(ts, key, { name: 'B', type: 'text', content: 'logo user', design });
    await createCode(ts, key, { name: 'C', type: 'text', content: 'other', design: { logo: null } });
    const trashed = await ts.api(`/api/v1/qrcodes/${a.id}`, { key, method: 'DELETE' });
    assert.equal(trashed.status, 200);

    const refused = await expectError(
      await ts.api(`/api/v1/assets/${asset.id}`, { key, method: 'DELETE' }),
      409,
      'CONFLICT',
    );
    assert.match(refused.error.message, /2 QR codes use this asset/);
    assert.match(refused.error.message, /1 of them in the trash/);
    assert.match(refused.error.message, /force=true/);
    assert.equal((await ts.api(`/api/v1/assets/${asset.id}`, { key })).status, 200, 'still there');

    await expectValidationError(
      await ts.api(`/api/v1/assets/${asset.id}?force=yes`, { key, method: 'DELETE' }),
      'force',
    );
    const forced = await ts.api(`/api/v1/assets/${asset.id}?force=true`, { key, method: 'DELETE' });
    assert.equal(forced.status, 204);
    await expectError(await ts.api(`/api/v1/assets/${asset.id}`, { key }), 404, 'NOT_FOUND');
  });

  test('an Idempotency-Key retry of the same upload replays the same asset; another file with it is 409', async () => {
    const headers = { 'Idempotency-Key': 'logo-upload-1' };
    const first = await created(await uploadRaw(jpeg, { headers }));
    const before = assetCount();
    const retry = await uploadRaw(jpeg, { headers });
    assert.equal(retry.headers.get('idempotent-replayed'), 'true');
    assert.equal((await created(retry)).id, first.id);
    assert.equal(assetCount(), before, 'no second row');
    await expectNothingWritten(async () => {
      await expectError(await uploadRaw(png, { headers }), 409, 'IDEMPOTENCY_CONFLICT');
    });
  });

  test('getForRender hands the renderer the bytes and size, from a small cache', async () => {
    const asset = await created(await uploadRaw(CIRCLE_SVG));
    const first = ts.services.assets.getForRender(asset.id);
    assert.ok(first);
    assert.equal(first.mediaType, 'image/svg+xml');
    assert.deepEqual([first.width, first.height], [120, 80]);
    assert.equal(sha256(first.bytes), asset.sha256);
    assert.equal(ts.services.assets.getForRender(asset.id), first, 'the second call is served from the cache');
    assert.equal(ts.services.assets.getForRender('ast_missing'), undefined);
  });

  test('the OpenAPI document lists the asset operations with their scopes and media types', async () => {
    const doc = (await (await ts.api('/openapi.json')).json()) as {
      tags: { name: string }[];
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    assert.ok(doc.tags.some((t) => t.name === 'Assets'));
    const expected: [string, string, string, string][] = [
      ['/api/v1/assets', 'get', 'read', 'listAssets'],
      ['/api/v1/assets', 'post', 'write', 'uploadAsset'],
      ['/api/v1/assets/{id}', 'get', 'read', 'getAsset'],
      ['/api/v1/assets/{id}/content', 'get', 'read', 'getAssetContent'],
      ['/api/v1/assets/{id}', 'delete', 'write', 'deleteAsset'],
    ];
    for (const [path, method, scope, operationId] of expected) {
      const op = doc.paths[path]?.[method];
      assert.ok(op, `${method} ${path}`);
      assert.equal(op['operationId'], operationId);
      assert.equal(op['x-required-scope'], scope);
      assert.deepEqual(op['tags'], ['Assets']);
    }
    const upload = doc.paths['/api/v1/assets']!['post']!['requestBody'] as { content: Record<string, unknown> };
    assert.deepEqual(Object.keys(upload.content).sort(), ['application/octet-stream', 'multipart/form-data']);
    const responses = doc.paths['/api/v1/assets']!['post']!['responses'] as Record<string, unknown>;
    for (const status of ['201', '400', '403', '409', '413', '415']) assert.ok(responses[status], status);
    const file = (doc.paths['/api/v1/assets/{id}/content']!['get']!['responses'] as Record<string, unknown>)['200'] as {
      content: Record<string, unknown>;
    };
    assert.deepEqual(Object.keys(file.content).sort(), ['image/jpeg', 'image/png', 'image/svg+xml', 'image/webp']);
    const del = doc.paths['/api/v1/assets/{id}']!['delete']!['responses'] as Record<string, unknown>;
    assert.ok(del['204'] && del['409'] && del['404']);
  });
});
