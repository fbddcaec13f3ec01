// Draws the app and tray icons from resources/icon.svg with sharp, and packs the
// Windows .ico and macOS .icns from the same PNGs (both formats hold PNGs as they are).
// Run `node scripts/make-icons.mjs` after changing the SVG; the outputs are committed.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'resources', 'icons');
const svg = fs.readFileSync(path.join(root, 'resources', 'icon.svg'));
// The mark alone, for the tray: white on the coloured square is the app icon; the macOS
// menu bar wants a black "template" image that the system tints for light and dark bars.
const MARK =
  'M7 7h8v8H7zm2 2v4h4V9zm8-2h8v8h-8zm2 2v4h4V9zM7 17h8v8H7zm2 2v4h4v-4zm8-2h3v3h-3zm5 0h3v3h-3zm-5 5h3v3h-3zm5 0h3v3h-3zm-2.5-2.5h3v3h-3z';
const trayTemplateSvg = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="6 6 20 20"><path fill="#000" d="${MARK}"/></svg>`,
);
// The coloured tray icon uses the whole square (no platform margin): tray slots are tiny.
const trayColourSvg = Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#4f46e5"/><path fill="#fff" d="${MARK}"/></svg>`,
);

const APP_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** Rasterises an SVG `width` units wide at `size` px (the density that gives at least that many pixels). */
const png = (source, width, size) =>
  sharp(source, { density: Math.max(1, Math.ceil((72 * size) / width)) })
    .resize(size, size)
    .png({ compressionLevel: 9 })
    .toBuffer();

/** An .ico whose entries are PNGs (read by Windows Vista and later), largest last. */
function ico(entries) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  const dir = Buffer.alloc(16 * entries.length);
  let offset = 6 + dir.length;
  entries.forEach(({ size, data }, i) => {
    const at = i * 16;
    dir.writeUInt8(size >= 256 ? 0 : size, at);
    dir.writeUInt8(size >= 256 ? 0 : size, at + 1);
    dir.writeUInt16LE(1, at + 4); // colour planes
    dir.writeUInt16LE(32, at + 6); // bits per pixel
    dir.writeUInt32LE(data.length, at + 8);
    dir.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([header, dir, ...entries.map((e) => e.data)]);
}

/** An .icns of PNG entries (OSType → PNG bytes). */
function icns(entries) {
  const chunks = entries.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((n, c) => n + c.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

fs.mkdirSync(path.join(out, 'tray'), { recursive: true });
const app = new Map();
for (const size of APP_SIZES) {
  const data = await png(svg, 1024, size);
  app.set(size, data);
  fs.writeFileSync(path.join(out, `${size}x${size}.png`), data);
}
fs.writeFileSync(
  path.join(out, 'icon.ico'),
  ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: app.get(size) }))),
);
fs.writeFileSync(
  path.join(out, 'icon.icns'),
  icns([
    { type: 'icp4', data: app.get(16) },
    { type: 'icp5', data: app.get(32) },
    { type: 'icp6', data: app.get(64) },
    { type: 'ic07', data: app.get(128) },
    { type: 'ic08', data: app.get(256) },
    { type: 'ic09', data: app.get(512) },
    { type: 'ic10', data: app.get(1024) },
  ]),
);
// Tray: 16 px at 1x, 32 px at 2x (Electron picks the @2x file on high-density screens).
for (const [name, source, width] of [
  ['tray', trayColourSvg, 32],
  ['trayTemplate', trayTemplateSvg, 20],
]) {
  fs.writeFileSync(path.join(out, 'tray', `${name}.png`), await png(source, width, 16));
  fs.writeFileSync(path.join(out, 'tray', `${name}@2x.png`), await png(source, width, 32));
}
console.log(`icons written to ${path.relative(root, out)}`);
