import zlib from 'node:zlib';
import fc from 'fast-check';
import {
  deepArrayText,
  deepObject,
  HOSTILE_AUTHORIZATION,
  HOSTILE_CURSORS,
  HOSTILE_IDEMPOTENCY_KEYS,
  HOSTILE_KEYS,
  HOSTILE_PARAM_TEXT,
  hostileJsonValue,
  INVALID_JSON_TEXTS,
  NANISH_NUMBER_TEXTS,
  RAW_PATH_SEGMENTS,
} from './hostile';
import type { Operation, OpenApiDocument, Parameter } from './openapi';
import { define, materialize, PoolRef, validValue, type IdPools } from './schema-values';
import { SEED_BODIES } from './seeds';

/**
 * Request plans for one operation: what to send, described as data so
 * fast-check can generate, print and shrink it. A plan becomes bytes on the
 * wire in toWire(), once the ids that exist are known.
 */

/** Which credentials a plan sends. */
export type AuthPlan =
  | { kind: 'fuzz' } // the admin key with a high rate limit
  | { kind: 'read' } // a valid key with the read scope only
  | { kind: 'revoked' }
  | { kind: 'expired' }
  | { kind: 'header'; value: string | null }; // a hostile Authorization header, or none

export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType?: string; edit?: TextEdit }
  | { kind: 'text'; text: string; contentType: string | null }
  | { kind: 'bytes'; bytes: Buffer; contentType: string | null }
  | { kind: 'oversized'; bytes: number; contentType: string; chunked: boolean }
  | { kind: 'multipart'; field: string; filename: string; fileType: string; bytes: Buffer; boundary?: string };

/** Edits of the JSON text that JSON.stringify cannot produce. */
export type TextEdit =
  | { kind: 'rawNumber'; token: string } // replaces the marker string with a bare token (1e999, -0)
  | { kind: 'protoPollution' }
  | { kind: 'duplicateKey'; key: string; value: unknown }
  | { kind: 'invalidUtf8' };

export interface RequestPlan {
  /** What kind of request this is, for the report: `valid`, `body:extraKey`, `query:hostile`... */
  label: string;
  /** One entry per path parameter: a value to percent-encode, a pool reference, or a raw segment. */
  path: (string | PoolRef | { raw: string })[];
  query: [string, unknown][];
  auth: AuthPlan;
  headers: Record<string, string>;
  body: BodyPlan;
}

export interface WireRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Buffer | null;
  /** Send the body in chunks without Content-Length. */
  chunked: boolean;
}

export interface Credentials {
  fuzz: string;
  read: string;
  revoked: string;
  expired: string;
}

/** Where an id for `{param}` in a path comes from: the collection path in front of it. */
export const poolFor = (template: string, param: string): string => template.slice(0, template.indexOf(`/{${param}}`));

const RAW_NUMBER_MARKER = '\u0001fuzz-raw-number\u0001';

// ---------------------------------------------------------------------------
// Files for the upload operations (assets, batch sources)

