import { isIP } from 'node:net';

/** Longer Referer headers are cut before parsing; the host comes first, so it survives the cut. */
const MAX_REFERER_LENGTH = 2048;

/**
 * The site a scan came from: the host of an http(s) Referer, lower-case, without `www.`
 * (`https://user:pw@www.Example.com:8443/path?q=secret` → `example.com`), or null.
 *
 * Only the host is kept: paths and queries can carry personal data (search terms, tokens)
 * and would make the breakdown useless anyway. Internationalised hosts stay in their ASCII
 * (punycode) form as the URL parser produces it: one canonical spelling per domain, and no
 * look-alike Unicode or bidi characters in dashboards and CSV exports (a UI may display
 * them with `url.domainToUnicode`).
 */
export function referrerDomain(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return null;
  const text = value.trim().slice(0, MAX_REFERER_LENGTH);
  if (text === '') return null;
  let url: URL;
  try {
    url = new URL(text); // no base: a relative Referer is invalid and rejected here
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  let host = url.hostname.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (host === '' || host.length > 253) return null;
  // Only letters, digits, dots, hyphens (punycode included), or a bracketed IPv6 literal.
  if (!/^[a-z0-9.-]+$/.test(host) && !(host.startsWith('[') && isIP(host.slice(1, -1)) === 6)) return null;
  if (host.startsWith('www.') && host.indexOf('.', 4) !== -1 && isIP(host) === 0) host = host.slice(4);
  return host;
}

/** A header this long is not from a browser; the first languages are all that matter. */
const MAX_ACCEPT_LANGUAGE_LENGTH = 1024;
const MAX_LANGUAGE_ENTRIES = 32;
const MAX_TAG_LENGTH = 35;
/** BCP 47-ish: a 2–3 letter language, then optional alphanumeric subtags of 1–8 chars. */
const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i;
const Q_VALUE = /^q=(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/i;

/**
 * The visitor's preferred language from Accept-Language: the tag with the highest q-value
 * (the first one on ties), reduced to language[-Script][-REGION] with conventional casing,
 * e.g. `fr`, `fr-FR`, `zh-Hant-TW`. Null for a missing, wildcard-only or malformed header.
 */
export function primaryLanguage(acceptLanguage: string | string[] | undefined): string | null {
  const value = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (value === undefined) return null;
  let text = value;
  if (text.length > MAX_ACCEPT_LANGUAGE_LENGTH) {
    // Drop the entry the cut went through: a truncated `en-US` must not become `en-U`.
    text = text.slice(0, MAX_ACCEPT_LANGUAGE_LENGTH);
    text = text.slice(0, Math.max(0, text.lastIndexOf(',')));
  }
  let best: string | null = null;
  let bestQ = 0;
  for (const entry of text.split(',').slice(0, MAX_LANGUAGE_ENTRIES)) {
    const [rawTag, ...params] = entry.split(';').map((part) => part.trim());
    const tag = rawTag ?? '';
    if (tag === '' || tag === '*' || tag.length > MAX_TAG_LENGTH || !LANGUAGE_TAG.test(tag)) continue;
    let q = 1;
    let valid = true;
    for (const param of params) {
      if (/^q=/i.test(param)) {
        if (Q_VALUE.test(param)) q = Number(param.slice(2));
        else valid = false;
      }
    }
    // q=0 means "not acceptable"; a malformed weight makes the whole entry unusable.
    if (!valid || q <= 0) continue;
    if (q > bestQ) {
      const normalized = normalizeTag(tag);
      if (normalized !== null) {
        best = normalized;
        bestQ = q;
      }
    }
  }
  return best;
}

/** language[-Script][-REGION]; variants, extensions and private-use parts are dropped. */
function normalizeTag(tag: string): string | null {
  const [language, ...subtags] = tag.split('-');
  if (language === undefined) return null;
  const parts = [language.toLowerCase()];
  let i = 0;
  if (subtags[i] !== undefined && /^[a-z]{4}$/i.test(subtags[i]!)) {
    const script = subtags[i]!;
    parts.push(script[0]!.toUpperCase() + script.slice(1).toLowerCase());
    i++;
  }
  if (subtags[i] !== undefined && /^(?:[a-z]{2}|\d{3})$/i.test(subtags[i]!)) parts.push(subtags[i]!.toUpperCase());
  return parts.join('-');
}
