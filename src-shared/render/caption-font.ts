import * as opentypeModule from 'opentype.js';
import type { Font, Glyph } from 'opentype.js';
import type { PathCommand } from './model';

// Node loads the package's UMD build (its API under `default`); bundlers load its ES module.
const opentype = (opentypeModule as unknown as { default?: typeof opentypeModule }).default ?? opentypeModule;

/** The bundled caption fonts (Inter Bold, SIL OFL), in fallback order; they live in resources/fonts. */
export const CAPTION_FONT_FILES = [
  'inter-latin-700-normal.woff',
  'inter-latin-ext-700-normal.woff',
  'inter-cyrillic-700-normal.woff',
  'inter-greek-700-normal.woff',
] as const;

export interface CaptionLayout {
  /** Outlines with the baseline at y = 0 and the text starting at x = 0, in font-size units. */
  path: PathCommand[];
  width: number;
}

export class MissingGlyphError extends Error {
  override name = 'MissingGlyphError';

  constructor(readonly characters: string[]) {
    super(`The caption font has no glyph for ${characters.map((c) => `"${c}"`).join(', ')}`);
  }
}

/**
 * Turns caption text into outlines, so an exported file needs no font and
 * looks the same everywhere. Characters are looked up in each font in turn.
 */
export class CaptionFont {
  private readonly fonts: Font[];

  constructor(files: readonly ArrayBuffer[]) {
    this.fonts = files.map((f) => opentype.parse(f));
  }

  private glyphFor(ch: string): { font: Font; glyph: Glyph } | null {
    for (const font of this.fonts) {
      const glyph = font.charToGlyph(ch);
      if (glyph.index !== 0) return { font, glyph };
    }
    return null;
  }

  /** The characters no bundled font can draw (spaces and line breaks excepted). */
  missing(text: string): string[] {
    return [...new Set([...text].filter((ch) => !/\s/u.test(ch) && this.glyphFor(ch) === null))];
  }

  layout(text: string, fontSize: number): CaptionLayout {
    const missing = this.missing(text);
    if (missing.length) throw new MissingGlyphError(missing);
    const path: PathCommand[] = [];
    let x = 0;
    let previous: { font: Font; glyph: Glyph } | null = null;
    for (const ch of text.replace(/\s+/gu, ' ')) {
      const found = this.glyphFor(ch) ?? this.glyphFor(' ');
      if (!found) continue;
      const scale = fontSize / found.font.unitsPerEm;
      if (previous && previous.font === found.font) {
        x += found.font.getKerningValue(previous.glyph, found.glyph) * scale;
      }
      // opentype.js paths are y-down already, with the baseline at the y given.
      let startX = 0;
      let startY = 0;
      let curX = 0;
      let curY = 0;
      for (const c of found.glyph.getPath(x, 0, fontSize).commands) {
        if (c.type === 'M') {
          path.push({ op: 'M', x: c.x, y: c.y });
          [startX, startY, curX, curY] = [c.x, c.y, c.x, c.y];
        } else if (c.type === 'L') {
          path.push({ op: 'L', x: c.x, y: c.y });
          [curX, curY] = [c.x, c.y];
        } else if (c.type === 'C') {
          path.push({ op: 'C', x1: c.x1, y1: c.y1, x2: c.x2, y2: c.y2, x: c.x, y: c.y });
          [curX, curY] = [c.x, c.y];
        } else if (c.type === 'Q') {
          // Degree elevation: the cubic through the same points as the quadratic.
          path.push({
            op: 'C',
            x1: curX + (2 / 3) * (c.x1 - curX),
            y1: curY + (2 / 3) * (c.y1 - curY),
            x2: c.x + (2 / 3) * (c.x1 - c.x),
            y2: c.y + (2 / 3) * (c.y1 - c.y),
            x: c.x,
            y: c.y,
          });
          [curX, curY] = [c.x, c.y];
        } else if (c.type === 'Z') {
          path.push({ op: 'Z' });
          [curX, curY] = [startX, startY];
        }
      }
      x += (found.glyph.advanceWidth ?? 0) * scale;
      previous = found;
    }
    return { path, width: x };
  }
}
