import { z } from 'zod';

const hasControlChars = (s: string, allowNewlines: boolean): boolean =>
  [...s].some((c) => {
    const code = c.charCodeAt(0);
    if (allowNewlines && (c === '\n' || c === '\t' || c === '\r')) return false;
    return code < 0x20 || code === 0x7f;
  });

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
