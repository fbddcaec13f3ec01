import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { AnalyticsOverview } from '../../../../src-shared/schemas/analytics';
import { formatNumber } from '../../utils/format';
import { ChartPanel } from './ChartPanel';
import { formatPercent } from './labels';

/** The codes with the most scans in the range, each linking to its own analytics (same range). */
export function TopCodes({
  codes,
  total,
  search,
}: {
  codes: AnalyticsOverview['topCodes'];
  total: number;
  search: string;
}) {
  const { t } = useTranslation('analytics');
  const max = Math.max(1, ...codes.map((c) => c.scans));
  return (
    <ChartPanel title={t('topCodes.title')} description={t('topCodes.description')} testId="top-codes">
      {codes.length === 0 ? (
        <p className="muted analytics-no-data">{t('noDataShort')}</p>
      ) : (
        <table className="analytics-top-codes">
          <caption className="visually-hidden">{t('topCodes.title')}</caption>
          <thead>
            <tr>
              <th scope="col" className="analytics-rank">
                <span className="visually-hidden">{t('topCodes.rank')}</span>
              </th>
              <th scope="col">{t('topCodes.code')}</th>
              <th scope="col" className="analytics-bar-col">
                <span className="visually-hidden">{t('table.share')}</span>
              </th>
              <th scope="col" className="analytics-num">
                {t('kpi.scans')}
              </th>
              <th scope="col" className="analytics-num">
                {t('kpi.unique')}
              </th>
              <th scope="col" className="analytics-num">
                {t('table.share')}
              </th>
            </tr>
          </thead>
          <tbody>
            {codes.map((c, i) => (
              <tr key={c.qrCodeId}>
                <td className="analytics-rank muted">{i + 1}</td>
                <th scope="row">
                  <Link to={`/analytics/${encodeURIComponent(c.qrCodeId)}${search}`}>{c.name}</Link>
                </th>
                <td className="analytics-bar-col" aria-hidden="true">
                  <span className="analytics-share-bar">
                    <span style={{ width: `${Math.max(2, (c.scans / max) * 100)}%` }} />
                  </span>
                </td>
                <td className="analytics-num">{formatNumber(c.scans)}</td>
                <td className="analytics-num">{formatNumber(c.uniqueScans)}</td>
                <td className="analytics-num">{formatPercent(total > 0 ? c.scans / total : 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </ChartPanel>
  );
}
