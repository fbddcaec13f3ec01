import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodePayload } from '../../src-shared/payloads';
import { foldLine, fnv1a64, percentEncode, utf8ByteLength } from '../../src-shared/payloads/encoding';
import { SOCIAL_NETWORKS } from '../../src-shared/payloads/social';
import { CONTENT_SCHEMAS, QR_TYPES, QrTypeSchema, type ContentOf, type QrType } from '../../src-shared/schemas/content';
import { z } from 'zod';
import { createDocument } from 'zod-openapi';

/** Validates `input` as content of `type` and encodes it, failing the test on a validation error. */
function encode<T extends QrType>(type: T, input: unknown): string {
  const parsed = CONTENT_SCHEMAS[type].safeParse(input);
  if (!parsed.success) assert.fail(`${type} ${JSON.stringify(input)} invalid: ${JSON.stringify(parsed.error.issues)}`);
  return encodePayload(type, parsed.data as ContentOf<T>);
}

const CRLF = '\r\n';
const lines = (...l: string[]) => l.join(CRLF) + CRLF;

describe('content schemas', () => {
  it('has one schema per type', () => {
    assert.deepEqual(Object.keys(CONTENT_SCHEMAS).sort(), [...QR_TYPES].sort());
  });

  it('give each type its parsed content type', () => {
    const wifi: ContentOf<'wifi'> = { ssid: 'Net', encryption: 'nopass', hidden: false };
    const url: ContentOf<'url'> = 'https://example.com';
    const payment: z.output<(typeof CONTENT_SCHEMAS)['payment']> = {
      name: 'X',
      iban: 'DE89370400440532013000',
      currency: 'EUR',
    };
    assert.equal(encodePayload('wifi', wifi), 'WIFI:T:nopass;S:Net;;');
    assert.equal(encodePayload('url', url), url);
    assert.equal(encodePayload('payment', payment), 'BCD\n002\n1\nSCT\n\nX\nDE89370400440532013000');
  });

  it('register as OpenAPI 3.1 components under their ids', () => {
    const body = z.object({ type: QrTypeSchema, content: z.union(Object.values(CONTENT_SCHEMAS)) });
    const document = createDocument({
      openapi: '3.1.0',
      info: { title: 'content', version: '1' },
      paths: {
        '/codes': {
          post: {
            requestBody: { content: { 'application/json': { schema: body } } },
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: body } } } },
          },
        },
      },
    });
    const ids = Object.keys(document.components?.schemas ?? {});
    for (const id of [
      'QrType',
      'UrlContent',
      'TextContent',
      'WifiContent',
      'VcardContent',
      'EmailContent',
      'PhoneContent',
      'SmsContent',
      'WhatsappContent',
      'GeoContent',
      'EventContent',
      'PaymentContent',
      'SocialContent',
      'SocialNetwork',
    ]) {
      assert.ok(ids.includes(id), id);
    }
    const wifi = document.components!.schemas!.WifiContent as { additionalProperties?: unknown; description?: string };
    assert.equal(wifi.additionalProperties, false);
    assert.match(wifi.description ?? '', /WIFI:/);
  });
});

describe('url payloads', () => {
  it('are the URL as given, trimmed and otherwise untouched', () => {
    assert.equal(encode('url', ' https://example.com/menu?table=4#top '), 'https://example.com/menu?table=4#top');
    assert.equal(encode('url', 'HTTP://Example.COM'), 'HTTP://Example.COM');
    assert.equal(encode('url', 'https://ja.wikipedia.org/wiki/東京'), 'https://ja.wikipedia.org/wiki/東京');
    assert.equal(encode('url', 'http://192.168.1.20:8080/'), 'http://192.168.1.20:8080/');
    const long = 'https://example.com/' + 'a'.repeat(2048 - 20);
    assert.equal(encode('url', long), long);
  });
});

describe('text payloads', () => {
  it('are the text, trimmed, with CRLF and CR stored as LF', () => {
    assert.equal(encode('text', '  Crème brûlée 🍕  '), 'Crème brûlée 🍕');
    assert.equal(encode('text', 'Line 1\r\nLine 2\rLine 3\n\tindented'), 'Line 1\nLine 2\nLine 3\n\tindented');
    assert.equal(encode('text', 'x'.repeat(2000)), 'x'.repeat(2000));
  });
});

