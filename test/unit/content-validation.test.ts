import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CONTENT_SCHEMAS, QrTypeSchema, type QrType } from '../../src-shared/schemas/content';

type Path = (string | number)[];

/** Asserts that `input` is refused as content of `type`, with an issue at each of `paths` (and nowhere else). */
function refuses(type: QrType, input: unknown, ...paths: Path[]) {
  const result = CONTENT_SCHEMAS[type].safeParse(input);
  assert.equal(result.success, false, `${type} ${JSON.stringify(input)} should be refused`);
  const got = result.error!.issues.map((i) => JSON.stringify(i.path));
  assert.deepEqual(
    [...new Set(got)].sort(),
    paths.map((p) => JSON.stringify(p)).sort(),
    `${type} ${JSON.stringify(input)}: ${JSON.stringify(result.error!.issues)}`,
  );
  for (const issue of result.error!.issues) assert.ok(issue.message.length > 0);
  return result.error!.issues.map((i) => i.message).join(' | ');
}

const accepts = (type: QrType, input: unknown) => {
  const result = CONTENT_SCHEMAS[type].safeParse(input);
  assert.ok(result.success, `${type} ${JSON.stringify(input)}: ${JSON.stringify(result.error?.issues)}`);
};

describe('QrTypeSchema', () => {
  it('takes the twelve types only', () => {
    assert.equal(QrTypeSchema.safeParse('vcard').success, true);
    assert.equal(QrTypeSchema.safeParse('VCARD').success, false);
    assert.equal(QrTypeSchema.safeParse('bitcoin').success, false);
  });
});

describe('url content', () => {
  it('refuses other schemes, relative URLs, spaces, control characters and overlong URLs', () => {
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      'ftp://example.com/file',
      'mailto:a@example.com',
      '/relative/path',
      '//example.com/x',
      'example.com',
      'http:example.com',
      'https:\\\\evil.com',
      'https://exa mple.com',
      'https://example.com/a b',
      'https://example.com/\u0000',
      'https://example.com/\u0085',
      'https://example.com/\ud800',
      'http://',
      'https://',
      '',
      '   ',
      'https://example.com/' + 'a'.repeat(2048),
    ]) {
      refuses('url', bad, []);
    }
  });

  it('refuses what is not a string', () => {
    refuses('url', 42, []);
    refuses('url', null, []);
    refuses('url', { url: 'https://example.com' }, []);
  });
});

describe('text content', () => {
  it('refuses empty, overlong, control characters and lone surrogates', () => {
    refuses('text', '', []);
    refuses('text', ' \n ', []);
    refuses('text', 'x'.repeat(2001), []);
    refuses('text', 'bell\u0007', []);
    refuses('text', 'nul\u0000', []);
    refuses('text', 'next line\u0085', []);
    refuses('text', 'lone \ud83d surrogate', []);
    refuses('text', 'lone \udc00 surrogate', []);
    refuses('text', 12, []);
  });

  it('accepts tabs, newlines and every script', () => {
    accepts('text', 'a\tb\nc\r\nd');
    accepts('text', '🍕👩‍👩‍👧 東京タワー مرحبا שלום e\u0301');
  });
});

describe('phone content', () => {
  it('refuses letters, misplaced +, too few or too many digits', () => {
    for (const bad of [
      '12',
      '+1 (555) abc',
      '++1555123',
      '1+555123',
      '1'.repeat(21),
      '',
      '+',
      '555 123 4567 ext 8',
      5551234,
    ]) {
      refuses('phone', bad, []);
    }
  });
});