/** A PNG header claiming any size, with correct CRCs: decoders must refuse it before allocating the pixels. */
export function pngHeader(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const idat = zlib.deflateSync(Buffer.alloc(width <= 4 && height <= 4 ? (width * 4 + 1) * height : 16));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SVG_OK = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
const SVG_HOSTILE = [
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script><rect width="1" height="1"/></svg>',
  '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
  '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><svg xmlns="http://www.w3.org/2000/svg"><text>&lol3;</text></svg>',
  '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="file:///etc/passwd" width="1" height="1"/><foreignObject><iframe src="javascript:alert(1)"/></foreignObject></svg>',
  '<svg xmlns="http://www.w3.org/2000/svg" width="100000" height="100000" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>',
  '<svg',
];

export const UPLOAD_FILES: fc.Arbitrary<{ bytes: Buffer; type: string; valid: boolean }> = fc.oneof(
  fc.constant({ bytes: pngHeader(2, 2), type: 'image/png', valid: true }),
  fc.constant({ bytes: Buffer.from(SVG_OK), type: 'image/svg+xml', valid: true }),
  fc.constant({
    bytes: Buffer.from('name,url\nMenu,https://menu.invalid/\nCafé,https://café.invalid/\n'),
    type: 'text/csv',
    valid: true,
  }),
  fc.constant({
    bytes: Buffer.from('sku;price\r\n123;4,50\r\n=cmd|"/c calc"!A1;@SUM(1)\r\n'),
    type: 'text/csv',
    valid: true,
  }),
  fc.constantFrom(...SVG_HOSTILE).map((s) => ({ bytes: Buffer.from(s), type: 'image/svg+xml', valid: false })),
  fc.constant({ bytes: pngHeader(100_000, 100_000), type: 'image/png', valid: false }),
  fc.constant({ bytes: pngHeader(0, 0), type: 'image/png', valid: false }),
  fc.constant({ bytes: Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;'), type: 'image/gif', valid: false }),
  fc.constant({ bytes: Buffer.from('PK\x03\x04 not really an xlsx'), type: 'text/csv', valid: false }),
  fc.constant({ bytes: Buffer.from('a,b\n\x00\x00,\x00\n'), type: 'text/csv', valid: false }),
  fc.constant({ bytes: Buffer.from('\xff\xfea\x00,\x00b\x00', 'latin1'), type: 'text/csv', valid: false }),
  fc.constant({ bytes: Buffer.from('"unterminated,quote\n1,2\n'), type: 'text/csv', valid: false }),
  fc
    .uint8Array({ minLength: 1, maxLength: 64 })
    .map((a) => ({ bytes: Buffer.from(a), type: 'application/octet-stream', valid: false })),
);

const HOSTILE_FILENAMES = [
  '../../../etc/passwd',
  'a\r\nX-Injected: 1.png',
  'é🍕.png',
  '"quoted".png',
  '',
  'x'.repeat(300) + '.png',
];

// ---------------------------------------------------------------------------
// Plan arbitraries

/** Query values as text, the way a query string carries them. */
const asQueryText = (v: unknown): unknown => (v instanceof PoolRef ? v : typeof v === 'string' ? v : JSON.stringify(v));

function validQuery(doc: OpenApiDocument, params: Parameter[]): fc.Arbitrary<[string, unknown][]> {
  if (params.length === 0) return fc.constant([]);
  return fc
    .tuple(
      ...params.map((p) =>
        fc.option(
          validValue(doc, p.schema, p.name).map((v) => [p.name, asQueryText(v)] as [string, unknown]),
          { freq: p.required ? 100 : 2 },
        ),
      ),
    )
    .map((entries) => entries.filter((e): e is [string, unknown] => e !== null));
}

function validPath(op: Operation, doc: OpenApiDocument): fc.Arbitrary<RequestPlan['path']> {
  if (op.pathParams.length === 0) return fc.constant([]);
  return fc.tuple(
    ...op.pathParams.map((p) =>
      fc.oneof(
        { weight: 6, arbitrary: fc.nat({ max: 1000 }).map((i) => new PoolRef(poolFor(op.path, p.name), i, 'nope')) },
        { weight: 1, arbitrary: validValue(doc, p.schema, p.name).map((v) => String(v)) },
      ),
    ),
  );
}

function validBody(op: Operation, doc: OpenApiDocument): fc.Arbitrary<BodyPlan> {
  if (op.jsonBody) {
    // Minimal bodies (required fields only) pass validation most often; sparse ones reach the optional features.
    const body = op.jsonBody;
    const seeds = SEED_BODIES[op.operationId];
    return fc
      .oneof(
        validValue(doc, body, undefined, 0, 0),
        validValue(doc, body, undefined, 0, 3),
        ...(seeds ? [{ weight: 2, arbitrary: seeds }] : []),
      )
      .map((value) => ({ kind: 'json' as const, value }));
  }
  if (op.upload) {
    return fc.tuple(UPLOAD_FILES, fc.boolean()).map(([file, multipart]): BodyPlan =>
      multipart
        ? {
            kind: 'multipart',
            field: 'file',
            filename: `upload.${file.type.split('/')[1]}`,
            fileType: file.type,
            bytes: file.bytes,
          }
        : { kind: 'bytes', bytes: file.bytes, contentType: file.type },
    );
  }
  return fc.constant({ kind: 'none' as const });
}

/** Every path to a value inside a JSON value, root first. */
function pathsIn(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsIn(v, [...prefix, i], out));
  else if (value && typeof value === 'object' && !(value instanceof PoolRef)) {
    for (const [k, v] of Object.entries(value)) pathsIn(v, [...prefix, k], out);
  }
  return out;
}

const getAt = (value: unknown, path: (string | number)[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), value);

/** A deep copy with the value at `path` replaced (root when the path is empty). */
function setAt(value: unknown, path: (string | number)[], replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    copy[head as number] = setAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) define(copy, k, v);
  define(copy, String(head), setAt(copy[String(head)], rest, replacement));
  return copy;
}

type Mutation =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'null'; at: number }
  | { kind: 'wrongType'; at: number }
  | { kind: 'dropKey'; at: number; which: number }
  | { kind: 'extraKey'; at: number; key: string; value: unknown }
  | { kind: 'hugeString'; at: number; length: number }
  | { kind: 'deep'; at: number; depth: number }
  | { kind: 'rawNumber'; at: number; token: string }
  | { kind: 'wholeBody'; value: unknown }
  | { kind: 'protoPollution' }
  | { kind: 'duplicateKey'; key: string; value: unknown };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileJsonValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('null' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('wrongType' as const), at: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('dropKey' as const), at: fc.nat(), which: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('extraKey' as const),
      at: fc.nat(),
      key: fc.constantFrom(...HOSTILE_KEYS),
      value: hostileJsonValue,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('hugeString' as const),
      at: fc.nat(),
      length: fc.constantFrom(101, 257, 2049, 6001, 70_000, 400_000),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deep' as const), at: fc.nat(), depth: fc.constantFrom(20, 60) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rawNumber' as const),
      at: fc.nat(),
      token: fc.constantFrom(...NANISH_NUMBER_TEXTS),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wholeBody' as const), value: hostileJsonValue }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'protoPollution' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('duplicateKey' as const),
      key: fc.constantFrom('name', 'type', 'content', 'items', 'url'),
      value: hostileJsonValue,
    }),
  },
);

