import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, LabelList, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../../utils/format';
import { ChartPanel, HiddenDataTable } from './ChartPanel';
import { useChartTheme } from './chartTheme';
import { dimensionLabel, formatPercent, hourLabel, type Dimension } from './labels';

export interface Bucket {
  value: string | null;
  scans: number;
  uniqueScans: number;
}

/** Rows shown as bars; the rest is summed into one "all others" bar. */
const MAX_BARS = 7;
const BAR_ROW = 30;
const MAX_LABEL = 20;

interface Row {
  label: string;
  short: string;
  scans: number;
  uniqueScans: number;
  text: string;
}

const shorten = (s: string) => (s.length > MAX_LABEL ? `${s.slice(0, MAX_LABEL - 1)}…` : s);

/** One breakdown (devices, OS, browsers, referrers, languages) as horizontal bars. */
export function BreakdownChart({
  dimension,
  title,
  buckets,
  total,
}: {
  dimension: Dimension;
  title: string;
  buckets: Bucket[];
  total: number;
}) {
  const { t } = useTranslation('analytics');
  const theme = useChartTheme();
  const rows: Row[] = useMemo(() => {
    const visible = buckets.filter((b) => b.scans > 0);
    const head = visible.length > MAX_BARS ? visible.slice(0, MAX_BARS - 1) : visible;
    const rest = visible.slice(head.length);
    const row = (label: string, scans: number, uniqueScans: number): Row => ({
      label,
      short: shorten(label),
      scans,
      uniqueScans,
      text: `${formatNumber(scans)} · ${formatPercent(total > 0 ? scans / total : 0)}`,
    });
    const out = head.map((b) => row(dimensionLabel(dimension, b.value, t), b.scans, b.uniqueScans));
    if (rest.length > 0) {
      out.push(
        row(
          t('value.others', { count: rest.length }),
          rest.reduce((s, b) => s + b.scans, 0),
          rest.reduce((s, b) => s + b.uniqueScans, 0),
        ),
      );
    }
    return out;
  }, [buckets, dimension, total, t]);

  const summary = `${title}: ${rows.map((r) => `${r.label} ${r.text}`).join(', ')}`;
  const allRows = buckets
    .filter((b) => b.scans > 0)
    .map((b) => [
      dimensionLabel(dimension, b.value, t),
      formatNumber(b.scans),
      formatNumber(b.uniqueScans),
      formatPercent(total > 0 ? b.scans / total : 0),
    ]);

  return (
    <ChartPanel title={title} testId={`breakdown-${dimension}`}>
      {rows.length === 0 ? (
        <p className="muted analytics-no-data">{t('noDataShort')}</p>
      ) : (
        <div className="analytics-chart" style={{ height: rows.length * BAR_ROW + 8 }}>
          <BarChart
            responsive
            style={{ width: '100%', height: '100%' }}
            data={rows}
            layout="vertical"
            margin={{ top: 0, right: 88, bottom: 0, left: 0 }}
            barCategoryGap={6}
            accessibilityLayer={false}
            role="img"
            aria-label={summary}
          >
            <XAxis type="number" hide domain={[0, 'dataMax']} />
            <YAxis
              type="category"
              dataKey="short"
              width={150}
              tick={{ fill: theme.text, fontSize: 13 }}
              tickLine={false}
              axisLine={false}
            />
            <Bar dataKey="scans" fill={theme.accent} radius={[0, 4, 4, 0]} isAnimationActive={false} minPointSize={2}>
              <LabelList dataKey="text" position="right" fill={theme.muted} fontSize={12} />
            </Bar>
          </BarChart>
        </div>
      )}
      <HiddenDataTable
        caption={title}
        headers={[t('table.value'), t('kpi.scans'), t('kpi.unique'), t('table.share')]}
        rows={allRows}
      />
    </ChartPanel>
  );
}

interface HourTooltipProps {
  active?: boolean;
  payload?: readonly { payload?: { label: string; scans: number; uniqueScans: number } }[];
}

function HourTooltip({ active, payload }: HourTooltipProps) {
  const { t } = useTranslation('analytics');
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="analytics-tooltip">
      <p className="analytics-tooltip-title">{row.label}</p>
      <p>
        {t('kpi.scans')}: <strong>{formatNumber(row.scans)}</strong>
      </p>
      <p>
        {t('kpi.unique')}: <strong>{formatNumber(row.uniqueScans)}</strong>
      </p>
    </div>
  );
}

/** Scans by local hour of the day, 0-23. */
export function HourOfDayChart({
  hours,
  tz,
}: {
  hours: { hour: number; scans: number; uniqueScans: number }[];
  tz: string;
}) {
  const { t } = useTranslation('analytics');
  const theme = useChartTheme();
  const rows = useMemo(() => hours.map((h) => ({ ...h, label: hourLabel(h.hour) })), [hours]);
  const busiest = rows.reduce<(typeof rows)[number] | null>((b, r) => (!b || r.scans > b.scans ? r : b), null);
  const summary =
    !busiest || busiest.scans === 0
      ? t('hours.summaryEmpty')
      : t('hours.summary', { hour: busiest.label, count: busiest.scans, scans: formatNumber(busiest.scans) });
  const axisTick = { fill: theme.muted, fontSize: 12 };
  return (
    <ChartPanel title={t('hours.title')} description={t('hours.timeZone', { tz })} testId="hours">
      <div className="analytics-chart analytics-chart-hours">
        <BarChart
          responsive
          style={{ width: '100%', height: '100%' }}
          data={rows}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
          role="img"
          aria-label={summary}
        >
          <XAxis dataKey="label" tick={axisTick} stroke={theme.border} tickLine={false} interval={5} />
          <YAxis
            allowDecimals={false}
            tick={axisTick}
            tickLine={false}
            axisLine={false}
            width={36}
            tickFormatter={(v: number) => formatNumber(v)}
          />
          <Tooltip
            content={(props) => <HourTooltip {...(props as HourTooltipProps)} />}
            cursor={{ fill: theme.surface2 }}
          />
          <Bar dataKey="scans" fill={theme.accent} radius={[3, 3, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </div>
      <HiddenDataTable
        caption={t('hours.title')}
        headers={[t('table.hour'), t('kpi.scans'), t('kpi.unique')]}
        rows={rows.map((r) => [r.label, formatNumber(r.scans), formatNumber(r.uniqueScans)])}
      />
    </ChartPanel>
  );
}
