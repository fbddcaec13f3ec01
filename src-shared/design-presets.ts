import { applyDesign, DEFAULT_DESIGN, type Design, type DesignInput } from './schemas/design';

/**
 * The design presets qrdesk ships with. Each is a few fields laid over
 * DEFAULT_DESIGN, so a field added to the design later takes its default here
 * too. Ids are stable (`builtin-…`): the UI and scripts may keep them.
 *
 * Every one is checked by test/unit/design-presets.test.ts: valid under the
 * design schema, rendered and read back by ZXing, with at least 3:1 contrast
 * and none of the styles the scannability check calls hard to read. Night is
 * the one light-on-dark preset; most phone cameras read inverted codes, and
 * the scannability check says so when it is used.
 */
export interface BuiltInPreset {
  id: `builtin-${string}`;
  name: string;
  /** The fields that differ from DEFAULT_DESIGN (no logo: a preset never names an asset of its own). */
  fields: DesignInput;
}

const linear = (rotation: number, ...colors: string[]) => ({
  type: 'linear' as const,
  rotation,
  colorStops: colors.map((color, i) => ({ offset: i / (colors.length - 1), color })),
});

const radial = (...colors: string[]) => ({ ...linear(0, ...colors), type: 'radial' as const });

export const BUILT_IN_PRESETS: readonly BuiltInPreset[] = [
  {
    id: 'builtin-classic',
    name: 'Classic',
    fields: { foregroundColor: '#000000', backgroundColor: '#FFFFFF', dotStyle: 'square' },
  },
  {
    id: 'builtin-rounded-ink',
    name: 'Rounded ink',
    fields: {
      foregroundColor: '#1B1F3B',
      dotStyle: 'rounded',
      cornerSquareStyle: 'extra-rounded',
      cornerDotStyle: 'dot',
    },
  },
  {
    id: 'builtin-dots',
    name: 'Dots',
    fields: {
      foregroundColor: '#222222',
      dotStyle: 'dots',
      cornerSquareStyle: 'dot',
      cornerDotStyle: 'dot',
      errorCorrection: 'Q',
    },
  },
  {
    id: 'builtin-ocean',
    name: 'Ocean gradient',
    fields: {
      foregroundColor: '#0B3C5D',
      gradient: linear(Math.PI / 4, '#0B3C5D', '#1D6FA3'),
      cornerSquareColor: '#0B3C5D',
      dotStyle: 'rounded',
      cornerSquareStyle: 'extra-rounded',
      cornerDotStyle: 'dot',
    },
  },
  {
    id: 'builtin-forest',
    name: 'Forest',
    fields: {
      foregroundColor: '#1E4D2B',
      backgroundColor: '#F6F3EA',
      cornerDotColor: '#2F6B3A',
      dotStyle: 'classy',
      cornerSquareStyle: 'extra-rounded',
      cornerDotStyle: 'square',
    },
  },
  {
    id: 'builtin-sunset',
    name: 'Sunset',
    fields: {
      foregroundColor: '#A3134A',
      backgroundColor: '#FFF8F0',
      gradient: radial('#A3134A', '#C2410C'),
      cornerSquareColor: '#A3134A',
      dotStyle: 'rounded',
      cornerSquareStyle: 'extra-rounded',
      cornerDotStyle: 'dot',
      errorCorrection: 'Q',
    },
  },
  {
    id: 'builtin-night',
    name: 'Night',
    fields: {
      foregroundColor: '#EEF1FF',
      backgroundColor: '#0E1330',
      cornerDotColor: '#9DBBFF',
      dotStyle: 'rounded',
      cornerSquareStyle: 'extra-rounded',
      cornerDotStyle: 'dot',
      errorCorrection: 'Q',
    },
  },
  {
    id: 'builtin-print',
    name: 'Print CMYK-safe',
    // Pure black goes to the K plate alone: no rich black or gradient to blur when plates misregister.
    fields: {
      foregroundColor: '#000000',
      backgroundColor: '#FFFFFF',
      transparentBackground: false,
      dotStyle: 'square',
      cornerSquareStyle: 'square',
      cornerDotStyle: 'square',
      errorCorrection: 'Q',
      margin: 4,
    },
  },
];

/** A built-in preset's complete design. */
export const builtInDesign = (preset: BuiltInPreset): Design => applyDesign(DEFAULT_DESIGN, preset.fields);

export const isBuiltInPresetId = (id: string): boolean => id.startsWith('builtin-');