describe('wifi content', () => {
  it('names the field at fault', () => {
    refuses('wifi', { password: 'secret123' }, ['ssid']);
    refuses('wifi', { ssid: '', password: 'secret123' }, ['ssid']);
    refuses('wifi', { ssid: 'é'.repeat(17), password: 'secret123' }, ['ssid']); // 34 bytes
    refuses('wifi', { ssid: 'x'.repeat(33), password: 'secret123' }, ['ssid']);
    refuses('wifi', { ssid: 'a\u0000b', password: 'secret123' }, ['ssid']);
    refuses('wifi', { ssid: 'Net', password: 'short' }, ['password']);
    refuses('wifi', { ssid: 'Net' }, ['password']);
    refuses('wifi', { ssid: 'Net', password: 'x'.repeat(64) }, ['password']);
    refuses('wifi', { ssid: 'Net', password: 'a\nbcdefghi' }, ['password']);
    refuses('wifi', { ssid: 'Net', encryption: 'nopass', password: 'secret123' }, ['password']);
    refuses('wifi', { ssid: 'Net', encryption: 'WEP', password: 'abcdef' }, ['password']);
    refuses('wifi', { ssid: 'Net', encryption: 'WPA2', password: 'secret123' }, ['encryption']);
    refuses('wifi', { ssid: 'Net', password: 'secret123', hidden: 'true' }, ['hidden']);
    refuses('wifi', { ssid: 'Net', password: 'secret123', channel: 6 }, []);
    refuses('wifi', 'WIFI:T:WPA;S:Net;;', []);
  });

  it('accepts the key forms of each encryption', () => {
    accepts('wifi', { ssid: 'é'.repeat(16), password: 'x'.repeat(63) });
    accepts('wifi', { ssid: 'Net', password: '0123456789abcdefABCDEF0123456789abcdef0123456789abcdef0123456789' });
    accepts('wifi', { ssid: 'Net', encryption: 'WEP', password: 'abcdefghijklm' });
    accepts('wifi', { ssid: 'Net', encryption: 'WEP', password: '0123456789' });
    accepts('wifi', { ssid: 'Net', encryption: 'WEP', password: '0123456789abcdef0123456789' });
  });
});

describe('vcard content', () => {
  it('needs a first name, last name or organization', () => {
    refuses('vcard', {}, ['firstName']);
    refuses('vcard', { firstName: '  ', title: 'CEO' }, ['firstName']);
    accepts('vcard', { lastName: 'Doe' });
    accepts('vcard', { organization: 'ACME' });
  });

  it('names nested fields by their path', () => {
    refuses('vcard', { firstName: 'A', phones: [{ number: 'abc' }] }, ['phones', 0, 'number']);
    refuses('vcard', { firstName: 'A', phones: [{ number: '123' }, { number: '1' }] }, ['phones', 1, 'number']);
    refuses('vcard', { firstName: 'A', phones: [{ number: '123', type: 'mobile' }] }, ['phones', 0, 'type']);
    refuses('vcard', { firstName: 'A', phones: [{ number: '123', ext: '4' }] }, ['phones', 0]);
    refuses('vcard', { firstName: 'A', phones: Array.from({ length: 11 }, () => ({ number: '123' })) }, ['phones']);
    refuses('vcard', { firstName: 'A', phones: '123' }, ['phones']);
    refuses('vcard', { firstName: 'A', emails: ['a@example.com', 'not-an-email'] }, ['emails', 1]);
    refuses('vcard', { firstName: 'A', emails: Array.from({ length: 11 }, () => 'a@example.com') }, ['emails']);
    refuses('vcard', { firstName: 'A', website: 'javascript:alert(1)' }, ['website']);
    refuses('vcard', { firstName: 'A', website: 'www.example.com' }, ['website']);
    refuses('vcard', { firstName: 'A', address: { city: 'Paris', planet: 'Earth' } }, ['address']);
    refuses('vcard', { firstName: 'A', address: { postalCode: '1'.repeat(21) } }, ['address', 'postalCode']);
    refuses('vcard', { firstName: 'A', note: 'x'.repeat(1001) }, ['note']);
    refuses('vcard', { firstName: 'A\nB' }, ['firstName']);
    refuses('vcard', { firstName: 'x'.repeat(10_000) }, ['firstName']);
    refuses('vcard', { firstName: 'A', nickname: 'B' }, []);
  });
});

describe('email content', () => {
  it('refuses bad addresses, header injection and unknown fields', () => {
    refuses('email', { to: 'nope' }, ['to']);
    refuses('email', { to: 'a@b' }, ['to']);
    refuses('email', { to: 'a b@example.com' }, ['to']);
    refuses('email', {}, ['to']);
    refuses('email', { to: 'a@example.com', subject: 'Hi\r\nBcc: victim@example.com' }, ['subject']);
    refuses('email', { to: 'a@example.com', body: 'x'.repeat(2001) }, ['body']);
    refuses('email', { to: 'a@example.com', cc: 'b@example.com' }, []);
  });
});

