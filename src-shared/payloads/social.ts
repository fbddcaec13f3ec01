import type { SocialContent } from '../schemas/content';

export const SOCIAL_NETWORKS = [
  'instagram',
  'facebook',
  'x',
  'tiktok',
  'linkedin',
  'youtube',
  'github',
  'mastodon',
  'bluesky',
  'threads',
  'telegram',
  'pinterest',
  'snapchat',
] as const;
export type SocialNetwork = (typeof SOCIAL_NETWORKS)[number];

const DOMAIN = String.raw`(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9-]{0,61}[A-Za-z0-9]`;

interface NetworkRule {
  /** The handle, without a leading @. */
  pattern: RegExp;
  /** What a handle looks like, for error messages. */
  hint: string;
  profileUrl: (handle: string) => string;
}

/** Each network's handle syntax and profile URL. */
export const SOCIAL_RULES: Readonly<Record<SocialNetwork, NetworkRule>> = {
  instagram: {
    pattern: /^[A-Za-z0-9._]{1,30}$/,
    hint: '1-30 letters, digits, dots and underscores',
    profileUrl: (h) => `https://www.instagram.com/${h}`,
  },
  facebook: {
    pattern: /^[A-Za-z0-9.]{5,50}$/,
    hint: '5-50 letters, digits and dots',
    profileUrl: (h) => `https://www.facebook.com/${h}`,
  },
  x: {
    pattern: /^[A-Za-z0-9_]{1,15}$/,
    hint: '1-15 letters, digits and underscores',
    profileUrl: (h) => `https://x.com/${h}`,
  },
  tiktok: {
    pattern: /^[A-Za-z0-9._]{2,24}$/,
    hint: '2-24 letters, digits, dots and underscores',
    profileUrl: (h) => `https://www.tiktok.com/@${h}`,
  },
  linkedin: {
    pattern: /^[A-Za-z0-9-]{3,100}$/,
    hint: 'the 3-100 letters, digits and dashes after linkedin.com/in/',
    profileUrl: (h) => `https://www.linkedin.com/in/${h}`,
  },
  youtube: {
    pattern: /^[A-Za-z0-9._-]{3,30}$/,
    hint: '3-30 letters, digits, dots, dashes and underscores',
    profileUrl: (h) => `https://www.youtube.com/@${h}`,
  },
  github: {
    pattern: /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/,
    hint: '1-39 letters, digits and single dashes, not at either end',
    profileUrl: (h) => `https://github.com/${h}`,
  },
  mastodon: {
    pattern: new RegExp(`^[A-Za-z0-9_]{1,30}@${DOMAIN}$`),
    hint: 'user@instance, e.g. alice@mastodon.social',
    profileUrl: (h) => {
      const at = h.indexOf('@');
      return `https://${h.slice(at + 1)}/@${h.slice(0, at)}`;
    },
  },
  bluesky: {
    pattern: new RegExp(`^(?=.{3,253}$)${DOMAIN}$`),
    hint: 'a domain name, e.g. alice.bsky.social',
    profileUrl: (h) => `https://bsky.app/profile/${h}`,
  },
  threads: {
    pattern: /^[A-Za-z0-9._]{1,30}$/,
    hint: '1-30 letters, digits, dots and underscores',
    profileUrl: (h) => `https://www.threads.com/@${h}`,
  },
  telegram: {
    pattern: /^[A-Za-z][A-Za-z0-9_]{3,31}$/,
    hint: '5-32 letters, digits and underscores, starting with a letter',
    profileUrl: (h) => `https://t.me/${h}`,
  },
  pinterest: {
    pattern: /^[A-Za-z0-9_]{3,30}$/,
    hint: '3-30 letters, digits and underscores',
    profileUrl: (h) => `https://www.pinterest.com/${h}`,
  },
  snapchat: {
    pattern: /^[A-Za-z][A-Za-z0-9._-]{1,13}[A-Za-z0-9]$/,
    hint: '3-15 letters, digits, dots, dashes and underscores, starting with a letter',
    profileUrl: (h) => `https://www.snapchat.com/add/${h}`,
  },
};

/** A handle as people write it (`@alice`, ` alice `) without the one leading @. */
export const bareHandle = (handle: string): string => handle.trim().replace(/^@/, '');

/** The profile URL of a handle, or the URL itself when one was given. */
export function encodeSocial(content: SocialContent): string {
  if (content.url) return content.url;
  if (!content.network || !content.handle) throw new RangeError('Social content needs a url, or a network and handle');
  return SOCIAL_RULES[content.network].profileUrl(bareHandle(content.handle));
}
