// A minimal MaxMind DB writer (format spec: https://maxmind.github.io/MaxMind-DB/), enough to
// build a real city file for the tests: GeoLite2-City itself is licensed and not shipped.
export type MmdbValue =
  string | number | { double: number } | { uint64: number } | MmdbValue[] | { [key: string]: MmdbValue };

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
export function buildMmdb(databaseType: string, record: MmdbValue): Buffer {
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

export const MOUNTAIN_VIEW = {
  city: { geoname_id: 5375480, names: { en: 'Mountain View', fr: 'Mountain View' } },
  country: { iso_code: 'US', names: { en: 'United States' } },
  location: { latitude: { double: 37.386 }, longitude: { double: -122.0838 }, accuracy_radius: 1000 },
};
