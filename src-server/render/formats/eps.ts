import type { Drawing, Layer, Paint, PathCommand, PlacedImage } from '../../../src-shared/render/model';
import { hexToCmyk, hexToRgb, psNumber as n, rgbToCmyk } from './color';
import { arcCentre, fitImage, normalizeStops } from './geometry';
import { rawSamples } from './images';
import { pointSize, type SizeOptions } from './size';

export interface EpsOptions extends SizeOptions {
  colorSpace: 'rgb' | 'cmyk';
  title?: string;
}

type Space = 'rgb' | 'cmyk';

const colorValues = (hex: string, space: Space): number[] => (space === 'cmyk' ? hexToCmyk(hex) : hexToRgb(hex));
const deviceSpace = (space: Space) => (space === 'cmyk' ? '/DeviceCMYK' : '/DeviceRGB');

/** DSC comments are 7-bit text; a title keeps its printable ASCII, in a PostScript string. */
function dscText(s: string): string {
  return '(' + s.replace(/[^\x20-\x7e]/g, '?').replace(/[\\()]/g, (c) => '\\' + c) + ')';
}

/** Path operators, with arcs drawn by PostScript's own exact `arc`/`arcn`. */
function pathOps(path: readonly PathCommand[]): string[] {
  const out: string[] = [];
  let current = { x: 0, y: 0 };
  let start = current;
  for (const c of path) {
    switch (c.op) {
      case 'M':
        out.push(`${n(c.x)} ${n(c.y)} M`);
        current = start = { x: c.x, y: c.y };
        break;
      case 'L':
        out.push(`${n(c.x)} ${n(c.y)} L`);
        current = { x: c.x, y: c.y };
        break;
      case 'C':
        out.push(`${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)} C`);
        current = { x: c.x, y: c.y };
        break;
      case 'A': {
        const arc = arcCentre(current, c.r, c.large, c.sweep, { x: c.x, y: c.y });
        if (arc) {
          // User space has y down (like the drawing), so SVG's positive sweep is `arc`'s increasing angle.
          const deg = (rad: number) => (rad * 180) / Math.PI;
          const a1 = deg(arc.start);
          const a2 = deg(arc.start + arc.delta);
          out.push(`${n(arc.cx)} ${n(arc.cy)} ${n(arc.r)} ${n(a1)} ${n(a2)} ${c.sweep ? 'A' : 'AN'}`);
        }
        current = { x: c.x, y: c.y };
        break;
      }
      case 'Z':
        out.push('Z');
        current = start;
        break;
    }
  }
  return out;
}

/** A PostScript Level 3 shading function over the stops: one interpolation, or a stitching of several. */
function shadingFunction(paint: Exclude<Paint, { kind: 'solid' }>, space: Space): string {
  const stops = normalizeStops(paint.stops);
  const pieces = stops.slice(1).map((stop, i) => {
    const c0 = colorValues(stops[i]!.color, space).map(n).join(' ');
    const c1 = colorValues(stop.color, space).map(n).join(' ');
    return `<< /FunctionType 2 /Domain [0 1] /C0 [${c0}] /C1 [${c1}] /N 1 >>`;
  });
  if (pieces.length === 1) return pieces[0]!;
  const bounds = stops.slice(1, -1).map((s) => n(s.offset));
  const encode = pieces.map(() => '0 1').join(' ');
  return `<< /FunctionType 3 /Domain [0 1] /Functions [${pieces.join(' ')}] /Bounds [${bounds.join(' ')}] /Encode [${encode}] >>`;
}

function layerOps(layer: Layer, space: Space): string[] {
  if (layer.path.length === 0) return [];
  const even = layer.fillRule === 'evenodd';
  const { paint } = layer;
  const path = pathOps(layer.path);
  if (paint.kind === 'solid' || paint.stops.length < 2) {
    const color = paint.kind === 'solid' ? paint.color : paint.stops[0]?.color;
    if (color === undefined) return [];
    const setColor = space === 'cmyk' ? 'setcmykcolor' : 'setrgbcolor';
    return [
      `% ${layer.name.replace(/[^\x20-\x7e]/g, '?')}`,
      `${colorValues(color, space).map(n).join(' ')} ${setColor}`,
      'newpath',
      ...path,
      even ? 'eofill' : 'fill',
    ];
  }
  // A gradient is a shading painted through the path as a clip (Level 3 `shfill`).
  const coords =
    paint.kind === 'linear'
      ? `/ShadingType 2 /Coords [${[paint.x1, paint.y1, paint.x2, paint.y2].map(n).join(' ')}]`
      : `/ShadingType 3 /Coords [${[paint.cx, paint.cy, 0, paint.cx, paint.cy, paint.r].map(n).join(' ')}]`;
  return [
    `% ${layer.name.replace(/[^\x20-\x7e]/g, '?')}`,
    'gsave newpath',
    ...path,
    even ? 'eoclip' : 'clip',
    'newpath',
    `<< ${coords} /ColorSpace ${deviceSpace(space)} /Extend [true true] /Function ${shadingFunction(paint, space)} >> shfill`,
    'grestore',
  ];
}

