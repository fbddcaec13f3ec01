import { encodePayload } from '../../../../src-shared/payloads';
import type { SocialNetwork } from '../../../../src-shared/payloads/social';
import {
  CONTENT_SCHEMAS,
  type QrType,
  type VCARD_PHONE_TYPES,
  type WIFI_ENCRYPTIONS,
} from '../../../../src-shared/schemas/content';

/**
 * What each content form edits: plain strings for every text box (numbers
 * too, so a half-typed "48." stays as typed), converted to the API's content
 * shape by contentFromDraft and back by draftFromContent.
 */
export interface Drafts {
  url: { url: string };
  text: { text: string };
  phone: { phone: string };
  wifi: { ssid: string; password: string; encryption: (typeof WIFI_ENCRYPTIONS)[number]; hidden: boolean };
  vcard: {
    firstName: string;
    lastName: string;
    organization: string;
    title: string;
    phones: { number: string; type: (typeof VCARD_PHONE_TYPES)[number] }[];
    emails: string[];
    website: string;
    street: string;
    city: string;
    postalCode: string;
    region: string;
    country: string;
    note: string;
  };
  email: { to: string; subject: string; body: string };
  sms: { phone: string; message: string };
  whatsapp: { phone: string; message: string };
  geo: { latitude: string; longitude: string; label: string };
  event: {
    title: string;
    start: string;
    end: string;
    allDay: boolean;
    timezone: string;
    location: string;
    description: string;
  };
  payment: { name: string; iban: string; bic: string; amount: string; reference: string; text: string };
  social: { mode: 'profile' | 'url'; network: SocialNetwork | ''; handle: string; url: string };
}

export type DraftOf<T extends QrType> = Drafts[T];
export type AnyDraft = Drafts[QrType];

/** The browser's time zone (an IANA name), the natural default for an event. */
function localTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function emptyDraft<T extends QrType>(type: T): Drafts[T] {
  const drafts: { [K in QrType]: () => Drafts[K] } = {
    url: () => ({ url: '' }),
    text: () => ({ text: '' }),
    phone: () => ({ phone: '' }),
    wifi: () => ({ ssid: '', password: '', encryption: 'WPA', hidden: false }),
    vcard: () => ({
      firstName: '',
      lastName: '',
      organization: '',
      title: '',
      phones: [{ number: '', type: 'cell' }],
      emails: [''],
      website: '',
      street: '',
      city: '',
      postalCode: '',
      region: '',
      country: '',
      note: '',
    }),
    email: () => ({ to: '', subject: '', body: '' }),
    sms: () => ({ phone: '', message: '' }),
    whatsapp: () => ({ phone: '', message: '' }),
    geo: () => ({ latitude: '', longitude: '', label: '' }),
    event: () => ({
      title: '',
      start: '',
      end: '',
      allDay: false,
      timezone: localTimeZone(),
      location: '',
      description: '',
    }),
    payment: () => ({ name: '', iban: '', bic: '', amount: '', reference: '', text: '' }),
    social: () => ({ mode: 'profile', network: 'instagram', handle: '', url: '' }),
  };
  return drafts[type]();
}

const str = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');
const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};

/** The form's values for a stored content (as the API returns it). */
export function draftFromContent<T extends QrType>(type: T, content: unknown): Drafts[T] {
  const c = obj(content);
  const base = emptyDraft(type);
  let draft: AnyDraft;
  switch (type) {
    case 'url':
      draft = { url: str(content) };
      break;
    case 'text':
      draft = { text: str(content) };
      break;
    case 'phone':
      draft = { phone: str(content) };
      break;
    case 'wifi':
      draft = {
        ssid: str(c.ssid),
        password: str(c.password),
        encryption: (c.encryption as Drafts['wifi']['encryption']) ?? 'WPA',
        hidden: c.hidden === true,
      };
      break;
    case 'vcard': {
      const address = obj(c.address);
      const phones = Array.isArray(c.phones)
        ? c.phones.map((p) => ({
            number: str(obj(p).number),
            type: (obj(p).type as Drafts['vcard']['phones'][number]['type']) ?? 'cell',
          }))
        : [];
      const emails = Array.isArray(c.emails) ? c.emails.map(str) : [];
      draft = {
        firstName: str(c.firstName),
        lastName: str(c.lastName),
        organization: str(c.organization),
        title: str(c.title),
        phones: phones.length ? phones : [{ number: '', type: 'cell' }],
        emails: emails.length ? emails : [''],
        website: str(c.website),
        street: str(address.street),
        city: str(address.city),
        postalCode: str(address.postalCode),
        region: str(address.region),
        country: str(address.country),
        note: str(c.note),
      };
      break;
    }
    case 'email':
      draft = { to: str(c.to), subject: str(c.subject), body: str(c.body) };
      break;
    case 'sms':
    case 'whatsapp':
      draft = { phone: str(c.phone), message: str(c.message) };
      break;
    case 'geo':
      draft = { latitude: str(c.latitude), longitude: str(c.longitude), label: str(c.label) };
      break;
    case 'event':
      draft = {
        title: str(c.title),
        start: str(c.start),
        end: str(c.end),
        allDay: c.allDay === true,
        timezone: str(c.timezone),
        location: str(c.location),
        description: str(c.description),
      };
      break;
    case 'payment':
      draft = {
        name: str(c.name),
        iban: str(c.iban),
        bic: str(c.bic),
        amount: str(c.amount),
        reference: str(c.reference),
        text: str(c.text),
      };
      break;
    case 'social':
      draft = c.url
        ? { mode: 'url', network: 'instagram', handle: '', url: str(c.url) }
        : { mode: 'profile', network: (c.network as SocialNetwork) ?? 'instagram', handle: str(c.handle), url: '' };
      break;
    default:
      draft = base;
  }
  return draft as Drafts[T];
}

