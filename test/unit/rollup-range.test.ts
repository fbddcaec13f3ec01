import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitRange } from '../../src-server/store/analytics-store';

describe('splitting an hour range for the daily rollups', () => {
  it('keeps leading and trailing hours hourly and the whole UTC days in between daily', () => {
    assert.deepEqual(splitRange(5, 79), { headFrom: 5, headTo: 24, dayFrom: 1, dayTo: 3, tailFrom: 72, tailTo: 79 });
  });

  it('uses no partial hours when the range is whole days', () => {
    assert.deepEqual(splitRange(48, 120), {
      headFrom: 48,
      headTo: 48,
      dayFrom: 2,
      dayTo: 5,
      tailFrom: 120,
      tailTo: 120,
    });
  });

  it('stays hourly when no whole day fits', () => {
    assert.deepEqual(splitRange(5, 30), { headFrom: 5, headTo: 30, dayFrom: 0, dayTo: 0, tailFrom: 0, tailTo: 0 });
    assert.deepEqual(splitRange(24, 47), { headFrom: 24, headTo: 47, dayFrom: 0, dayTo: 0, tailFrom: 0, tailTo: 0 });
  });
});