/** Hex data in lines of 64 bytes, ending with the filter's `>` end-of-data mark. */
function hexLines(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  const lines: string[] = [];
  for (let i = 0; i < hex.length; i += 128) lines.push(hex.slice(i, i + 128));
  return lines.join('\n') + '>';
}

/** Packs alpha to a 1-bit mask, rows padded to whole bytes; 1 = transparent (masked out). */
function alphaMask(alpha: Buffer, width: number, height: number): Buffer {
  const rowBytes = Math.ceil(width / 8);
  const mask = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x]! < 128) mask[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
    }
  }
  return mask;
}

async function imageOps(image: PlacedImage, space: Space, scale: number): Promise<string[]> {
  const boxPx = (Math.max(image.width, image.height) * scale * 300) / 72;
  const samples = await rawSamples(image, boxPx);
  const { width: w, height: h } = samples;
  const box = fitImage(image, samples.intrinsic[0], samples.intrinsic[1]);
  let data = samples.rgb;
  if (space === 'cmyk') {
    // The same conversion as vector colours, so a logo's black matches the code's black.
    data = Buffer.alloc(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      const rgb = [samples.rgb[i * 3]! / 255, samples.rgb[i * 3 + 1]! / 255, samples.rgb[i * 3 + 2]! / 255] as const;
      rgbToCmyk([rgb[0], rgb[1], rgb[2]]).forEach((v, c) => (data[i * 4 + c] = Math.round(v * 255)));
    }
  }
  const components = space === 'cmyk' ? 4 : 3;
  const decode = Array.from({ length: components }, () => '0 1').join(' ');
  // User space has y down, so the image's first row lands at the top of its box.
  const matrix = `[${w} 0 0 ${h} 0 0]`;
  const dataDict = `/ImageType 1 /Width ${w} /Height ${h} /BitsPerComponent 8 /Decode [${decode}] /ImageMatrix ${matrix} /DataSource currentfile /ASCIIHexDecode filter`;
  const head = [
    'gsave',
    `${n(box.x)} ${n(box.y)} translate ${n(box.width)} ${n(box.height)} scale`,
    `${deviceSpace(space)} setcolorspace`,
  ];
  if (!samples.alpha) return [...head, `<< ${dataDict} >> image`, hexLines(data), 'grestore'];
  // Transparency: a Level 3 masked image (ImageType 3) with a 1-bit mask from the alpha channel.
  const mask = alphaMask(samples.alpha, w, h);
  return [
    ...head,
    `/qrdeskmask <${mask.toString('hex')}> def`,
    `<< /ImageType 3 /InterleaveType 3 /DataDict << ${dataDict} >> /MaskDict << /ImageType 1 /Width ${w} /Height ${h} /BitsPerComponent 1 /Decode [0 1] /ImageMatrix ${matrix} /DataSource qrdeskmask >> >> image`,
    hexLines(data),
    'grestore',
  ];
}

/**
 * Writes a Drawing as Encapsulated PostScript (EPSF-3.0, Level 3) for print
 * shops: vector paths with exact arcs, shadings for gradients, images as hex
 * samples, RGB or CMYK. No dates or random ids, so the output is repeatable.
 */
export async function drawingToEps(drawing: Drawing, options: EpsOptions): Promise<Buffer> {
  const page = pointSize(drawing, options);
  const scale = page.width / drawing.width;
  const body: string[] = [];
  for (const layer of drawing.layers) body.push(...layerOps(layer, options.colorSpace));
  for (const image of drawing.images) body.push(...(await imageOps(image, options.colorSpace, scale)));
  const lines = [
    '%!PS-Adobe-3.0 EPSF-3.0',
    `%%BoundingBox: 0 0 ${Math.ceil(page.width - 1e-6)} ${Math.ceil(page.height - 1e-6)}`,
    `%%HiResBoundingBox: 0 0 ${n(page.width)} ${n(page.height)}`,
    ...(options.title !== undefined ? [`%%Title: ${dscText(options.title)}`] : []),
    '%%Creator: qrdesk',
    '%%LanguageLevel: 3',
    '%%DocumentData: Clean7Bit',
    '%%EndComments',
    '%%BeginProlog',
    // Our short names live in a private dictionary, not in the importing document's userdict.
    '/qrdeskdict 8 dict def qrdeskdict begin',
    '/M {moveto} bind def /L {lineto} bind def /C {curveto} bind def /Z {closepath} bind def',
    '/A {arc} bind def /AN {arcn} bind def',
    'end',
    '%%EndProlog',
    'save qrdeskdict begin',
    // Drawing units → points, with y down as in the drawing.
    `0 ${n(page.height)} translate ${n(scale)} ${n(-scale)} scale`,
    ...body,
    'end restore',
    'showpage',
    '%%EOF',
    '',
  ];
  return Buffer.from(lines.join('\n'), 'latin1');
}
