import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { primaryLanguage, referrerDomain } from '../../src-server/scans/capture';

describe('referrerDomain', () => {
  const cases: [string | undefined, string | null][] = [
    ['https://www.google.com/', 'google.com'],
    ['https://WWW.Example.COM/path/to/page?q=secret#frag', 'example.com'],
    ['http://news.example.org:8080/a?token=abc', 'news.example.org'],
    ['https://user:password@www.example.com/private', 'example.com'],
    ['https://l.facebook.com/l.php?u=https%3A%2F%2Fexample.com', 'l.facebook.com'],
    ['https://example.com./', 'example.com'],
    ['https://bücher.example/', 'xn--bcher-kva.example'],
    ['https://www.münchen.de/', 'xn--mnchen-3ya.de'],
    ['https://[2001:db8::1]:8443/x', '[2001:db8::1]'],
    ['http://192.0.2.1/', '192.0.2.1'],
    ['https://www.com/', 'www.com'],
    ['https://wwwexample.com/', 'wwwexample.com'],
    ['android-app://com.google.android.gm/', null],
    ['javascript:alert(document.cookie)', null],
    ['data:text/html,<script>alert(1)</script>', null],
    ['file:///etc/passwd', null],
    ['ftp://example.com/file', null],
    ['/relative/path', null],
    ['//example.com/protocol-relative', null],
    ['example.com', null],
    ['', null],
    ['   ', null],
    ['not a url at all', null],
    ['https://', null],
    [undefined, null],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(referrerDomain(header), expected);
    });
  }

  it('never returns the path, query or credentials', () => {
    const domain = referrerDomain('https://alice:hunter2@shop.example.com/orders/42?email=alice%40example.com');
    assert.equal(domain, 'shop.example.com');
  });

  it('keeps the host of a very long referrer', () => {
    assert.equal(referrerDomain(`https://example.net/${'a'.repeat(100_000)}`), 'example.net');
  });
});

describe('primaryLanguage', () => {
  const cases: [string | undefined, string | null][] = [
    ['fr-FR,fr;q=0.9,en-US;q=0.8,en;q=0.7', 'fr-FR'],
    ['fr', 'fr'],
    ['EN-us', 'en-US'],
    ['en;q=0.5, de;q=0.9', 'de'],
    ['de;q=0.9, en;q=0.9', 'de'],
    ['en;q=0.8, fr', 'fr'],
    ['*', null],
    ['*, fr;q=0.5', 'fr'],
    ['*;q=1, es', 'es'],
    ['fr;q=0, en;q=0.1', 'en'],
    ['fr;q=0', null],
    ['fr;q=2, en;q=0.3', 'en'],
    ['fr;q=abc, en;q=0.3', 'en'],
    ['fr;q=0.12345, it;q=0.2', 'it'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['sr-Latn', 'sr-Latn'],
    ['es-419', 'es-419'],
    ['de-CH-1996', 'de-CH'],
    ['en-US-x-private', 'en-US'],
    ['i-klingon, nl', 'nl'],
    ['x-pirate', null],
    ['english', null],
    ['e', null],
    ['fr_FR', null],
    ['<script>', null],
    ['fr-FR\u0000', null],
    ['', null],
    [',,, ;q=1', null],
    [undefined, null],
    [`en-${'a'.repeat(40)}`, null],
  ];
  for (const [header, expected] of cases) {
    it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(primaryLanguage(header), expected);
    });
  }

  it('never returns more than 35 characters', () => {
    const result = primaryLanguage('zh-Hant-TW-aaaaaaaa-bbbbbbbb-cccc');
    assert.equal(result, 'zh-Hant-TW');
    assert.ok((result ?? '').length <= 35);
  });

  it('copes with a 10 KB header quickly, ignoring the entry the cut went through', () => {
    const header = `${'xx-YY;q=0.1, '.repeat(800)}fr;q=1`;
    assert.ok(header.length > 10_000);
    const start = performance.now();
    assert.equal(primaryLanguage(header), 'xx-YY');
    assert.equal(primaryLanguage('de'.repeat(5_000)), null);
    assert.equal(primaryLanguage(`en-US;q=0.5,${'a'.repeat(10_000)}`), 'en-US');
    assert.ok(performance.now() - start < 200);
  });
});
