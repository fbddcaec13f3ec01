import type { GeoLookup } from './geo';
import { primaryLanguage, referrerDomain } from './request-details';
import { describeUserAgent, type DeviceClass } from './user-agent';
import type { VisitorHasher } from './visitor-hash';

export { clientAddress, normalizeIp, type ClientRequestLike, type TrustProxy } from './client-address';
export { GeoLookup, defaultCountryDbPath, type GeoLocation, type GeoLookupOptions } from './geo';
export { primaryLanguage, referrerDomain } from './request-details';
export { describeUserAgent, MAX_USER_AGENT_LENGTH, type DeviceClass, type UserAgentDetails } from './user-agent';
export { VisitorHasher, type SaltStore } from './visitor-hash';

export interface ScanRequestInput {
  /** The client address from `clientAddress`; used for lookups only, never returned. */
  ip: string;
  userAgent?: string;
  referer?: string;
  acceptLanguage?: string;
}

export interface ScanCaptureDeps {
  geo: GeoLookup;
  hasher: VisitorHasher;
}

/** Everything a scan row needs from the request. Deliberately has no address field. */
export interface CapturedScan {
  device: DeviceClass;
  os: string | null;
  browser: string | null;
  isBot: boolean;
  referrer: string | null;
  language: string | null;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  visitorHash: string;
}

/** Turns a request's address and headers into the stored scan details; the address stays here. */
export function captureScan(input: ScanRequestInput, deps: ScanCaptureDeps): CapturedScan {
  const agent = describeUserAgent(input.userAgent);
  const place = deps.geo.lookup(input.ip);
  return {
    device: agent.device,
    os: agent.os,
    browser: agent.browser,
    isBot: agent.isBot,
    referrer: referrerDomain(input.referer),
    language: primaryLanguage(input.acceptLanguage),
    country: place.country,
    city: place.city,
    latitude: place.latitude,
    longitude: place.longitude,
    visitorHash: deps.hasher.hash(input.ip, input.userAgent),
  };
}
