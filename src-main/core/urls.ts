// Where the window may go and what may leave it. Plain functions over strings: no Electron here
// (eslint keeps it out of src-main/core), so the unit tests run them on hostile input.

/** Longer URLs are refused outright (browsers cap around 2 MB; nothing the UI opens comes close). */
export const MAX_URL_LENGTH = 2048;

/** Spaces, controls and the invisible characters a URL parser would strip or keep silently. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const SUSPECT_CHARS = /[\s\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;

/** `scheme://authority` as written: the authority is what the user would read as the host. */
const WRITTEN_AUTHORITY = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\\]*)/i;

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_URL_LENGTH) return null;
  // The URL parser trims and drops tabs and newlines: refuse them instead of guessing what was meant.
  if (SUSPECT_CHARS.test(raw)) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    // The parser forgives what a reader would not: `http:///host`, `https:\\host`, `https:host`
    // and an empty `:@` all parse. Only `scheme://host` as written, with no user-info at all, passes.
    const authority = WRITTEN_AUTHORITY.exec(raw)?.[1];
    if (!authority || authority.includes('@')) return null;
  }
  return url;
}

/** The origin of the local API listener the window shows, e.g. `http://127.0.0.1:4780`. */
export function appOrigin(apiUrl: string): string {
  const url = new URL(apiUrl);
  if (url.protocol !== 'http:') throw new Error(`the app is served over http, not ${url.protocol}`);
  return url.origin;
}

/**
 * Whether `raw` is a page of the app itself: plain http on exactly the API
 * listener's host and port, with no user name or password in it (so
 * `http://127.0.0.1:4780@evil.example/` is not), and no other scheme.
 */
export function isAppUrl(raw: unknown, apiUrl: string): boolean {
  const url = parse(raw);
  if (!url || url.protocol !== 'http:' || url.username !== '' || url.password !== '') return false;
  return url.origin === appOrigin(apiUrl);
}

/**
 * The URL to hand to the system browser, or null when it must not be opened:
 * only http and https (never file:, javascript:, data:, smb:, custom schemes
 * that launch other programs), with a host, without credentials (a
 * `https://bank.example@evil.example` link hides where it goes), of a sane
 * length. International names come back in their ASCII (punycode) form, so
 * the browser gets exactly one unambiguous host.
 */
export function externalUrl(raw: unknown): string | null {
  const url = parse(raw);
  if (!url) return null;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username !== '' || url.password !== '' || url.hostname === '') return null;
  const href = url.href;
  return href.length > MAX_URL_LENGTH ? null : href;
}

export type NavigationDecision = { allow: true } | { allow: false; openExternal: string | null };

/**
 * For `will-navigate`, `will-redirect` and `will-frame-navigate`: the app's own pages load in the
 * window; an http(s) link elsewhere opens in the system browser; anything else goes nowhere.
 */
export function navigationDecision(raw: unknown, apiUrl: string): NavigationDecision {
  if (isAppUrl(raw, apiUrl)) return { allow: true };
  return { allow: false, openExternal: externalUrl(raw) };
}

/**
 * For `setWindowOpenHandler`: the app never opens windows of its own; a link with
 * target=_blank (the API reference, a code's destination) goes to the system browser.
 */
export function windowOpenDecision(raw: unknown): { openExternal: string | null } {
  return { openExternal: externalUrl(raw) };
}

/**
 * Requests the window may make: the app's own origin, and the data: and blob:
 * URLs the UI makes for previews and downloads. Anything else (a font, a script
 * or an image from the internet, another local port) is cancelled before it leaves.
 */
export function isAllowedRequest(raw: unknown, apiUrl: string): boolean {
  if (typeof raw !== 'string') return false;
  if (/^(data|blob):/i.test(raw)) return true;
  // DevTools (unpackaged builds only) load from their own scheme.
  if (raw.startsWith('devtools://')) return true;
  return isAppUrl(raw, apiUrl);
}
