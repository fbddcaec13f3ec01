/**
 * The encoder wrapper: the mask is chosen by scoring masks on one encoding,
 * which is only right if unmasking, re-masking and rewriting the format bits
 * give exactly the symbol lean-qr draws with that mask. Checked for every
 * version and level.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { correction, generate, mode, type Mask } from 'lean-qr';
import { utf8Bytes } from '../../src-shared/payloads/encoding';
import {
  alignmentCentres,
  formatBits,
  maskPatterns,
  writeFormatBits,
} from '../../src-shared/render/qr/function-modules';
import { bestMask, encodeQr, QrCapacityError } from '../../src-shared/render/qr/matrix';
import { maskPenalty } from '../../src-shared/render/qr/penalty';

const LEVELS = { L: correction.L, M: correction.M, Q: correction.Q, H: correction.H } as const;

function leanQr(bytes: Uint8Array, level: keyof typeof LEVELS, mask: number, version?: number) {
  const b = generate(mode.bytes(bytes), {
    minCorrectionLevel: LEVELS[level],
    maxCorrectionLevel: LEVELS[level],
    mask: mask as Mask,
    ...(version ? { minVersion: version, maxVersion: version } : {}),
  });
  const dark = new Uint8Array(b.size * b.size);
  for (let r = 0; r < b.size; r++) for (let c = 0; c < b.size; c++) dark[r * b.size + c] = b.get(c, r) ? 1 : 0;
  return { size: b.size, dark };
}

/** A payload of `n` bytes that varies with n, so each version sees different data. */
const payloadOf = (n: number) =>
  Array.from({ length: n }, (_, i) => String.fromCharCode(33 + ((i * 7 + n) % 90))).join('');

describe('mask reconstruction', () => {
  test('alignment pattern centres match ISO/IEC 18004 annex E', () => {
    assert.deepEqual(alignmentCentres(1), []);
    assert.deepEqual(alignmentCentres(2), [6, 18]);
    assert.deepEqual(alignmentCentres(7), [6, 22, 38]);
    assert.deepEqual(alignmentCentres(32), [6, 34, 60, 86, 112, 138]);
    assert.deepEqual(alignmentCentres(40), [6, 30, 58, 86, 114, 142, 170]);
  });

  test('every mask of every version and level equals lean-qr drawing that mask', () => {
    let compared = 0;
    for (const level of ['L', 'M', 'Q', 'H'] as const) {
      for (let version = 1; version <= 40; version++) {
        const bytes = utf8Bytes(payloadOf(version * 3));
        const base = leanQr(bytes, level, 0, version);
        const { size } = base;
        assert.equal(size, version * 4 + 17);
        const patterns = maskPatterns(size);
        for (let mask = 0; mask < 8; mask++) {
          const ours = new Uint8Array(base.dark.length);
          for (let i = 0; i < ours.length; i++) ours[i] = base.dark[i]! ^ patterns[0]![i]! ^ patterns[mask]![i]!;
          writeFormatBits(ours, size, formatBits(level, mask));
          assert.deepEqual(ours, leanQr(bytes, level, mask, version).dark, `v${version}, level ${level}, mask ${mask}`);
          compared++;
        }
      }
    }
    assert.equal(compared, 40 * 4 * 8);
  });

  test('encodeQr is lean-qr with the lowest-penalty mask', () => {
    for (const text of ['https://example.com/menu', 'WIFI:T:WPA;S:Café;P:secret;;', payloadOf(500)]) {
      for (const level of ['L', 'H'] as const) {
        const bytes = utf8Bytes(text);
        const encoded = encodeQr(text, level);
        const mask = bestMask(leanQr(bytes, level, 0), level);
        assert.deepEqual(encoded.dark, leanQr(bytes, level, mask).dark);
        const scores = Array.from({ length: 8 }, (_, m) => maskPenalty(leanQr(bytes, level, m).dark, encoded.size));
        assert.equal(Math.min(...scores), scores[mask], `mask ${mask} has the lowest penalty`);
      }
    }
  });

  test('a payload beyond capacity is a QrCapacityError', () => {
    assert.throws(() => encodeQr('x'.repeat(1274), 'H'), QrCapacityError);
    assert.equal(encodeQr('x'.repeat(1273), 'H').size, 177);
  });
});

describe('mask penalty', () => {
  test('scores the four ISO rules', () => {
    // 21×21 all light: runs (21-5+3 = 19 per line × 42 lines), 2×2 blocks (20×20×3), no finder-like
    // pattern, and a dark share of 0% (10 × 9).
    const light = new Uint8Array(21 * 21);
    assert.equal(maskPenalty(light, 21), 42 * 19 + 400 * 3 + 90);
  });
});
