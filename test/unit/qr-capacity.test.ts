import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { payloadCapacityProblem, QR_BYTE_CAPACITY } from '../../src-shared/qr-capacity';

describe('QR byte capacity', () => {
  it('accepts a payload of exactly the capacity and refuses one byte more, per level', () => {
    for (const level of ['L', 'M', 'Q', 'H'] as const) {
      const max = QR_BYTE_CAPACITY[level];
      assert.equal(payloadCapacityProblem('a'.repeat(max), level), null);
      assert.match(payloadCapacityProblem('a'.repeat(max + 1), level)!, new RegExp(`${max + 1} bytes`));
    }
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 東 is 3 bytes in UTF-8: 777 of them are 2,331 bytes, the limit at M.
    assert.equal(payloadCapacityProblem('東'.repeat(777), 'M'), null);
    assert.notEqual(payloadCapacityProblem('東'.repeat(778), 'M'), null);
    // An emoji outside the BMP is 4 bytes (2 UTF-16 code units).
    assert.notEqual(payloadCapacityProblem('🍕'.repeat(583), 'M'), null);
    assert.equal(payloadCapacityProblem('🍕'.repeat(582), 'M'), null);
  });
});