const wrongTypeOf = (v: unknown): unknown => {
  if (typeof v === 'string') return v.length;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 1;
  if (Array.isArray(v)) return { 0: v[0] ?? null };
  if (v === null) return 'null';
  return [v];
};

/** Applies a mutation to a (valid) JSON body, giving the body and any edit of its text. */
function mutateBody(value: unknown, m: Mutation): { value: unknown; edit?: TextEdit } {
  const paths = pathsIn(value);
  const pick = (at: number) => paths[at % paths.length]!;
  switch (m.kind) {
    case 'replace':
      return { value: setAt(value, pick(m.at), m.value) };
    case 'null':
      return { value: setAt(value, pick(m.at), null) };
    case 'wrongType': {
      const p = pick(m.at);
      return { value: setAt(value, p, wrongTypeOf(getAt(value, p))) };
    }
    case 'dropKey': {
      const objects = paths.filter((p) => {
        const v = getAt(value, p);
        return v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0;
      });
      if (objects.length === 0) return { value: {} };
      const p = objects[m.at % objects.length]!;
      const target = getAt(value, p) as Record<string, unknown>;
      const keys = Object.keys(target);
      const drop = keys[m.which % keys.length]!;
      const copy: Record<string, unknown> = {};
      for (const k of keys) if (k !== drop) define(copy, k, target[k]);
      return { value: setAt(value, p, copy) };
    }
    case 'extraKey': {
      const objects = paths.filter((p) => {
        const v = getAt(value, p);
        return v && typeof v === 'object' && !Array.isArray(v);
      });
      const p = objects.length ? objects[m.at % objects.length]! : [];
      const target = objects.length ? (getAt(value, p) as Record<string, unknown>) : {};
      const copy: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(target)) define(copy, k, v);
      define(copy, m.key, m.value);
      return { value: setAt(value, p, copy) };
    }
    case 'hugeString':
      return { value: setAt(value, pick(m.at), 'h'.repeat(m.length)) };
    case 'deep':
      return { value: setAt(value, pick(m.at), deepObject(m.depth)) };
    case 'rawNumber':
      return { value: setAt(value, pick(m.at), RAW_NUMBER_MARKER), edit: { kind: 'rawNumber', token: m.token } };
    case 'wholeBody':
      return { value: m.value };
    case 'protoPollution':
      return { value, edit: { kind: 'protoPollution' } };
    case 'duplicateKey':
      return { value, edit: { kind: 'duplicateKey', key: m.key, value: m.value } };
  }
}

