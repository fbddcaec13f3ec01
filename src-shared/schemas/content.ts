import { z } from 'zod';
import { httpUrl, line, multiline, URL_MAX_LENGTH } from './text';

export { httpUrlProblem, URL_MAX_LENGTH } from './text';
import { encodeEpc, EPC_MAX_BYTES } from '../payloads/epc';
import { utf8ByteLength } from '../payloads/encoding';
import { ibanProblem, isCreditorReference, SEPA_IBAN_LENGTHS, compactCode } from '../payloads/iban';
import { checkTimeZone, eventTimeProperty, parseEventTime, type EventTime } from '../payloads/ical';
import { bareHandle, SOCIAL_NETWORKS, SOCIAL_RULES } from '../payloads/social';
import { whatsappDigits } from '../payloads/uri';

/**
 * The content of a QR code, one schema per type (DESIGN.md "Resources"):
 * a string for `url`, `text` and `phone`, an object otherwise. Objects are
 * strict (unknown fields are refused). No string may hold a lone UTF-16
 * surrogate or a control character; multi-line fields (texts, notes,
 * messages, descriptions) allow tab and newline, with CRLF and CR stored as LF.
 */

export const QR_TYPES = [
  'url',
  'text',
  'wifi',
  'vcard',
  'email',
  'phone',
  'sms',
  'whatsapp',
  'geo',
  'event',
  'payment',
  'social',
] as const;
export type QrType = (typeof QR_TYPES)[number];
export const QrTypeSchema = z.enum(QR_TYPES).meta({
  id: 'QrType',
  description: 'What the code holds; decides the shape of `content` and how `payload` is encoded.',
});

// ---------------------------------------------------------------------------
// Fields built from the shared text rules (./text)

const emailAddress = (what: string) =>
  z
    .string()
    .trim()
    .max(254, `${what} is at most 254 characters`)
    .check(z.email({ message: `${what} must be an e-mail address such as name@example.com` }));

const PHONE_CHARS = /^\+?[0-9 ().-]+$/;
const countDigits = (s: string) => s.replace(/[^0-9]/g, '').length;

function phoneNumber(what: string) {
  return z
    .string()
    .trim()
    .min(1, `${what} is required`)
    .max(32, `${what} is at most 32 characters`)
    .regex(PHONE_CHARS, `${what} may hold a leading +, digits, spaces, dashes, dots and parentheses`)
    .refine((s) => {
      const n = countDigits(s);
      return n >= 3 && n <= 20;
    }, `${what} must have 3 to 20 digits`);
}

// ---------------------------------------------------------------------------
// url, text, phone: plain strings

export const UrlContent = httpUrl('URL', { required: true }).meta({
  id: 'UrlContent',
  description: `An absolute http:// or https:// URL of at most ${URL_MAX_LENGTH} characters, encoded as it is (trimmed).`,
  example: 'https://example.com/menu',
});
export type UrlContent = z.output<typeof UrlContent>;

export const TEXT_MAX_LENGTH = 2000;
export const TextContent = multiline('Text', TEXT_MAX_LENGTH, { required: true }).meta({
  id: 'TextContent',
  description: `Free text of 1-${TEXT_MAX_LENGTH} characters (UTF-16 code units), encoded as UTF-8 as it is.`,
  example: 'Crème brûlée, 東京タワー 🍕',
});
export type TextContent = z.output<typeof TextContent>;

export const PhoneContent = phoneNumber('Phone number').meta({
  id: 'PhoneContent',
  description:
    'A phone number, best in international form (+ and the country code): digits with spaces, dashes, dots or parentheses; 3-20 digits. Encoded as `tel:` with the + and digits only.',
  example: '+33 1 23 45 67 89',
});
export type PhoneContent = z.output<typeof PhoneContent>;

// ---------------------------------------------------------------------------
// wifi

export const WIFI_ENCRYPTIONS = ['WPA', 'WEP', 'nopass'] as const;

const SSID_MAX_BYTES = 32;

