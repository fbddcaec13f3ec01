import fc from 'fast-check';
import { resolve, type JsonSchema, type OpenApiDocument } from './openapi';

/**
 * Values for a JSON Schema from the OpenAPI document: valid ones (types,
 * enums, lengths, ranges, patterns, formats, examples), boundary ones (exactly
 * at a length or range limit) and references to resources that exist (pool
 * references, resolved when the request is sent, so a code can be moved into
 * a folder that is really there).
 */

/** Stands for "an id from this pool" until the request is sent; see materialize(). */
export class PoolRef {
  constructor(
    readonly pool: string,
    readonly index: number,
    /** Used when the pool is empty. */
    readonly fallback: string,
  ) {}
}

/** Ids of resources the server has created, keyed by the collection path they live under. */
export type IdPools = Map<string, string[]>;

/** Replaces every PoolRef in a value by an id from its pool (or its fallback). */
export function materialize(value: unknown, pools: IdPools): unknown {
  if (value instanceof PoolRef) {
    const ids = pools.get(value.pool) ?? [];
    return ids.length ? ids[value.index % ids.length]! : value.fallback;
  }
  if (Array.isArray(value)) return value.map((v) => materialize(v, pools));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, materialize(v, pools));
    return out;
  }
  return value;
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype). */
export function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const poolRef = (pool: string) =>
  fc.nat({ max: 1000 }).map((i) => new PoolRef(pool, i, `${pool.split('/').pop()}_missing${i}`));

/** Properties whose ids refer to another collection: valid values come from what exists there. */
const ID_PROPERTIES: Record<string, string> = {
  folderId: '/api/v1/folders',
  assetId: '/api/v1/assets',
  sourceId: '/api/v1/batch-sources',
  qrCodeId: '/api/v1/qrcodes',
};

const URLS = [
  // Loopback ports nothing listens on, or a reserved TLD: webhooks made from these fail fast and never leave the machine.
  'http://127.0.0.1:9/hook',
  'https://menu.invalid/carte?table=4',
  'https://café.invalid/é/menu',
  'http://localhost:9/x#frag',
];

/** Plain string properties whose meaning the schema cannot say (a refine in zod): realistic values. */
const STRING_HINTS: Record<string, fc.Arbitrary<unknown>> = {
  url: fc.constantFrom(...URLS),
  website: fc.constantFrom(...URLS),
  publicBaseUrl: fc.constantFrom('http://127.0.0.1:4781', 'https://qr.menu.invalid', null),
  customDomainUrl: fc.constantFrom('https://qr.menu.invalid'),
  localtunnelServerUrl: fc.constantFrom('http://127.0.0.1:9'),
  iban: fc.constantFrom('DE89 3704 0044 0532 0130 00', 'FR76 3000 6000 0112 3456 7890 189', 'GB82WEST12345698765432'),
  timezone: fc.constantFrom('Europe/Paris', 'UTC', 'America/New_York', 'Asia/Tokyo'),
  start: fc.constantFrom('2026-11-21T20:00', '2026-11-21', '2026-11-21T19:30:00+01:00', '2026-11-21T19:30:00Z'),
  end: fc.constantFrom('2026-11-21T23:00', '2026-11-22', '2026-11-22T01:00:00Z'),
  value: fc.constantFrom('5901234123457', '590123412345', '036000291452', 'HELLO-128', '(01)09501101530003(17)260101'),
  number: fc.constantFrom('+33 1 23 45 67 89', '+1-202-555-0123'),
  phone: fc.constantFrom('+33 1 23 45 67 89', '+44 20 7946 0958'),
  to: fc.constantFrom('chef@menu.invalid', 'a.b+tag@example.com'),
  cloudflaredPath: fc.constantFrom('/nonexistent/cloudflared'),
  geoCityDbPath: fc.constantFrom('/nonexistent/city.mmdb', null),
  template: fc.constantFrom('https://shop.invalid/p/{column:1}?n={seq}', '{seq}', 'Item {column:name}'),
  fileNamePattern: fc.constantFrom('{name}-{seq}', 'code-{seq}', '{column:1}'),
};

