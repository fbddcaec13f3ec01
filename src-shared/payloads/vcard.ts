import type { VcardContent } from '../schemas/content';
import { contentLines, escapeText } from './encoding';

const TEL_TYPES = { cell: 'CELL', work: 'WORK', home: 'HOME', fax: 'FAX' } as const;

const present = (s: string | undefined): s is string => s !== undefined && s !== '';

/**
 * A vCard 3.0 (RFC 2426): CRLF line endings, TEXT values escaped (`\` `,` `;`
 * and newlines), every line folded at 75 octets of UTF-8. N and FN are always
 * written (3.0 requires both); FN falls back to the organisation when there is
 * no name. Phone numbers are written as typed, which readers show as they are.
 */
export function encodeVcard(content: VcardContent): string {
  const first = content.firstName ?? '';
  const last = content.lastName ?? '';
  const fullName = [first, last].filter(present).join(' ') || content.organization || '';
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${escapeText(last)};${escapeText(first)};;;`];
  lines.push(`FN:${escapeText(fullName)}`);
  if (present(content.organization)) lines.push(`ORG:${escapeText(content.organization)}`);
  if (present(content.title)) lines.push(`TITLE:${escapeText(content.title)}`);
  for (const phone of content.phones ?? []) {
    const type = phone.type ? `;TYPE=${TEL_TYPES[phone.type]}` : '';
    lines.push(`TEL${type}:${escapeText(phone.number)}`);
  }
  for (const email of content.emails ?? []) lines.push(`EMAIL;TYPE=INTERNET:${escapeText(email)}`);
  // URL has the value type uri, not text: it is written without TEXT escaping.
  if (present(content.website)) lines.push(`URL:${content.website}`);
  const address = content.address;
  if (address && [address.street, address.city, address.region, address.postalCode, address.country].some(present)) {
    // post office box; extended address; street; locality; region; postal code; country
    const parts = ['', '', address.street, address.city, address.region, address.postalCode, address.country];
    lines.push(`ADR:${parts.map((p) => escapeText(p ?? '')).join(';')}`);
  }
  if (present(content.note)) lines.push(`NOTE:${escapeText(content.note)}`);
  lines.push('END:VCARD');
  return contentLines(lines);
}