const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'image/png',
  '*/*',
  'application/json, text/plain',
];

/** Bodies that are wrong as transport: content types, sizes, encodings, JSON syntax. */
function transportBody(op: Operation): fc.Arbitrary<BodyPlan> {
  const limit = op.maxBodyBytes ?? 1024 * 1024;
  const options: fc.Arbitrary<BodyPlan>[] = [
    fc
      .constantFrom(...INVALID_JSON_TEXTS)
      .map((text) => ({ kind: 'text' as const, text, contentType: 'application/json' })),
    fc.constantFrom(...WRONG_CONTENT_TYPES).map((contentType) => ({
      kind: 'text' as const,
      text: '{"name":"x","type":"url","content":"https://menu.invalid"}',
      contentType,
    })),
    fc.constant({ kind: 'text' as const, text: '{"name":"x"}', contentType: null }),
    fc.constant({ kind: 'text' as const, text: deepArrayText(100_000), contentType: 'application/json' }),
    fc.constant({ kind: 'text' as const, text: deepArrayText(65), contentType: 'application/json' }),
    fc.boolean().map((chunked) => ({
      kind: 'oversized' as const,
      bytes: limit + 1,
      contentType: op.upload ? 'application/octet-stream' : 'application/json',
      chunked,
    })),
    fc.constant({ kind: 'json' as const, value: { name: 'x' }, edit: { kind: 'invalidUtf8' as const } }),
    fc.constant({ kind: 'json' as const, value: { name: 'x' }, contentType: 'application/merge-patch+json' }),
  ];
  if (op.upload) {
    options.push(
      fc.constant({ kind: 'bytes' as const, bytes: Buffer.alloc(0), contentType: 'image/png' }),
      fc.constant({ kind: 'text' as const, text: '{"file":"x"}', contentType: 'application/json' }),
      fc.constant({ kind: 'text' as const, text: 'file=x', contentType: 'application/x-www-form-urlencoded' }),
      fc.constant({ kind: 'text' as const, text: '--x\r\n\r\n', contentType: 'multipart/form-data' }), // no boundary
      fc.constant({
        kind: 'text' as const,
        text: '--b\r\nContent-Disposition: form-data; name="file"\r\n',
        contentType: 'multipart/form-data; boundary=b',
      }),
      fc
        .tuple(fc.constantFrom('file', 'other', ''), fc.constantFrom(...HOSTILE_FILENAMES), UPLOAD_FILES)
        .map(([field, filename, file]): BodyPlan => ({
          kind: 'multipart',
          field,
          filename,
          fileType: file.type,
          bytes: file.bytes,
        })),
    );
  }
  return fc.oneof(...options);
}

