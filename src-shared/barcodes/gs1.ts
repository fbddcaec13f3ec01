import { gtinCheckDigit } from './gtin';

/**
 * GS1 element strings in the bracket syntax bwip-js takes, e.g.
 * `(01)09501101530003(17)260101`: each application identifier (AI) known,
 * its data of the right length and characters, check digits and dates right.
 * The table covers the AIs of the GS1 General Specifications used on trade
 * items and logistic units; a rare AI outside it is refused by name.
 */

interface AiSpec {
  title: string;
  min: number;
  max: number;
  /** All digits (else GS1's 82-character set, after any numeric prefix). */
  numeric: boolean;
  /** The first n characters must be digits (for N3+X..9 style fields). */
  numericPrefix?: number;
  /** The first n digits end with a GS1 mod-10 check digit. */
  check?: number;
  /** YYMMDD (DD may be 00 where GS1 allows it), or YYMMDDHHMM. */
  date?: 'YYMMDD' | 'YYMMDD0' | 'YYMMDDHHMM';
}

const N = (title: string, min: number, max = min, extra: Partial<AiSpec> = {}): AiSpec => ({
  title,
  min,
  max,
  numeric: true,
  ...extra,
});
const X = (title: string, max: number, extra: Partial<AiSpec> = {}): AiSpec => ({
  title,
  min: 1,
  max,
  numeric: false,
  ...extra,
});

const FIXED: Record<string, AiSpec> = {
  '00': N('SSCC', 18, 18, { check: 18 }),
  '01': N('GTIN', 14, 14, { check: 14 }),
  '02': N('CONTENT', 14, 14, { check: 14 }),
  '10': X('BATCH/LOT', 20),
  '11': N('PROD DATE', 6, 6, { date: 'YYMMDD0' }),
  '12': N('DUE DATE', 6, 6, { date: 'YYMMDD0' }),
  '13': N('PACK DATE', 6, 6, { date: 'YYMMDD0' }),
  '15': N('BEST BEFORE or BEST BY', 6, 6, { date: 'YYMMDD0' }),
  '16': N('SELL BY', 6, 6, { date: 'YYMMDD0' }),
  '17': N('USE BY or EXPIRY', 6, 6, { date: 'YYMMDD0' }),
  '20': N('VARIANT', 2),
  '21': X('SERIAL', 20),
  '22': X('CPV', 20),
  '235': X('TPX', 28),
  '240': X('ADDITIONAL ID', 30),
  '241': X('CUST. PART No.', 30),
  '242': N('MTO VARIANT', 1, 6),
  '243': X('PCN', 20),
  '250': X('SECONDARY SERIAL', 30),
  '251': X('REF. TO SOURCE', 30),
  '253': { title: 'GDTI', min: 13, max: 30, numeric: false, numericPrefix: 13, check: 13 },
  '254': X('GLN EXTENSION COMPONENT', 20),
  '255': N('GCN', 13, 25, { check: 13 }),
  '30': N('VAR. COUNT', 1, 8),
  '37': N('COUNT', 1, 8),
  '400': X('ORDER NUMBER', 30),
  '401': X('GINC', 30),
  '402': N('GSIN', 17, 17, { check: 17 }),
  '403': X('ROUTE', 30),
  '410': N('SHIP TO LOC', 13, 13, { check: 13 }),
  '411': N('BILL TO', 13, 13, { check: 13 }),
  '412': N('PURCHASE FROM', 13, 13, { check: 13 }),
  '413': N('SHIP FOR LOC', 13, 13, { check: 13 }),
  '414': N('LOC No.', 13, 13, { check: 13 }),
  '415': N('PAY TO', 13, 13, { check: 13 }),
  '416': N('PROD/SERV LOC', 13, 13, { check: 13 }),
  '417': N('PARTY', 13, 13, { check: 13 }),
  '420': X('SHIP TO POST', 20),
  '421': { title: 'SHIP TO POST', min: 4, max: 12, numeric: false, numericPrefix: 3 },
  '422': N('ORIGIN', 3),
  '423': N('COUNTRY - INITIAL PROCESS', 4, 15),
  '424': N('COUNTRY - PROCESS', 3),
  '425': N('COUNTRY - DISASSEMBLY', 4, 15),
  '426': N('COUNTRY - FULL PROCESS', 3),
  '427': X('ORIGIN SUBDIVISION', 3),
  '7001': N('NSN', 13),
  '7002': X('MEAT CUT', 30),
  '7003': N('EXPIRY TIME', 10, 10, { date: 'YYMMDDHHMM' }),
  '7004': N('ACTIVE POTENCY', 1, 4),
  '7005': X('CATCH AREA', 12),
  '7006': N('FIRST FREEZE DATE', 6, 6, { date: 'YYMMDD' }),
  '7007': N('HARVEST DATE', 6, 12, { date: 'YYMMDD' }),
  '7008': X('AQUATIC SPECIES', 3),
  '7009': X('FISHING GEAR TYPE', 10),
  '7010': X('PROD METHOD', 2),
  '7020': X('REFURB LOT', 20),
  '7021': X('FUNC STAT', 20),
  '7022': X('REV STAT', 20),
  '7023': X('GIAI - ASSEMBLY', 30),
  '7240': X('PROTOCOL', 20),
  '8001': N('DIMENSIONS', 14),
  '8002': X('CMT No.', 20),
  '8003': { title: 'GRAI', min: 14, max: 30, numeric: false, numericPrefix: 14 },
  '8004': X('GIAI', 30),
  '8005': N('PRICE PER UNIT', 6),
  '8006': N('ITIP', 18),
  '8007': X('IBAN', 34),
  '8008': N('PROD TIME', 8, 12),
  '8009': X('OPTSEN', 50),
  '8010': X('CPID', 30),
  '8011': N('CPID SERIAL', 1, 12),
  '8012': X('VERSION', 20),
  '8013': X('GMN', 25),
  '8017': N('GSRN - PROVIDER', 18, 18, { check: 18 }),
  '8018': N('GSRN - RECIPIENT', 18, 18, { check: 18 }),
  '8019': N('SRIN', 1, 10),
  '8020': X('REF No.', 25),
  '8026': N('ITIP CONTENT', 18),
  '8110': X('COUPON', 70),
  '8111': N('POINTS', 4),
  '8112': X('COUPON', 70),
  '8200': X('PRODUCT URL', 70),
  '90': X('INTERNAL', 30),
};

