/**
 * The desktop window's URL guards (src-main/core/urls.ts), as pure functions:
 * which pages load in the window, which links go to the system browser, which
 * requests may leave the window. Hostile input first.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  appOrigin,
  externalUrl,
  isAllowedRequest,
  isAppUrl,
  MAX_URL_LENGTH,
  navigationDecision,
  windowOpenDecision,
} from '../../src-main/core/urls';

const API = 'http://127.0.0.1:4780';

describe('isAppUrl: only the API listener itself', () => {
  test('the app and its nested UI paths', () => {
    for (const url of [
      `${API}/`,
      `${API}`,
      `${API}/library`,
      `${API}/codes/abc/edit?tab=design#x`,
      'HTTP://127.0.0.1:4780/',
      'http://127.0.0.1:4780/%2e%2e/',
    ]) {
      assert.equal(isAppUrl(url, API), true, url);
    }
  });

  test('other ports, hosts, schemes and user-info tricks are not the app', () => {
    for (const url of [
      'http://127.0.0.1:4781/', // the public listener
      'http://127.0.0.1:47800/',
      'http://127.0.0.1/',
      'http://localhost:4780/', // another origin, even if the same socket
      'https://127.0.0.1:4780/',
      'http://127.0.0.1:4780@evil.example/',
      'http://127.0.0.1:4780:x@evil.example/',
      'http://user:pass@127.0.0.1:4780/',
      'http://evil.example/?http://127.0.0.1:4780/',
      'http://evil.example#http://127.0.0.1:4780/',
      'http://127.0.0.1.evil.example:4780/',
      'ws://127.0.0.1:4780/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:http://127.0.0.1:4780/uuid',
      'about:blank',
      'chrome://settings',
      'devtools://devtools/bundled/inspector.html',
      ' http://127.0.0.1:4780/',
      'http://127.0.0.1:4780/\n',
      'http://127.0.0.1:4780/\u0000',
      'http://127.0.0.1:47\t80/',
      'http://127.0.0.1:4780/\u200b',
      `${API}/${'a'.repeat(MAX_URL_LENGTH)}`,
      '',
      '/library',
      '//127.0.0.1:4780/',
    ]) {
      assert.equal(isAppUrl(url, API), false, JSON.stringify(url));
    }
  });

  test('non-strings are not URLs', () => {
    for (const value of [undefined, null, 42, {}, ['http://127.0.0.1:4780/'], new URL(`${API}/`)]) {
      assert.equal(isAppUrl(value, API), false, String(value));
    }
  });

  test('appOrigin refuses an https or malformed API URL (the app is plain http on loopback)', () => {
    assert.equal(appOrigin('http://127.0.0.1:4780'), 'http://127.0.0.1:4780');
    assert.equal(appOrigin('http://[::1]:4780/'), 'http://[::1]:4780');
    assert.throws(() => appOrigin('https://127.0.0.1:4780'));
    assert.throws(() => appOrigin('not a url'));
  });
});

describe('externalUrl: what may be handed to the system browser', () => {
  test('http and https links pass, normalised', () => {
    assert.equal(externalUrl('https://example.com'), 'https://example.com/');
    assert.equal(externalUrl('http://example.com/a?b=c#d'), 'http://example.com/a?b=c#d');
    assert.equal(externalUrl('HTTPS://EXAMPLE.com/Path'), 'https://example.com/Path');
    assert.equal(externalUrl(`${API}/docs`), `${API}/docs`, 'the API reference opens in the browser');
    assert.equal(externalUrl('https://example.com:8443/x'), 'https://example.com:8443/x');
  });

  test('international names come back as punycode: one unambiguous host', () => {
    // "аpple.com" with a Cyrillic а: the browser gets the xn-- name, never the look-alike.
    assert.equal(externalUrl('https://аpple.com/'), 'https://xn--pple-43d.com/');
    assert.equal(externalUrl('https://xn--pple-43d.com/'), 'https://xn--pple-43d.com/');
    assert.equal(externalUrl('https://münchen.de/'), 'https://xn--mnchen-3ya.de/');
  });

  test('other schemes never leave the app', () => {
    for (const url of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'JaVaScRiPt:alert(1)',
      'file:///etc/passwd',
      'file://server/share/x.exe',
      'FILE:///C:/Windows/System32/calc.exe',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'smb://evil.example/share',
      'ms-msdt:/id PCWDiagnostic',
      'search-ms:query=x',
      'mailto:a@example.com',
      'tel:+331234',
      'ftp://example.com/',
      'ws://example.com/',
      'chrome://settings',
      'about:blank',
      'blob:https://example.com/uuid',
      'view-source:https://example.com',
      'x-apple.systempreferences:',
      'qrdesk://open',
    ]) {
      assert.equal(externalUrl(url), null, url);
    }
  });

  test('credentials, missing hosts, whitespace, controls and overlong URLs are refused', () => {
    for (const url of [
      'https://bank.example@evil.example/',
      'https://user:pass@example.com/',
      'http://127.0.0.1:4780@evil.com/',
      'https://:@example.com/',
      'http:///path',
      'https:///example.com',
      'https:\\\\example.com\\',
      'https:example.com',
      'https://',
      ' https://example.com/',
      'https://example.com/ ',
      'https://exa\tmple.com/',
      'https://example.com/\r\nSet-Cookie: x',
      'https://example.com/\u0000',
      'https://example.com/\u202e',
      'https://example.com/\ufeff',
      `https://example.com/${'a'.repeat(MAX_URL_LENGTH)}`,
      '',
      'example.com',
      '//example.com',
      'https//example.com',
    ]) {
      assert.equal(externalUrl(url), null, JSON.stringify(url));
    }
  });

  test('a URL that grows past the limit when normalised is refused', () => {
    // Each IDN character becomes several ASCII ones: short to the eye, long once punycoded.
    const host = `${'ü'.repeat(60)}.example`;
    const raw = `https://${host}/${'a'.repeat(MAX_URL_LENGTH - 80)}`;
    assert.ok(raw.length <= MAX_URL_LENGTH);
    assert.equal(externalUrl(raw), null);
  });

  test('non-strings are refused', () => {
    for (const value of [undefined, null, 1, {}, [], new URL('https://example.com/')]) {
      assert.equal(externalUrl(value), null);
    }
  });
});

describe('navigation and new windows', () => {
  test('the app navigates within itself', () => {
    assert.deepEqual(navigationDecision(`${API}/settings`, API), { allow: true });
  });

  test('an http(s) link elsewhere stays out of the window and opens in the browser', () => {
    assert.deepEqual(navigationDecision('https://example.com/menu', API), {
      allow: false,
      openExternal: 'https://example.com/menu',
    });
    assert.deepEqual(navigationDecision('http://127.0.0.1:4781/r/abc', API), {
      allow: false,
      openExternal: 'http://127.0.0.1:4781/r/abc',
    });
  });

  test('anything else goes nowhere', () => {
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'http://127.0.0.1:4780@evil.com/', 'about:blank']) {
      assert.deepEqual(navigationDecision(url, API), { allow: false, openExternal: null }, url);
    }
  });

  test('window.open never opens a window: http(s) goes to the browser, the rest nowhere', () => {
    assert.deepEqual(windowOpenDecision(`${API}/docs`), { openExternal: `${API}/docs` });
    assert.deepEqual(windowOpenDecision('https://example.com'), { openExternal: 'https://example.com/' });
    assert.deepEqual(windowOpenDecision('file:///etc/passwd'), { openExternal: null });
    assert.deepEqual(windowOpenDecision('about:blank'), { openExternal: null });
  });
});

describe('isAllowedRequest: what the window may fetch', () => {
  test('its own origin and the data:/blob: URLs the UI makes', () => {
    for (const url of [
      `${API}/api/v1/qrcodes`,
      `${API}/assets/index.js`,
      'data:image/png;base64,iVBORw0KGgo=',
      'blob:http://127.0.0.1:4780/2f1c',
    ]) {
      assert.equal(isAllowedRequest(url, API), true, url);
    }
  });

  test('nothing from the internet, another local port, or the file system', () => {
    for (const url of [
      'https://fonts.googleapis.com/css',
      'https://cdn.example.com/x.js',
      'http://127.0.0.1:4781/r/abc',
      'http://localhost:4780/api/v1/qrcodes',
      'http://127.0.0.1:9222/json',
      'file:///etc/passwd',
      'ws://127.0.0.1:4780/',
      42,
    ]) {
      assert.equal(isAllowedRequest(url, API), false, String(url));
    }
  });
});