describe('sms and whatsapp content', () => {
  it('check the number and the message', () => {
    refuses('sms', { phone: 'call me' }, ['phone']);
    refuses('sms', {}, ['phone']);
    refuses('sms', { phone: '123', message: 'a\u0000b' }, ['message']);
    refuses('sms', { phone: '123', message: 'x'.repeat(1001) }, ['message']);
    refuses('whatsapp', { phone: '0151 2345678' }, ['phone']);
    refuses('whatsapp', { phone: '+1 555' }, ['phone']);
    refuses('whatsapp', { phone: '+49 151 2345 6789 0123' }, ['phone']);
    refuses('whatsapp', { phone: '+49 151 2345 6789', message: 'lone \ud800' }, ['message']);
    accepts('whatsapp', { phone: '+49 151 2345 6789', message: 'Hi\nthere' });
  });
});

describe('geo content', () => {
  it('checks the ranges and refuses numbers as strings', () => {
    refuses('geo', { latitude: 90.0001, longitude: 0 }, ['latitude']);
    refuses('geo', { latitude: -91, longitude: 0 }, ['latitude']);
    refuses('geo', { latitude: 0, longitude: 180.5 }, ['longitude']);
    refuses('geo', { latitude: 0, longitude: -181 }, ['longitude']);
    refuses('geo', { latitude: '48.85', longitude: 2.29 }, ['latitude']);
    refuses('geo', { latitude: Infinity, longitude: 2.29 }, ['latitude']);
    refuses('geo', { latitude: Number.NaN, longitude: 2.29 }, ['latitude']);
    refuses('geo', { longitude: 2.29 }, ['latitude']);
    refuses('geo', { latitude: 1, longitude: 2, label: 'a\u0007' }, ['label']);
    refuses('geo', { latitude: 1, longitude: 2, altitude: 3 }, []);
  });
});

describe('event content', () => {
  const base = { title: 'Meet', start: '2026-11-21T10:00:00Z' };

  it('checks the times', () => {
    refuses('event', { start: base.start }, ['title']);
    refuses('event', { title: 'Meet' }, ['start']);
    refuses('event', { ...base, start: 'tomorrow' }, ['start']);
    refuses('event', { ...base, start: '2026-02-30T10:00:00Z' }, ['start']);
    refuses('event', { ...base, start: '2026-11-21T24:00:00Z' }, ['start']);
    refuses('event', { ...base, start: '2026-11-21T10:00:00+25:00' }, ['start']);
    refuses('event', { ...base, start: '2026-11-21 10:00:00Z' }, ['start']);
    refuses('event', { ...base, start: 1_790_000_000 }, ['start']);
    refuses('event', { ...base, start: '2026-11-21' }, ['start']);
    refuses('event', { ...base, start: '2026-11-21T10:00' }, ['start']);
    refuses('event', { ...base, allDay: true }, ['start']);
    refuses('event', { ...base, end: '2026-11-21T09:59:59Z' }, ['end']);
    refuses('event', { ...base, end: '2026-11-21T11:00:00+02:00' }, ['end']);
    refuses('event', { ...base, end: 'later' }, ['end']);
    refuses('event', { title: 'Fair', start: '2026-11-21', end: '2026-11-20', allDay: true }, ['end']);
    refuses('event', { title: 'Fair', start: '2026-11-21', end: '2026-11-22T10:00:00Z', allDay: true }, ['end']);
    refuses('event', { title: 'Jazz', start: '2026-11-21T20:00', end: '2026-11-21T19:00', timezone: 'Europe/Paris' }, [
      'end',
    ]);
    // 18:00Z is 19:00 in Paris, half an hour before the start.
    refuses(
      'event',
      { title: 'Jazz', start: '2026-11-21T19:30', end: '2026-11-21T18:00:00Z', timezone: 'Europe/Paris' },
      ['end'],
    );
    accepts('event', { ...base, end: base.start });
    accepts('event', { title: 'Fair', start: '2026-11-21', end: '2026-11-21', allDay: true });
  });

  it('checks the time zone', () => {
    refuses('event', { ...base, timezone: 'Mars/Olympus_Mons' }, ['timezone']);
    refuses('event', { ...base, timezone: '+02:00' }, ['timezone']);
    refuses('event', { ...base, timezone: 'Europe/Paris; DROP' }, ['timezone']);
    const message = refuses('event', { ...base, timezone: 'europe/paris' }, ['timezone']);
    assert.match(message, /Europe\/Paris/);
    accepts('event', { ...base, timezone: 'UTC' });
    accepts('event', { ...base, timezone: 'America/Argentina/Buenos_Aires' });
  });

  it('refuses control characters and unknown fields', () => {
    refuses('event', { ...base, title: 'a\nb' }, ['title']);
    refuses('event', { ...base, location: 'x'.repeat(201) }, ['location']);
    refuses('event', { ...base, description: 'a\u001bb' }, ['description']);
    refuses('event', { ...base, rrule: 'FREQ=DAILY' }, []);
    accepts('event', { ...base, description: 'line 1\nline 2\ttab' });
  });
});

