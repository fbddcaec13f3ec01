import type { Design } from '../schemas/design';

/** WCAG 2 relative luminance of #RRGGBB. */
export function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** WCAG contrast ratio, 1 (none) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Every colour the dark modules can take: solid colours and each gradient stop. */
export function moduleColors(design: Design): string[] {
  const stops = (g: Design['gradient']) => (g ? g.colorStops.map((s) => s.color) : []);
  const colors = design.gradient ? stops(design.gradient) : [design.foregroundColor];
  colors.push(...stops(design.cornerSquareGradient), ...stops(design.cornerDotGradient));
  if (design.cornerSquareColor && !design.cornerSquareGradient) colors.push(design.cornerSquareColor);
  if (design.cornerDotColor && !design.cornerDotGradient) colors.push(design.cornerDotColor);
  return colors;
}

/** Every colour the light background can take; a transparent one counts as the white of paper. */
export function backgroundColors(design: Design): string[] {
  if (design.transparentBackground) return ['#FFFFFF'];
  return design.backgroundGradient
    ? design.backgroundGradient.colorStops.map((s) => s.color)
    : [design.backgroundColor];
}

/** The worst contrast between any module colour and any background colour, and whether modules are the lighter side. */
export function worstContrast(design: Design): { ratio: number; inverted: boolean } {
  let ratio = 21;
  let inverted = false;
  for (const fg of moduleColors(design)) {
    for (const bg of backgroundColors(design)) {
      ratio = Math.min(ratio, contrastRatio(fg, bg));
      if (luminance(fg) > luminance(bg)) inverted = true;
    }
  }
  return { ratio: Math.round(ratio * 100) / 100, inverted };
}