/** Optional text: left out when blank, so the API sees "not given" rather than an empty value. */
function opt(s: string): string | undefined {
  return s.trim() === '' ? undefined : s;
}

/** A decimal number as typed (a comma is a decimal point too); NaN when it is not one. */
export function parseDecimal(s: string): number {
  const t = s.trim().replace(',', '.');
  return /^[-+]?(?:\d+\.?\d*|\.\d+)$/.test(t) ? Number(t) : NaN;
}

function numberOrText(s: string): number | string | undefined {
  if (s.trim() === '') return undefined;
  const n = parseDecimal(s);
  return Number.isNaN(n) ? s : n;
}

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** The `content` the API takes for a form's values. */
export function contentFromDraft(type: QrType, draft: AnyDraft): unknown {
  switch (type) {
    case 'url':
      return (draft as Drafts['url']).url;
    case 'text':
      return (draft as Drafts['text']).text;
    case 'phone':
      return (draft as Drafts['phone']).phone;
    case 'wifi': {
      const d = draft as Drafts['wifi'];
      return compact({
        ssid: d.ssid,
        password: d.encryption === 'nopass' ? undefined : d.password,
        encryption: d.encryption,
        hidden: d.hidden,
      });
    }
    case 'vcard': {
      const d = draft as Drafts['vcard'];
      const phones = d.phones.filter((p) => p.number.trim() !== '');
      const emails = d.emails.filter((e) => e.trim() !== '');
      const address = compact({
        street: opt(d.street),
        city: opt(d.city),
        postalCode: opt(d.postalCode),
        region: opt(d.region),
        country: opt(d.country),
      });
      return compact({
        firstName: opt(d.firstName),
        lastName: opt(d.lastName),
        organization: opt(d.organization),
        title: opt(d.title),
        phones: phones.length ? phones : undefined,
        emails: emails.length ? emails : undefined,
        website: opt(d.website),
        address: Object.keys(address).length ? address : undefined,
        note: opt(d.note),
      });
    }
    case 'email': {
      const d = draft as Drafts['email'];
      return compact({ to: d.to, subject: opt(d.subject), body: opt(d.body) });
    }
    case 'sms':
    case 'whatsapp': {
      const d = draft as Drafts['sms'];
      return compact({ phone: d.phone, message: opt(d.message) });
    }
    case 'geo': {
      const d = draft as Drafts['geo'];
      return compact({ latitude: numberOrText(d.latitude), longitude: numberOrText(d.longitude), label: opt(d.label) });
    }
    case 'event': {
      const d = draft as Drafts['event'];
      return compact({
        title: d.title,
        start: d.start,
        end: opt(d.end),
        allDay: d.allDay,
        timezone: d.allDay ? undefined : opt(d.timezone),
        location: opt(d.location),
        description: opt(d.description),
      });
    }
    case 'payment': {
      const d = draft as Drafts['payment'];
      return compact({
        name: d.name,
        iban: d.iban,
        bic: opt(d.bic),
        amount: numberOrText(d.amount),
        currency: 'EUR',
        reference: opt(d.reference),
        text: opt(d.text),
      });
    }
    case 'social': {
      const d = draft as Drafts['social'];
      return d.mode === 'url'
        ? { url: d.url }
        : compact({ network: d.network || undefined, handle: opt(d.handle) ?? '' });
    }
  }
}

/** Field messages keyed by the API's detail paths (`content`, `content.ssid`, `content.phones.0.number`). */
export type FieldIssues = Record<string, string>;

export interface ContentCheck {
  content: unknown;
  /** The validated content (defaults applied), when valid. */
  parsed: unknown;
  issues: FieldIssues;
}

/** Instant feedback with the same schema the server checks against (its message is the truth on save). */
export function checkContent(
  type: QrType,
  draft: AnyDraft,
  messages: { number: string; required: string },
): ContentCheck {
  const content = contentFromDraft(type, draft);
  const issues: FieldIssues = {};
  const result = CONTENT_SCHEMAS[type].safeParse(content);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = ['content', ...issue.path.map(String)].join('.');
      issues[path] ??= issue.message;
    }
  }
  // A number field holding something that is not a number: say so in words, not in zod's.
  const numeric: [field: string, value: string, required: boolean][] =
    type === 'geo'
      ? [
          ['latitude', (draft as Drafts['geo']).latitude, true],
          ['longitude', (draft as Drafts['geo']).longitude, true],
        ]
      : type === 'payment'
        ? [['amount', (draft as Drafts['payment']).amount, false]]
        : [];
  for (const [field, value, required] of numeric) {
    if (value.trim() === '') {
      if (required) issues[`content.${field}`] = messages.required;
    } else if (Number.isNaN(parseDecimal(value))) issues[`content.${field}`] = messages.number;
  }
  return { content, parsed: result.success ? result.data : null, issues };
}

/** The exact text a static code of this content encodes, or null while the content is invalid. */
export function payloadOf(type: QrType, check: ContentCheck): string | null {
  if (check.parsed === null || Object.keys(check.issues).length > 0) return null;
  return encodePayload(type, check.parsed as never);
}
