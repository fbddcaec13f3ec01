import type { EventContent } from '../schemas/content';
import { contentLines, escapeText, fnv1a64 } from './encoding';

/** A calendar date, a wall-clock time without offset, or an instant (a date-time with Z or an offset). */
export type EventTime =
  { kind: 'date'; date: string } | { kind: 'local'; wall: string } | { kind: 'instant'; epochMs: number };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Milliseconds since the epoch of a UTC calendar date, or NaN when the date does not exist (2026-02-30). */
function utcDay(year: number, month: number, day: number): number {
  if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 31) return NaN;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? d.getTime() : NaN;
}

/**
 * Parses the ISO 8601 forms an event accepts: `YYYY-MM-DD`, or
 * `YYYY-MM-DDTHH:MM[:SS[.fff]]` with an optional `Z` or `±HH:MM`.
 * Fractions of a second are accepted and dropped (iCalendar has none).
 * Returns null for anything else, including dates that do not exist.
 */
export function parseEventTime(s: string): EventTime | null {
  const dateOnly = DATE.exec(s);
  if (dateOnly) {
    const [, y, m, d] = dateOnly.map(Number) as [number, number, number, number];
    return Number.isNaN(utcDay(y, m, d)) ? null : { kind: 'date', date: `${pad(y, 4)}${pad(m)}${pad(d)}` };
  }
  const match = DATE_TIME.exec(s);
  if (!match) return null;
  const [y, mo, d, h, mi] = match.slice(1, 6).map(Number) as [number, number, number, number, number];
  const sec = match[6] === undefined ? 0 : Number(match[6]);
  const day = utcDay(y, mo, d);
  if (Number.isNaN(day) || h > 23 || mi > 59 || sec > 59) return null;
  const zone = match[7];
  if (zone === undefined) {
    return { kind: 'local', wall: `${pad(y, 4)}${pad(mo)}${pad(d)}T${pad(h)}${pad(mi)}${pad(sec)}` };
  }
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { kind: 'instant', epochMs: day + ((h * 60 + mi - offsetMinutes) * 60 + sec) * 1000 };
}

/** `YYYYMMDDTHHMMSSZ` for an instant. */
export function utcStamp(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
  );
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time `YYYYMMDDTHHMMSS` of an instant in an IANA time zone. Throws RangeError for an unknown zone. */
export function wallTimeIn(timeZone: string, epochMs: number): string {
  let format = wallFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  return `${pad(Number(parts.year), 4)}${parts.month}${parts.day}T${parts.hour}${parts.minute}${parts.second}`;
}

/** Whether `name` is a time zone the platform knows; the canonical spelling when it differs only in case. */
export function checkTimeZone(name: string): { ok: true } | { ok: false; suggestion?: string } {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/.test(name)) return { ok: false };
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    if (resolved !== name && resolved.toLowerCase() === name.toLowerCase()) return { ok: false, suggestion: resolved };
    return { ok: true };
  } catch {
    return { ok: false };
  }
}

/** The day after a `YYYYMMDD` date: all-day DTEND is exclusive in iCalendar. */
function nextDay(date: string): string {
  const ms = utcDay(Number(date.slice(0, 4)), Number(date.slice(4, 6)), Number(date.slice(6, 8)));
  return utcStamp(ms + 86_400_000).slice(0, 8);
}

/**
 * The value and parameters of DTSTART/DTEND for a time, or null when the time
 * does not fit the event (a date-time on an all-day event, a local time
 * without a time zone...). Also used by the schema to validate and order the
 * two ends of an event, so validation and encoding can never disagree.
 */
export function eventTimeProperty(
  time: EventTime,
  allDay: boolean,
  timeZone: string | undefined,
): { params: string; value: string } | null {
  if (allDay) return time.kind === 'date' ? { params: ';VALUE=DATE', value: time.date } : null;
  if (time.kind === 'date') return null;
  if (timeZone) {
    const wall = time.kind === 'local' ? time.wall : wallTimeIn(timeZone, time.epochMs);
    return { params: `;TZID=${timeZone}`, value: wall };
  }
  return time.kind === 'instant' ? { params: '', value: utcStamp(time.epochMs) } : null;
}

/**
 * An iCalendar object (RFC 5545) holding one VEVENT.
 *
 * - Times: UTC `YYYYMMDDTHHMMSSZ` for a timed event without a time zone; the
 *   wall time with `TZID=<IANA name>` when a time zone is given (a time with an
 *   offset is first converted to that zone); `VALUE=DATE` for an all-day event,
 *   whose `end` is the last day (inclusive) and becomes the exclusive DTEND of
 *   the day after. An all-day event always gets a DTEND; a timed one only when
 *   `end` is given. No VTIMEZONE is written: calendar apps resolve IANA names
 *   themselves, and the rules would not fit in a QR code.
 * - UID and DTSTAMP, which RFC 5545 requires, are derived from the content so
 *   the same event always gives the same payload: UID is a hash of the event's
 *   properties (`<16 hex>@qrdesk`, so scanning the same code twice updates one
 *   event instead of adding two) and DTSTAMP is the start written as UTC
 *   digits (midnight for all-day events).
 */
export function encodeEvent(content: EventContent): string {
  const timeZone = content.allDay ? undefined : content.timezone || undefined;
  const property = (name: string, input: string) => {
    const time = parseEventTime(input);
    const prop = time && eventTimeProperty(time, content.allDay, timeZone);
    if (!prop) throw new RangeError(`Event ${name} "${input}" does not fit the event`);
    return prop;
  };
  const start = property('start', content.start);
  const body = [`DTSTART${start.params}:${start.value}`];
  if (content.allDay) {
    const last = content.end ? property('end', content.end).value : start.value;
    body.push(`DTEND;VALUE=DATE:${nextDay(last)}`);
  } else if (content.end) {
    const end = property('end', content.end);
    body.push(`DTEND${end.params}:${end.value}`);
  }
  body.push(`SUMMARY:${escapeText(content.title)}`);
  if (content.location) body.push(`LOCATION:${escapeText(content.location)}`);
  if (content.description) body.push(`DESCRIPTION:${escapeText(content.description)}`);

  const stamp = start.value.length === 8 ? `${start.value}T000000Z` : start.value.replace(/Z?$/, 'Z');
  return contentLines([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//qrdesk//EN',
    'BEGIN:VEVENT',
    `UID:${fnv1a64(body.join('\n'))}@qrdesk`,
    `DTSTAMP:${stamp}`,
    ...body,
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
}
