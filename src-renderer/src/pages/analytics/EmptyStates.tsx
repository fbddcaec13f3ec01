import { BarChart3, CalendarX2, QrCode as QrCodeIcon, Radio } from 'lucide-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { formatDateTime, formatNumber } from '../../utils/format';

function Actions({ children }: { children: ReactNode }) {
  return <div className="analytics-empty-actions">{children}</div>;
}

/** No scan ever: how scans get recorded, and where to make the short URLs reachable. */
export function NoScansYet({ shortUrl, overview }: { shortUrl?: string | null; overview: boolean }) {
  const { t } = useTranslation('analytics');
  return (
    <div className="card analytics-empty" data-testid="empty-no-scans">
      <EmptyState icon={<Radio size={40} />} title={t('empty.noScans.title')}>
        <p>{overview ? t('empty.noScans.overview') : t('empty.noScans.code')}</p>
        {shortUrl && (
          <div className="analytics-short-url">
            <span className="muted small">{t('empty.noScans.shortUrl')}</span>
            <code>{shortUrl}</code>
            <CopyButton text={shortUrl} />
          </div>
        )}
        <p className="small">{t('empty.noScans.reach')}</p>
        <Actions>
          <Link className="button primary" to="/settings">
            {t('empty.noScans.settings')}
          </Link>
          {overview && (
            <Link className="button" to="/create">
              {t('empty.createDynamic')}
            </Link>
          )}
        </Actions>
      </EmptyState>
    </div>
  );
}

/** A static code never reaches qrdesk when scanned, so there is nothing to count. */
export function StaticCode({ codeId, canWrite }: { codeId: string; canWrite: boolean }) {
  const { t } = useTranslation('analytics');
  return (
    <div className="card analytics-empty" data-testid="empty-static">
      <EmptyState icon={<QrCodeIcon size={40} />} title={t('empty.static.title')}>
        <p>{t('empty.static.body')}</p>
        <p className="small">{t('empty.static.how')}</p>
        {canWrite && (
          <Actions>
            <Link className="button primary" to="/create">
              {t('empty.createDynamic')}
            </Link>
            <Link className="button" to={`/codes/${encodeURIComponent(codeId)}/edit`}>
              {t('empty.static.open')}
            </Link>
          </Actions>
        )}
      </EmptyState>
    </div>
  );
}

/** Scans exist, but none in this range (with the bots filter as set). */
export function NoDataInRange({
  rangeText,
  lastScannedAt,
  botScans,
  includeBots,
  onIncludeBots,
  onWiden,
}: {
  rangeText: string;
  lastScannedAt: string | null;
  botScans: number | null;
  includeBots: boolean;
  onIncludeBots(): void;
  /** Switch to the longest preset; absent when that is already the range. */
  onWiden?: () => void;
}) {
  const { t } = useTranslation('analytics');
  return (
    <div className="card analytics-empty" data-testid="empty-range">
      <EmptyState icon={<CalendarX2 size={40} />} title={t('empty.range.title')}>
        <p>{t('empty.range.body', { range: rangeText })}</p>
        {lastScannedAt && <p className="small">{t('empty.range.last', { date: formatDateTime(lastScannedAt) })}</p>}
        <Actions>
          {!includeBots && botScans !== null && botScans > 0 && (
            <button type="button" onClick={onIncludeBots}>
              {t('empty.range.includeBots', { count: botScans, scans: formatNumber(botScans) })}
            </button>
          )}
          {onWiden && (
            <button type="button" className="primary" onClick={onWiden}>
              {t('empty.range.widen')}
            </button>
          )}
        </Actions>
      </EmptyState>
    </div>
  );
}

/** Shown while the first answer is on its way. */
export function LoadingAnalytics() {
  const { t } = useTranslation('analytics');
  return (
    <div className="analytics-loading" role="status">
      <BarChart3 size={28} aria-hidden="true" />
      <span>{t('loading')}</span>
    </div>
  );
}
