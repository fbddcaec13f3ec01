import { isbot } from 'isbot';
import UAParser from 'ua-parser-js';

export type DeviceClass = 'mobile' | 'tablet' | 'desktop' | 'other';

export interface UserAgentDetails {
  device: DeviceClass;
  /** OS family without version (`iOS`, `Android`, `Windows`, `macOS`, …): versions would explode the breakdowns. */
  os: string | null;
  /** Browser family without version (`Mobile Safari`, `Chrome`, `Edge`, `Firefox`, …). */
  browser: string | null;
  isBot: boolean;
}

/** Real user agents are a few hundred characters; the cap bounds parsing time on hostile input. */
export const MAX_USER_AGENT_LENGTH = 512;

/** OS families that, with no mobile/tablet device type, mean a desktop or laptop. */
const DESKTOP_OS = new Set([
  'Windows',
  'Mac OS',
  'macOS',
  'Linux',
  'Ubuntu',
  'Debian',
  'Fedora',
  'Arch',
  'Mint',
  'Gentoo',
  'SUSE',
  'openSUSE',
  'RedHat',
  'CentOS',
  'Slackware',
  'Mandriva',
  'Chromium OS',
  'FreeBSD',
  'OpenBSD',
  'NetBSD',
  'Solaris',
]);

/** ua-parser-js v1 spellings → the names people use today. */
const OS_NAMES: Record<string, string> = { 'Mac OS': 'macOS', 'Chromium OS': 'ChromeOS' };

const NO_USER_AGENT: UserAgentDetails = Object.freeze({ device: 'other', os: null, browser: null, isBot: true });

// Scans come in bursts from a handful of phone models, so the same strings repeat. A small
// bounded cache keeps parsing (tens of microseconds per string) off the redirect's hot path.
const CACHE_SIZE = 1000;
const cache = new Map<string, UserAgentDetails>();

/**
 * Device class, OS, browser and bot flag for a User-Agent header.
 *
 * A missing or blank user agent counts as a bot: every phone camera and browser sends one,
 * so a request without it is almost always a script (and counting it would inflate scans).
 */
export function describeUserAgent(ua: string | undefined): UserAgentDetails {
  const text = (ua ?? '').slice(0, MAX_USER_AGENT_LENGTH).trim();
  if (text === '') return NO_USER_AGENT;
  const cached = cache.get(text);
  if (cached) return cached;
  const details = Object.freeze(parse(text));
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(text, details);
  return details;
}

function parse(text: string): UserAgentDetails {
  const result = new UAParser(text).getResult();
  const osName = clean(result.os.name);
  return {
    device: deviceClass(result.device.type, osName),
    os: osName === null ? null : (OS_NAMES[osName] ?? osName),
    browser: clean(result.browser.name),
    isBot: isbot(text),
  };
}

function deviceClass(type: string | undefined, osName: string | null): DeviceClass {
  if (type === 'mobile' || type === 'tablet') return type;
  // Consoles, TVs, wearables, embedded: none of the three classes people filter by.
  if (type !== undefined) return 'other';
  // Note: iPadOS Safari in its default "desktop site" mode sends a macOS user agent and is
  // counted as desktop; nothing in the header tells them apart.
  return osName !== null && DESKTOP_OS.has(osName) ? 'desktop' : 'other';
}

/** Parser output is derived from client input: keep it short and printable. */
function clean(value: string | undefined): string | null {
  if (value === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text === '' ? null : text.slice(0, 64);
}
