import type { TFunction } from 'i18next';
import type { Granularity } from '../../../../src-shared/schemas/analytics';
import { locale } from '../../i18n';
import { countryName } from '../../utils/format';

/** The breakdowns the API returns, by their response field. */
export const DIMENSIONS = ['device', 'os', 'browser', 'referrer', 'language', 'country', 'city'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/**
 * A timeline period label from the API (`2026-11-21T14:00`, `2026-11-21`, `2026-11`) as a Date
 * whose UTC fields are the wall-clock time; format it with timeZone UTC.
 */
function periodDate(date: string): Date {
  const [day, time] = date.split('T');
  const [y, m, d] = (day ?? '').split('-').map(Number);
  const [h] = (time ?? '0').split(':').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, h ?? 0));
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale()}:${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' });
    formatters.set(key, f);
  }
  return f;
}

/** A short label for a chart axis. */
export function periodTick(date: string, granularity: Granularity): string {
  const d = periodDate(date);
  switch (granularity) {
    case 'hour':
      return fmt({ day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit' }).format(d);
    case 'month':
      return fmt({ month: 'short', year: 'numeric' }).format(d);
    default:
      return fmt({ day: 'numeric', month: 'short' }).format(d);
  }
}

/** A full label for tooltips, tables and the CSV. */
export function periodLabel(date: string, granularity: Granularity, t: TFunction): string {
  const d = periodDate(date);
  switch (granularity) {
    case 'hour':
      return fmt({
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: 'numeric',
        minute: '2-digit',
      }).format(d);
    case 'day':
      return fmt({ weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }).format(d);
    case 'week':
      return t('analytics:period.weekOf', { date: fmt({ day: 'numeric', month: 'short', year: 'numeric' }).format(d) });
    case 'month':
      return fmt({ month: 'long', year: 'numeric' }).format(d);
  }
}

/** An hour of the day (0-23) in the UI language's clock: `3 PM`, `15 h`. */
export function hourLabel(hour: number): string {
  return fmt({ hour: 'numeric' }).format(new Date(Date.UTC(2000, 0, 1, hour)));
}

/** The range the API used (`to` exclusive) as dates in its time zone. */
export function rangeLabel(from: string, to: string, tz: string): string {
  const f = new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: tz });
  const start = new Date(from);
  const end = new Date(Math.max(Date.parse(from), Date.parse(to) - 1));
  return f.formatRange(start, end);
}

function languageName(tag: string): string {
  try {
    return new Intl.DisplayNames([locale()], { type: 'language' }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}

/** How a breakdown value reads in the UI: device classes translated, countries and languages named. */
export function dimensionLabel(dimension: Dimension, value: string | null, t: TFunction): string {
  if (value === null) return dimension === 'referrer' ? t('analytics:value.direct') : t('analytics:value.unknown');
  switch (dimension) {
    case 'device':
      return t(`analytics:device.${value}`, { defaultValue: value });
    case 'country':
      return countryName(value);
    case 'language':
      return languageName(value);
    default:
      return value;
  }
}

/** A share (0-1) as a percentage in the UI language: `67 %` in French. */
export function formatPercent(share: number): string {
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: share < 0.1 ? 1 : 0 }).format(
    share,
  );
}
