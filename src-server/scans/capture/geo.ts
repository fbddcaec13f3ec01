import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { BlockList, isIP } from 'node:net';
import maxmind, { type CityResponse, type CountryResponse, type Reader, type Response } from 'maxmind';
import { normalizeIp } from './client-address';
import { resourcesDir } from '../../paths';

export interface GeoLocation {
  /** ISO 3166-1 alpha-2, upper-case. */
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
}

export interface GeoLookupOptions {
  /** The country database; defaults to the CC0 one shipped with the app. */
  countryDbPath?: string;
  /** A GeoLite2-City (or compatible) file the user pointed a setting at; null or absent = none. */
  cityDbPath?: string | null;
}

/**
 * @ip-location-db's country databases store `country_code`; MaxMind-style ones (GeoLite2-Country,
 * if a user swaps it in) store `country.iso_code`. Both are read.
 */
interface CountryCodeRecord extends CountryResponse {
  readonly country_code?: string;
}

const NOWHERE: GeoLocation = Object.freeze({ country: null, city: null, latitude: null, longitude: null });

/** Where the build puts the CC0 country database among the app's resources (scripts/build-server.mjs). */
export const COUNTRY_DB_FILE = 'geo-whois-asn-country.mmdb';

/**
 * The bundled CC0 country database (IPv4 and IPv6): the copy in resources/geo
 * that ships with the app, or, before a build has made it, the npm package's.
 */
export function defaultCountryDbPath(): string {
  const shipped = path.join(resourcesDir(), 'geo', COUNTRY_DB_FILE);
  if (fs.existsSync(shipped)) return shipped;
  const require = createRequire(import.meta.url);
  return require.resolve(`@ip-location-db/geo-whois-asn-country-mmdb/${COUNTRY_DB_FILE}`);
}

/**
 * Offline IP geolocation: country from the bundled database, city and coordinates from an
 * optional GeoLite2-City file. Nothing here touches the network.
 */
export class GeoLookup {
  private constructor(
    private readonly countries: Reader<CountryCodeRecord>,
    private readonly cities: Reader<CityResponse> | null,
  ) {}

  static async open(options: GeoLookupOptions = {}): Promise<GeoLookup> {
    const countryPath = options.countryDbPath ?? defaultCountryDbPath();
    const countries = await openDb<CountryCodeRecord>(countryPath, 'country');
    let cities: Reader<CityResponse> | null = null;
    if (options.cityDbPath) {
      cities = await openDb<CityResponse>(options.cityDbPath, 'city');
      // A country-only file would open fine and silently never give a city: refuse it.
      if (!/city/i.test(cities.metadata.databaseType)) {
        throw new Error(
          `The city database ${options.cityDbPath} is a "${cities.metadata.databaseType}" database, not a city one (expected e.g. GeoLite2-City.mmdb).`,
        );
      }
    }
    return new GeoLookup(countries, cities);
  }

  /** Location of an address; all null for private, loopback, reserved or malformed ones. */
  lookup(ip: string): GeoLocation {
    const address = normalizeIp(ip);
    if (address === undefined || isNonPublic(address)) return NOWHERE;
    const cityRecord = this.cities?.get(address) ?? null;
    // The city file's own country keeps city and country consistent; the bundled one fills gaps.
    const country = countryCode(cityRecord?.country?.iso_code) ?? this.countryOf(address);
    const city = cityRecord?.city?.names?.en ?? null;
    return {
      country,
      city: typeof city === 'string' && city.trim() !== '' ? city.trim().slice(0, 100) : null,
      latitude: coordinate(cityRecord?.location?.latitude, 90),
      longitude: coordinate(cityRecord?.location?.longitude, 180),
    };
  }

  private countryOf(address: string): string | null {
    const record = this.countries.get(address);
    return countryCode(record?.country_code) ?? countryCode(record?.country?.iso_code);
  }
}

async function openDb<T extends Response>(path: string, kind: string): Promise<Reader<T>> {
  try {
    // No cache option tuning: the reader's default LRU suits repeat visitors well enough.
    return await maxmind.open<T>(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Cannot open the ${kind} database ${path}: ${reason}`, { cause: error });
  }
}

function countryCode(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) ? value.toUpperCase() : null;
}

function coordinate(value: unknown, limit: number): number | null {
  return typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit ? value : null;
}

// Addresses that are not on the public internet. The databases must not be asked about them:
// some ranges (e.g. 192.168.0.0/16) carry a registrant's country that says nothing about the visitor.
const NON_PUBLIC_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const;
const nonPublic = new BlockList(); // IPv6; IPv4 is checked by number below
for (const [net, prefix] of [
  ['::', 127], // unspecified and loopback
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  nonPublic.addSubnet(net, prefix, 'ipv6');
}

// The IPv4 ranges above as [first, last] 32-bit numbers: every scan asks, and BlockList.check
// builds a SocketAddress per call, which costs more than the whole comparison here.
const nonPublicV4: [number, number][] = NON_PUBLIC_V4.map(([net, prefix]) => {
  const first = ipv4Number(net);
  return [first, first + 2 ** (32 - prefix) - 1];
});

/** An IPv4 address already accepted by isIP, as an unsigned 32-bit number. */
function ipv4Number(address: string): number {
  let value = 0;
  for (const part of address.split('.')) value = value * 256 + Number(part);
  return value;
}

function isNonPublic(address: string): boolean {
  if (isIP(address) !== 4) return nonPublic.check(address, 'ipv6');
  const value = ipv4Number(address);
  return nonPublicV4.some(([first, last]) => value >= first && value <= last);
}
