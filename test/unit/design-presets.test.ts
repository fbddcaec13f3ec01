/**
 * The built-in design presets: valid under the design schemas, with stable
 * unique ids, and every one rendered through the server's renderer and read
 * back by ZXing, with none of the warnings the scannability check gives
 * (Night alone is light on dark, on purpose).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BUILT_IN_PRESETS, builtInDesign, isBuiltInPresetId } from '../../src-shared/design-presets';
import { Design, DesignInput } from '../../src-shared/schemas/design';
import { decodeImage } from '../../src-server/render/decoder';
import { QrRenderer } from '../../src-server/render/qr-renderer';
import { checkScannability, MIN_CONTRAST } from '../../src-server/render/scannability';

// Presets never name a logo, so the renderer needs no asset library.
const renderer = new QrRenderer({ getForRender: () => undefined });

const PAYLOADS = ['https://example.com/menu?table=12&lang=fr', 'WIFI:T:WPA;S:Café Été;P:pässwörd 東京;;'];

describe('built-in design presets', () => {
  test('there are 6 to 8, with unique stable ids and names', () => {
    assert.ok(BUILT_IN_PRESETS.length >= 6 && BUILT_IN_PRESETS.length <= 8, `${BUILT_IN_PRESETS.length} presets`);
    const ids = BUILT_IN_PRESETS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    assert.equal(new Set(BUILT_IN_PRESETS.map((p) => p.name)).size, ids.length, 'names are unique');
    for (const id of ids) {
      assert.match(id, /^builtin-[a-z0-9-]+$/);
      assert.ok(id.length <= 64, 'fits IdParams');
      assert.ok(isBuiltInPresetId(id));
    }
    assert.equal(ids[0], 'builtin-classic', 'Classic comes first');
    assert.equal(isBuiltInPresetId('dp_abc'), false);
  });

  for (const preset of BUILT_IN_PRESETS) {
    test(`${preset.name} (${preset.id}) is a valid design`, () => {
      // Its fields are what a client may send, and the complete design is what the API returns.
      assert.deepEqual(DesignInput.parse(preset.fields), preset.fields);
      const design = builtInDesign(preset);
      assert.deepEqual(Design.parse(design), design);
      assert.equal(design.logo, null, 'a built-in names no asset');
    });

    test(`${preset.name} renders to a QR code that decodes, with no warnings`, async () => {
      const design = builtInDesign(preset);
      for (const payload of PAYLOADS) {
        const report = await checkScannability(renderer, payload, design);
        assert.equal(report.matches, true, `${preset.id} reads back: ${JSON.stringify(report)}`);
        assert.ok(report.contrastRatio >= MIN_CONTRAST, `${preset.id} contrast ${report.contrastRatio}`);
        const expected = preset.id === 'builtin-night' ? ['light-on-dark'] : [];
        assert.deepEqual(
          report.warnings.map((w) => w.code),
          expected,
          `${preset.id}: ${report.warnings.map((w) => w.message).join(' ')}`,
        );
        // A small render too, as a phone sees a code across a table: 400 px for a whole code.
        const small = await renderer.render(payload, design, { format: 'png', size: 400, colorSpace: 'rgb' });
        const decoded = await decodeImage(small.bytes, { formats: ['QRCode'] });
        assert.equal(decoded[0]?.text, payload, `${preset.id} at 400 px`);
      }
    });
  }
});
