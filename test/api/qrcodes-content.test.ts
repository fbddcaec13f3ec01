/**
 * Every content type through POST /api/v1/qrcodes: the payload read back by an
 * independent parser where one exists (ical.js, ibantools, WHATWG URL), GET
 * giving back the same code, invalid content refused field by field with
 * nothing written, and a UTF-8 corpus that survives exactly.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as ibantools from 'ibantools';
import { startTestServer, type TestServer } from '../helpers/server';
import { parseEvent, parseVcard, vcardValue } from '../helpers/payload-parsers';
import {
  codeRow,
  createCode,
  expectCreateRefused,
  getCode,
  getPage,
  listAll,
  expectValidationError,
  type QrCodeBody,
} from './support';
import { UTF8_CORPUS } from '../helpers/utf8-corpus';

/** Creates a code of `type` with `content`, checks GET gives back the same code, and returns it. */
async function roundTrip(ts: TestServer, key: string, type: string, content: unknown, name?: string) {
  const created = await createCode(ts, key, { type, content, ...(name === undefined ? {} : { name }) });
  assert.equal(created.type, type);
  assert.equal(created.kind, 'static');
  assert.equal(created.shortToken, null);
  assert.equal(created.shortUrl, null);
  assert.deepEqual(await getCode(ts, key, created.id), created, 'GET gives back the created code');
  return created;
}

