import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

/**
 * Any exported file as a PNG, opened the way a print workflow opens it:
 * sharp (librsvg, libjpeg, libwebp) for SVG, JPEG and WebP, poppler's
 * pdftoppm for PDF, Ghostscript for EPS. Independent of qrdesk's own
 * rasteriser, so a test that decodes the result checks the file itself.
 */
export async function openExport(bytes: Buffer, format: string, dpi = 150): Promise<Buffer> {
  if (format === 'png') return bytes;
  if (format === 'svg' || format === 'jpeg' || format === 'webp') return sharp(bytes).png().toBuffer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-open-export-'));
  try {
    const file = path.join(dir, `export.${format}`);
    fs.writeFileSync(file, bytes);
    const out = path.join(dir, 'page');
    if (format === 'pdf') execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-singlefile', file, out]);
    else if (format === 'eps') {
      execFileSync('gs', [
        '-q',
        '-dSAFER',
        '-dBATCH',
        '-dNOPAUSE',
        '-dEPSCrop',
        '-sDEVICE=png16m',
        `-r${dpi}`,
        `-sOutputFile=${out}.png`,
        file,
      ]);
    } else throw new Error(`openExport: unknown format ${format}`);
    return fs.readFileSync(`${out}.png`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