describe('phone payloads', () => {
  it('are tel: with the + and digits only', () => {
    assert.equal(encode('phone', '+33 (1) 23-45.67 89'), 'tel:+33123456789');
    assert.equal(encode('phone', ' 0123 456 '), 'tel:0123456');
    assert.equal(encode('phone', '112'), 'tel:112');
  });
});

describe('wifi payloads', () => {
  it('write T, S and P, with H only for hidden networks', () => {
    assert.equal(encode('wifi', { ssid: 'Café', password: 'secret123' }), 'WIFI:T:WPA;S:Café;P:secret123;;');
    assert.equal(
      encode('wifi', { ssid: 'Lobby', password: 'secret123', encryption: 'WPA', hidden: true }),
      'WIFI:T:WPA;S:Lobby;P:secret123;H:true;;',
    );
    assert.equal(encode('wifi', { ssid: 'Old', password: 'abcde', encryption: 'WEP' }), 'WIFI:T:WEP;S:Old;P:abcde;;');
    assert.equal(encode('wifi', { ssid: 'Hex', password: 'a'.repeat(64) }), `WIFI:T:WPA;S:Hex;P:${'a'.repeat(64)};;`);
  });

  it('leave P out for open networks', () => {
    assert.equal(encode('wifi', { ssid: 'Guest', encryption: 'nopass' }), 'WIFI:T:nopass;S:Guest;;');
    assert.equal(encode('wifi', { ssid: 'Guest', encryption: 'nopass', password: '' }), 'WIFI:T:nopass;S:Guest;;');
  });

  it('escape \\ ; , : and " with a backslash', () => {
    assert.equal(
      encode('wifi', { ssid: 'a;b,c:d"e\\f', password: 'p;a,s:s"w\\d' }),
      'WIFI:T:WPA;S:a\\;b\\,c\\:d\\"e\\\\f;P:p\\;a\\,s\\:s\\"w\\\\d;;',
    );
  });

  it('keep SSIDs and passwords exactly, spaces included', () => {
    assert.equal(encode('wifi', { ssid: ' Lobby ', password: ' 1234567 ' }), 'WIFI:T:WPA;S: Lobby ;P: 1234567 ;;');
  });
});

describe('vcard payloads', () => {
  it('are vCard 3.0 with CRLF and escaped TEXT values', () => {
    const payload = encode('vcard', {
      firstName: 'Amélie',
      lastName: 'Poulain',
      organization: 'Café des 2 Moulins, SARL',
      title: 'Serveuse; barista',
      phones: [
        { number: '+33 1 42 54 90 50', type: 'work' },
        { number: '06 12 34 56 78', type: 'cell' },
        { number: '112' },
      ],
      emails: ['amelie@example.com', 'a@example.org'],
      website: 'https://example.com/a,b;c',
      address: { street: '15 rue Lepic', city: 'Paris', postalCode: '75018', region: 'IDF', country: 'France' },
      note: 'Back\\slash\nnew line',
    });
    assert.equal(
      payload,
      lines(
        'BEGIN:VCARD',
        'VERSION:3.0',
        'N:Poulain;Amélie;;;',
        'FN:Amélie Poulain',
        'ORG:Café des 2 Moulins\\, SARL',
        'TITLE:Serveuse\\; barista',
        'TEL;TYPE=WORK:+33 1 42 54 90 50',
        'TEL;TYPE=CELL:06 12 34 56 78',
        'TEL:112',
        'EMAIL;TYPE=INTERNET:amelie@example.com',
        'EMAIL;TYPE=INTERNET:a@example.org',
        'URL:https://example.com/a,b;c',
        'ADR:;;15 rue Lepic;Paris;IDF;75018;France',
        'NOTE:Back\\\\slash\\nnew line',
        'END:VCARD',
      ),
    );
  });

  it('use the organization as FN when there is no name, and leave empty fields out', () => {
    assert.equal(
      encode('vcard', { organization: 'ACME', title: '', address: { city: '' }, phones: [], note: '' }),
      lines('BEGIN:VCARD', 'VERSION:3.0', 'N:;;;;', 'FN:ACME', 'ORG:ACME', 'END:VCARD'),
    );
    assert.equal(
      encode('vcard', { lastName: 'Doe' }),
      lines('BEGIN:VCARD', 'VERSION:3.0', 'N:Doe;;;;', 'FN:Doe', 'END:VCARD'),
    );
  });

  it('fold long lines at 75 octets with CRLF and a space', () => {
    const note = 'n'.repeat(200);
    const payload = encode('vcard', { firstName: 'A', note });
    assert.ok(payload.includes(`NOTE:${'n'.repeat(70)}\r\n ${'n'.repeat(74)}\r\n ${'n'.repeat(56)}\r\n`));
  });
});

