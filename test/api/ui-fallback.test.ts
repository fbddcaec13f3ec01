/**
 * The UI's own paths: /<section> and anything under it answer the UI's
 * index.html (same CSP and caching as /), so a reload or a bookmark of any
 * page works; every other unknown path stays a 404 in the error envelope, and
 * nothing outside the UI folder can be reached through them or /assets.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UI_SECTIONS } from '../../src-shared/ui-sections';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server';
import { assertEnvelope, expectError, rawRequest } from './support';

const STUB_HTML =
  '<!doctype html><html><head><title>qrdesk stub</title></head><body><div id="root"></div></body></html>\n';
const SECRET = 'top-secret-outside-the-ui-folder';

async function expectIndex(res: Response, what: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, 200, `${what}: ${text.slice(0, 200)}`);
  assert.match(res.headers.get('content-type') ?? '', /text\/html/, what);
  assert.equal(res.headers.get('cache-control'), 'no-cache', what);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'self'/, what);
  assert.match(csp, /frame-ancestors 'none'/, what);
  assert.equal(text, STUB_HTML, what);
}

describe('UI paths with the UI built', () => {
  let ts: TestServer;
  let root: string;
  before(async () => {
    root = tempDataDir('qrdesk-ui-');
    const uiDir = path.join(root, 'ui');
    fs.mkdirSync(path.join(uiDir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(uiDir, 'index.html'), STUB_HTML);
    fs.writeFileSync(path.join(uiDir, 'assets', 'app.js'), 'console.log("app");\n');
    // Files next to the UI folder that no URL may reach.
    fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
    fs.writeFileSync(path.join(root, 'package.json'), SECRET);
    ts = await startTestServer({ uiDir });
  });
  after(async () => {
    await ts.stop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('/ and every section, with or without a deeper path, answer index.html with the UI headers', async () => {
    await expectIndex(await ts.api('/'), '/');
    assert.ok(UI_SECTIONS.includes('library') && UI_SECTIONS.includes('codes'));
    for (const section of UI_SECTIONS) {
      await expectIndex(await ts.api(`/${section}`), `/${section}`);
      await expectIndex(await ts.api(`/${section}/`), `/${section}/`);
      await expectIndex(await ts.api(`/${section}/x/edit?tab=design#top`), `/${section}/x/edit`);
    }
    await expectIndex(await ts.api('/library'), '/library');
    await expectIndex(await ts.api('/codes/x/edit'), '/codes/x/edit');
    await expectIndex(await ts.api('/codes/qr_abc%20d%C3%A9f/edit'), 'an encoded id');
    const head = await ts.api('/library', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  });

  test('the UI paths need no key, and a key changes nothing', async () => {
    await expectIndex(await ts.api('/settings/api-keys', { key: ts.createKey({ scopes: ['read'] }) }), 'with a key');
  });

  test('other unknown paths stay 404 NOT_FOUND in the envelope', async () => {
    for (const p of [
      '/nope',
      '/libraryx',
      '/library.json',
      '/nope/library',
      '/api/v1/nope',
      '/api/v1/library',
      '/api/library',
      '/index.html/library',
      '/r/abc',
    ]) {
      const res = await ts.api(p);
      const envelope = await expectError(res, 404, 'NOT_FOUND');
      assert.ok(!JSON.stringify(envelope).includes('qrdesk stub'), p);
    }
  });

  test('a UI path takes only GET and HEAD: 405 in the envelope otherwise', async () => {
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const res = await rawRequest(ts.apiUrl, '/library', {
        method,
        headers: { 'Content-Type': 'application/json', 'Content-Length': '2' },
        body: '{}',
      });
      assertEnvelope(res.status, res.json(), 405, 'METHOD_NOT_ALLOWED');
    }
  });

  test('path traversal through /assets and the UI paths is refused and reads nothing outside the UI folder', async () => {
    const ok = await ts.api('/assets/app.js');
    assert.equal(ok.status, 200);
    assert.equal(await ok.text(), 'console.log("app");\n');

    // Encoded separators reach the route as one file name: refused before the disk is touched.
    for (const p of [
      '/assets/..%2Fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/%2e%2e%2fsecret.txt',
      '/assets/..%5Csecret.txt',
      '/assets/..%2Findex.html',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/assets/.hidden',
      '/assets/app.js%00.png',
      '/assets/%2F',
      '/assets/',
    ]) {
      const res = await rawRequest(ts.apiUrl, p);
      assert.ok(!res.text.includes(SECRET) && !res.text.includes('root:'), `${p} leaks nothing`);
      assertEnvelope(res.status, res.json(), 404, 'NOT_FOUND');
    }
    // Dot segments resolve as a browser resolves them, before routing: never above the UI folder.
    for (const [p, status] of [
      ['/assets/../secret.txt', 404],
      ['/assets/../../secret.txt', 404],
      ['/assets/%2e%2e/%2e%2e/package.json', 404],
      ['/assets/..', 200],
      ['/assets/%2e%2e', 200],
    ] as const) {
      const res = await rawRequest(ts.apiUrl, p);
      assert.ok(!res.text.includes(SECRET), `${p} leaks nothing`);
      assert.equal(res.status, status, p);
      if (status === 200) {
        assert.equal(res.text, STUB_HTML, `${p} is the home page`);
        assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
        assert.equal(res.headers['cache-control'], 'no-cache', `${p} is not cached as an immutable asset`);
      } else assertEnvelope(res.status, res.json(), 404, 'NOT_FOUND');
    }
    // Under a section, the rest of the path is never read as a file name: it is always the page.
    for (const p of ['/codes/..%2F..%2Fsecret.txt', '/library/../../secret.txt', '/settings/%2e%2e/package.json']) {
      const res = await rawRequest(ts.apiUrl, p);
      assert.ok(!res.text.includes(SECRET), `${p} leaks nothing`);
      assert.ok(res.status === 200 || (res.status >= 400 && res.status < 500), `${p}: ${res.status}`);
      if (res.status === 200) assert.equal(res.text, STUB_HTML, p);
    }
  });
});

describe('UI paths without a built UI', () => {
  let ts: TestServer;
  before(async () => {
    ts = await startTestServer();
  });
  after(() => ts.stop());

  test('/library and /codes/x/edit answer the "not built" page, with the UI headers, as / does', async () => {
    const home = await ts.api('/');
    const homeText = await home.text();
    assert.equal(home.status, 200);
    assert.match(homeText, /has not been built/);
    for (const p of ['/library', '/codes/x/edit']) {
      const res = await ts.api(p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.equal(res.headers.get('content-security-policy'), home.headers.get('content-security-policy'));
      assert.equal(await res.text(), homeText, p);
    }
    await expectError(await ts.api('/nope'), 404, 'NOT_FOUND');
  });
});
