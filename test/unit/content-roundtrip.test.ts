/**
 * Payloads parsed back by parsers that are not ours: ical.js for vCard and
 * iCalendar, ibantools for IBANs, WHATWG URL and URLSearchParams for URIs.
 * Every text must come back exactly, whatever its script.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ibantools from 'ibantools';
import { parseEvent, parseVcard, vcardValue } from '../helpers/payload-parsers';
import { encodePayload } from '../../src-shared/payloads';
import { ibanProblem, isCreditorReference, SEPA_IBAN_LENGTHS } from '../../src-shared/payloads/iban';
import { CONTENT_SCHEMAS, type ContentOf, type QrType } from '../../src-shared/schemas/content';
import { UTF8_CORPUS } from '../helpers/utf8-corpus';

function encode<T extends QrType>(type: T, input: unknown): string {
  const parsed = CONTENT_SCHEMAS[type].safeParse(input);
  if (!parsed.success) assert.fail(`${type} ${JSON.stringify(input)} invalid: ${JSON.stringify(parsed.error.issues)}`);
  const payload = encodePayload(type, parsed.data as ContentOf<T>);
  // The payload survives UTF-8 exactly: no lone surrogate, no character cut in two.
  assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(payload, 'utf8')), payload);
  return payload;
}

const CORPUS = UTF8_CORPUS;

const SPECIALS = 'a\\b,c;d:e"f\'g<h>i&j%k+l=m?n#o/p';

// ---------------------------------------------------------------------------

describe('vCard payloads parsed by ical.js', () => {
  for (const text of [...CORPUS, SPECIALS]) {
    it(`give back ${JSON.stringify(text)} in every field`, () => {
      const content = {
        firstName: text,
        lastName: `${text} 2`,
        organization: `${text} SARL`,
        title: `${text} title`,
        phones: [{ number: '+33 1 42 54 90 50', type: 'work' }, { number: '06 12 34 56 78' }],
        emails: ['amelie@example.com'],
        website: 'https://example.com/a,b;c?d=1&e=2',
        address: { street: `1 ${text}`, city: text, postalCode: '75018', region: 'Île-de-France', country: text },
        note: `${text}\n${text}\ttab`,
      };
      const card = parseVcard(encode('vcard', content));
      assert.equal(vcardValue(card, 'version'), '3.0');
      assert.deepEqual(vcardValue(card, 'n'), [content.lastName, content.firstName, '', '', '']);
      assert.equal(vcardValue(card, 'fn'), `${content.firstName} ${content.lastName}`);
      assert.equal(vcardValue(card, 'org'), content.organization);
      assert.equal(vcardValue(card, 'title'), content.title);
      assert.equal(vcardValue(card, 'note'), content.note);
      assert.equal(vcardValue(card, 'url'), content.website);
      assert.deepEqual(vcardValue(card, 'adr'), [
        '',
        '',
        content.address.street,
        content.address.city,
        content.address.region,
        content.address.postalCode,
        content.address.country,
      ]);
      assert.deepEqual(
        card.props.get('tel')!.map((t) => [t.params.type, t.values[0]]),
        [
          ['WORK', '+33 1 42 54 90 50'],
          [undefined, '06 12 34 56 78'],
        ],
      );
      assert.equal(vcardValue(card, 'email'), 'amelie@example.com');
    });
  }

  it('fold a long CJK and emoji note at 75 octets without splitting a character, and unfold it exactly', () => {
    const note = ('東京タワー🍕👩‍👩‍👧مرحبا' + 'e\u0301').repeat(30);
    const payload = encode('vcard', { organization: 'ACME', note });
    const bytes = Buffer.from(payload, 'utf8');
    const physical: Buffer[] = [];
    let from = 0;
    for (let i = 0; i < bytes.length - 1; i++) {
      if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) {
        physical.push(bytes.subarray(from, i));
        from = i + 2;
      }
    }
    assert.equal(from, bytes.length, 'ends with CRLF');
    const strict = new TextDecoder('utf-8', { fatal: true });
    const noteLines = physical.filter(
      (line, i) => i > 0 && (line[0] === 0x20 || strict.decode(line).startsWith('NOTE:')),
    );
    assert.ok(noteLines.length > 10, 'the note is folded');
    for (const line of physical) {
      assert.ok(line.length <= 75, `${line.length} octets`);
      strict.decode(line); // throws if a fold cut a character
    }
    assert.ok(!/\r\n(?![ A-Z]|$)/.test(payload), 'continuation lines start with a space');
    assert.ok(!/[\r\n]/.test(payload.replace(/\r\n/g, '')), 'every line break is CRLF');
    assert.equal(vcardValue(parseVcard(payload), 'note'), note);
  });
});

// ---------------------------------------------------------------------------

describe('iCalendar payloads parsed by ical.js', () => {
  for (const text of [...CORPUS, SPECIALS]) {
    it(`give back ${JSON.stringify(text)} in summary, location and description`, () => {
      const content = {
        title: text,
        start: '2026-11-21T19:30:00+01:00',
        end: '2026-11-21T22:00:00Z',
        location: `${text}, Paris`,
        description: `${text}\n\n${text.repeat(8)}`,
      };
      const { event } = parseEvent(encode('event', content));
      assert.equal(event.summary, content.title);
      assert.equal(event.location, content.location);
      assert.equal(event.description, content.description);
      assert.equal(event.startDate.toJSDate().toISOString(), '2026-11-21T18:30:00.000Z');
      assert.equal(event.endDate.toJSDate().toISOString(), '2026-11-21T22:00:00.000Z');
      assert.match(event.uid, /^[0-9a-f]{16}@qrdesk$/);
    });
  }

  it('give back a time zone and its wall times', () => {
    const { vevent } = parseEvent(
      encode('event', { title: 'Jazz', start: '2026-11-21T20:00', end: '2026-11-21T23:30', timezone: 'Europe/Paris' }),
    );
    for (const [name, value] of [
      ['dtstart', '2026-11-21T20:00:00'],
      ['dtend', '2026-11-21T23:30:00'],
    ]) {
      const prop = vevent.getFirstProperty(name!)!;
      assert.deepEqual(prop.toJSON().slice(1), [{ tzid: 'Europe/Paris' }, 'date-time', value]);
    }
    assert.ok(vevent.getFirstPropertyValue('dtstamp'));
  });

  it('give back all-day dates, DTEND the day after the last', () => {
    const { event } = parseEvent(
      encode('event', { title: 'Fair', start: '2026-12-30', end: '2027-01-02', allDay: true }),
    );
    assert.equal(event.startDate.isDate, true);
    assert.equal(event.startDate.toString(), '2026-12-30');
    assert.equal(event.endDate.toString(), '2027-01-03');
  });
});

// ---------------------------------------------------------------------------

describe('IBAN checks agree with ibantools', () => {
  const VALID = [
    'DE89 3704 0044 0532 0130 00',
    'FR76 3000 6000 0112 3456 7890 189',
    'BE71 0961 2345 6769',
    'NL91 ABNA 0417 1643 00',
    'GB29 NWBK 6016 1331 9268 19',
    'IT60 X054 2811 1010 0000 0123 456',
    'ES91 2100 0418 4502 0005 1332',
    'AT61 1904 3002 3457 3201',
    'CH93 0076 2011 6238 5295 7',
    'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
    'NO93 8601 1117 947',
    'PL61 1090 1014 0000 0712 1981 2874',
  ];

  it('uses the IBAN lengths of ibantools, and covers its SEPA countries', () => {
    const specs = ibantools.getCountrySpecifications();
    for (const [country, length] of Object.entries(SEPA_IBAN_LENGTHS)) {
      assert.equal(specs[country]?.chars, length, country);
    }
    for (const [country, spec] of Object.entries(specs)) {
      if (spec.SEPA) assert.ok(country in SEPA_IBAN_LENGTHS, `${country} is SEPA for ibantools`);
    }
  });

  it('accepts what ibantools accepts, and refuses every changed or swapped digit', () => {
    // mod 97 sees every substitution or swap of digits; ibantools also checks
    // each country's BBAN layout (which we do not), so where a letter comes in
    // it may refuse what mod 97 alone lets through: never the other way round.
    const isDigit = (c: string) => c >= '0' && c <= '9';
    const agree = (changed: string, digitsOnly: boolean) => {
      const ours = ibanProblem(changed) === null;
      const theirs = ibantools.isValidIBAN(changed);
      if (digitsOnly) {
        assert.equal(ours, false, changed);
        assert.equal(theirs, false, changed);
      } else if (theirs) {
        assert.equal(ours, true, changed);
      }
    };
    for (const iban of VALID) {
      const compact = ibantools.electronicFormatIBAN(iban)!;
      assert.equal(ibantools.isValidIBAN(compact), true, iban);
      assert.equal(ibanProblem(iban), null, iban);
      assert.equal(ibanProblem(compact.toLowerCase()), null, iban);
      for (let i = 2; i < compact.length; i++) {
        for (const replacement of ['0', '7', '9', 'A', 'Z']) {
          if (compact[i] === replacement) continue;
          const changed = compact.slice(0, i) + replacement + compact.slice(i + 1);
          agree(changed, isDigit(compact[i]!) && isDigit(replacement));
        }
      }
      for (let i = 2; i < compact.length - 1; i++) {
        if (compact[i] === compact[i + 1]) continue;
        const swapped = compact.slice(0, i) + compact[i + 1] + compact[i] + compact.slice(i + 2);
        agree(swapped, isDigit(compact[i]!) && isDigit(compact[i + 1]!));
      }
    }
  });

  it('agrees on random German IBANs whose check digits ibantools computes', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 300; n++) {
      const bban = Array.from({ length: 18 }, () => Math.floor(random() * 10)).join('');
      const iban = ibantools.composeIBAN({ countryCode: 'DE', bban })!;
      assert.equal(ibanProblem(iban), null, iban);
      const broken = iban.slice(0, 2) + String((Number(iban.slice(2, 4)) + 1) % 100).padStart(2, '0') + iban.slice(4);
      assert.equal(ibantools.isValidIBAN(broken), false);
      assert.equal(ibanProblem(broken), 'checksum', broken);
    }
  });

  it('carries the compact IBAN into the EPC payload', () => {
    for (const iban of VALID) {
      const payload = encode('payment', { name: 'X', iban });
      const line = payload.split('\n')[6]!;
      assert.equal(line, ibantools.electronicFormatIBAN(iban));
      assert.equal(ibantools.isValidIBAN(line), true);
    }
  });

  it('checks RF creditor references (ISO 11649)', () => {
    assert.equal(isCreditorReference('RF18 5390 0754 7034'), true);
    assert.equal(isCreditorReference('RF18000000000539007547034'), true);
    assert.equal(isCreditorReference('rf71 4300'), false);
    assert.equal(isCreditorReference('RF18 5390 0754 7035'), false);
    assert.equal(isCreditorReference('RF18'), false);
  });
});

describe('EPC payloads', () => {
  for (const text of CORPUS) {
    it(`give back ${JSON.stringify(text)} as name and text, within 331 bytes`, () => {
      const payload = encode('payment', {
        name: text,
        iban: 'DE89 3704 0044 0532 0130 00',
        bic: 'COBADEFFXXX',
        amount: 1234.5,
        text: `Rechnung ${text}`,
      });
      assert.ok(Buffer.byteLength(payload, 'utf8') <= 331);
      const lines = Buffer.from(payload, 'utf8').toString('utf8').split('\n');
      assert.deepEqual(lines, [
        'BCD',
        '002',
        '1',
        'SCT',
        'COBADEFFXXX',
        text,
        'DE89370400440532013000',
        'EUR1234.50',
        '',
        '',
        `Rechnung ${text}`,
      ]);
    });
  }
});

// ---------------------------------------------------------------------------

describe('URI payloads parsed by WHATWG URL', () => {
  it('url: an http(s) URL as typed', () => {
    for (const input of [
      'https://example.com/menu?table=4#top',
      'http://[::1]:4780/x',
      'https://bücher.de/straße?q=東京',
    ]) {
      const url = new URL(encode('url', input));
      assert.ok(url.protocol === 'http:' || url.protocol === 'https:');
    }
  });

  for (const text of [...CORPUS, SPECIALS, 'a  b\n\nc + d']) {
    it(`mailto, wa.me and geo give back ${JSON.stringify(text)}`, () => {
      const oneLine = text.replace(/\n/g, ' ').trim();
      const body = `${text}\n${text}`.trim();
      const mail = new URL(encode('email', { to: 'first.o+last@example.com', subject: oneLine, body }));
      assert.equal(mail.protocol, 'mailto:');
      assert.equal(decodeURIComponent(mail.pathname), 'first.o+last@example.com');
      assert.equal(mail.searchParams.get('subject'), oneLine);
      assert.equal(mail.searchParams.get('body'), body.replace(/\n/g, '\r\n'));
      assert.equal(mail.search.includes('+'), false, 'spaces are %20, never +');

      const wa = new URL(encode('whatsapp', { phone: '+49 151 2345 6789', message: text }));
      assert.equal(wa.origin, 'https://wa.me');
      assert.equal(wa.pathname, '/4915123456789');
      assert.equal(wa.searchParams.get('text'), text.trim());

      const geo = encode('geo', { latitude: 48.8584, longitude: -2.2945, label: oneLine });
      const match = /^geo:48\.8584,-2\.2945\?q=48\.8584,-2\.2945\(([^()]*)\)$/.exec(geo);
      assert.ok(match, geo);
      assert.equal(decodeURIComponent(match[1]!), oneLine);
      assert.equal(new URLSearchParams(geo.slice(geo.indexOf('?'))).get('q'), `48.8584,-2.2945(${oneLine})`);
    });
  }

  it('social: https profile URLs on the network host', () => {
    const hosts: [string, string, string][] = [
      ['instagram', 'cafe', 'www.instagram.com'],
      ['x', 'jack', 'x.com'],
      ['mastodon', 'alice@fosstodon.org', 'fosstodon.org'],
      ['bluesky', 'alice.bsky.social', 'bsky.app'],
      ['github', 'octocat', 'github.com'],
    ];
    for (const [network, handle, host] of hosts) {
      const url = new URL(encode('social', { network, handle }));
      assert.equal(url.protocol, 'https:');
      assert.equal(url.host, host);
    }
  });
});

// ---------------------------------------------------------------------------

/** Splits a WIFI: payload into its fields, undoing the backslash escapes. */
function parseWifi(payload: string): Record<string, string> {
  assert.ok(payload.startsWith('WIFI:') && payload.endsWith(';;'), payload);
  const fields: Record<string, string> = {};
  let key = '';
  let value = '';
  let inValue = false;
  const body = payload.slice(5, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') value += body[++i];
    else if (!inValue && c === ':') inValue = true;
    else if (!inValue) key += c;
    else if (c === ';') {
      fields[key] = value;
      key = value = '';
      inValue = false;
    } else value += c;
  }
  return fields;
}

describe('other payloads', () => {
  for (const text of [...CORPUS, SPECIALS]) {
    it(`wifi, sms and text give back ${JSON.stringify(text)}`, () => {
      const ssid = [...text].slice(0, 8).join('');
      // The SSID may be any UTF-8; a WPA passphrase is printable ASCII by the standard.
      const password = 'p@ss; "word", \\ :x';
      assert.deepEqual(parseWifi(encode('wifi', { ssid, password, hidden: true })), {
        T: 'WPA',
        S: ssid,
        P: password,
        H: 'true',
      });

      const sms = encode('sms', { phone: '+44 20 7946 0958', message: text });
      const [tag, number, ...rest] = sms.split(':');
      assert.deepEqual([tag, number, rest.join(':')], ['SMSTO', '+442079460958', text]);

      assert.equal(encode('text', text), text);
    });
  }
});