describe('email payloads', () => {
  it('are mailto: with subject and body percent-encoded as UTF-8', () => {
    assert.equal(
      encode('email', { to: 'a+b@example.com', subject: 'Table for 2 & more', body: 'Line 1\nLine 2 ü' }),
      'mailto:a+b@example.com?subject=Table%20for%202%20%26%20more&body=Line%201%0D%0ALine%202%20%C3%BC',
    );
    assert.equal(encode('email', { to: 'hello@example.com' }), 'mailto:hello@example.com');
    assert.equal(encode('email', { to: 'x@example.com', subject: '', body: 'Hi!' }), 'mailto:x@example.com?body=Hi%21');
    assert.equal(
      encode('email', { to: "o'neil@example.com", subject: '100% (sure)?' }),
      'mailto:o%27neil@example.com?subject=100%25%20%28sure%29%3F',
    );
  });
});

describe('sms payloads', () => {
  it('are SMSTO:<+digits>:<message>', () => {
    assert.equal(encode('sms', { phone: '+44 20 7946 0958', message: 'STOP: now' }), 'SMSTO:+442079460958:STOP: now');
    assert.equal(encode('sms', { phone: '+44 20 7946 0958' }), 'SMSTO:+442079460958');
    assert.equal(encode('sms', { phone: '0612', message: 'a\r\nb' }), 'SMSTO:0612:a\nb');
  });
});

describe('whatsapp payloads', () => {
  it('are wa.me links with digits only and a percent-encoded text', () => {
    assert.equal(
      encode('whatsapp', { phone: '+49 151 2345-6789', message: 'Hallo & tschüss?' }),
      'https://wa.me/4915123456789?text=Hallo%20%26%20tsch%C3%BCss%3F',
    );
    assert.equal(encode('whatsapp', { phone: '+49 (151) 2345 6789' }), 'https://wa.me/4915123456789');
    assert.equal(encode('whatsapp', { phone: '4915123456789', message: '' }), 'https://wa.me/4915123456789');
  });
});

describe('geo payloads', () => {
  it('are geo:<lat>,<lng> in plain decimals', () => {
    assert.equal(encode('geo', { latitude: 48.8584, longitude: 2.2945 }), 'geo:48.8584,2.2945');
    assert.equal(encode('geo', { latitude: -90, longitude: 180 }), 'geo:-90,180');
    assert.equal(encode('geo', { latitude: 1e-7, longitude: -0 }), 'geo:0.0000001,0');
    assert.equal(encode('geo', { latitude: 1e-9, longitude: 12.123456789 }), 'geo:0,12.1234568');
  });

  it('add q=<lat>,<lng>(<label>) with the label percent-encoded', () => {
    assert.equal(
      encode('geo', { latitude: -33.8568, longitude: 151.2153, label: 'Opera (Sydney) & co' }),
      'geo:-33.8568,151.2153?q=-33.8568,151.2153(Opera%20%28Sydney%29%20%26%20co)',
    );
    assert.equal(encode('geo', { latitude: 1, longitude: 2, label: '' }), 'geo:1,2');
  });
});

