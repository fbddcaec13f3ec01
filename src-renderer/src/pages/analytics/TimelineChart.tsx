import { useId, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Area, AreaChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import type { Granularity } from '../../../../src-shared/schemas/analytics';
import { formatNumber } from '../../utils/format';
import { ChartPanel, HiddenDataTable } from './ChartPanel';
import { useChartTheme } from './chartTheme';
import { periodLabel, periodTick } from './labels';

interface Point {
  date: string;
  scans: number;
  uniqueScans: number;
}

interface Row extends Point {
  tick: string;
  full: string;
}

interface TooltipProps {
  active?: boolean;
  payload?: readonly { payload?: Row }[];
}

function TimelineTooltip({ active, payload }: TooltipProps) {
  const { t } = useTranslation('analytics');
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="analytics-tooltip">
      <p className="analytics-tooltip-title">{row.full}</p>
      <p>
        <span className="analytics-swatch analytics-swatch-scans" aria-hidden="true" />
        {t('kpi.scans')}: <strong>{formatNumber(row.scans)}</strong>
      </p>
      <p>
        <span className="analytics-swatch analytics-swatch-unique" aria-hidden="true" />
        {t('kpi.unique')}: <strong>{formatNumber(row.uniqueScans)}</strong>
      </p>
    </div>
  );
}

/** Scans and unique visitors per period, as an area chart with its numbers in a table for screen readers. */
export function TimelineChart({
  timeline,
  granularity,
  rangeText,
}: {
  timeline: Point[];
  granularity: Granularity;
  rangeText: string;
}) {
  const { t } = useTranslation('analytics');
  const theme = useChartTheme();
  const gradientId = `${useId().replace(/:/g, '')}-fill`;
  const rows: Row[] = useMemo(
    () =>
      timeline.map((p) => ({
        ...p,
        tick: periodTick(p.date, granularity),
        full: periodLabel(p.date, granularity, t),
      })),
    [timeline, granularity, t],
  );
  const total = rows.reduce((sum, r) => sum + r.scans, 0);
  const peak = rows.reduce<Row | null>((best, r) => (best === null || r.scans > best.scans ? r : best), null);
  const summary =
    total === 0 || !peak
      ? t('timeline.summaryEmpty', { range: rangeText })
      : t('timeline.summary', {
          count: total,
          total: formatNumber(total),
          range: rangeText,
          peak: peak.full,
          peakScans: formatNumber(peak.scans),
        });
  const axisTick = { fill: theme.muted, fontSize: 12 };

  return (
    <ChartPanel
      title={t('timeline.title')}
      description={rangeText}
      className="analytics-timeline"
      testId="timeline"
      actions={
        <ul className="analytics-legend" aria-hidden="true">
          <li>
            <span className="analytics-swatch analytics-swatch-scans" />
            {t('kpi.scans')}
          </li>
          <li>
            <span className="analytics-swatch analytics-swatch-unique" />
            {t('kpi.unique')}
          </li>
        </ul>
      }
    >
      <div className="analytics-chart analytics-chart-timeline">
        <AreaChart
          responsive
          style={{ width: '100%', height: '100%' }}
          data={rows}
          margin={{ top: 8, right: 12, bottom: 0, left: 0 }}
          role="img"
          aria-label={summary}
        >
          <defs>
            <linearGradient id={gradientId} x1="0" y1="0" x2="0" y2="1">
              <stop offset="0%" stopColor={theme.accent} stopOpacity={0.35} />
              <stop offset="100%" stopColor={theme.accent} stopOpacity={0.02} />
            </linearGradient>
          </defs>
          <CartesianGrid stroke={theme.border} strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="tick" tick={axisTick} stroke={theme.border} tickLine={false} minTickGap={24} />
          <YAxis
            allowDecimals={false}
            tick={axisTick}
            stroke={theme.border}
            tickLine={false}
            axisLine={false}
            width={44}
            tickFormatter={(v: number) => formatNumber(v)}
          />
          <Tooltip
            content={(props) => <TimelineTooltip {...(props as TooltipProps)} />}
            cursor={{ stroke: theme.muted, strokeDasharray: '3 3' }}
          />
          <Area
            type="monotone"
            dataKey="scans"
            name={t('kpi.scans')}
            stroke={theme.accent}
            strokeWidth={2}
            fill={`url(#${gradientId})`}
            dot={rows.length === 1 ? { r: 3, fill: theme.accent } : false}
            activeDot={{ r: 4, fill: theme.accent, stroke: theme.surface }}
            isAnimationActive={false}
          />
          <Area
            type="monotone"
            dataKey="uniqueScans"
            name={t('kpi.unique')}
            stroke={theme.success}
            strokeWidth={2}
            strokeDasharray="5 4"
            fill="none"
            dot={false}
            activeDot={{ r: 4, fill: theme.success, stroke: theme.surface }}
            isAnimationActive={false}
          />
        </AreaChart>
      </div>
      <HiddenDataTable
        caption={t('timeline.title')}
        headers={[t('table.period'), t('kpi.scans'), t('kpi.unique')]}
        rows={rows.map((r) => [r.full, formatNumber(r.scans), formatNumber(r.uniqueScans)])}
      />
    </ChartPanel>
  );
}
