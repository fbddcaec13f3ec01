import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { defaultCountryDbPath, GeoLookup } from '../../src-server/scans/capture';

// A minimal MaxMind DB writer (format spec: https://maxmind.github.io/MaxMind-DB/), enough to
// build a real city file for the tests: GeoLite2-City itself is licensed and not shipped.
type MmdbValue = string | number | { double: number } | { uint64: number } | MmdbValue[] | { [key: string]: MmdbValue };

function control(type: number, size: number): Buffer {
  const sizeBytes = size < 29 ? [] : [size - 29];
  if (size >= 29 + 256) throw new Error('test writer: value too large');
  const sizeBits = size < 29 ? size : 29;
  return type <= 7
    ? Buffer.from([(type << 5) | sizeBits, ...sizeBytes])
    : Buffer.from([sizeBits, type - 7, ...sizeBytes]);
}

function encode(value: MmdbValue): Buffer {
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([control(2, bytes.length), bytes]);
  }
  if (typeof value === 'number') {
    // uint32 (type 6), big-endian, minimal length.
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32BE(value);
    const trimmed = bytes.subarray(bytes.findIndex((b) => b !== 0) === -1 ? 4 : bytes.findIndex((b) => b !== 0));
    return Buffer.concat([control(6, trimmed.length), trimmed]);
  }
  if (Array.isArray(value)) return Buffer.concat([control(11, value.length), ...value.map(encode)]);
  if ('double' in value && typeof value.double === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeDoubleBE(value.double);
    return Buffer.concat([control(3, 8), bytes]);
  }
  if ('uint64' in value && typeof value.uint64 === 'number') {
    const bytes = Buffer.alloc(8);
    bytes.writeBigUInt64BE(BigInt(value.uint64));
    return Buffer.concat([control(9, 8), bytes]);
  }
  const entries = Object.entries(value);
  return Buffer.concat([control(7, entries.length), ...entries.flatMap(([k, v]) => [encode(k), encode(v)])]);
}

/** An IPv6 database whose single node sends every address (IPv4 included) to one record. */
function buildMmdb(databaseType: string, record: MmdbValue): Buffer {
  const nodeCount = 1;
  const pointer = nodeCount + 16; // data section offset 0
  const tree = Buffer.from([0, 0, pointer, 0, 0, pointer]); // record size 24: two 3-byte records
  const metadata = encode({
    node_count: nodeCount,
    record_size: 24,
    ip_version: 6,
    database_type: databaseType,
    languages: ['en'],
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: { uint64: 1_750_000_000 },
    description: { en: 'qrdesk test database' },
  });
  return Buffer.concat([
    tree,
    Buffer.alloc(16),
    encode(record),
    Buffer.from('abcdef4d61784d696e642e636f6d', 'hex'),
    metadata,
  ]);
}

const MOUNTAIN_VIEW = {
  city: { geoname_id: 5375480, names: { en: 'Mountain View', fr: 'Mountain View' } },
  country: { iso_code: 'US', names: { en: 'United States' } },
  location: { latitude: { double: 37.386 }, longitude: { double: -122.0838 }, accuracy_radius: 1000 },
};

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
