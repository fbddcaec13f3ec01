import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '../../src-server/errors';
import { decodeCursor, encodeCursor, toPage } from '../../src-server/store/pagination';

describe('page cursors', () => {
  it('round-trip and stay opaque (URL-safe, no raw id visible)', () => {
    const cursor = encodeCursor({ createdAt: 1_795_000_000_123, id: 'key_abc' });
    assert.match(cursor, /^[A-Za-z0-9_-]+$/);
    assert.ok(!cursor.includes('key_abc'));
    assert.deepEqual(decodeCursor(cursor), { createdAt: 1_795_000_000_123, id: 'key_abc' });
  });

  it('treat an absent cursor as the first page', () => {
    assert.equal(decodeCursor(undefined), undefined);
  });

  const malformed: [string, string][] = [
    ['not base64url', '***'],
    ['empty', ''],
    ['not JSON', Buffer.from('hello').toString('base64url')],
    ['JSON object', Buffer.from('{"a":1}').toString('base64url')],
    ['wrong arity', Buffer.from('[1]').toString('base64url')],
    ['float time', Buffer.from('[1.5,"x"]').toString('base64url')],
    ['empty id', Buffer.from('[1,""]').toString('base64url')],
    ['huge id', Buffer.from(JSON.stringify([1, 'x'.repeat(100)])).toString('base64url')],
    ['too long', 'A'.repeat(600)],
  ];
  for (const [label, raw] of malformed) {
    it(`refuse a malformed cursor (${label}) with INVALID_CURSOR`, () => {
      assert.throws(
        () => decodeCursor(raw),
        (err: unknown) => err instanceof AppError && err.code === 'INVALID_CURSOR' && err.status === 400,
      );
    });
  }

  it('split limit + 1 rows into a page and the cursor after its last row', () => {
    const rows = [3, 2, 1].map((n) => ({ id: `k${n}`, created_at: n }));
    const page = toPage(rows, 2);
    assert.deepEqual(
      page.rows.map((r) => r.id),
      ['k3', 'k2'],
    );
    assert.deepEqual(decodeCursor(page.nextCursor!), { createdAt: 2, id: 'k2' });
    assert.equal(toPage(rows, 3).nextCursor, null);
  });
});
