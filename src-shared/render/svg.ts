import type { Drawing, Layer, Paint, PathCommand } from './model';

const fractionCache = new Map<number, string>();

function formatFraction(n: number): string {
  const rounded = Math.round(n * 1000) / 1000;
  if (rounded === 0) return '0';
  const text = String(rounded);
  if (text.startsWith('0.')) return text.slice(1);
  if (text.startsWith('-0.')) return '-' + text.slice(2);
  return text;
}

/**
 * A number as SVG wants it: three decimals at most (far below a printer dot
 * at any size we render) and no leading zero. Integers, the common case in
 * module units, skip the rounding; other values are cached, since a drawing
 * repeats the same few fractions (halves, arc radii) thousands of times.
 */
export function num(n: number): string {
  if (n === (n | 0)) return String(n | 0);
  let text = fractionCache.get(n);
  if (text === undefined) {
    text = formatFraction(n);
    if (fractionCache.size > 50_000) fractionCache.clear();
    fractionCache.set(n, text);
  }
  return text;
}

/** Appends a number to path data, with a separator only where SVG needs one. */
function sep(previous: string, next: string): string {
  // A minus sign separates on its own; so does a leading dot after a number that already has one.
  if (previous === '' || next.charCodeAt(0) === 45 /* - */) return next;
  if (next.charCodeAt(0) === 46 /* . */ && previous.includes('.')) return next;
  return ' ' + next;
}

function pair(a: number, b: number): string {
  const x = num(a);
  return x + sep(x, num(b));
}

function list(values: readonly number[]): string {
  let out = '';
  let previous = '';
  for (const v of values) {
    const text = num(v);
    out += sep(previous, text);
    previous = text;
  }
  return out;
}

/**
 * Path data in relative form (h/v for axis-aligned lines), which is what
 * keeps a styled code of a short URL under 10 KB.
 */
export function pathData(commands: readonly PathCommand[]): string {
  let d = '';
  let x = 0;
  let y = 0;
  let startX = 0;
  let startY = 0;
  for (const c of commands) {
    switch (c.op) {
      case 'M':
        d += 'm' + pair(c.x - x, c.y - y);
        x = startX = c.x;
        y = startY = c.y;
        break;
      case 'L':
        if (c.y === y) d += 'h' + num(c.x - x);
        else if (c.x === x) d += 'v' + num(c.y - y);
        else d += 'l' + pair(c.x - x, c.y - y);
        x = c.x;
        y = c.y;
        break;
      case 'A': {
        // Flags are written as separate numbers: some editors mis-read the compact "011" form.
        const r = num(c.r);
        d +=
          'a' +
          r +
          sep(r, r) +
          ' 0 ' +
          (c.large ? '1 ' : '0 ') +
          (c.sweep ? '1' : '0') +
          sep('1', pair(c.x - x, c.y - y));
        x = c.x;
        y = c.y;
        break;
      }
      case 'C':
        d += 'c' + list([c.x1 - x, c.y1 - y, c.x2 - x, c.y2 - y, c.x - x, c.y - y]);
        x = c.x;
        y = c.y;
        break;
      case 'Z':
        d += 'z';
        x = startX;
        y = startY;
        break;
    }
  }
  // The first move is relative to (0, 0), the same as absolute.
  return d.startsWith('m') ? 'M' + d.slice(1) : d;
}

const escapeAttr = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/>/g, '&gt;');

function gradientDef(id: string, paint: Exclude<Paint, { kind: 'solid' }>): string {
  const stops = paint.stops.map((s) => `<stop offset="${num(s.offset)}" stop-color="${s.color}"/>`).join('');
  return paint.kind === 'linear'
    ? `<linearGradient id="${id}" gradientUnits="userSpaceOnUse" x1="${num(paint.x1)}" y1="${num(paint.y1)}" x2="${num(paint.x2)}" y2="${num(paint.y2)}">${stops}</linearGradient>`
    : `<radialGradient id="${id}" gradientUnits="userSpaceOnUse" cx="${num(paint.cx)}" cy="${num(paint.cy)}" r="${num(paint.r)}">${stops}</radialGradient>`;
}

export interface SvgOptions {
  /** Pixel size of the longer side; the other follows the drawing's aspect ratio. Default: one user unit per pixel × 10. */
  size?: number;
  /** A title for screen readers and file browsers. */
  title?: string;
  /** Physical size of the longer side in millimetres: width and height are then written in mm (for print). */
  mm?: number;
}

/**
 * Writes a Drawing as a self-contained SVG: one `<path>` per layer, gradients
 * in `<defs>`, images as data URIs. No clipPath, no script, no external
 * reference, so vector editors open it as plain shapes.
 */
export function drawingToSvg(drawing: Drawing, options: SvgOptions = {}): string {
  const longer = Math.max(drawing.width, drawing.height);
  const scale = (options.size ?? longer * 10) / longer;
  const mmScale = options.mm === undefined ? null : options.mm / longer;
  const width = mmScale === null ? String(Math.round(drawing.width * scale)) : `${num(drawing.width * mmScale)}mm`;
  const height = mmScale === null ? String(Math.round(drawing.height * scale)) : `${num(drawing.height * mmScale)}mm`;
  const defs: string[] = [];
  const body: string[] = [];
  drawing.layers.forEach((layer: Layer, i) => {
    if (layer.path.length === 0) return;
    let fill: string;
    if (layer.paint.kind === 'solid') fill = layer.paint.color;
    else {
      const id = `g${i}`;
      defs.push(gradientDef(id, layer.paint));
      fill = `url(#${id})`;
    }
    const rule = layer.fillRule === 'evenodd' ? ' fill-rule="evenodd"' : '';
    body.push(`<path data-layer="${escapeAttr(layer.name)}" fill="${fill}"${rule} d="${pathData(layer.path)}"/>`);
  });
  for (const image of drawing.images) {
    body.push(
      `<image x="${num(image.x)}" y="${num(image.y)}" width="${num(image.width)}" height="${num(image.height)}" ` +
        `preserveAspectRatio="xMidYMid meet" href="data:${image.mediaType};base64,${image.base64}"/>`,
    );
  }
  const title = options.title ? `<title>${escapeAttr(options.title)}</title>` : '';
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${num(drawing.width)} ${num(drawing.height)}">` +
    title +
    (defs.length ? `<defs>${defs.join('')}</defs>` : '') +
    body.join('') +
    '</svg>'
  );
}
