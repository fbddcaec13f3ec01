import type { ContentOf, QrType } from '../schemas/content';
import { encodeEpc } from './epc';
import { encodeEvent } from './ical';
import { encodeSocial } from './social';
import { encodeGeo, encodeMailto, encodeSms, encodeTel, encodeWhatsapp } from './uri';
import { encodeVcard } from './vcard';
import { encodeWifi } from './wifi';

export { utf8ByteLength } from './encoding';
export { EPC_MAX_BYTES } from './epc';

const ENCODERS: { [T in QrType]: (content: ContentOf<T>) => string } = {
  url: (url) => url,
  text: (text) => text,
  wifi: encodeWifi,
  vcard: encodeVcard,
  email: encodeMailto,
  phone: encodeTel,
  sms: encodeSms,
  whatsapp: encodeWhatsapp,
  geo: encodeGeo,
  event: encodeEvent,
  payment: encodeEpc,
  social: encodeSocial,
};

/**
 * The exact string a QR code of `type` encodes for `content`, which must be
 * the output of `CONTENT_SCHEMAS[type]` (validated, defaults applied).
 * Deterministic: the same content always gives the same payload.
 */
export function encodePayload<T extends QrType>(type: T, content: ContentOf<T>): string {
  const encode = ENCODERS[type] as (content: ContentOf<T>) => string;
  return encode(content);
}
