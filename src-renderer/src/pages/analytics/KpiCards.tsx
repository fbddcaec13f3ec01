import { useTranslation } from 'react-i18next';
import { locale } from '../../i18n';
import { formatDateTime, formatNumber } from '../../utils/format';
import { formatPercent } from './labels';

/** "3 minutes ago", "in 2 days", in the UI language. */
function relativeTime(iso: string): string {
  const seconds = (Date.parse(iso) - Date.now()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ['year', 31_536_000],
    ['month', 2_592_000],
    ['week', 604_800],
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'minute');
}

function Kpi({
  id,
  label,
  value,
  hint,
  text = false,
}: {
  id: string;
  label: string;
  value: string;
  hint?: string;
  /** Words rather than a number: set smaller. */
  text?: boolean;
}) {
  return (
    <div className="card analytics-kpi">
      <dt>{label}</dt>
      <dd className={`analytics-kpi-value${text ? ' analytics-kpi-text' : ''}`} data-testid={`kpi-${id}`}>
        {value}
      </dd>
      {hint && <dd className="analytics-kpi-hint">{hint}</dd>}
    </div>
  );
}

/** The headline numbers of the range. */
export function KpiCards({
  totalScans,
  uniqueScans,
  uniqueCountries,
  botScans,
  includeBots,
  lastScannedAt,
}: {
  totalScans: number;
  uniqueScans: number;
  uniqueCountries: number;
  botScans: number | null;
  includeBots: boolean;
  lastScannedAt: string | null;
}) {
  const { t } = useTranslation('analytics');
  return (
    <dl className="analytics-kpis">
      <Kpi
        id="scans"
        label={t('kpi.scans')}
        value={formatNumber(totalScans)}
        hint={includeBots ? t('kpi.scansWithBots') : t('kpi.scansPeople')}
      />
      <Kpi
        id="unique"
        label={t('kpi.unique')}
        value={formatNumber(uniqueScans)}
        hint={totalScans > 0 ? t('kpi.uniqueShare', { share: formatPercent(uniqueScans / totalScans) }) : undefined}
      />
      <Kpi id="countries" label={t('kpi.countries')} value={formatNumber(uniqueCountries)} />
      <Kpi
        id="bots"
        label={t('kpi.bots')}
        value={botScans === null ? '—' : formatNumber(botScans)}
        hint={includeBots ? t('kpi.botsIncluded') : t('kpi.botsExcluded')}
      />
      <Kpi
        id="last"
        label={t('kpi.lastScan')}
        value={lastScannedAt ? relativeTime(lastScannedAt) : t('kpi.never')}
        text
        hint={lastScannedAt ? formatDateTime(lastScannedAt) : undefined}
      />
    </dl>
  );
}