describe('event payloads', () => {
  const calendar = (...event: string[]) =>
    lines(
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//qrdesk//EN',
      'BEGIN:VEVENT',
      ...event,
      'END:VEVENT',
      'END:VCALENDAR',
    );

  it('write UTC times for events with an offset and no time zone', () => {
    assert.equal(
      encode('event', {
        title: 'Launch, party; etc.',
        start: '2026-11-21T19:30:00+01:00',
        end: '2026-11-21T21:00:00Z',
        location: 'Main hall',
        description: 'Bring\nfriends',
      }),
      calendar(
        'UID:941e810c117ba99b@qrdesk',
        'DTSTAMP:20261121T183000Z',
        'DTSTART:20261121T183000Z',
        'DTEND:20261121T210000Z',
        'SUMMARY:Launch\\, party\\; etc.',
        'LOCATION:Main hall',
        'DESCRIPTION:Bring\\nfriends',
      ),
    );
    assert.equal(
      encode('event', { title: 'Point', start: '2026-03-29T01:30:00.999Z' }),
      calendar('UID:3a32419bb5d03af9@qrdesk', 'DTSTAMP:20260329T013000Z', 'DTSTART:20260329T013000Z', 'SUMMARY:Point'),
    );
  });

  it('write wall times with TZID when a time zone is given, converting times with an offset', () => {
    assert.equal(
      encode('event', {
        title: 'Jazz',
        start: '2026-11-21T20:00',
        end: '2026-11-21T23:00:00+01:00',
        timezone: 'Europe/Paris',
      }),
      calendar(
        'UID:e1a7e5afd3f36902@qrdesk',
        'DTSTAMP:20261121T200000Z',
        'DTSTART;TZID=Europe/Paris:20261121T200000',
        'DTEND;TZID=Europe/Paris:20261121T230000',
        'SUMMARY:Jazz',
      ),
    );
    // 2026-07-01T12:00Z is 21:00 in Tokyo and 08:00 in New York (daylight time).
    assert.match(
      encode('event', { title: 'T', start: '2026-07-01T12:00:00Z', timezone: 'Asia/Tokyo' }),
      /\r\nDTSTART;TZID=Asia\/Tokyo:20260701T210000\r\n/,
    );
    assert.match(
      encode('event', { title: 'T', start: '2026-07-01T12:00:00Z', timezone: 'America/New_York' }),
      /\r\nDTSTART;TZID=America\/New_York:20260701T080000\r\n/,
    );
  });

  it('write VALUE=DATE for all-day events, with the exclusive DTEND of the day after the last', () => {
    assert.equal(
      encode('event', { title: 'Fair', start: '2026-12-30', end: '2027-01-02', allDay: true }),
      calendar(
        'UID:7185c9a5654a2b91@qrdesk',
        'DTSTAMP:20261230T000000Z',
        'DTSTART;VALUE=DATE:20261230',
        'DTEND;VALUE=DATE:20270103',
        'SUMMARY:Fair',
      ),
    );
    assert.match(
      encode('event', { title: 'Leap', start: '2028-02-28', allDay: true, timezone: 'Europe/Paris' }),
      /\r\nDTSTART;VALUE=DATE:20280228\r\nDTEND;VALUE=DATE:20280229\r\n/,
    );
  });

  it('are deterministic, with a UID that changes with the content', () => {
    const event = { title: 'Same', start: '2026-01-01T10:00:00Z' };
    assert.equal(encode('event', event), encode('event', { ...event }));
    const uid = (payload: string) => /\r\nUID:([0-9a-f]{16})@qrdesk\r\n/.exec(payload)?.[1];
    assert.notEqual(uid(encode('event', event)), uid(encode('event', { ...event, title: 'Other' })));
    assert.notEqual(uid(encode('event', event)), uid(encode('event', { ...event, start: '2026-01-01T10:00:01Z' })));
  });
});

describe('payment payloads', () => {
  it('are EPC QR version 002 lines joined by LF, trailing empty lines left out', () => {
    assert.equal(
      encode('payment', {
        name: 'Café des 2 Moulins',
        iban: 'fr76 3000 6000 0112 3456 7890 189',
        bic: 'agrifrpp',
        amount: 12.5,
        text: 'Table 4',
      }),
      'BCD\n002\n1\nSCT\nAGRIFRPP\nCafé des 2 Moulins\nFR7630006000011234567890189\nEUR12.50\n\n\nTable 4',
    );
    assert.equal(
      encode('payment', { name: 'Red Cross', iban: 'BE72 0000 0000 1616' }),
      'BCD\n002\n1\nSCT\n\nRed Cross\nBE72000000001616',
    );
    assert.equal(
      encode('payment', {
        name: 'Stadtwerke',
        iban: 'DE89370400440532013000',
        bic: 'COBADEFFXXX',
        amount: 999999999.99,
        currency: 'EUR',
        reference: 'rf18 5390 0754 7034',
      }),
      'BCD\n002\n1\nSCT\nCOBADEFFXXX\nStadtwerke\nDE89370400440532013000\nEUR999999999.99\n\nRF18539007547034',
    );
    assert.equal(
      encode('payment', { name: 'Min', iban: 'DE89370400440532013000', amount: 0.01 }),
      'BCD\n002\n1\nSCT\n\nMin\nDE89370400440532013000\nEUR0.01',
    );
  });

  it('keep the IBAN as given in the content', () => {
    const parsed = CONTENT_SCHEMAS.payment.parse({ name: 'X', iban: 'de89 3704 0044 0532 0130 00' });
    assert.equal(parsed.iban, 'de89 3704 0044 0532 0130 00');
    assert.equal(parsed.currency, 'EUR');
  });

  it('fit 331 bytes at the largest content the schema allows', () => {
    const payload = encode('payment', {
      name: '東'.repeat(70),
      iban: 'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
      bic: 'MALTMTMTXXX',
      amount: 999999999.99,
      reference: 'RF18 5390 0754 7034',
    });
    assert.ok(utf8ByteLength(payload) <= 331, `${utf8ByteLength(payload)} bytes`);
  });
});