const PROTECTED_HEADER_VARIANTS: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({ Origin: 'http://evil.example' }),
  fc.constant({ Origin: 'null' }),
  fc.constant({ 'Sec-Fetch-Site': 'cross-site' }),
  fc.constant({ 'Sec-Fetch-Site': 'same-site' }),
  fc.constant({ 'X-Forwarded-For': '8.8.8.8', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'https' }),
  fc.constant({ 'X-HTTP-Method-Override': 'DELETE', 'X-Method-Override': 'DELETE' }),
  fc.constant({ Accept: 'text/html' }),
  fc.constant({ Accept: 'application/xml' }),
  fc.constant({ 'Accept-Encoding': 'gzip, br, zstd' }),
  fc.constant({ Range: 'bytes=0-1' }),
);

export interface PlanOptions {
  /**
   * Only requests the server must refuse before the handler runs: for operations
   * that cannot safely run for real here (starting a tunnel reaches for the network).
   */
  refusedOnly?: boolean;
}

/** The plans fuzzing one operation: valid, boundary and hostile requests, weighted. */
export function requestPlans(
  doc: OpenApiDocument,
  op: Operation,
  options: PlanOptions = {},
): fc.Arbitrary<RequestPlan> {
  const fuzz: AuthPlan = { kind: 'fuzz' };
  const path = validPath(op, doc);
  const query = validQuery(doc, op.query);
  const body = validBody(op, doc);
  const plan = (label: string, parts: Partial<RequestPlan>) =>
    fc
      .tuple(path, query, body)
      .map(([p, q, b]): RequestPlan => ({ label, path: p, query: q, auth: fuzz, headers: {}, body: b, ...parts }));

  const authPlans = fc.oneof(
    fc.constantFrom<AuthPlan>(
      { kind: 'revoked' },
      { kind: 'expired' },
      ...(op.method === 'get' ? [] : [{ kind: 'read' as const }]),
    ),
    fc.constantFrom(...HOSTILE_AUTHORIZATION).map((value): AuthPlan => ({ kind: 'header', value })),
  );

  if (options.refusedOnly) {
    return fc.oneof(
      fc.tuple(path, authPlans).map(([p, auth]): RequestPlan => ({
        label: 'auth',
        path: p,
        query: [],
        auth,
        headers: {},
        body: { kind: 'none' },
      })),
      fc.tuple(path, hostileJsonValue).map(([p, value]): RequestPlan => ({
        label: 'body:unexpected',
        path: p,
        query: [],
        auth: fuzz,
        headers: {},
        body: { kind: 'json', value: value ?? {} },
      })),
      // Not the blank values: a blank header counts as no header, by design (qrcodes-idempotency.test.ts).
      fc
        .tuple(path, fc.constantFrom(...HOSTILE_IDEMPOTENCY_KEYS.filter((k) => k.trim() !== ''), 'valid-looking-key'))
        .map(([p, key]): RequestPlan => ({
          label: 'header:idempotency',
          path: p,
          query: [],
          auth: fuzz,
          headers: { 'Idempotency-Key': key },
          body: { kind: 'none' },
        })),
      fc
        .tuple(
          path,
          fc.constantFrom<Record<string, string>>(
            { Origin: 'http://evil.example' },
            { 'Sec-Fetch-Site': 'cross-site' },
          ),
        )
        .map(([p, headers]): RequestPlan => ({
          label: 'header:cross-site',
          path: p,
          query: [],
          auth: fuzz,
          headers,
          body: { kind: 'none' },
        })),
    );
  }

  const variants: { weight: number; arbitrary: fc.Arbitrary<RequestPlan> }[] = [
    { weight: 6, arbitrary: plan('valid', {}) },
    // Query: a documented parameter with a hostile value, an unknown or repeated one, a broken cursor.
    {
      weight: op.query.length ? 3 : 1,
      arbitrary: fc
        .tuple(
          plan('query', {}),
          fc.oneof(
            fc.tuple(
              fc.constantFrom(...(op.query.length ? op.query.map((q) => q.name) : ['limit'])),
              fc.constantFrom(...HOSTILE_PARAM_TEXT),
            ),
            fc.tuple(
              fc.constantFrom(
                '__proto__',
                'constructor',
                '__proto__[polluted]',
                'constructor[prototype][polluted]',
                'unknown',
                '',
              ),
              fc.constantFrom('1', 'yes'),
            ),
            fc.tuple(fc.constant('cursor'), fc.constantFrom(...HOSTILE_CURSORS)),
          ),
          fc.boolean(),
        )
        .map(([p, [name, value], repeat]) => ({
          ...p,
          label: `query:${name || '(empty)'}${repeat ? ' repeated' : ''}`,
          query: [
            ...p.query.filter(([n]) => n !== name),
            [name, value] as [string, unknown],
            ...(repeat ? [[name, value] as [string, unknown]] : []),
          ],
        })),
    },
    // Headers: Idempotency-Key abuse, cross-site markers, forwarded headers that must not be believed.
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          plan('headers', {}),
          fc.oneof(
            fc.constantFrom(...HOSTILE_IDEMPOTENCY_KEYS).map((k) => ({ 'Idempotency-Key': k })),
            // A small set of keys, so later requests reuse one with another body (409) or replay it.
            fc.constantFrom('fuzz-a', 'fuzz-b').map((k) => ({ 'Idempotency-Key': k })),
            PROTECTED_HEADER_VARIANTS,
          ),
        )
        .map(([p, headers]) => ({ ...p, label: `header:${Object.keys(headers).join('+')}`, headers })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(plan('auth', {}), authPlans).map(([p, auth]) => ({ ...p, label: `auth:${auth.kind}`, auth })),
    },
  ];
  if (op.pathParams.length) {
    variants.push({
      weight: 3,
      arbitrary: fc
        .tuple(
          plan('path', {}),
          fc.nat(),
          fc.oneof(
            fc.constantFrom(...HOSTILE_PARAM_TEXT),
            fc.constantFrom(...RAW_PATH_SEGMENTS).map((raw) => ({ raw })),
            fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
          ),
        )
        .map(([p, which, value]) => {
          const copy = [...p.path];
          copy[which % copy.length] = value;
          return { ...p, label: typeof value === 'string' ? 'path:hostile' : 'path:raw', path: copy };
        }),
    });
  }
  if (op.jsonBody) {
    variants.push({
      weight: 8,
      arbitrary: fc.tuple(plan('body', {}), mutationArb).map(([p, m]) => {
        const { value, edit } = mutateBody(p.body.kind === 'json' ? p.body.value : {}, m);
        return { ...p, label: `body:${m.kind}`, body: { kind: 'json' as const, value, edit } };
      }),
    });
  }
  // Transport-level body faults: every operation gets them, including those that take no body at all.
  variants.push({
    weight: op.jsonBody || op.upload ? 3 : 2,
    arbitrary: fc
      .tuple(plan('transport', {}), transportBody(op))
      .map(([p, b]) => ({ ...p, label: `transport:${b.kind}`, body: b })),
  });
  return fc.oneof(...variants);
}

