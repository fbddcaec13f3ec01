import { worstContrast } from '../../src-shared/render/contrast';
import { EC_RECOVERY, encodeQr, logoArea } from '../../src-shared/render/qr';
import type { Design } from '../../src-shared/schemas/design';
import type { ScannabilityReport } from '../../src-shared/schemas/render';
import { decodeImage } from './decoder';
import type { QrRenderer } from './qr-renderer';

type Warning = ScannabilityReport['warnings'][number];

/** Below WCAG's 3:1 many phone cameras lose modules in dim light. */
export const MIN_CONTRAST = 3;

/**
 * Above this share of the level's error budget, a logo leaves too little for
 * print defects and camera blur (measured: see docs/rendering.md).
 */
export const LOGO_BUDGET_SHARE = 0.35;

/**
 * Style combinations that read well when rendered large and clean but fail
 * when small or blurred (measured: docs/rendering.md, "Styles that trouble
 * readers"). Each entry: a test on the design and what to tell the user.
 */
export const HARD_STYLES: { test: (d: Design) => boolean; message: (d: Design) => string }[] = [
  {
    test: (d) => d.cornerSquareStyle === 'dot' && d.cornerDotStyle === 'square',
    message: () =>
      'A square finder centre inside a round finder ring merges with it when printed small or scanned out of focus ' +
      '(0 of 12 test codes read at 3 px a module with blur). Use a round centre, or a square ring.',
  },
  {
    test: (d) => d.dotStyle === 'classy-rounded' || d.dotStyle === 'extra-rounded',
    message: (d) =>
      `The ${d.dotStyle} dots cover less of each module; at 2 px a module at most 2 of 12 test codes read. ` +
      'Print it large, or use square, rounded or classy dots.',
  },
];

/** Every module drawn at least this many pixels wide when rendering for the check. */
const CHECK_PIXELS_PER_MODULE = 6;

/** What the design itself predicts, before any decoding. */
export function designWarnings(
  payload: string,
  design: Design,
  logo: { width: number; height: number } | null,
): Warning[] {
  const warnings: Warning[] = [];
  const { ratio, inverted } = worstContrast(design);
  if (ratio < MIN_CONTRAST) {
    warnings.push({
      code: 'low-contrast',
      message: `Contrast between the modules and the background is ${ratio}:1; keep it at ${MIN_CONTRAST}:1 or more (dark on light).`,
    });
  }
  if (inverted) {
    warnings.push({
      code: 'light-on-dark',
      message: 'The modules are lighter than the background; many readers expect dark modules on a light background.',
    });
  }
  if (design.margin < 4) {
    warnings.push({
      code: 'small-margin',
      message: `The quiet zone is ${design.margin} module${design.margin === 1 ? '' : 's'}; the standard asks for 4, and readers can miss the code without it.`,
    });
  }
  for (const hard of HARD_STYLES) {
    if (hard.test(design)) {
      warnings.push({ code: 'style-hard-to-read', message: hard.message(design) });
    }
  }
  if (design.shape === 'circle') {
    warnings.push({
      code: 'circle-quiet-zone',
      message:
        'The circle shape leaves only one light module around the symbol; test-scan the print before a large run.',
    });
  }
  if (design.logo?.assetId && logo) {
    const count = encodeQr(payload, design.errorCorrection).size;
    const area = logoArea(count, design.logo.size, design.errorCorrection, logo.width, logo.height);
    if (!design.logo.hideBackgroundDots) {
      warnings.push({
        code: 'logo-over-dots',
        message: 'The logo is drawn over modules; readers see it as damage. Turn on hideBackgroundDots.',
      });
    }
    const budget = EC_RECOVERY[design.errorCorrection] * count * count;
    const share = (area.hideX * area.hideY) / budget;
    if (share > LOGO_BUDGET_SHARE) {
      warnings.push({
        code: 'logo-too-large',
        message:
          `The logo hides ${Math.round(share * 100)}% of what error correction ${design.errorCorrection} can restore, ` +
          `leaving little for print flaws and blur; keep logo.size at ${LOGO_BUDGET_SHARE} or under.`,
      });
    }
  }
  return warnings;
}

/**
 * Renders the design, decodes the render with ZXing and reports what a
 * reader saw, with warnings for what tends to fail in print. It warns; it
 * never refuses a design.
 */
export async function checkScannability(
  renderer: QrRenderer,
  payload: string,
  design: Design,
): Promise<ScannabilityReport> {
  const logo = renderer.logoSize(design);
  const drawing = await renderer.drawing(payload, design);
  const size = Math.min(4096, Math.max(600, Math.ceil(drawing.width * CHECK_PIXELS_PER_MODULE)));
  const image = await renderer.render(payload, design, { format: 'png', size, colorSpace: 'rgb' });
  const decoded = (await decodeImage(image.bytes, { formats: ['QRCode'] }))[0] ?? null;
  const warnings = designWarnings(payload, design, logo);
  const matches = decoded?.text === payload;
  if (!matches) {
    warnings.unshift({
      code: 'does-not-decode',
      message: decoded
        ? 'A reader read something other than the content; do not print this design.'
        : 'A reader could not find the code in this design; do not print it as it is.',
    });
  }
  return {
    decodes: decoded !== null,
    decodedText: decoded?.text ?? null,
    matches,
    payload,
    contrastRatio: worstContrast(design).ratio,
    warnings,
  };
}