describe('QR code content types', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  test('url: the URL itself, as WHATWG URL reads it', async () => {
    const url = 'https://example.com/menu/d%C3%A9j?table=4&lang=fr#top';
    const code = await roundTrip(ts, key, 'url', url);
    assert.equal(code.content, url);
    assert.equal(code.payload, url);
    const parsed = new URL(code.payload);
    assert.equal(parsed.protocol, 'https:');
    assert.equal(parsed.host, 'example.com');
    assert.equal(parsed.searchParams.get('table'), '4');
    assert.equal(parsed.hash, '#top');
    assert.equal(code.name, 'example.com/menu/d%C3%A9j', 'a default name from the URL');

    const plain = await roundTrip(ts, key, 'url', 'http://192.168.1.10:8080/');
    assert.equal(plain.payload, 'http://192.168.1.10:8080/');
  });

  test('text: the text itself, newlines included', async () => {
    const text = 'Menu du jour\nSoupe à l’oignon — 7 €\n\tDessert: crème brûlée';
    const code = await roundTrip(ts, key, 'text', text);
    assert.equal(code.content, text);
    assert.equal(code.payload, text);
    assert.equal(code.name, 'Menu du jour', 'the first line is the default name');
    // CRLF is stored as LF, as the schema documents.
    const crlf = await roundTrip(ts, key, 'text', 'a\r\nb\rc');
    assert.equal(crlf.content, 'a\nb\nc');
    assert.equal(crlf.payload, 'a\nb\nc');
  });

  test('wifi: WIFI:T:..;S:..;P:..;H:..;; with \\ ; , : " escaped', async () => {
    const content = { ssid: 'Café;Guest,1', password: 'pa:ss"wo\\rd', encryption: 'WPA', hidden: true };
    const code = await roundTrip(ts, key, 'wifi', content);
    assert.deepEqual(code.content, content);
    assert.equal(code.payload, 'WIFI:T:WPA;S:Café\\;Guest\\,1;P:pa\\:ss\\"wo\\\\rd;H:true;;');
    assert.equal(code.name, 'Wi-Fi Café;Guest,1');

    // Defaults are filled in and returned: WPA, not hidden.
    const defaults = await roundTrip(ts, key, 'wifi', { ssid: 'Home', password: 'correct horse' });
    assert.deepEqual(defaults.content, { ssid: 'Home', password: 'correct horse', encryption: 'WPA', hidden: false });
    assert.equal(defaults.payload, 'WIFI:T:WPA;S:Home;P:correct horse;;');

    const open = await roundTrip(ts, key, 'wifi', { ssid: ' Lobby ', encryption: 'nopass' });
    assert.equal(open.payload, 'WIFI:T:nopass;S: Lobby ;;', 'the SSID is kept exactly, spaces included');
    const wep = await roundTrip(ts, key, 'wifi', { ssid: 'Old', password: 'ABCDE', encryption: 'WEP' });
    assert.equal(wep.payload, 'WIFI:T:WEP;S:Old;P:ABCDE;;');
  });

  test('vcard: vCard 3.0 that ical.js reads back field by field', async () => {
    const content = {
      firstName: 'Amélie',
      lastName: 'Poulain',
      organization: 'Café des 2 Moulins; SARL',
      title: 'Serveuse, barista',
      phones: [{ number: '+33 1 42 54 90 50', type: 'work' }, { number: '06 12 34 56 78' }],
      emails: ['amelie@example.com', 'a.poulain@example.org'],
      website: 'https://example.com/amelie',
      address: {
        street: '15 rue Lepic',
        city: 'Paris',
        postalCode: '75018',
        region: 'Île-de-France',
        country: 'France',
      },
      note: 'Line one\nLine two; with "quotes", commas and \\ backslash',
    };
    const code = await roundTrip(ts, key, 'vcard', content);
    assert.deepEqual(code.content, content);
    assert.equal(code.name, 'Amélie Poulain');
    assert.ok(code.payload.startsWith('BEGIN:VCARD\r\nVERSION:3.0\r\n'));
    assert.ok(code.payload.endsWith('END:VCARD\r\n'));
    assert.ok(!/[^\r]\n/.test(code.payload), 'every line ends with CRLF');

    const card = parseVcard(code.payload);
    assert.equal(vcardValue(card, 'version'), '3.0');
    assert.deepEqual(vcardValue(card, 'n'), ['Poulain', 'Amélie', '', '', '']);
    assert.equal(vcardValue(card, 'fn'), 'Amélie Poulain');
    assert.equal(vcardValue(card, 'org'), content.organization);
    assert.equal(vcardValue(card, 'title'), content.title);
    assert.equal(vcardValue(card, 'url'), content.website);
    assert.equal(vcardValue(card, 'note'), content.note);
    assert.deepEqual(vcardValue(card, 'adr'), ['', '', '15 rue Lepic', 'Paris', 'Île-de-France', '75018', 'France']);
    assert.deepEqual(
      card.props.get('tel')!.map((t) => [t.params.type, t.values[0]]),
      [
        ['WORK', '+33 1 42 54 90 50'],
        [undefined, '06 12 34 56 78'],
      ],
    );
    assert.deepEqual(
      card.props.get('email')!.map((e) => e.values[0]),
      content.emails,
    );

    // An organisation alone is enough; FN falls back to it.
    const org = await roundTrip(ts, key, 'vcard', { organization: 'ACME' });
    assert.equal(vcardValue(parseVcard(org.payload), 'fn'), 'ACME');
    assert.equal(org.name, 'ACME');
  });

  test('email: mailto: that WHATWG URL and URLSearchParams decode back', async () => {
    const content = { to: 'hello+menu@example.com', subject: 'Table for 2 & more?', body: 'Bonjour,\nà 20 h ?' };
    const code = await roundTrip(ts, key, 'email', content);
    assert.deepEqual(code.content, content);
    assert.ok(!/[ \n]/.test(code.payload), 'spaces and newlines are percent-encoded');
    const url = new URL(code.payload);
    assert.equal(url.protocol, 'mailto:');
    assert.equal(decodeURIComponent(url.pathname), content.to);
    assert.deepEqual([...url.searchParams.keys()], ['subject', 'body']);
    assert.equal(url.searchParams.get('subject'), content.subject);
    // RFC 6068: a line break in the body is %0D%0A.
    assert.equal(url.searchParams.get('body'), 'Bonjour,\r\nà 20 h ?');

    const bare = await roundTrip(ts, key, 'email', { to: 'a@example.com' });
    assert.equal(bare.payload, 'mailto:a@example.com');
  });

  test('phone: tel: with the + and digits', async () => {
    const code = await roundTrip(ts, key, 'phone', '+33 (1) 23-45.67 89');
    assert.equal(code.content, '+33 (1) 23-45.67 89');
    assert.equal(code.payload, 'tel:+33123456789');
  });

  test('sms: SMSTO:number:message', async () => {
    const code = await roundTrip(ts, key, 'sms', { phone: '+44 20 7946 0958', message: 'STOP: now, please' });
    assert.equal(code.payload, 'SMSTO:+442079460958:STOP: now, please');
    const bare = await roundTrip(ts, key, 'sms', { phone: '112' });
    assert.equal(bare.payload, 'SMSTO:112');
  });

  test('whatsapp: https://wa.me/digits?text= that WHATWG URL decodes back', async () => {
    const content = { phone: '+49 151 2345 6789', message: 'Hallo & tschüss? 100% 👋' };
    const code = await roundTrip(ts, key, 'whatsapp', content);
    assert.deepEqual(code.content, content);
    const url = new URL(code.payload);
    assert.equal(url.origin, 'https://wa.me');
    assert.equal(url.pathname, '/4915123456789');
    assert.equal(url.searchParams.get('text'), content.message);
    assert.deepEqual([...url.searchParams.keys()], ['text']);
  });

  test('geo: geo:lat,lng, with the label as a named pin', async () => {
    const code = await roundTrip(ts, key, 'geo', { latitude: 48.8584, longitude: 2.2945, label: 'Tour Eiffel' });
    assert.equal(code.payload, 'geo:48.8584,2.2945?q=48.8584,2.2945(Tour%20Eiffel)');
    assert.equal(code.name, 'Tour Eiffel');
    const edge = await roundTrip(ts, key, 'geo', { latitude: -90, longitude: 180 });
    assert.equal(edge.payload, 'geo:-90,180');
    assert.deepEqual(edge.content, { latitude: -90, longitude: 180 });
  });

  test('event: an iCalendar VEVENT that ical.js reads back', async () => {
    const content = {
      title: 'Soirée jazz; entrée, libre',
      start: '2026-11-21T19:30:00+01:00',
      end: '2026-11-21T22:00:00Z',
      allDay: false,
      location: 'Le Duc des Lombards, Paris',
      description: 'Trio\nRéservation conseillée',
    };
    const code = await roundTrip(ts, key, 'event', content);
    assert.deepEqual(code.content, content);
    const { event } = parseEvent(code.payload);
    assert.equal(event.summary, content.title);
    assert.equal(event.location, content.location);
    assert.equal(event.description, content.description);
    assert.equal(event.startDate.toJSDate().toISOString(), '2026-11-21T18:30:00.000Z');
    assert.equal(event.endDate.toJSDate().toISOString(), '2026-11-21T22:00:00.000Z');

    const zoned = await roundTrip(ts, key, 'event', {
      title: 'Jazz',
      start: '2026-11-21T20:00',
      end: '2026-11-21T23:30',
      timezone: 'Europe/Paris',
    });
    const dtstart = parseEvent(zoned.payload).vevent.getFirstProperty('dtstart')!;
    assert.deepEqual(dtstart.toJSON().slice(1), [{ tzid: 'Europe/Paris' }, 'date-time', '2026-11-21T20:00:00']);

    const allDay = await roundTrip(ts, key, 'event', {
      title: 'Fair',
      start: '2026-12-30',
      end: '2027-01-02',
      allDay: true,
    });
    const fair = parseEvent(allDay.payload).event;
    assert.equal(fair.startDate.isDate, true);
    assert.equal(fair.startDate.toString(), '2026-12-30');
    assert.equal(fair.endDate.toString(), '2027-01-03', 'DTEND is the day after the last');
  });

  test('payment: an EPC QR code whose IBAN line ibantools accepts', async () => {
    const content = {
      name: 'Café des 2 Moulins',
      iban: 'de89 3704 0044 0532 0130 00',
      bic: 'COBADEFFXXX',
      amount: 12.5,
      currency: 'EUR',
      text: 'Table 4',
    };
    const code = await roundTrip(ts, key, 'payment', content);
    assert.deepEqual(code.content, content, 'the IBAN is kept as typed');
    const lines = code.payload.split('\n');
    assert.deepEqual(lines.slice(0, 4), ['BCD', '002', '1', 'SCT']);
    assert.equal(lines[4], 'COBADEFFXXX');
    assert.equal(lines[5], content.name);
    assert.equal(lines[6], ibantools.electronicFormatIBAN(content.iban));
    assert.equal(ibantools.isValidIBAN(lines[6]!), true);
    assert.equal(lines[7], 'EUR12.50');
    assert.equal(lines[8], '');
    assert.equal(lines[9], '');
    assert.equal(lines[10], 'Table 4');
    assert.equal(lines.length, 11);
    assert.ok(Buffer.byteLength(code.payload) <= 331);

    // Currency defaults to EUR; with no amount the line is empty and trailing empty lines are dropped.
    const minimal = await roundTrip(ts, key, 'payment', { name: 'Oxfam', iban: 'FR7630006000011234567890189' });
    assert.equal((minimal.content as { currency: string }).currency, 'EUR');
    const minimalLines = minimal.payload.split('\n');
    assert.deepEqual(minimalLines, ['BCD', '002', '1', 'SCT', '', 'Oxfam', 'FR7630006000011234567890189']);
    assert.equal(ibantools.isValidIBAN(minimalLines[6]!), true);
  });

  test('social: the profile URL, as WHATWG URL reads it', async () => {
    const insta = await roundTrip(ts, key, 'social', { network: 'instagram', handle: '@cafe.des.2.moulins' });
    assert.equal(insta.payload, 'https://www.instagram.com/cafe.des.2.moulins');
    assert.equal(new URL(insta.payload).pathname, '/cafe.des.2.moulins');
    const masto = await roundTrip(ts, key, 'social', { network: 'mastodon', handle: 'alice@mastodon.social' });
    const url = new URL(masto.payload);
    assert.equal(url.host, 'mastodon.social');
    assert.equal(url.pathname, '/@alice');
    const own = await roundTrip(ts, key, 'social', { url: 'https://example.com/@me' });
    assert.equal(own.payload, 'https://example.com/@me');
  });

  test('a code of every type can be read back from the list with the same content and payload', async () => {
    const listed = await listAll(ts, key);
    const types = new Set(listed.map((c) => c.type));
    assert.deepEqual([...types].sort(), [
      'email',
      'event',
      'geo',
      'payment',
      'phone',
      'sms',
      'social',
      'text',
      'url',
      'vcard',
      'whatsapp',
      'wifi',
    ]);
    for (const code of listed) assert.deepEqual(code, await getCode(ts, key, code.id));
  });
});

