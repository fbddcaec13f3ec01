import fc from 'fast-check';

/**
 * Hostile values the fuzzer mixes into requests: what attackers, broken
 * clients and copy-pasted spreadsheets send. Strings are JavaScript strings;
 * JSON.stringify turns lone surrogates into `\udXXX` escapes, so those reach
 * the server as escaped JSON, which is the only way they can arrive.
 */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\t\n',
  'null',
  'undefined',
  'true',
  '0',
  '-1',
  'NaN',
  'Infinity',
  '1e309',
  '9007199254740993',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e%2f',
  '/dev/zero',
  'C:\\Windows\\System32',
  "' OR 1=1 --",
  '"; DROP TABLE qr_codes; --',
  "1'); DELETE FROM api_keys; --",
  '%',
  '%00',
  '\u0000',
  'a\u0000b',
  '\u202eevil\u202c', // RTL override
  '\u200b\u200d\ufeff', // zero-width characters and a BOM
  '\ud800', // a lone high surrogate
  '\udfff', // a lone low surrogate
  'x\ud83dy', // half an emoji
  '🍕🏳️‍🌈👩‍👩‍👧‍👦',
  'é'.normalize('NFD'),
  'Z̷̢͈͓̈́a̶̡͉̽l̸̙̓g̵̨̈́o̴͎̊',
  '東京タワー',
  '\r\nX-Injected: 1',
  '%0d%0aSet-Cookie: a=b',
  '\u0085\u2028\u2029',
  '\u001b[31mred\u001b[0m',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'file:///etc/passwd',
  '//evil.example',
  'https:\\\\evil.example',
  'https://bank.example@evil.example',
  'http://127.0.0.1:1/',
  '=cmd|"/c calc"!A1',
  '{{7*7}}${7*7}',
  '__proto__',
  'constructor',
  'prototype',
  'qrd_' + 'A'.repeat(43),
  'x'.repeat(257),
  'y'.repeat(5000),
];

/** Keys that try prototype pollution or confuse naive object handling. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '',
  ' ',
  '$where',
  'extra',
  '\u0000',
  'a.b',
  '../x',
];

/** Query-string and path values that are hostile as text (sent percent-encoded). */
export const HOSTILE_PARAM_TEXT: readonly string[] = [
  ...HOSTILE_STRINGS.filter((s) => s.length < 300),
  '-0',
  '0x10',
  '1e3',
  ' 5',
  '5.5',
  '+1',
  '00000000001',
  '1e-400',
  '-9007199254740992',
  'z'.repeat(70),
  'w'.repeat(600),
];

/** Path segments sent as they are, not encoded: traversal and encoding tricks aimed at the router. */
export const RAW_PATH_SEGMENTS: readonly string[] = [
  '..',
  '.',
  '..%2f..%2f..%2fetc%2fpasswd',
  '%2e%2e',
  '%2e%2e%2f%2e%2e%2fhealth',
  '%E0%A4%A', // malformed percent-encoding
  '%',
  '%ZZ',
  '%00',
  '%C0%AE%C0%AE', // overlong UTF-8 for ".."
  '%ED%A0%80', // an encoded lone surrogate
  '%F0%9F%8D%95',
  'a;b=c',
  'id%0d%0aX-Injected:%201',
  '..;',
  '~',
];

/** Malformed pagination cursors: wrong alphabet, wrong JSON, wrong shapes, and values at the edges. */
export const HOSTILE_CURSORS: readonly string[] = [
  '',
  '!!!',
  '====',
  'abc',
  'eyJhIjoxfQ', // {"a":1}
  ...[
    '[]',
    '[1]',
    '[1,2,3]',
    '["1","x"]',
    '[1e400,"x"]',
    '[1.5,"x"]',
    '[9007199254740993,"x"]',
    '[-9007199254740991,"x"]',
    '[0,""]',
    '[0,"' + 'x'.repeat(65) + '"]',
    '[0,"\\u0000"]',
    '[0,{"__proto__":1}]',
    '{"createdAt":1,"id":"x"}',
    'null',
    '"x"',
  ].map((json) => Buffer.from(json).toString('base64url')),
  Buffer.from([0xff, 0xfe, 0x00]).toString('base64url'),
  'A'.repeat(512),
  'A'.repeat(513),
];

/** Idempotency-Key header values that are wrong (too long, odd bytes); node refuses CR/LF itself. */
export const HOSTILE_IDEMPOTENCY_KEYS: readonly string[] = [
  'k'.repeat(256),
  'k'.repeat(10_000),
  ' ',
  '\t',
  'caf\u00e9', // Latin-1 byte, not UTF-8
  '\u00ff\u00fe',
  '../../x',
  "' OR 1=1 --",
];

/** Authorization header values that must all be 401 (never a 500, never admitted). */
export const HOSTILE_AUTHORIZATION: readonly (string | null)[] = [
  null,
  '',
  'Bearer',
  'Bearer ',
  'bearer qrd_nothing',
  'Basic YWRtaW46YWRtaW4=',
  'Bearer qrd_' + 'A'.repeat(43),
  'Bearer qrd_' + 'A'.repeat(4000),
  'Bearer qrd_\u00e9\u00e9',
  'Bearer  qrd_x',
  'Bearer qrd_x, Bearer qrd_y',
  "Bearer ' OR 1=1 --",
];

/** JSON texts that are not JSON. */
export const INVALID_JSON_TEXTS: readonly string[] = [
  '{',
  '{"a":1',
  "{'a':1}",
  '{"a":1,}',
  '[1,2,]',
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":0x10}',
  '{"a":undefined}',
  '{"a":1} // comment',
  '\ufeff{"a":1}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  'nul',
  '"unterminated',
  '{"a":1}{"b":2}',
];

/** Numbers written into JSON text that JavaScript reads as something else (Infinity, -0, rounding). */
export const NANISH_NUMBER_TEXTS: readonly string[] = [
  '1e999',
  '-1e999',
  '-0',
  '1e-400',
  '9007199254740993',
  '-9007199254740993',
  '1.0000000000000002',
  '0.1e1',
  '1E2',
  '123456789012345678901234567890',
];

/** A JSON text nesting arrays `depth` deep: past the server's limit it must be refused, not overflow. */
export const deepArrayText = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

/** A JSON value nesting objects `depth` deep (for nesting under the limit, at a field). */
export function deepObject(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Any hostile JSON value: strings from the corpus, wrong types, empty and nested containers. */
export const hostileJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      -0,
      Number.MAX_SAFE_INTEGER + 2,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      [],
      {},
      [null],
      { '': null },
      [[[[[]]]]],
    ),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(deepObject(60), deepObject(10)) },
);