/** Array rules zod checks with refinements: no repeats, ordered gradient stops. */
const uniqueBy = (key: (v: unknown) => unknown) => (items: unknown[]) => {
  const seen = new Set<unknown>();
  return items.filter((v) => !seen.has(key(v)) && seen.add(key(v)));
};
const ARRAY_FIXES: Record<string, (items: unknown[]) => unknown[]> = {
  tags: uniqueBy((v) => (typeof v === 'string' ? v.trim().toLowerCase() : v)),
  events: uniqueBy((v) => v),
  scopes: uniqueBy((v) => v),
  colorStops: (stops) =>
    [...stops].sort((a, b) => Number((a as { offset?: number }).offset) - Number((b as { offset?: number }).offset)),
};

const SAMPLE_TEXT = ['Crème brûlée', '東京タワー', 'Pizza 🍕', 'Menu', 'Table 4', 'Ünïcödé text', 'a'];

const EMAILS = ['chef@menu.invalid', 'a.b+tag@example.com', 'x@y.co'];

/** Clips a string to a maximum length in UTF-16 units, as zod's max() counts. */
const clip = (s: string, max: number | undefined) => (max === undefined ? s : s.slice(0, max));

function compile(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

function stringArb(schema: JsonSchema, name: string | undefined): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength;
  if (schema.format === 'date-time') {
    return fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString());
  }
  if (schema.format === 'date') {
    return fc
      .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  }
  if (schema.format === 'email') return fc.constantFrom(...EMAILS);
  if (schema.pattern) {
    const re = compile(schema.pattern);
    if (re) return fc.stringMatching(re, { size: 'xsmall' });
  }
  const generic = fc.oneof(
    { weight: 5, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max ?? 24, 24) }) },
    { weight: 2, arbitrary: fc.constantFrom(...SAMPLE_TEXT).map((s) => clip(s, max)) },
    // Boundary: exactly the longest and the shortest the schema allows, in ASCII and in two-unit emoji.
    ...(max !== undefined && max <= 10_000
      ? [
          { weight: 1, arbitrary: fc.constant('m'.repeat(max)) },
          { weight: 1, arbitrary: fc.constant('🍕'.repeat(Math.floor(max / 2))) },
        ]
      : []),
    { weight: 1, arbitrary: fc.constant('n'.repeat(Math.max(min, 1))) },
  );
  const hint = name ? STRING_HINTS[name] : undefined;
  if (name && ID_PROPERTIES[name]) return fc.oneof({ weight: 4, arbitrary: poolRef(ID_PROPERTIES[name]) }, generic);
  return hint ? fc.oneof({ weight: 4, arbitrary: hint }, generic) : generic;
}

function numberArb(schema: JsonSchema, integer: boolean): fc.Arbitrary<unknown> {
  let min = schema.minimum ?? schema.exclusiveMinimum ?? -1_000_000;
  let max = schema.maximum ?? schema.exclusiveMaximum ?? 1_000_000;
  if (integer) {
    min = Math.ceil(schema.exclusiveMinimum !== undefined ? min + 1 : min);
    max = Math.floor(schema.exclusiveMaximum !== undefined ? max - 1 : max);
    return fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min, max }) },
      { weight: 1, arbitrary: fc.constantFrom(min, max) },
    );
  }
  const whole = Math.ceil(min) <= Math.floor(max) ? [fc.integer({ min: Math.ceil(min), max: Math.floor(max) })] : [];
  return fc.oneof(
    ...whole.map((arbitrary) => ({ weight: 3, arbitrary })),
    { weight: 2, arbitrary: fc.double({ min, max, noNaN: true, noDefaultInfinity: true }) },
    { weight: 1, arbitrary: fc.constantFrom(min, max) },
  );
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];