export const WifiContent = z
  .object({
    ssid: line('SSID', SSID_MAX_BYTES, { required: true, trim: false })
      .refine((s) => utf8ByteLength(s) <= SSID_MAX_BYTES, `SSID is at most ${SSID_MAX_BYTES} bytes of UTF-8`)
      .meta({ description: 'Network name, 1-32 bytes of UTF-8, kept exactly (not trimmed).' }),
    password: line('Password', 64, { trim: false }).optional().meta({
      description:
        'Required for WPA (8-63 characters, or 64 hex digits) and WEP (5 or 13 characters, or 10 or 26 hex digits); absent or empty for nopass. Kept exactly (not trimmed).',
    }),
    encryption: z
      .enum(WIFI_ENCRYPTIONS)
      .default('WPA')
      .meta({ description: '`WPA` covers WPA, WPA2 and WPA3 personal; `nopass` is an open network.' }),
    hidden: z.boolean().default(false).meta({ description: 'Whether the network hides its SSID.' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const password = v.password ?? '';
    const problem = (message: string) => ctx.addIssue({ code: 'custom', path: ['password'], message });
    if (v.encryption === 'nopass') {
      if (password !== '') problem('An open (nopass) network takes no password');
    } else if (v.encryption === 'WPA') {
      // IEEE 802.11i: a passphrase is 8-63 printable ASCII characters; 64 hex digits are a raw key.
      const ok = /^[\x20-\x7e]{8,63}$/.test(password) || /^[0-9A-Fa-f]{64}$/.test(password);
      if (!ok) problem('A WPA password has 8-63 printable ASCII characters (or is a key of 64 hex digits)');
    } else {
      const ok =
        /^(?:[\x20-\x7e]{5}|[\x20-\x7e]{13})$/.test(password) || /^(?:[0-9A-Fa-f]{10}|[0-9A-Fa-f]{26})$/.test(password);
      if (!ok) problem('A WEP key has 5 or 13 characters, or 10 or 26 hex digits');
    }
  })
  .meta({
    id: 'WifiContent',
    description: 'Joins a Wi-Fi network. Encoded as `WIFI:T:WPA;S:<ssid>;P:<password>;H:true;;`.',
    example: { ssid: 'Café Wi-Fi', password: 'croissant42', encryption: 'WPA', hidden: false },
  });
export type WifiContent = z.output<typeof WifiContent>;

// ---------------------------------------------------------------------------
// vcard

export const VCARD_PHONE_TYPES = ['cell', 'work', 'home', 'fax'] as const;
export const VCARD_MAX_ITEMS = 10;

export const VcardPhone = z
  .object({
    number: phoneNumber('Phone number'),
    type: z.enum(VCARD_PHONE_TYPES).optional(),
  })
  .strict()
  .meta({ id: 'VcardPhone' });

export const PostalAddress = z
  .object({
    street: line('Street', 200).optional(),
    city: line('City', 100).optional(),
    postalCode: line('Postal code', 20).optional(),
    region: line('Region', 100).optional(),
    country: line('Country', 100).optional(),
  })
  .strict()
  .meta({ id: 'PostalAddress' });

export const VcardContent = z
  .object({
    firstName: line('First name', 100).optional(),
    lastName: line('Last name', 100).optional(),
    organization: line('Organization', 200).optional(),
    title: line('Title', 100).optional(),
    phones: z.array(VcardPhone).max(VCARD_MAX_ITEMS, `At most ${VCARD_MAX_ITEMS} phone numbers`).optional(),
    emails: z
      .array(emailAddress('E-mail'))
      .max(VCARD_MAX_ITEMS, `At most ${VCARD_MAX_ITEMS} e-mail addresses`)
      .optional(),
    website: httpUrl('Website').optional(),
    address: PostalAddress.optional(),
    note: multiline('Note', 1000).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (!v.firstName && !v.lastName && !v.organization) {
      ctx.addIssue({
        code: 'custom',
        path: ['firstName'],
        message: 'A contact needs a first name, a last name or an organization',
      });
    }
  })
  .meta({
    id: 'VcardContent',
    description:
      'A contact card. Encoded as vCard 3.0 with CRLF line endings, escaping and lines folded at 75 octets. Needs a first name, last name or organization.',
    example: {
      firstName: 'Amélie',
      lastName: 'Poulain',
      organization: 'Café des 2 Moulins',
      phones: [{ number: '+33 1 42 54 90 50', type: 'work' }],
      emails: ['amelie@example.com'],
    },
  });
export type VcardContent = z.output<typeof VcardContent>;

// ---------------------------------------------------------------------------
// email

export const EmailContent = z
  .object({
    to: emailAddress('Recipient'),
    subject: line('Subject', 200).optional(),
    body: multiline('Body', 2000).optional(),
  })
  .strict()
  .meta({
    id: 'EmailContent',
    description: 'Opens a new e-mail. Encoded as `mailto:<to>?subject=…&body=…`, percent-encoded as UTF-8.',
    example: { to: 'hello@example.com', subject: 'Table for two', body: 'Tonight at 8?' },
  });
export type EmailContent = z.output<typeof EmailContent>;

// ---------------------------------------------------------------------------
// sms, whatsapp

export const SmsContent = z
  .object({
    phone: phoneNumber('Phone number'),
    message: multiline('Message', 1000).optional(),
  })
  .strict()
  .meta({
    id: 'SmsContent',
    description: 'Opens a text message. Encoded as `SMSTO:<+digits>:<message>`.',
    example: { phone: '+44 20 7946 0958', message: 'STOP' },
  });
export type SmsContent = z.output<typeof SmsContent>;

export const WhatsappContent = z
  .object({
    phone: phoneNumber('Phone number')
      .refine((s) => {
        const digits = whatsappDigits(s);
        return digits.length >= 8 && digits.length <= 15 && !digits.startsWith('0');
      }, 'Phone number must be in international form: country code and number, 8-15 digits (e.g. +49 151 2345 6789)')
      .meta({ description: 'International number with the country code; + and spaces are fine, they are removed.' }),
    message: multiline('Message', 1000).optional(),
  })
  .strict()
  .meta({
    id: 'WhatsappContent',
    description: 'Opens a WhatsApp chat. Encoded as `https://wa.me/<digits>?text=<percent-encoded message>`.',
    example: { phone: '+49 151 2345 6789', message: 'Hallo!' },
  });
export type WhatsappContent = z.output<typeof WhatsappContent>;

// ---------------------------------------------------------------------------
// geo

export const GeoContent = z
  .object({
    latitude: z.number().min(-90, 'Latitude is -90 to 90').max(90, 'Latitude is -90 to 90'),
    longitude: z.number().min(-180, 'Longitude is -180 to 180').max(180, 'Longitude is -180 to 180'),
    label: line('Label', 100).optional(),
  })
  .strict()
  .meta({
    id: 'GeoContent',
    description:
      'A place. Encoded as `geo:<lat>,<lng>` (RFC 5870, at most 7 decimals); with a label, `geo:<lat>,<lng>?q=<lat>,<lng>(<label>)`, which Android map apps show as a named pin.',
    example: { latitude: 48.8584, longitude: 2.2945, label: 'Tour Eiffel' },
  });
export type GeoContent = z.output<typeof GeoContent>;

// ---------------------------------------------------------------------------
// event

const timeZoneName = z
  .string()
  .trim()
  .max(64, 'Time zone is at most 64 characters')
  .superRefine((s, ctx) => {
    if (s === '') return;
    const check = checkTimeZone(s);
    if (!check.ok) {
      ctx.addIssue({
        code: 'custom',
        message: check.suggestion
          ? `Time zone must be spelled ${check.suggestion}`
          : 'Time zone must be an IANA name such as Europe/Paris',
      });
    }
  });

const eventTime = (what: string) =>
  z
    .string()
    .trim()
    .max(40, `${what} is at most 40 characters`)
    .meta({
      description: `${what}: an ISO 8601 date-time with Z or an offset (2026-11-21T19:30:00+01:00), a local date-time (2026-11-21T19:30) when \`timezone\` is given, or a date (2026-11-21) for an all-day event.`,
    });

export const EventContent = z
  .object({
    title: line('Title', 200, { required: true }),
    start: eventTime('Start'),
    end: eventTime('End')
      .optional()
      .meta({ description: 'Not before `start`. For an all-day event, the last day (inclusive).' }),
    allDay: z.boolean().default(false),
    timezone: timeZoneName
      .optional()
      .meta({ description: 'IANA time zone name (Europe/Paris); times are then wall-clock times there.' }),
    location: line('Location', 200).optional(),
    description: multiline('Description', 2000).optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    const timeZone = v.allDay ? undefined : v.timezone || undefined;
    if (timeZone && !checkTimeZone(timeZone).ok) return; // reported on timezone
    const check = (field: 'start' | 'end', input: string): string | null => {
      const time = parseEventTime(input);
      const problem = (message: string) => {
        ctx.addIssue({ code: 'custom', path: [field], message });
        return null;
      };
      if (!time) return problem(eventTimeHint(field, v.allDay, timeZone));
      const prop = eventTimeProperty(time, v.allDay, timeZone);
      if (!prop) return problem(eventTimeMismatch(field, time, v.allDay));
      return prop.value;
    };
    const start = check('start', v.start);
    const end = v.end ? check('end', v.end) : null;
    // Both are now UTC stamps, wall times in one zone, or dates: comparable as strings.
    if (start !== null && end !== null && end < start) {
      ctx.addIssue({ code: 'custom', path: ['end'], message: 'End must not be before start' });
    }
  })
  .meta({
    id: 'EventContent',
    description:
      'A calendar event. Encoded as an iCalendar (RFC 5545) VCALENDAR with one VEVENT, with escaping and lines folded at 75 octets.',
    example: {
      title: 'Soirée jazz',
      start: '2026-11-21T20:00',
      end: '2026-11-21T23:00',
      allDay: false,
      timezone: 'Europe/Paris',
      location: 'Le Duc des Lombards, Paris',
    },
  });
export type EventContent = z.output<typeof EventContent>;

function eventTimeHint(field: string, allDay: boolean, timeZone: string | undefined): string {
  const name = field === 'start' ? 'Start' : 'End';
  if (allDay) return `${name} of an all-day event must be a date such as 2026-11-21`;
  return timeZone
    ? `${name} must be a date-time such as 2026-11-21T19:30`
    : `${name} must be a date-time with Z or an offset, such as 2026-11-21T19:30:00+01:00`;
}

function eventTimeMismatch(field: string, time: EventTime, allDay: boolean): string {
  const name = field === 'start' ? 'Start' : 'End';
  if (allDay) return `${name} of an all-day event must be a date such as 2026-11-21, without a time`;
  if (time.kind === 'date') return `${name} must be a date-time; set allDay for an all-day event`;
  return `${name} needs Z or an offset (such as +01:00), or give a timezone`;
}

// ---------------------------------------------------------------------------
// payment (EPC QR / SEPA credit transfer)

export const EPC_AMOUNT_MIN = 0.01;
export const EPC_AMOUNT_MAX = 999_999_999.99;

function ibanMessage(input: string): string | null {
  const problem = ibanProblem(input);
  const country = compactCode(input).slice(0, 2);
  switch (problem) {
    case null:
      return null;
    case 'format':
      return 'IBAN must be 2 letters, 2 check digits and up to 30 letters or digits (spaces allowed)';
    case 'country':
      return `IBAN must be of a SEPA country (${Object.keys(SEPA_IBAN_LENGTHS).join(', ')})`;
    case 'length':
      return `An IBAN of ${country} has ${SEPA_IBAN_LENGTHS[country]} characters, not counting spaces`;
    case 'checksum':
      return 'IBAN check digits do not match: there is a typo';
  }
}

const PaymentFields = z
  .object({
    name: line('Beneficiary name', 70, { required: true }).meta({ description: 'Beneficiary name, 1-70 characters.' }),
    iban: z
      .string()
      .trim()
      .max(42, 'IBAN is at most 34 characters, not counting spaces')
      .superRefine((s, ctx) => {
        const message = ibanMessage(s);
        if (message) ctx.addIssue({ code: 'custom', message });
      })
      .meta({
        description:
          'IBAN of a SEPA country, checked with its mod-97 check digits. Spaces and lower case are accepted and kept; the payload has the compact upper-case form.',
        example: 'DE89 3704 0044 0532 0130 00',
      }),
    bic: z
      .string()
      .trim()
      .regex(
        /^(?:[A-Za-z]{6}[A-Za-z0-9]{2}(?:[A-Za-z0-9]{3})?)?$/,
        'BIC has 8 or 11 characters: AAAABBCC or AAAABBCCDDD',
      )
      .optional()
      .meta({ description: 'BIC of the beneficiary bank, 8 or 11 characters; optional in EPC version 002.' }),
    amount: z
      .number()
      .min(EPC_AMOUNT_MIN, `Amount is ${EPC_AMOUNT_MIN} to ${EPC_AMOUNT_MAX}`)
      .max(EPC_AMOUNT_MAX, `Amount is ${EPC_AMOUNT_MIN} to ${EPC_AMOUNT_MAX}`)
      .refine((n) => Number(n.toFixed(2)) === n, 'Amount has at most 2 decimals')
      .optional()
      .meta({ description: 'In euros, 0.01-999999999.99, at most 2 decimals. Leave out to let the payer type it.' }),
    currency: z
      .enum(['EUR'])
      .default('EUR')
      .meta({ description: 'Always EUR: EPC QR codes are for SEPA credit transfers in euro.' }),
    reference: z
      .string()
      .trim()
      .max(35, 'Reference is at most 35 characters')
      .refine(
        (s) => s === '' || isCreditorReference(s),
        'Reference must be an RF creditor reference (ISO 11649), e.g. RF18 5390 0754 7034',
      )
      .optional()
      .meta({ description: 'Structured RF creditor reference (ISO 11649), spaces allowed. Not together with `text`.' }),
    text: line('Text', 140).optional().meta({
      description: 'Unstructured remittance information, at most 140 characters. Not together with `reference`.',
    }),
  })
  .strict();
/** The parsed shape of a payment; what the EPC encoder takes. */
export type PaymentContent = z.output<typeof PaymentFields>;

export const PaymentContent = PaymentFields.superRefine((v, ctx) => {
  if (v.reference && v.text) {
    ctx.addIssue({
      code: 'custom',
      path: ['reference'],
      message: 'Give a structured reference or a text, not both',
    });
  }
  if (ctx.issues.length > 0) return; // encode only valid content
  const bytes = utf8ByteLength(encodeEpc(v));
  if (bytes > EPC_MAX_BYTES) {
    ctx.addIssue({
      code: 'custom',
      path: [v.text ? 'text' : 'name'],
      message: `The payment code would be ${bytes} bytes, over the EPC limit of ${EPC_MAX_BYTES}: shorten the ${v.text ? 'text' : 'name'}`,
    });
  }
}).meta({
  id: 'PaymentContent',
  description: `A SEPA credit transfer. Encoded as an EPC QR code (EPC069-12 version 002, UTF-8), at most ${EPC_MAX_BYTES} bytes.`,
  example: {
    name: 'Café des 2 Moulins',
    iban: 'FR76 3000 6000 0112 3456 7890 189',
    amount: 12.5,
    currency: 'EUR',
    text: 'Table 4',
  },
});

// ---------------------------------------------------------------------------
// social

export const SocialNetworkSchema = z.enum(SOCIAL_NETWORKS).meta({ id: 'SocialNetwork' });

export const SocialContent = z
  .object({
    network: SocialNetworkSchema.optional(),
    handle: z.string().trim().max(260, 'Handle is at most 260 characters').optional().meta({
      description: 'The account on `network`; a leading @ is fine. Mastodon handles are user@instance.',
    }),
    url: httpUrl('Profile URL').optional().meta({ description: 'Any profile URL, instead of `network` and `handle`.' }),
  })
  .strict()
  .superRefine((v, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (v.url) {
      if (v.network || v.handle) issue('url', 'Give either a url, or a network and handle, not both');
      return;
    }
    if (!v.network && !v.handle) return issue('network', 'Give a network and handle, or a url');
    if (!v.network) return issue('network', 'Network is required with a handle');
    if (!v.handle) return issue('handle', 'Handle is required');
    const rule = SOCIAL_RULES[v.network];
    if (!rule.pattern.test(bareHandle(v.handle))) issue('handle', `A ${v.network} handle is ${rule.hint}`);
  })
  .meta({
    id: 'SocialContent',
    description: 'A social profile: `network` and `handle`, or a `url`. Encoded as the profile URL.',
    example: { network: 'instagram', handle: '@cafe.des.2.moulins' },
  });
export type SocialContent = z.output<typeof SocialContent>;

// ---------------------------------------------------------------------------

export const CONTENT_SCHEMAS = {
  url: UrlContent,
  text: TextContent,
  wifi: WifiContent,
  vcard: VcardContent,
  email: EmailContent,
  phone: PhoneContent,
  sms: SmsContent,
  whatsapp: WhatsappContent,
  geo: GeoContent,
  event: EventContent,
  payment: PaymentContent,
  social: SocialContent,
} as const satisfies { [T in QrType]: z.ZodType };

export type ContentOf<T extends QrType> = z.output<(typeof CONTENT_SCHEMAS)[T]>;
/** What a client sends as `content` for a type (before defaults are applied). */
export type ContentInputOf<T extends QrType> = z.input<(typeof CONTENT_SCHEMAS)[T]>;
