import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { defaultCountryDbPath, GeoLookup } from '../../src-server/scans/capture';
import { COUNTRY_DB_FILE } from '../../src-server/scans/capture/geo';
import { buildMmdb, MOUNTAIN_VIEW } from '../helpers/mmdb';
import { ROOT } from '../helpers/cli';

describe('GeoLookup', () => {
  let geo: GeoLookup;
  let dir: string;

  before(async () => {
    geo = await GeoLookup.open({});
    dir = await mkdtemp(join(tmpdir(), 'qrdesk-geo-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the bundled country database inside node_modules', () => {
    const path = defaultCountryDbPath();
    assert.match(path, /geo-whois-asn-country\.mmdb$/);
    assert.ok(existsSync(path));
  });

  it('looks up real public addresses offline (country only without a city file)', () => {
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', city: null, latitude: null, longitude: null });
    assert.equal(geo.lookup('2001:4860:4860::8888').country, 'US');
    // What the bundled database says today (checked by hand): Cloudflare's resolver is
    // registered in Australia, RIPE NCC's own server in the Netherlands, Free's in France.
    assert.equal(geo.lookup('1.1.1.1').country, 'AU');
    assert.equal(geo.lookup('193.0.6.139').country, 'NL');
    assert.equal(geo.lookup('212.27.48.10').country, 'FR');
    for (const ip of ['1.1.1.1', '193.0.6.139', '212.27.48.10', '2a00:1450:4007:80c::200e', '9.9.9.9']) {
      assert.match(geo.lookup(ip).country ?? '', /^[A-Z]{2}$/, ip);
    }
  });

  it('normalises IPv4-mapped addresses before the lookup', () => {
    assert.equal(geo.lookup('::ffff:8.8.8.8').country, 'US');
  });

  it('answers all nulls for private, loopback, reserved and malformed addresses', () => {
    const nowhere = { country: null, city: null, latitude: null, longitude: null };
    const addresses = [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.5.4',
      '192.168.1.1', // the database has a registrant country for this range; it must not be used
      '100.64.0.1',
      '169.254.1.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '192.0.2.1',
      '::1',
      '::',
      'fe80::1',
      'fd12:3456::1',
      'ff02::1',
      '2001:db8::1',
      '::ffff:127.0.0.1',
      '::ffff:192.168.0.1',
      '',
      'localhost',
      'not an ip',
      '1.2.3.4.5',
    ];
    for (const ip of addresses) assert.deepEqual(geo.lookup(ip), nowhere, ip);
  });

  it('adds city and coordinates from a city database, whose country wins', async () => {
    const path = join(dir, 'GeoLite2-City.mmdb');
    await writeFile(path, buildMmdb('GeoLite2-City', MOUNTAIN_VIEW));
    const withCities = await GeoLookup.open({ cityDbPath: path });
    assert.deepEqual(withCities.lookup('8.8.8.8'), {
      country: 'US',
      city: 'Mountain View',
      latitude: 37.386,
      longitude: -122.0838,
    });
    // The test file maps every address to Mountain View, US: its country beats the bundled AU.
    assert.equal(withCities.lookup('1.1.1.1').country, 'US');
    assert.deepEqual(withCities.lookup('192.168.1.1'), { country: null, city: null, latitude: null, longitude: null });
  });

  it('falls back to the bundled country when the city record has none', async () => {
    const path = join(dir, 'partial-city.mmdb');
    await writeFile(
      path,
      buildMmdb('GeoLite2-City', { location: { latitude: { double: 1000 }, longitude: { double: 2.35 } } }),
    );
    const partial = await GeoLookup.open({ cityDbPath: path });
    assert.deepEqual(partial.lookup('212.27.48.10'), { country: 'FR', city: null, latitude: null, longitude: 2.35 });
  });

  it('treats a null or empty city path as no city database', async () => {
    assert.equal((await GeoLookup.open({ cityDbPath: null })).lookup('8.8.8.8').city, null);
    assert.equal((await GeoLookup.open({ cityDbPath: '' })).lookup('8.8.8.8').city, null);
  });

  it('refuses a missing city file with an error naming the path', async () => {
    const missing = join(dir, 'nope', 'GeoLite2-City.mmdb');
    await assert.rejects(GeoLookup.open({ cityDbPath: missing }), (error: Error) => {
      assert.ok(error.message.includes(missing), error.message);
      assert.match(error.message, /city database/);
      return true;
    });
  });

  it('refuses a file that is not a MaxMind database', async () => {
    const garbage = join(dir, 'garbage.mmdb');
    await writeFile(garbage, 'this is not a database'.repeat(100));
    await assert.rejects(GeoLookup.open({ cityDbPath: garbage }), (error: Error) => {
      assert.ok(error.message.includes(garbage), error.message);
      return true;
    });
  });

  it('refuses a valid database that has no cities', async () => {
    await assert.rejects(GeoLookup.open({ cityDbPath: defaultCountryDbPath() }), /not a city one/);
    const countryOnly = join(dir, 'GeoLite2-Country.mmdb');
    await writeFile(countryOnly, buildMmdb('GeoLite2-Country', { country: { iso_code: 'DE' } }));
    await assert.rejects(GeoLookup.open({ cityDbPath: countryOnly }), (error: Error) => {
      assert.ok(error.message.includes(countryOnly), error.message);
      return true;
    });
  });

  it('reads a MaxMind-style country file given as the country database', async () => {
    const countryOnly = join(dir, 'GeoLite2-Country-alt.mmdb');
    await writeFile(countryOnly, buildMmdb('GeoLite2-Country', { country: { iso_code: 'de' } }));
    const alt = await GeoLookup.open({ countryDbPath: countryOnly });
    assert.equal(alt.lookup('8.8.8.8').country, 'DE');
  });

  it('refuses a missing country database with an error naming the path', async () => {
    const missing = join(dir, 'missing-country.mmdb');
    await assert.rejects(GeoLookup.open({ countryDbPath: missing }), (error: Error) => error.message.includes(missing));
  });
});

test('the country database is read from the copy shipped in resources/geo (made by the build)', () => {
  // npm test builds first; the build copies the CC0 database from its npm package into resources.
  const shipped = join(ROOT, 'resources', 'geo', COUNTRY_DB_FILE);
  assert.ok(existsSync(shipped), 'run npm run build:server first');
  assert.equal(defaultCountryDbPath(), shipped);
});