describe('social payloads', () => {
  const profile = (network: string, handle: string) => encode('social', { network, handle });

  it('are the profile URL of each network, without the leading @', () => {
    const expected: Record<(typeof SOCIAL_NETWORKS)[number], [string, string]> = {
      instagram: ['@cafe.des_2', 'https://www.instagram.com/cafe.des_2'],
      facebook: ['cafe.des.2.moulins', 'https://www.facebook.com/cafe.des.2.moulins'],
      x: ['@jack', 'https://x.com/jack'],
      tiktok: ['@cafe.de_paris', 'https://www.tiktok.com/@cafe.de_paris'],
      linkedin: ['amelie-poulain-123', 'https://www.linkedin.com/in/amelie-poulain-123'],
      youtube: ['@Cafe-Moulins', 'https://www.youtube.com/@Cafe-Moulins'],
      github: ['octo-cat', 'https://github.com/octo-cat'],
      mastodon: ['@alice@mastodon.social', 'https://mastodon.social/@alice'],
      bluesky: ['@alice.bsky.social', 'https://bsky.app/profile/alice.bsky.social'],
      threads: ['zuck', 'https://www.threads.com/@zuck'],
      telegram: ['@durov', 'https://t.me/durov'],
      pinterest: ['cafe_moulins', 'https://www.pinterest.com/cafe_moulins'],
      snapchat: ['amelie.p', 'https://www.snapchat.com/add/amelie.p'],
    };
    assert.deepEqual(Object.keys(expected).sort(), [...SOCIAL_NETWORKS].sort());
    for (const [network, [handle, url]] of Object.entries(expected)) assert.equal(profile(network, handle), url);
    assert.equal(profile('x', '  @jack  '), 'https://x.com/jack');
  });

  it('are the URL itself when a url is given', () => {
    assert.equal(
      encode('social', { url: 'https://www.linkedin.com/company/acme/' }),
      'https://www.linkedin.com/company/acme/',
    );
  });
});

describe('encoding helpers', () => {
  it('count UTF-8 bytes as Buffer does', () => {
    for (const s of ['', 'a', 'é', '€', '東京', '🍕', '👩‍👩‍👧', 'e\u0301', 'مرحبا', '\ud800']) {
      assert.equal(utf8ByteLength(s), Buffer.byteLength(s, 'utf8'), JSON.stringify(s));
    }
  });

  it('hash with 64-bit FNV-1a', () => {
    // Reference vectors of the FNV-1a 64-bit function.
    assert.equal(fnv1a64(''), 'cbf29ce484222325');
    assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
    assert.equal(fnv1a64('foobar'), '85944171f73967e8');
  });

  it('percent-encode everything but unreserved characters, as UTF-8', () => {
    assert.equal(percentEncode("a b+c!'()*~._-"), 'a%20b%2Bc%21%27%28%29%2A~._-');
    assert.equal(percentEncode('é🍕'), '%C3%A9%F0%9F%8D%95');
  });

  it('fold without splitting a character or an escape', () => {
    const folded = foldLine('NOTE:' + 'x'.repeat(69) + '\\n' + 'y');
    assert.equal(folded, 'NOTE:' + 'x'.repeat(69) + '\r\n \\ny');
    const cjk = foldLine('NOTE:' + '東'.repeat(30));
    for (const part of cjk.split('\r\n')) assert.ok(utf8ByteLength(part) <= 75);
    assert.equal(cjk.replace(/\r\n /g, ''), 'NOTE:' + '東'.repeat(30));
    assert.equal(foldLine('x'.repeat(75)), 'x'.repeat(75));
  });
});
