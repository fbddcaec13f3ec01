import { z } from 'zod';

/** C0, DEL and C1 (U+0080-U+009F, e.g. NEL and the 8-bit CSI that starts terminal escapes) control characters. */
const hasControlChars = (s: string, allowNewlines: boolean): boolean =>
  (allowNewlines ? /(?![\t\n\r])\p{Cc}/u : /\p{Cc}/u).test(s);

/** A lone UTF-16 surrogate cannot be stored as UTF-8; refuse it rather than store U+FFFD. */
const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDFFF]/u.test(s);

/**
 * A trimmed single-line string of 1..max characters with no control
 * characters and valid Unicode: the shape of every name, label and tag.
 */
export const label = (max: number, what = 'Value') =>
  z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(max, `${what} is at most ${max} characters`)
    .refine((s) => !hasControlChars(s, false), `${what} must not contain control characters`)
    .refine((s) => !hasLoneSurrogate(s), `${what} must be valid Unicode text`);