describe('invalid content: 400 VALIDATION_ERROR naming the field, nothing written', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  const cases: [type: string, content: unknown, path: string][] = [
    ['url', 'ftp://example.com/file', 'content'],
    ['url', 'example.com', 'content'],
    ['url', '', 'content'],
    ['url', 'https://exa mple.com', 'content'],
    ['url', `https://example.com/${'a'.repeat(2048)}`, 'content'],
    ['url', { url: 'https://example.com' }, 'content'],
    ['text', '', 'content'],
    ['text', '   ', 'content'],
    ['text', 'x'.repeat(2001), 'content'],
    ['text', 'bell\u0007', 'content'],
    ['text', 42, 'content'],
    ['wifi', { password: 'password1' }, 'content.ssid'],
    ['wifi', { ssid: '', password: 'password1' }, 'content.ssid'],
    ['wifi', { ssid: 'x'.repeat(33), password: 'password1' }, 'content.ssid'],
    ['wifi', { ssid: 'ééééééééééééééééé', password: 'password1' }, 'content.ssid'],
    ['wifi', { ssid: 'Home', password: 'short' }, 'content.password'],
    ['wifi', { ssid: 'Home' }, 'content.password'],
    ['wifi', { ssid: 'Home', password: 'x', encryption: 'nopass' }, 'content.password'],
    ['wifi', { ssid: 'Home', password: 'abcdef', encryption: 'WEP' }, 'content.password'],
    ['wifi', { ssid: 'Home', password: 'password1', encryption: 'WPA2' }, 'content.encryption'],
    ['wifi', { ssid: 'Home', password: 'password1', hidden: 'yes' }, 'content.hidden'],
    ['wifi', { ssid: 'Home', password: 'password1', channel: 6 }, 'content.channel'],
    ['wifi', 'WIFI:S:Home;;', 'content'],
    ['vcard', {}, 'content.firstName'],
    ['vcard', { firstName: 'A', phones: [{ number: 'call me' }] }, 'content.phones.0.number'],
    ['vcard', { firstName: 'A', phones: [{ number: '+33 1' }, { number: '12' }] }, 'content.phones.1.number'],
    ['vcard', { firstName: 'A', phones: [{ number: '+33 1 23 45 67 89', type: 'pager' }] }, 'content.phones.0.type'],
    ['vcard', { firstName: 'A', emails: ['not an address'] }, 'content.emails.0'],
    ['vcard', { firstName: 'A', website: 'javascript:alert(1)' }, 'content.website'],
    ['vcard', { firstName: 'A', address: { town: 'Paris' } }, 'content.address.town'],
    ['vcard', { firstName: 'x'.repeat(101) }, 'content.firstName'],
    ['vcard', { firstName: 'A', phones: Array.from({ length: 11 }, () => ({ number: '123' })) }, 'content.phones'],
    ['email', { to: 'not-an-address' }, 'content.to'],
    ['email', { subject: 'hi' }, 'content.to'],
    ['email', { to: 'a@example.com', subject: 'two\nlines' }, 'content.subject'],
    ['email', { to: 'a@example.com', cc: 'b@example.com' }, 'content.cc'],
    ['phone', 'call me maybe', 'content'],
    ['phone', '12', 'content'],
    ['phone', '+1'.padEnd(40, '2'), 'content'],
    ['sms', { phone: 'abc' }, 'content.phone'],
    ['sms', { message: 'hi' }, 'content.phone'],
    ['whatsapp', { phone: '0151 2345 678' }, 'content.phone'],
    ['whatsapp', { phone: '+49 151' }, 'content.phone'],
    ['geo', { latitude: 91, longitude: 0 }, 'content.latitude'],
    ['geo', { latitude: 0, longitude: -180.5 }, 'content.longitude'],
    ['geo', { latitude: 0 }, 'content.longitude'],
    ['geo', { latitude: null, longitude: 0 }, 'content.latitude'],
    ['event', { title: 'x', start: 'tomorrow' }, 'content.start'],
    ['event', { start: '2026-11-21T19:30:00Z' }, 'content.title'],
    ['event', { title: 'x', start: '2026-11-21T19:30:00Z', end: '2026-11-21T18:00:00Z' }, 'content.end'],
    ['event', { title: 'x', start: '2026-11-21T19:30', timezone: 'Mars/Olympus_Mons' }, 'content.timezone'],
    ['event', { title: 'x', start: '2026-11-21T19:30' }, 'content.start'],
    ['event', { title: 'x', start: '2026-11-21T19:30:00Z', allDay: true }, 'content.start'],
    ['payment', { name: 'Oxfam', iban: 'DE89 3704 0044 0532 0130 01' }, 'content.iban'],
    ['payment', { name: 'Oxfam', iban: 'US12 3456 7890' }, 'content.iban'],
    ['payment', { iban: 'DE89370400440532013000' }, 'content.name'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', amount: 0 }, 'content.amount'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', amount: 1.234 }, 'content.amount'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', amount: 1e12 }, 'content.amount'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', currency: 'USD' }, 'content.currency'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', bic: 'XX' }, 'content.bic'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', reference: 'RF00 1234' }, 'content.reference'],
    ['payment', { name: 'Oxfam', iban: 'DE89370400440532013000', text: 'x'.repeat(141) }, 'content.text'],
    ['social', {}, 'content.network'],
    ['social', { network: 'myspace', handle: 'tom' }, 'content.network'],
    ['social', { network: 'x', handle: 'a handle with spaces' }, 'content.handle'],
    ['social', { network: 'instagram' }, 'content.handle'],
    ['social', { url: 'javascript:alert(1)' }, 'content.url'],
    ['social', { url: 'https://example.com', network: 'x', handle: 'me' }, 'content.url'],
  ];

  for (const [type, content, path] of cases) {
    test(`${type} ${JSON.stringify(content).slice(0, 70)} → ${path}`, async () => {
      const envelope = await expectCreateRefused(ts, key, { type, content }, path);
      assert.match(envelope.error.message, /^Invalid body: /);
    });
  }

  test('a missing content, a missing or unknown type, and a type/content mismatch are refused', async () => {
    await expectCreateRefused(ts, key, { type: 'url' }, 'content');
    await expectCreateRefused(ts, key, { content: 'https://example.com' }, 'type');
    await expectCreateRefused(ts, key, { type: 'fax', content: '+33 1 23 45 67 89' }, 'type');
    await expectCreateRefused(ts, key, { type: 'wifi', content: 'https://example.com' }, 'content');
    await expectCreateRefused(ts, key, { type: 'geo', content: { ssid: 'Home', password: 'password1' } }, 'content');
  });

  test('several bad fields are each reported', async () => {
    const envelope = await expectCreateRefused(
      ts,
      key,
      { type: 'vcard', content: { firstName: 'A', phones: [{ number: 'x' }], emails: ['y'], website: 'z' } },
      'content.phones.0.number',
    );
    const paths = envelope.error.details!.map((d) => d.path);
    for (const p of ['content.phones.0.number', 'content.emails.0', 'content.website']) assert.ok(paths.includes(p), p);
  });

  test('nothing at all was created by the refused requests', async () => {
    assert.equal((await getPage(ts, key, '/api/v1/qrcodes')).data.length, 0);
    assert.equal((ts.store.db.prepare('SELECT COUNT(*) AS n FROM qr_codes').get() as { n: number }).n, 0);
  });
});

