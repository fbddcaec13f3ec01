import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { captureScan, clientAddress, GeoLookup, VisitorHasher, type SaltStore } from '../../src-server/scans/capture';

class MemorySaltStore implements SaltStore {
  readonly salts = new Map<string, Buffer>();
  get(day: string) {
    return this.salts.get(day);
  }
  put(day: string, salt: Buffer) {
    if (!this.salts.has(day)) this.salts.set(day, salt);
  }
  deleteBefore(day: string) {
    for (const key of [...this.salts.keys()]) if (key < day) this.salts.delete(key);
  }
}

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const NOON = Date.UTC(2026, 5, 1, 12);

describe('captureScan', () => {
  let geo: GeoLookup;
  before(async () => {
    geo = await GeoLookup.open({});
  });

  it('describes a phone scan end to end', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => NOON);
    const ip = clientAddress(
      { socket: { remoteAddress: '::ffff:10.0.0.2' }, headers: { 'x-forwarded-for': '6.6.6.6, 212.27.48.10' } },
      'x-forwarded-for',
    );
    const scan = captureScan(
      {
        ip,
        userAgent: IPHONE,
        referer: 'https://www.instagram.com/p/abc?igsh=xyz',
        acceptLanguage: 'fr-FR,fr;q=0.9,en;q=0.8',
      },
      { geo, hasher },
    );
    assert.deepEqual(scan, {
      device: 'mobile',
      os: 'iOS',
      browser: 'Mobile Safari',
      isBot: false,
      referrer: 'instagram.com',
      language: 'fr-FR',
      country: 'FR',
      city: null,
      latitude: null,
      longitude: null,
      visitorHash: hasher.hash('212.27.48.10', IPHONE),
    });
  });

  it('flags a bare script and leaves the optional details empty', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => NOON);
    const scan = captureScan({ ip: '127.0.0.1' }, { geo, hasher });
    assert.equal(scan.isBot, true);
    assert.equal(scan.device, 'other');
    assert.equal(scan.referrer, null);
    assert.equal(scan.language, null);
    assert.equal(scan.country, null);
    assert.equal(typeof scan.visitorHash, 'string');
  });

  it('never returns the address, in any field', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => NOON);
    for (const ip of ['8.8.8.8', '2001:4860:4860::8888', '212.27.48.10']) {
      const scan = captureScan(
        { ip, userAgent: IPHONE, referer: `http://${ip}/`, acceptLanguage: 'en' },
        { geo, hasher },
      );
      assert.ok(!('ip' in scan));
      const serialized = JSON.stringify({ ...scan, referrer: null }); // the referrer is the page's own host
      assert.ok(!serialized.includes(ip), serialized);
      assert.ok(!serialized.includes(Buffer.from(ip).toString('hex')));
    }
  });
});
