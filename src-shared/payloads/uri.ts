import type { EmailContent, GeoContent, PhoneContent, SmsContent, WhatsappContent } from '../schemas/content';
import { crlf, percentEncode } from './encoding';

/** A phone number reduced to a leading + (when there was one) and digits: `+33 1 23-45` → `+331 2345`. */
export const compactPhone = (phone: string): string => {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/[^0-9]/g, '');
};

/** `tel:` (RFC 3966) with the + and digits only. */
export const encodeTel = (content: PhoneContent): string => `tel:${compactPhone(content)}`;

/**
 * `mailto:` (RFC 6068): the address with the characters URIs reserve
 * percent-encoded (`@` kept), then `subject` and `body` percent-encoded as
 * UTF-8 (a space is `%20`, a newline `%0D%0A`); empty fields are left out.
 */
export function encodeMailto(content: EmailContent): string {
  const at = content.to.lastIndexOf('@');
  const address = `${percentEncode(content.to.slice(0, at)).replace(/%2B/g, '+')}@${percentEncode(content.to.slice(at + 1))}`;
  const query: string[] = [];
  if (content.subject) query.push(`subject=${percentEncode(content.subject)}`);
  if (content.body) query.push(`body=${percentEncode(crlf(content.body))}`);
  return `mailto:${address}${query.length ? '?' + query.join('&') : ''}`;
}

/**
 * `SMSTO:<number>:<message>`, the format camera apps open in the messaging
 * app; the number as + and digits, the message as it is (the format has no
 * escaping: readers split at the first colon after the number). Without a
 * message, `SMSTO:<number>`.
 */
export const encodeSms = (content: SmsContent): string =>
  `SMSTO:${compactPhone(content.phone)}${content.message ? ':' + content.message : ''}`;

/** The digits WhatsApp's click-to-chat wants: country code and number, no +, spaces or dashes. */
export const whatsappDigits = (phone: string): string => phone.replace(/[^0-9]/g, '');

/** `https://wa.me/<digits>`, with `?text=<percent-encoded message>` when there is a message. */
export const encodeWhatsapp = (content: WhatsappContent): string =>
  `https://wa.me/${whatsappDigits(content.phone)}${content.message ? '?text=' + percentEncode(content.message) : ''}`;

/** A coordinate in plain decimal notation (never an exponent), at most 7 decimals (about 1 cm), no trailing zeros. */
export function formatCoordinate(n: number): string {
  const s = n.toFixed(7).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/**
 * `geo:<lat>,<lng>` (RFC 5870). With a label:
 * `geo:<lat>,<lng>?q=<lat>,<lng>(<label>)`, the label percent-encoded (its
 * parentheses too). RFC 5870 has no label; `q=<lat>,<lng>(<label>)` is the
 * Android convention that Google Maps and OsmAnd show as a named pin, while
 * `?q=<label>` alone would make them search for the label's text instead of
 * showing the point. Readers that only know RFC 5870 still get the point
 * from the path and ignore the query.
 */
export function encodeGeo(content: GeoContent): string {
  const point = `${formatCoordinate(content.latitude)},${formatCoordinate(content.longitude)}`;
  return content.label ? `geo:${point}?q=${point}(${percentEncode(content.label)})` : `geo:${point}`;
}