// ---------------------------------------------------------------------------

const CORPUS = UTF8_CORPUS;

const utf8 = (s: string) => Buffer.from(s, 'utf8');

describe('a UTF-8 corpus round-trips exactly', () => {
  let ts: TestServer;
  let key: string;
  const made: { text: string; codes: QrCodeBody[] }[] = [];
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  test('name, text content, vCard fields and Wi-Fi SSID come back byte for byte, in JSON, the DB and the payload', async () => {
    let ssids = 0;
    for (const text of CORPUS) {
      const codes: QrCodeBody[] = [];
      const plain = await createCode(ts, key, { type: 'text', name: text, content: `${text}\n${text}` });
      codes.push(plain);
      assert.equal(plain.name, text);
      assert.equal(plain.content, `${text}\n${text}`);
      assert.ok(utf8(plain.payload).equals(utf8(`${text}\n${text}`)), 'the text payload is the text');

      const vcard = await createCode(ts, key, {
        type: 'vcard',
        content: { firstName: text, lastName: 'Zoë', organization: `${text} & Co`, note: text },
      });
      codes.push(vcard);
      const card = parseVcard(vcard.payload);
      assert.deepEqual(vcardValue(card, 'n'), ['Zoë', text, '', '', '']);
      assert.equal(vcardValue(card, 'fn'), `${text} Zoë`);
      assert.equal(vcardValue(card, 'org'), `${text} & Co`);
      assert.equal(vcardValue(card, 'note'), text);
      assert.equal(vcard.name, `${text} Zoë`);

      if (utf8(text).length <= 32) {
        ssids++;
        const wifi = await createCode(ts, key, { type: 'wifi', content: { ssid: text, encryption: 'nopass' } });
        codes.push(wifi);
        assert.equal((wifi.content as { ssid: string }).ssid, text);
        assert.ok(utf8(wifi.payload).equals(utf8(`WIFI:T:nopass;S:${text};;`)));
      }

      for (const code of codes) {
        // Exactly the same bytes through GET: no normalisation (NFC would merge "e\u0301"), no replacement characters.
        const res = await ts.api(`/api/v1/qrcodes/${code.id}`, { key });
        const raw = Buffer.from(await res.arrayBuffer());
        assert.equal(new TextDecoder('utf-8', { fatal: true }).decode(raw).includes('\ufffd'), false);
        const got = JSON.parse(raw.toString('utf8')) as QrCodeBody;
        assert.deepEqual(got, code);
        assert.ok(utf8(got.payload).equals(utf8(code.payload)));
        assert.ok(utf8(JSON.stringify(got.content)).equals(utf8(JSON.stringify(code.content))));
        assert.ok(raw.includes(utf8(text)), 'the raw UTF-8 bytes are in the response');
        // And in the database, as stored.
        const row = codeRow(ts, code.id)!;
        assert.equal(row.payload, code.payload);
        assert.equal(row.name, code.name);
        assert.deepEqual(JSON.parse(row.content as string), code.content);
      }
      made.push({ text, codes });
    }
    assert.ok(ssids >= 8, `${ssids} corpus strings fit in an SSID`);
  });

  test('q= finds them, case-insensitively beyond ASCII', async () => {
    assert.equal(made.length, CORPUS.length, 'the round-trip test ran first');
    const search = async (q: string) => (await listAll(ts, key, `q=${encodeURIComponent(q)}`)).map((c) => c.id).sort();

    for (const { text, codes } of made) {
      const found = await search(text);
      for (const code of codes) assert.ok(found.includes(code.id), `q=${text} finds ${code.type}`);
      const upper = await search(text.toUpperCase());
      for (const code of codes) assert.ok(upper.includes(code.id), `q=${text.toUpperCase()} finds ${code.type}`);
    }
    // "CAFÉ" (precomposed) finds "café" typed the same way, and nothing else in this library.
    const cafe = await createCode(ts, key, { type: 'text', name: 'Le café du coin', content: 'Ouvert' });
    assert.deepEqual(await search('CAFÉ'), [cafe.id]);
    assert.deepEqual(await search('ΕΛΛΗΝΙΚΆ'), made[7]!.codes.map((c) => c.id).sort());
    assert.deepEqual(await search('東京'), made[1]!.codes.map((c) => c.id).sort());
    assert.deepEqual(await search('👩‍👩‍👧'), made[2]!.codes.map((c) => c.id).sort());
    assert.deepEqual(await search('no such text anywhere 🦄'), []);
  });
});

