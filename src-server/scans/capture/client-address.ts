import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';

/** Which forwarded headers the public listener believes (a setting; `none` unless a proxy sits in front). */
export type TrustProxy = 'none' | 'cloudflare' | 'x-forwarded-for';

export interface ClientRequestLike {
  socket: { remoteAddress?: string };
  headers: IncomingHttpHeaders;
}

/**
 * The address of the client, from the socket or from the header our trusted proxy sets.
 *
 * With `none`, forwarded headers are ignored entirely: anyone can send them, so believing
 * them without a proxy would let a client pick its own country and defeat unique counting.
 * Returns '' when the socket no longer knows its peer (the connection already closed).
 */
export function clientAddress(req: ClientRequestLike, trustProxy: TrustProxy): string {
  const socketAddress = normalizeIp(req.socket.remoteAddress ?? '') ?? '';
  switch (trustProxy) {
    case 'cloudflare':
      // Cloudflare overwrites CF-Connecting-IP with the address that connected to it.
      // A value that is not a single IP (e.g. two headers joined by Node) is not Cloudflare's.
      return normalizeIp(single(req.headers['cf-connecting-ip'])) ?? socketAddress;
    case 'x-forwarded-for':
      return lastForwardedFor(req.headers['x-forwarded-for']) ?? socketAddress;
    default:
      return socketAddress;
  }
}

/**
 * The right-most entry of X-Forwarded-For. Each proxy *appends* the address it received the
 * connection from, so the right-most entry is the one written by the proxy directly in front
 * of us (the only one we trust); every entry to its left was supplied by the client or by
 * proxies we know nothing about, and can be forged at will ("X-Forwarded-For: 8.8.8.8").
 * If that right-most entry is not a valid address we fall back to the socket rather than
 * walking further left, since those earlier entries are exactly the client-controlled ones.
 */
function lastForwardedFor(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  // Node joins repeated X-Forwarded-For headers with ", "; an array is treated the same way.
  const joined = Array.isArray(header) ? header.join(',') : header;
  // Only the tail matters; bound the work on a huge header.
  const tail = joined.length > 1024 ? joined.slice(-1024) : joined;
  const entries = tail.split(',');
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i]!.trim();
    if (entry === '') continue;
    return normalizeIp(stripPort(entry));
  }
  return undefined;
}

function single(header: string | string[] | undefined): string {
  if (header === undefined) return '';
  return Array.isArray(header) ? (header.length === 1 ? header[0]! : '') : header;
}

/** Some proxies append `1.2.3.4:5678` or `[2001:db8::1]:443`; keep the address only. */
function stripPort(entry: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(entry);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(entry);
  return v4WithPort ? v4WithPort[1]! : entry;
}

/**
 * A syntactically valid IP, or undefined. IPv4-mapped IPv6 addresses (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports for IPv4 clients) become plain IPv4, so one client has
 * one spelling for geolocation and for the visitor hash. IPv6 is lower-cased, zone dropped.
 */
export function normalizeIp(raw: string): string | undefined {
  let ip = raw.trim();
  if (ip === '' || ip.length > 64) return undefined;
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return undefined;
  ip = ip.toLowerCase();
  const zone = ip.indexOf('%');
  if (zone !== -1) ip = ip.slice(0, zone);
  const groups = ipv6Groups(ip);
  if (groups && groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const hi = groups[6]!;
    const lo = groups[7]!;
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return ip;
}

/** The eight 16-bit groups of an IPv6 address already accepted by isIP. */
function ipv6Groups(ip: string): number[] | undefined {
  let text = ip;
  const tail: number[] = [];
  const dotted = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    tail.push((a << 8) | b, (c << 8) | d);
    text = text.slice(0, dotted.index + 1) + '0'; // placeholder group, removed below
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  if (tail.length) (right.length ? right : left).pop();
  const missing = 8 - left.length - right.length - tail.length;
  if (missing < 0 || (rest === undefined && missing !== 0)) return undefined;
  return [...left, ...new Array<number>(missing).fill(0), ...right, ...tail];
}
