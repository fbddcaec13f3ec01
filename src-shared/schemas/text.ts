import { z } from 'zod';

/**
 * The text rules every string field follows, in one place: no control
 * characters (C0, DEL and C1 such as NEL and the 8-bit CSI that starts
 * terminal escapes; multi-line fields allow tab and newline), no lone UTF-16
 * surrogates (they cannot be stored as UTF-8), trimmed unless said otherwise.
 */

const CONTROL = /\p{Cc}/u;
const CONTROL_BUT_TAB_LF = /(?![\t\n])\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;

const noControl = (what: string) =>
  [(s: string) => !CONTROL.test(s), `${what} must not contain control characters`] as const;
const validUnicode = (what: string) =>
  [(s: string) => !LONE_SURROGATE.test(s), `${what} must be valid Unicode text (no lone surrogates)`] as const;

interface TextOptions {
  /** Refuse the empty string (after trimming). Optional fields take '' as "not given". */
  required?: boolean;
  /** Trim surrounding white space (default true). */
  trim?: boolean;
}

/** A single line of text: no control characters at all. */
export function line(what: string, max: number, { required = false, trim = true }: TextOptions = {}) {
  let s = z.string();
  if (trim) s = s.trim();
  if (required) s = s.min(1, `${what} is required`);
  return s
    .max(max, `${what} is at most ${max} characters`)
    .refine(...noControl(what))
    .refine(...validUnicode(what));
}

/** Multi-line text: tab and newline allowed, CRLF and CR stored as LF. */
export function multiline(what: string, max: number, { required = false }: Pick<TextOptions, 'required'> = {}) {
  let s = z
    .string()
    .overwrite((v) => v.replace(/\r\n?/g, '\n'))
    .trim();
  if (required) s = s.min(1, `${what} is required`);
  return s
    .max(max, `${what} is at most ${max} characters`)
    .refine(
      (v) => !CONTROL_BUT_TAB_LF.test(v),
      `${what} must not contain control characters other than tab and newline`,
    )
    .refine(...validUnicode(what));
}

interface ParsedUrl {
  protocol: string;
  hostname: string;
  username: string;
  password: string;
}
type UrlConstructor = new (input: string) => ParsedUrl;
// WHATWG URL exists in Node and every browser; reached through globalThis
// because src-shared's type-check has neither the DOM nor Node's types.
const WhatwgUrl = (globalThis as unknown as { URL: UrlConstructor }).URL;

/** Why a string is not an absolute http(s) URL, or null when it is one. */
export function httpUrlProblem(s: string): string | null {
  if (/[\s\\]/u.test(s) || CONTROL.test(s)) return 'must not contain spaces, backslashes or control characters';
  if (!/^https?:\/\//i.test(s)) return 'must be an absolute http:// or https:// URL';
  let url: ParsedUrl;
  try {
    url = new WhatwgUrl(s);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an absolute http:// or https:// URL';
  if (!url.hostname) return 'must name a host';
  // `https://bank.example@evil.example` reads as the bank but goes to evil.example: a phishing classic.
  if (url.username || url.password) return 'must not contain a user name or password';
  return null;
}

export const URL_MAX_LENGTH = 2048;

export function httpUrl(what: string, { required = false }: Pick<TextOptions, 'required'> = {}) {
  return z
    .string()
    .trim()
    .max(URL_MAX_LENGTH, `${what} is at most ${URL_MAX_LENGTH} characters`)
    .refine(...validUnicode(what))
    .superRefine((s, ctx) => {
      if (s === '' && !required) return;
      const problem = s === '' ? 'is required' : httpUrlProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: `${what} ${problem}` });
    });
}

/** A required single-line string of 1..max characters: the shape of every name, label and tag. */
export const label = (max: number, what = 'Value') => line(what, max, { required: true });