// ---------------------------------------------------------------------------
// From plan to bytes

/**
 * Percent-encodes any JavaScript string, lone surrogates included (as the
 * three bytes WTF-8 gives them, which is what a careless client sends), where
 * encodeURIComponent would throw.
 */
export function encodeLoose(s: string): string {
  let out = '';
  for (const ch of s) {
    const unit = ch.charCodeAt(0);
    if (ch.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(ch);
    }
  }
  return out;
}

const encodeQuery = (pairs: [string, unknown][]) =>
  pairs.map(([k, v]) => `${encodeLoose(k)}=${encodeLoose(String(v))}`).join('&');

/** The JSON text for a body, with the edits JSON.stringify cannot make. */
export function jsonText(value: unknown, edit: TextEdit | undefined): Buffer {
  let text = JSON.stringify(value) ?? 'null';
  switch (edit?.kind) {
    case 'rawNumber':
      text = text.replace(JSON.stringify(RAW_NUMBER_MARKER), edit.token);
      break;
    case 'protoPollution':
      if (text.startsWith('{')) {
        const pollution =
          '"__proto__":{"polluted":"yes","isAdmin":true,"scopes":["admin"]},"constructor":{"prototype":{"polluted":"yes"}}';
        text = `{${pollution}${text === '{}' ? '' : ','}${text.slice(1)}`;
      }
      break;
    case 'duplicateKey':
      if (text.startsWith('{') && text !== '{}')
        text = `${text.slice(0, -1)},${JSON.stringify(edit.key)}:${JSON.stringify(edit.value) ?? 'null'}}`;
      break;
    case 'invalidUtf8': {
      const bytes = Buffer.from(text);
      const at = Math.max(1, bytes.indexOf('"x"') + 1);
      return Buffer.concat([bytes.subarray(0, at), Buffer.from([0xc3, 0x28, 0xff]), bytes.subarray(at)]);
    }
  }
  return Buffer.from(text);
}