describe('payment content', () => {
  const base = { name: 'Café', iban: 'DE89 3704 0044 0532 0130 00' };

  it('checks the IBAN', () => {
    refuses('payment', { ...base, iban: 'DE89 3704 0044 0532 0130 01' }, ['iban']);
    refuses('payment', { ...base, iban: 'DE88 3704 0044 0532 0130 00' }, ['iban']);
    refuses('payment', { ...base, iban: 'DE89 3704 0044 0532 0130 0' }, ['iban']);
    refuses('payment', { ...base, iban: 'SA03 8000 0000 6080 1016 7519' }, ['iban']); // valid, not SEPA
    refuses('payment', { ...base, iban: 'DE89-3704-0044-0532-0130-00' }, ['iban']);
    refuses('payment', { ...base, iban: '' }, ['iban']);
    refuses('payment', { name: 'Café' }, ['iban']);
  });

  it('checks amount, currency, BIC and the reference', () => {
    refuses('payment', { ...base, amount: 0 }, ['amount']);
    refuses('payment', { ...base, amount: -5 }, ['amount']);
    refuses('payment', { ...base, amount: 0.001 }, ['amount']);
    refuses('payment', { ...base, amount: 12.345 }, ['amount']);
    refuses('payment', { ...base, amount: 1_000_000_000 }, ['amount']);
    refuses('payment', { ...base, amount: '12.50' }, ['amount']);
    refuses('payment', { ...base, currency: 'USD' }, ['currency']);
    refuses('payment', { ...base, bic: 'ABC' }, ['bic']);
    refuses('payment', { ...base, bic: 'COBADEFFX' }, ['bic']);
    refuses('payment', { ...base, bic: 'COBA DEFF' }, ['bic']);
    refuses('payment', { ...base, reference: 'RF19 5390 0754 7034' }, ['reference']);
    refuses('payment', { ...base, reference: 'Invoice 42' }, ['reference']);
    refuses('payment', { ...base, reference: 'RF18 5390 0754 7034', text: 'Invoice 42' }, ['reference']);
    refuses('payment', { ...base, text: 'x'.repeat(141) }, ['text']);
    refuses('payment', { ...base, text: 'line\nbreak' }, ['text']);
    refuses('payment', { ...base, name: 'x'.repeat(71) }, ['name']);
    refuses('payment', { ...base, name: '' }, ['name']);
    refuses('payment', { ...base, purpose: 'GDDS' }, []);
    accepts('payment', { ...base, amount: 0.29, bic: 'COBADEFF' });
  });

  it('keeps the encoded payload within 331 bytes', () => {
    const message = refuses('payment', { ...base, text: '東'.repeat(140) }, ['text']);
    assert.match(message, /331/);
    accepts('payment', { ...base, text: 'x'.repeat(140) });
  });
});

describe('social content', () => {
  it('checks network, handle and url', () => {
    refuses('social', { network: 'x', handle: 'way_too_long_handle_name' }, ['handle']);
    refuses('social', { network: 'x', handle: 'spaces here' }, ['handle']);
    refuses('social', { network: 'github', handle: '-leading-dash' }, ['handle']);
    refuses('social', { network: 'mastodon', handle: 'alice' }, ['handle']);
    refuses('social', { network: 'instagram', handle: '../../evil' }, ['handle']);
    refuses('social', { network: 'myspace', handle: 'tom' }, ['network']);
    refuses('social', { handle: 'tom' }, ['network']);
    refuses('social', { network: 'x' }, ['handle']);
    refuses('social', {}, ['network']);
    refuses('social', { url: 'javascript:alert(1)' }, ['url']);
    refuses('social', { url: 'https://x.com/jack', network: 'x' }, ['url']);
    refuses('social', { url: 'https://x.com/jack', followers: 3 }, []);
    refuses('social', 'https://x.com/jack', []);
  });
});
