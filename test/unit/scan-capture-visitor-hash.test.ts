import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VisitorHasher, type SaltStore } from '../../src-server/scans/capture';

/** The salt table as the lead's store behaves: INSERT OR IGNORE, delete strictly older days. */
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

class FakeClock {
  constructor(public ms: number) {}
  readonly now = () => this.ms;
}

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const DAY1 = Date.UTC(2026, 2, 14, 9, 30);
const DAY1_LATE = Date.UTC(2026, 2, 14, 23, 59, 59, 999);
const DAY2 = Date.UTC(2026, 2, 15, 0, 0, 0);

describe('VisitorHasher', () => {
  it('gives the same hash for the same address and user agent on the same UTC day', () => {
    const clock = new FakeClock(DAY1);
    const hasher = new VisitorHasher(new MemorySaltStore(), clock.now);
    const first = hasher.hash('203.0.113.7', IPHONE);
    clock.ms = DAY1_LATE;
    assert.equal(hasher.hash('203.0.113.7', IPHONE), first);
    assert.match(first, /^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url
  });

  it('tells different user agents and different addresses apart', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => DAY1);
    const base = hasher.hash('203.0.113.7', IPHONE);
    assert.notEqual(hasher.hash('203.0.113.7', ANDROID), base);
    assert.notEqual(hasher.hash('203.0.113.8', IPHONE), base);
    assert.notEqual(hasher.hash('203.0.113.7', undefined), base);
    assert.equal(hasher.hash('203.0.113.7', undefined), hasher.hash('203.0.113.7', ''));
  });

  it('does not confuse the address/user-agent boundary', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => DAY1);
    assert.notEqual(hasher.hash('1.2.3.4', '5 x'), hasher.hash('1.2.3.45', ' x'));
  });

  it('rotates the salt at UTC midnight and deletes the old one', () => {
    const store = new MemorySaltStore();
    const clock = new FakeClock(DAY1);
    const hasher = new VisitorHasher(store, clock.now);
    const before = hasher.hash('203.0.113.7', IPHONE);
    assert.deepEqual([...store.salts.keys()], ['2026-03-14']);
    const oldSalt = store.salts.get('2026-03-14')!;
    assert.equal(oldSalt.length, 32);

    clock.ms = DAY2;
    const after = hasher.hash('203.0.113.7', IPHONE);
    assert.notEqual(after, before);
    assert.deepEqual([...store.salts.keys()], ['2026-03-15']);
    assert.ok(!store.salts.get('2026-03-15')!.equals(oldSalt));
  });

  it('shares the stored salt across instances and restarts', () => {
    const store = new MemorySaltStore();
    const a = new VisitorHasher(store, () => DAY1);
    const b = new VisitorHasher(store, () => DAY1);
    assert.equal(b.hash('198.51.100.1', ANDROID), a.hash('198.51.100.1', ANDROID));
  });

  it('uses the stored salt when another process stored one first', () => {
    const store = new MemorySaltStore();
    const theirs = Buffer.alloc(32, 7);
    let raced = false;
    const racing: SaltStore = {
      get: (day) => store.get(day),
      put: (day, salt) => {
        if (!raced) {
          raced = true;
          store.put(day, theirs); // the other process wins the INSERT OR IGNORE
        }
        store.put(day, salt);
      },
      deleteBefore: (day) => store.deleteBefore(day),
    };
    const mine = new VisitorHasher(racing, () => DAY1);
    const hash = mine.hash('198.51.100.1', ANDROID);
    assert.ok(store.salts.get('2026-03-14')!.equals(theirs));
    assert.equal(new VisitorHasher(store, () => DAY1).hash('198.51.100.1', ANDROID), hash);
  });

  it('deletes salts left by a process that was down at midnight', () => {
    const store = new MemorySaltStore();
    store.put('2026-03-10', Buffer.alloc(32, 1));
    store.put('2026-03-13', Buffer.alloc(32, 2));
    new VisitorHasher(store, () => DAY1).hash('198.51.100.1', ANDROID);
    assert.deepEqual([...store.salts.keys()], ['2026-03-14']);
  });

  it('reads the store once per day, not once per scan', () => {
    const store = new MemorySaltStore();
    let reads = 0;
    const counting: SaltStore = {
      get: (day) => (reads++, store.get(day)),
      put: (day, salt) => store.put(day, salt),
      deleteBefore: (day) => store.deleteBefore(day),
    };
    const hasher = new VisitorHasher(counting, () => DAY1);
    for (let i = 0; i < 100; i++) hasher.hash(`198.51.100.${i}`, ANDROID);
    assert.ok(reads <= 2, `${reads} reads`);
  });

  it('produces a hash that does not reveal the address in any encoding', () => {
    const hasher = new VisitorHasher(new MemorySaltStore(), () => DAY1);
    const addresses = ['203.0.113.7', '8.8.8.8', '2001:db8::1', '10.0.0.1'];
    for (const ip of addresses) {
      const hash = hasher.hash(ip, IPHONE);
      const forms = ipEncodings(ip);
      const haystacks = [
        hash,
        hash.toLowerCase(),
        Buffer.from(hash, 'base64url').toString('hex'),
        Buffer.from(hash, 'base64url').toString('latin1'),
      ];
      for (const haystack of haystacks) {
        for (const form of forms) assert.ok(!haystack.includes(form), `${ip} as ${form} found in ${haystack}`);
      }
      // The raw address bytes must not appear in the digest either.
      assert.ok(!Buffer.from(hash, 'base64url').includes(ipBytes(ip)));
    }
  });
});

function ipBytes(ip: string): Buffer {
  if (ip.includes('.')) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const groups = (s: string) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const left = groups(head!);
  const right = groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const out = Buffer.alloc(16);
  all.forEach((g, i) => out.writeUInt16BE(g, i * 2));
  return out;
}

function ipEncodings(ip: string): string[] {
  const bytes = ipBytes(ip);
  return [
    ip,
    ip.replace(/\./g, ''),
    bytes.toString('hex'),
    bytes.toString('hex').toUpperCase(),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('base64url'),
    Buffer.from(ip).toString('hex'),
    Buffer.from(ip).toString('base64').replace(/=+$/, ''),
    Buffer.from(ip).toString('base64url'),
    ...(bytes.length === 4 ? [String(bytes.readUInt32BE())] : []),
  ].filter((form) => form.length >= 4);
}