function multipart(b: Extract<BodyPlan, { kind: 'multipart' }>): { bytes: Buffer; contentType: string } {
  const boundary = b.boundary ?? 'fuzzBoundary7MA4YWxkTrZu0gW';
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="${b.field}"; filename="${b.filename.replace(/[\r\n"]/g, '_')}"\r\nContent-Type: ${b.fileType}\r\n\r\n`;
  return {
    bytes: Buffer.concat([Buffer.from(head), b.bytes, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

/** Turns a plan into the request to send, with ids taken from the pools. */
export function toWire(op: Operation, plan: RequestPlan, pools: IdPools, keys: Credentials): WireRequest {
  let i = 0;
  const path = op.path.replace(/\{[^}]+\}/g, () => {
    const v = plan.path[i++];
    if (v && typeof v === 'object' && 'raw' in v) return v.raw;
    return encodeLoose(String(materialize(v, pools)));
  });
  const query = encodeQuery(plan.query.map(([k, v]) => [k, materialize(v, pools)]));
  const headers: Record<string, string> = { ...plan.headers };
  switch (plan.auth.kind) {
    case 'header':
      if (plan.auth.value !== null) headers.Authorization = plan.auth.value;
      break;
    default:
      headers.Authorization = `Bearer ${keys[plan.auth.kind]}`;
  }
  let body: Buffer | null = null;
  let chunked = false;
  const b = plan.body;
  switch (b.kind) {
    case 'json':
      body = jsonText(materialize(b.value, pools), b.edit);
      headers['Content-Type'] = b.contentType ?? 'application/json';
      break;
    case 'text':
      body = Buffer.from(b.text);
      if (b.contentType !== null) headers['Content-Type'] = b.contentType;
      break;
    case 'bytes':
      body = b.bytes;
      if (b.contentType !== null) headers['Content-Type'] = b.contentType;
      break;
    case 'oversized':
      body = Buffer.alloc(b.bytes, 0x20);
      if (b.contentType === 'application/json') {
        body.write('{"pad":"');
        body.write('"}', b.bytes - 2);
        body.fill(0x78, 8, b.bytes - 2);
      }
      headers['Content-Type'] = b.contentType;
      chunked = b.chunked;
      break;
    case 'multipart': {
      const m = multipart(b);
      body = m.bytes;
      headers['Content-Type'] = m.contentType;
      break;
    }
  }
  return { method: op.method.toUpperCase(), path: query ? `${path}?${query}` : path, headers, body, chunked };
}
