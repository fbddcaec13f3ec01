/**
 * The style engine runs in the browser too (the designer's live preview draws
 * with it): bundled for the browser with no Node built-ins, it draws a code
 * in Chromium, caption included, and the SVG it returns is the one Node draws.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import { CAPTION_FONT_FILES, CaptionFont } from '../../src-shared/render/caption-font';
import { qrDrawing } from '../../src-shared/render/qr';
import { drawingToSvg } from '../../src-shared/render/svg';
import { DEFAULT_DESIGN, type Design } from '../../src-shared/schemas/design';
import { decodeImage } from '../../src-server/render/decoder';
import { launchChromium } from '../helpers/browser';
import { ROOT } from '../helpers/cli';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(() => browser?.close());

const ENTRY = `
  import { qrDrawing } from './src-shared/render/qr';
  import { drawingToSvg } from './src-shared/render/svg';
  import { CaptionFont } from './src-shared/render/caption-font';
  globalThis.renderInBrowser = (payload, design, fonts) =>
    drawingToSvg(qrDrawing(payload, design, { font: new CaptionFont(fonts.map((b) => new Uint8Array(b).buffer)) }), { size: 400 });
`;

test('the engine bundles for the browser and draws the same SVG in Chromium as in Node', async () => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: ROOT, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  const fontFiles = CAPTION_FONT_FILES.map((f) => [...fs.readFileSync(path.join(ROOT, 'resources', 'fonts', f))]);
  const payload = 'https://example.com/menu?table=12 — café';
  const design: Design = {
    ...DEFAULT_DESIGN,
    dotStyle: 'classy-rounded',
    cornerSquareStyle: 'extra-rounded',
    frame: { text: 'Scan me — Café', color: '#1A1A2E', textColor: null },
  };

  const page = await browser.newPage();
  await page.setContent('<!doctype html><html><body></body></html>');
  await page.addScriptTag({ content: script });
  const inBrowser = await page.evaluate(
    ([p, d, f]) => (globalThis as unknown as { renderInBrowser: (...a: unknown[]) => string }).renderInBrowser(p, d, f),
    [payload, design, fontFiles] as const,
  );
  await page.close();

  const font = new CaptionFont(
    CAPTION_FONT_FILES.map((f) => {
      const b = fs.readFileSync(path.join(ROOT, 'resources', 'fonts', f));
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    }),
  );
  assert.equal(inBrowser, drawingToSvg(qrDrawing(payload, design, { font }), { size: 400 }));
  const png = await sharp(Buffer.from(inBrowser)).png().toBuffer();
  assert.equal((await decodeImage(png))[0]?.text, payload);
});