/**
 * An arbitrary of values valid for the schema (as far as JSON Schema can say:
 * zod refinements such as IBAN check digits are approximated by hints and
 * examples, so some "valid" values are refused, which is fine).
 */
export function validValue(
  doc: OpenApiDocument,
  raw: JsonSchema,
  name?: string,
  depth = 0,
  /** How often an optional object field is present, in tenths: 0 gives minimal objects. */
  optionalTenths = 3,
): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  if (depth > 12) return fc.constant(null);
  // Examples are valid by construction (and pass refinements JSON Schema cannot express); hinted names use the hint.
  const withExample = (arb: fc.Arbitrary<unknown>) =>
    schema.example !== undefined && !(name && name in STRING_HINTS) ? fc.oneof(arb, fc.constant(schema.example)) : arb;

  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const branches = schema.oneOf ?? schema.anyOf;
  if (branches)
    return withExample(fc.oneof(...branches.map((b) => validValue(doc, b, name, depth + 1, optionalTenths))));
  if (schema.allOf) {
    const merged = Object.assign({}, ...schema.allOf.map((s) => resolve(doc, s))) as JsonSchema;
    return validValue(doc, merged, name, depth, optionalTenths);
  }

  const types = typesOf(schema);
  if (types.length > 1)
    return fc.oneof(...types.map((t) => validValue(doc, { ...schema, type: t }, name, depth, optionalTenths)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberArb(schema, true);
    case 'number':
      return numberArb(schema, false);
    case 'string':
      return withExample(stringArb(schema, name));
    case 'array': {
      const items = validValue(doc, schema.items ?? {}, name, depth + 1, optionalTenths);
      const min = schema.minItems ?? 0;
      const max = schema.maxItems ?? 8;
      const typical = fc.array(items, { minLength: min, maxLength: Math.min(max, min + 3) });
      // Boundary: exactly maxItems, where that stays cheap.
      const arb =
        max <= 20
          ? fc.oneof({ weight: 4, arbitrary: typical }, fc.array(items, { minLength: max, maxLength: max }))
          : typical;
      const fix = name ? ARRAY_FIXES[name] : undefined;
      return fix ? arb.map(fix) : arb;
    }
    case 'object':
    case undefined: {
      if (!schema.properties && typeof schema.additionalProperties !== 'object') {
        return types[0] === 'object' ? fc.constant({}) : fc.jsonValue({ maxDepth: 2 });
      }
      const props = schema.properties ?? {};
      const required = new Set(schema.required ?? []);
      // Optional fields are left out more often than not: every one added is another chance to trip a
      // cross-field rule (a slug on a static code), and requests that pass validation reach deeper code.
      const record = fc
        .tuple(
          ...Object.entries(props).map(([k, v]) =>
            fc.tuple(
              fc.constant(k),
              required.has(k) ? fc.constant(true) : fc.integer({ min: 0, max: 9 }).map((n) => n < optionalTenths),
              validValue(doc, v, k, depth + 1, optionalTenths),
            ),
          ),
        )
        .map((entries) => {
          const out: Record<string, unknown> = {};
          for (const [k, present, v] of entries) if (present) out[k] = v;
          return out;
        });
      if (typeof schema.additionalProperties === 'object') {
        const keys = schema.propertyNames
          ? (validValue(doc, schema.propertyNames, undefined, depth + 1, optionalTenths) as fc.Arbitrary<string>)
          : fc.string({ minLength: 1, maxLength: 12 });
        const extra = fc.dictionary(
          keys.filter((k): k is string => typeof k === 'string'),
          validValue(doc, schema.additionalProperties, undefined, depth + 1, optionalTenths),
          { maxKeys: 3 },
        );
        return withExample(fc.tuple(record, extra).map(([a, b]) => ({ ...b, ...a })));
      }
      return withExample(record);
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}