/** Measures and amounts: a 3-digit AI family plus a 4th digit (decimal places). */
function familySpec(ai: string): AiSpec | undefined {
  if (!/^\d{4}$/.test(ai)) return undefined;
  const family = Number(ai.slice(0, 3));
  const n = Number(ai[3]);
  const measure =
    (family >= 310 && family <= 316) ||
    (family >= 320 && family <= 337) ||
    (family >= 340 && family <= 357) ||
    (family >= 360 && family <= 369);
  if (measure && n <= 5) return N('MEASURE', 6);
  if (family === 390 || family === 392) return n <= 9 ? N(family === 390 ? 'AMOUNT' : 'PRICE', 1, 15) : undefined;
  if (family === 391 || family === 393) return n <= 9 ? N(family === 391 ? 'AMOUNT' : 'PRICE', 4, 18) : undefined;
  if (family === 394) return n <= 9 ? N('PRCNT OFF', 4) : undefined;
  if (family === 395) return n <= 9 ? N('PRICE/UoM', 6) : undefined;
  return undefined;
}

export function aiSpec(ai: string): AiSpec | undefined {
  if (/^9[1-9]$/.test(ai)) return X('INTERNAL', 90);
  return FIXED[ai] ?? familySpec(ai);
}

/** GS1's 82-character set (ISO 646 invariant subset), less the parentheses the bracket syntax uses. */
const CSET82 = /^[!"%&'*+,\-./0-9:;<=>?A-Z_a-z]*$/;
const BAD_CHAR = /[^!"%&'*+,\-./0-9:;<=>?A-Z_a-z]/;

/** AIs whose length the GS1 table fixes by their first two digits: they need no separator after them. */
const PREDEFINED_LENGTH = new Set([
  '00',
  '01',
  '02',
  '03',
  '04',
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '20',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '41',
]);

/** GS1-128 holds at most 48 data characters (AIs, data and separators). */
export const GS1_128_MAX_DATA = 48;

export interface Gs1Element {
  ai: string;
  data: string;
}

function checkDate(ai: string, data: string, kind: NonNullable<AiSpec['date']>): string | null {
  const month = Number(data.slice(2, 4));
  const day = Number(data.slice(4, 6));
  if (month < 1 || month > 12) return `(${ai}) is a date YYMMDD; ${data.slice(0, 6)} has no month ${data.slice(2, 4)}`;
  const year = 2000 + Number(data.slice(0, 2));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day === 0 && kind === 'YYMMDD0') return null;
  if (day < 1 || day > daysInMonth)
    return `(${ai}) is a date YYMMDD; ${data.slice(0, 6)} has no day ${data.slice(4, 6)}`;
  if (kind === 'YYMMDDHHMM') {
    if (Number(data.slice(6, 8)) > 23 || Number(data.slice(8, 10)) > 59) {
      return `(${ai}) is a time YYMMDDHHMM; ${data.slice(6, 10)} is not a time of day`;
    }
  }
  return null;
}

function checkElement({ ai, data }: Gs1Element): string | null {
  const spec = aiSpec(ai);
  if (!spec) return `(${ai}) is not a GS1 application identifier qrdesk knows`;
  const length =
    spec.min === spec.max
      ? `exactly ${spec.min} ${spec.numeric ? 'digits' : 'characters'}`
      : `${spec.min} to ${spec.max} ${spec.numeric ? 'digits' : 'characters'}`;
  if (data.length < spec.min || data.length > spec.max) {
    return `(${ai}) ${spec.title} takes ${length}; got ${data.length}`;
  }
  if (spec.numeric && !/^\d+$/.test(data)) return `(${ai}) ${spec.title} takes digits only`;
  if (spec.numericPrefix && !/^\d+$/.test(data.slice(0, spec.numericPrefix))) {
    return `(${ai}) ${spec.title} starts with ${spec.numericPrefix} digits`;
  }
  const bad = BAD_CHAR.exec(data);
  if (!CSET82.test(data) && bad) return `(${ai}) has a character GS1 does not allow: "${bad[0]}"`;
  if (spec.check) {
    const body = data.slice(0, spec.check - 1);
    const expected = gtinCheckDigit(body);
    const given = data[spec.check - 1];
    if (String(expected) !== given) return `(${ai}) ${spec.title} check digit should be ${expected}, not ${given}`;
  }
  if (spec.date) return checkDate(ai, data, spec.date);
  return null;
}

export type Gs1Result = { ok: true; elements: Gs1Element[] } | { ok: false; message: string };

/** Parses and checks a bracketed GS1 element string. */
export function parseGs1(value: string): Gs1Result {
  const fail = (message: string): Gs1Result => ({ ok: false, message });
  if (!value.startsWith('(')) {
    return fail('GS1-128 takes element strings with bracketed AIs, like (01)09501101530003(17)260101');
  }
  const elements: Gs1Element[] = [];
  const re = /\((\d{2,4})\)([^()]*)/y;
  let index = 0;
  while (index < value.length) {
    re.lastIndex = index;
    const m = re.exec(value);
    if (!m) {
      return fail(
        `GS1-128: cannot read an element at position ${index + 1}; each is (AI) and its data, like (10)ABC123, with no parentheses in the data`,
      );
    }
    const [, ai, data] = m as unknown as [string, string, string];
    if (data === '') return fail(`(${ai}) has no data`);
    if (elements.some((e) => e.ai === ai)) return fail(`(${ai}) appears twice`);
    elements.push({ ai, data });
    index = re.lastIndex;
  }
  for (const element of elements) {
    const problem = checkElement(element);
    if (problem) return fail(problem);
  }
  const separators = elements.slice(0, -1).filter((e) => !PREDEFINED_LENGTH.has(e.ai.slice(0, 2))).length;
  const total = elements.reduce((sum, e) => sum + e.ai.length + e.data.length, 0) + separators;
  if (total > GS1_128_MAX_DATA) {
    return fail(`GS1-128 holds at most ${GS1_128_MAX_DATA} data characters; this needs ${total}`);
  }
  return { ok: true, elements };
}
