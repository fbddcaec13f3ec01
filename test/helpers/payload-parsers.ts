/**
 * Payloads read back by parsers that are not ours (ical.js for vCard and
 * iCalendar), for the unit and API tests.
 */
import assert from 'node:assert/strict';
import ICAL from 'ical.js';

export interface ParsedVcard {
  props: Map<string, { params: Record<string, unknown>; values: unknown[] }[]>;
}

export function parseVcard(payload: string): ParsedVcard {
  const component = new ICAL.Component(ICAL.parse(payload) as unknown[]);
  assert.equal(component.name, 'vcard');
  const props: ParsedVcard['props'] = new Map();
  for (const prop of component.getAllProperties()) {
    const list = props.get(prop.name) ?? [];
    // vCard 3.0 (RFC 2426) escapes ";" in every TEXT value, and readers (ZXing, Android, iOS) unescape it.
    // ical.js applies vCard 4.0's rule (RFC 6350: "\;" only in structured values such as N and ADR),
    // so it leaves "\;" in FN, TITLE and NOTE: undo that one escape there, nothing else.
    const values = prop.getValues().map((v) => (typeof v === 'string' ? v.replace(/\\;/g, ';') : v));
    list.push({ params: prop.toJSON()[1] as Record<string, unknown>, values });
    props.set(prop.name, list);
  }
  return { props };
}

/** The one value of a vCard property that must occur once. */
export function vcardValue(card: ParsedVcard, name: string): unknown {
  const list = card.props.get(name);
  assert.equal(list?.length, 1, `one ${name}`);
  return list[0]!.values[0];
}

export function parseEvent(payload: string) {
  const calendar = new ICAL.Component(ICAL.parse(payload) as unknown[]);
  assert.equal(calendar.name, 'vcalendar');
  assert.equal(calendar.getFirstPropertyValue('version'), '2.0');
  assert.equal(calendar.getFirstPropertyValue('prodid'), '-//qrdesk//EN');
  const vevent = calendar.getFirstSubcomponent('vevent');
  assert.ok(vevent, 'a VEVENT');
  return { vevent, event: new ICAL.Event(vevent) };
}
