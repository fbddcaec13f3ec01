import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeUserAgent, MAX_USER_AGENT_LENGTH } from '../../src-server/scans/capture';

const UA = {
  iPhoneSafari:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidChrome:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  samsungInternet:
    'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36',
  iPad: 'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  androidTablet:
    'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  windowsEdge:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87',
  macFirefox: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0',
  linuxFirefox: 'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
  chromebook:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  playstation: 'Mozilla/5.0 (PlayStation; PlayStation 5/2.26) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  googlebot: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  googlebotSmartphone:
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.126 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  curl: 'curl/8.5.0',
  facebook: 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  whatsApp: 'WhatsApp/2.23.20.0',
  headlessChrome:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.0.0 Safari/537.36',
  pythonRequests: 'python-requests/2.31.0',
};

describe('describeUserAgent', () => {
  const humans: [keyof typeof UA, string, string | null, string | null][] = [
    ['iPhoneSafari', 'mobile', 'iOS', 'Mobile Safari'],
    ['androidChrome', 'mobile', 'Android', 'Chrome'],
    ['samsungInternet', 'mobile', 'Android', 'Samsung Internet'],
    ['iPad', 'tablet', 'iOS', 'Mobile Safari'],
    ['androidTablet', 'tablet', 'Android', 'Chrome'],
    ['windowsEdge', 'desktop', 'Windows', 'Edge'],
    ['macFirefox', 'desktop', 'macOS', 'Firefox'],
    ['linuxFirefox', 'desktop', 'Linux', 'Firefox'],
    ['chromebook', 'desktop', 'ChromeOS', 'Chrome'],
    ['playstation', 'other', 'PlayStation', 'WebKit'],
  ];
  for (const [name, device, os, browser] of humans) {
    it(`classifies ${name} as a ${device} human`, () => {
      assert.deepEqual(describeUserAgent(UA[name]), { device, os, browser, isBot: false });
    });
  }

  const bots: (keyof typeof UA)[] = [
    'googlebot',
    'googlebotSmartphone',
    'curl',
    'facebook',
    'whatsApp',
    'headlessChrome',
    'pythonRequests',
  ];
  for (const name of bots) {
    it(`flags ${name} as a bot`, () => {
      assert.equal(describeUserAgent(UA[name]).isBot, true);
    });
  }

  it('still describes the device a bot claims (Googlebot smartphone)', () => {
    assert.deepEqual(describeUserAgent(UA.googlebotSmartphone), {
      device: 'mobile',
      os: 'Android',
      browser: 'Chrome',
      isBot: true,
    });
    assert.deepEqual(describeUserAgent(UA.curl), { device: 'other', os: null, browser: null, isBot: true });
  });

  it('treats a missing or blank user agent as a bot with nothing known', () => {
    for (const ua of [undefined, '', '   ']) {
      assert.deepEqual(describeUserAgent(ua), { device: 'other', os: null, browser: null, isBot: true });
    }
  });

  it('reports families without versions', () => {
    const details = describeUserAgent(UA.windowsEdge);
    assert.ok(!/\d/.test(`${details.os}${details.browser}`));
  });

  it('caps very long user agents and does not hang on hostile input', () => {
    const start = performance.now();
    const padded = describeUserAgent(UA.iPhoneSafari + ' '.repeat(5) + 'x'.repeat(100_000));
    const hostile = describeUserAgent('Mozilla/5.0 ('.repeat(10_000));
    assert.equal(padded.device, 'mobile');
    assert.equal(typeof hostile.isBot, 'boolean');
    assert.ok(performance.now() - start < 1000);
    assert.equal(MAX_USER_AGENT_LENGTH, 512);
  });

  it('returns the same answer from its cache, and the cached object cannot be altered', () => {
    const first = describeUserAgent(UA.androidChrome);
    const second = describeUserAgent(UA.androidChrome);
    assert.deepEqual(second, first);
    assert.ok(Object.isFrozen(second));
  });

  it('stays correct past the cache size', () => {
    for (let i = 0; i < 1500; i++) {
      describeUserAgent(`Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/${i}.0`);
    }
    assert.deepEqual(describeUserAgent(UA.iPad), {
      device: 'tablet',
      os: 'iOS',
      browser: 'Mobile Safari',
      isBot: false,
    });
  });
});