describe('q= over content fields', () => {
  let ts: TestServer;
  let key: string;
  before(async () => {
    ts = await startTestServer();
    key = ts.createKey({ scopes: ['write'] });
  });
  after(() => ts.stop());

  test('searches the name and the content fields', async () => {
    const a = await createCode(ts, key, {
      type: 'wifi',
      name: 'Guest network',
      content: { ssid: 'Zébulon', password: 'secretpass' },
    });
    const b = await createCode(ts, key, { type: 'vcard', content: { firstName: 'Ana', address: { city: 'Zürich' } } });
    const c = await createCode(ts, key, { type: 'url', content: 'https://example.com/ZEBULON' });
    const find = async (q: string) => (await listAll(ts, key, `q=${encodeURIComponent(q)}`)).map((x) => x.id).sort();
    assert.deepEqual(await find('ZÉBULON'), [a.id]);
    assert.deepEqual(await find('zebulon'), [c.id]);
    assert.deepEqual(await find('zürich'), [b.id]);
    assert.deepEqual(await find('GUEST'), [a.id]);
    assert.deepEqual(await find('%'), []);
    assert.deepEqual(await find('_'), []);
  });

  test('an empty search means no search; one over 200 characters is refused', async () => {
    const all = (await (await ts.api('/api/v1/qrcodes?limit=200', { key })).json()) as { data: unknown[] };
    for (const q of ['', '   ']) {
      const res = await ts.api(`/api/v1/qrcodes?limit=200&q=${encodeURIComponent(q)}`, { key });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { data: unknown[] }).data.length, all.data.length);
    }
    await expectValidationError(await ts.api(`/api/v1/qrcodes?q=${'x'.repeat(201)}`, { key }), 'q');
  });
});
