import { GRANULARITIES, MAX_RANGE_DAYS, type Granularity } from '../../../../src-shared/schemas/analytics';
import type { AnalyticsRangeQuery } from '../../api/analytics';

/** The period choices; `custom` reads `from`/`to` (local calendar dates, both included). */
export const PRESETS = ['7', '30', '90', 'custom'] as const;
export type Preset = (typeof PRESETS)[number];

export interface RangeState {
  preset: Preset;
  /** Custom range, `YYYY-MM-DD`, both days included (only with `custom`). */
  from: string | null;
  to: string | null;
  granularity: Granularity;
  /** False when the granularity is the default for the range (it then follows range changes). */
  granularityChosen: boolean;
  includeBots: boolean;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` as a local Date at midnight, or null when it is not a real date. */
export function parseDay(value: string | null | undefined): Date | null {
  const m = DATE.exec(value ?? '');
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(y, mo - 1, d);
  if (date.getFullYear() !== y || date.getMonth() !== mo - 1 || date.getDate() !== d) return null;
  return date;
}

/** A local Date as `YYYY-MM-DD`. */
export function dayString(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function today(): string {
  return dayString(new Date());
}

/** Calendar days in a custom range, both ends included. */
export function spanDays(from: string, to: string): number {
  const a = parseDay(from);
  const b = parseDay(to);
  if (!a || !b) return 0;
  // Date.UTC keeps a DST change from making a day 23 or 25 hours long.
  const utc = (d: Date) => Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
  return Math.round((utc(b) - utc(a)) / DAY_MS) + 1;
}

/** Which validation message a custom range gets, per field; empty when it is usable. */
export type RangeProblem =
  'fromRequired' | 'toRequired' | 'fromInvalid' | 'toInvalid' | 'fromAfterTo' | 'toInFuture' | 'tooLong';

export function validateCustom(from: string, to: string): { from?: RangeProblem; to?: RangeProblem } {
  const problems: { from?: RangeProblem; to?: RangeProblem } = {};
  if (!from) problems.from = 'fromRequired';
  else if (!parseDay(from)) problems.from = 'fromInvalid';
  if (!to) problems.to = 'toRequired';
  else if (!parseDay(to)) problems.to = 'toInvalid';
  if (problems.from || problems.to) return problems;
  if (from > to) problems.from = 'fromAfterTo';
  else if (to > today()) problems.to = 'toInFuture';
  else if (spanDays(from, to) > MAX_RANGE_DAYS) problems.to = 'tooLong';
  return problems;
}

/** How many days the range covers. */
export function rangeDays(state: Pick<RangeState, 'preset' | 'from' | 'to'>): number {
  if (state.preset !== 'custom') return Number(state.preset);
  return spanDays(state.from ?? '', state.to ?? '');
}

/** A readable number of points for the length of the range. */
export function defaultGranularity(days: number): Granularity {
  if (days <= 3) return 'hour';
  if (days <= 62) return 'day';
  if (days <= 366) return 'week';
  return 'month';
}

/** Granularities that give a chart of a sensible size (at most about 750 points). */
export function allowedGranularity(g: Granularity, days: number): boolean {
  if (g === 'hour') return days <= 31;
  if (g === 'day') return days <= 731;
  return true;
}

/** The range as the URL's search parameters describe it; anything unreadable falls back to the defaults. */
export function readRange(params: URLSearchParams): RangeState {
  let preset = (PRESETS as readonly string[]).includes(params.get('range') ?? '')
    ? (params.get('range') as Preset)
    : '30';
  let from: string | null = null;
  let to: string | null = null;
  if (preset === 'custom') {
    from = params.get('from');
    to = params.get('to');
    const problems = validateCustom(from ?? '', to ?? '');
    if (problems.from || problems.to) {
      preset = '30';
      from = null;
      to = null;
    }
  }
  const days = rangeDays({ preset, from, to });
  const asked = params.get('granularity') as Granularity | null;
  const granularityChosen = asked !== null && GRANULARITIES.includes(asked) && allowedGranularity(asked, days);
  return {
    preset,
    from,
    to,
    granularity: granularityChosen ? asked : defaultGranularity(days),
    granularityChosen,
    includeBots: params.get('bots') === 'true',
  };
}

/** The search parameters for a range state (defaults left out, so plain links stay short). */
export function writeRange(state: RangeState): URLSearchParams {
  const params = new URLSearchParams();
  if (state.preset !== '30') params.set('range', state.preset);
  if (state.preset === 'custom' && state.from && state.to) {
    params.set('from', state.from);
    params.set('to', state.to);
  }
  if (state.granularityChosen) params.set('granularity', state.granularity);
  if (state.includeBots) params.set('bots', 'true');
  return params;
}

/** The browser's time zone, so timelines and hours of the day are local. */
export function localTimeZone(): string | undefined {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || undefined;
  } catch {
    return undefined;
  }
}

/** The API query for a range: the last N local days, or the local midnights around the custom dates. */
export function rangeQuery(state: RangeState, includeBots = state.includeBots): AnalyticsRangeQuery {
  const tz = localTimeZone();
  const common = { granularity: state.granularity, includeBots, ...(tz && tz !== 'UTC' ? { tz } : {}) };
  if (state.preset !== 'custom') return { days: Number(state.preset), ...common };
  const from = parseDay(state.from)!;
  const end = parseDay(state.to)!;
  const to = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1);
  return { from: from.toISOString(), to: to.toISOString(), ...common };
}
