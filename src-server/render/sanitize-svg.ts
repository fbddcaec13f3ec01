import { createRequire } from 'node:module';
import type { Config, DOMPurify } from 'dompurify';

/*
 * Uploaded SVG logos are served back to browsers and drawn into exports, so
 * nothing in them may run or fetch: no scripts, no event handlers, no
 * foreignObject (HTML inside SVG), and no reference to anything outside the
 * document. DOMPurify (SVG profile) does the parsing and the allow-list; the
 * hooks below add the "nothing external" rule, which DOMPurify does not have.
 */

// The few DOM members used here. jsdom is loaded untyped on purpose: its types
// would pull the DOM lib into the whole server's type-check.
interface XmlAttr {
  name: string;
  localName: string;
  value: string;
}
interface XmlElement {
  localName: string;
  textContent: string | null;
  attributes: ArrayLike<XmlAttr>;
  children: ArrayLike<XmlElement>;
  getAttribute(name: string): string | null;
  setAttribute(name: string, value: string): void;
  removeAttribute(name: string): void;
  querySelectorAll(selector: string): ArrayLike<XmlElement>;
}

const require = createRequire(import.meta.url);

interface Purifier {
  purify: DOMPurify;
  serialize: (el: XmlElement) => string;
}
let purifier: Purifier | undefined;

const EMBEDDED_RASTER = /^data:image\/(?:png|jpeg|webp)[;,]/i;

/** The local fragment (`#id`) or an embedded raster image: the only things an href in a logo may point at. */
export function isLocalReference(value: string): boolean {
  const v = value.trim();
  return v.startsWith('#') || EMBEDDED_RASTER.test(v);
}

const URL_FN = /url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)/gi;
// Functions that load a resource without url(): dropped with their whole style, not parsed.
const LOADING_FN = /(?:image-set|image|cross-fade|element|src|expression)\s*\(/i;

/**
 * CSS (a style attribute or a <style> element) with every external reference
 * gone: external url()s become `none`, @import rules go, and CSS that hides
 * anything behind escapes or loads by other means is dropped whole.
 */
export function cleanCss(css: string): string {
  let out = css.replace(/\/\*[\s\S]*?\*\//g, '');
  // Backslash escapes can spell url( or @import in ways a pattern cannot see.
  if (out.includes('\\') || LOADING_FN.test(out)) return '';
  out = out.replace(/@import[^;]*;?/gi, '');
  // Only fragments: CSS has no business embedding images in a logo (an href can, and is checked).
  out = out.replace(URL_FN, (whole, dq?: string, sq?: string, bare?: string) =>
    (dq ?? sq ?? bare ?? '').trim().startsWith('#') ? whole : 'none',
  );
  // Anything url-like still there is malformed; refuse it rather than guess how a browser reads it.
  return /url\(|@import/i.test(out.replace(URL_FN, '')) ? '' : out;
}

function cleanAttributes(el: XmlElement): void {
  for (const attr of Array.from(el.attributes)) {
    const name = attr.name.toLowerCase();
    const { value } = attr;
    if (name.startsWith('on')) el.removeAttribute(attr.name);
    else if (attr.localName.toLowerCase() === 'href') {
      if (!isLocalReference(value)) el.removeAttribute(attr.name);
    } else if (name === 'style') {
      const css = cleanCss(value);
      if (css.trim()) el.setAttribute(attr.name, css);
      else el.removeAttribute(attr.name);
    } else if (value.includes('\\') || (/url\(/i.test(value) && cleanCss(value) !== value)) {
      // Presentation attributes (fill, filter, mask, …) are read as CSS values too.
      el.removeAttribute(attr.name);
    }
  }
}

const CONFIG: Config = {
  USE_PROFILES: { svg: true, svgFilters: true },
  // <use> of a fragment in the same document is common in exported logos; external ones lose their href below.
  ADD_TAGS: ['use'],
  FORBID_TAGS: ['script', 'foreignobject', 'iframe', 'animate', 'set'],
};

function loadPurifier(): Purifier {
  const { JSDOM } = require('jsdom') as { JSDOM: new (html: string) => { window: unknown } };
  const createDOMPurify = require('dompurify') as (window: unknown) => DOMPurify;
  const { window } = new JSDOM('');
  const purify = createDOMPurify(window);
  purify.addHook('uponSanitizeElement', (node, data) => {
    if (data.tagName === 'style') {
      const el = node as unknown as XmlElement;
      el.textContent = cleanCss(el.textContent ?? '');
    }
  });
  purify.addHook('afterSanitizeAttributes', (node) => {
    if ((node as unknown as Partial<XmlElement>).attributes) cleanAttributes(node as unknown as XmlElement);
  });
  const Serializer = (window as { XMLSerializer: new () => { serializeToString(node: unknown): string } })
    .XMLSerializer;
  const serializer = new Serializer();
  return { purify, serialize: (el) => serializer.serializeToString(el) };
}

const SHAPES = 'path, rect, circle, ellipse, line, polyline, polygon';

/** Whether anything visible is left: a shape, some text, or an image or <use> that still points somewhere. */
function drawsSomething(root: XmlElement): boolean {
  if (root.querySelectorAll(SHAPES).length > 0) return true;
  if (Array.from(root.querySelectorAll('text')).some((t) => (t.textContent ?? '').trim() !== '')) return true;
  return Array.from(root.querySelectorAll('image, use')).some((el) =>
    Array.from(el.attributes).some((a) => a.localName.toLowerCase() === 'href'),
  );
}

export type SanitizeResult =
  | {
      ok: true;
      svg: string;
      /** The data: URIs of the raster images embedded in it, for the caller to check (they are decoded when drawn). */
      embedded: string[];
    }
  | { ok: false; reason: string };

function embeddedImages(root: XmlElement): string[] {
  return Array.from(root.querySelectorAll('*')).flatMap((el) =>
    Array.from(el.attributes)
      .filter((a) => a.localName.toLowerCase() === 'href' && EMBEDDED_RASTER.test(a.value.trim()))
      .map((a) => a.value.trim()),
  );
}

/**
 * Sanitises an SVG document for storage and serving. Returns the cleaned SVG
 * (the root <svg> element only, as XML), or why nothing usable is left.
 * The DOM it needs (jsdom) is built on the first call, not at server start.
 */
export function sanitizeSvg(source: string): SanitizeResult {
  purifier ??= loadPurifier();
  const fragment = purifier.purify.sanitize(source, { ...CONFIG, RETURN_DOM_FRAGMENT: true }) as unknown as {
    children: ArrayLike<XmlElement>;
  };
  const root = Array.from(fragment.children).find((el) => el.localName === 'svg');
  if (!root) return { ok: false, reason: 'no <svg> element is left after removing unsafe content' };
  if (!drawsSomething(root)) {
    return { ok: false, reason: 'nothing drawable is left after removing scripts and external references' };
  }
  return { ok: true, svg: purifier.serialize(root), embedded: embeddedImages(root) };
}
