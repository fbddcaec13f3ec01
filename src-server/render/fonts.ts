import fs from 'node:fs';
import path from 'node:path';
import type { CaptionFont } from '../../src-shared/render/caption-font';
import { lazy } from '../lazy';
import { resourcesDir } from '../paths';

/**
 * The bundled caption font (Inter Bold: Latin, Greek, Cyrillic), read and
 * parsed on first use. The shared module itself is imported here, not at the
 * top: it brings opentype.js, and the build puts it in a chunk of its own.
 */
export const loadCaptionFont = lazy(async (): Promise<CaptionFont> => {
  const { CaptionFont, CAPTION_FONT_FILES } = await import('../../src-shared/render/caption-font');
  return new CaptionFont(
    CAPTION_FONT_FILES.map((file) => {
      const bytes = fs.readFileSync(path.join(resourcesDir(), 'fonts', file));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    }),
  );
});
