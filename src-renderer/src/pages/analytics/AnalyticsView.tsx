import { ChevronLeft, Download, FileSpreadsheet, Pencil } from 'lucide-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { AnalyticsOverview, QrCodeAnalytics } from '../../../../src-shared/schemas/analytics';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { analyticsApi } from '../../api/analytics';
import { ApiError } from '../../api/http';
import { qrCodesApi } from '../../api/qrcodes';
import { CopyButton } from '../../components/CopyButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/PageHeader';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { saveFile } from '../../utils/files';
import { BreakdownChart, HourOfDayChart } from './BreakdownChart';
import { CodePicker } from './CodePicker';
import { CountriesPanel } from './CountriesPanel';
import { LoadingAnalytics, NoDataInRange, NoScansYet, StaticCode } from './EmptyStates';
import { KpiCards } from './KpiCards';
import { rangeLabel } from './labels';
import { rangeQuery, readRange, writeRange, type RangeState } from './range';
import { RangeControls } from './RangeControls';
import { summaryCsv, summaryFileName } from './summaryCsv';
import { TimelineChart } from './TimelineChart';
import { TopCodes } from './TopCodes';
import './analytics.css';

type Analytics = AnalyticsOverview | QrCodeAnalytics;

interface Loaded {
  /** Which request this answers (code id or '' for the overview, and the query). */
  key: string;
  codeId: string;
  data: Analytics;
  /** Bot scans in the range (the difference between counting them and not). */
  botScans: number;
}

/**
 * The analytics of one code or of all codes for the range in the URL. The bots KPI needs the
 * count both with and without bots, so the other variant is asked for too (totals only matter,
 * so at the coarsest granularity).
 */
function useAnalytics(codeId: string, range: RangeState, enabled: boolean) {
  const query = rangeQuery(range);
  const key = JSON.stringify([codeId, query]);
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    const main = rangeQuery(range);
    const other = { ...rangeQuery(range, !range.includeBots), granularity: 'month' as const };
    const get = (q: typeof main) =>
      codeId ? analyticsApi.forCode(codeId, q, controller.signal) : analyticsApi.overview(q, controller.signal);
    setLoading(true);
    setError(null);
    Promise.all([get(main), get(other)]).then(
      ([data, counterpart]) => {
        const withBots = range.includeBots ? data.totalScans : counterpart.totalScans;
        const withoutBots = range.includeBots ? counterpart.totalScans : data.totalScans;
        setLoaded({ key, codeId, data, botScans: Math.max(0, withBots - withoutBots) });
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(err);
        setLoading(false);
      },
    );
    return () => controller.abort();
    // `key` stands for codeId and the range's query.
  }, [key, enabled, attempt]);

  // Another code's numbers are never shown; the same code's stay (dimmed) while a new range loads.
  const current = loaded && loaded.codeId === codeId ? loaded : null;
  return {
    loaded: current,
    stale: current !== null && current.key !== key,
    loading,
    error,
    retry: () => setAttempt((a) => a + 1),
  };
}

function useCode(codeId: string) {
  const [code, setCode] = useState<QrCode | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setCode(null);
    setError(null);
    if (!codeId) return;
    const controller = new AbortController();
    qrCodesApi.get(codeId, controller.signal).then(setCode, (err: unknown) => {
      if (!controller.signal.aborted) setError(err);
    });
    return () => controller.abort();
  }, [codeId, attempt]);
  return { code: code && code.id === codeId ? code : null, error, retry: () => setAttempt((a) => a + 1) };
}

export default function AnalyticsView() {
  const { t } = useTranslation('analytics');
  const { id } = useParams();
  const codeId = id ?? '';
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const urlRange = useMemo(() => readRange(params), [params]);
  // The router applies URL changes in a transition; until it has, show the choice just made.
  const [pending, setPending] = useState<RangeState | null>(null);
  useEffect(() => setPending(null), [params]);
  const range = pending ?? urlRange;
  const search = params.toString() ? `?${params.toString()}` : '';
  const who = useSession((s) => s.who);
  const canWrite = hasScope(who, 'write');

  const { code, error: codeError, retry: retryCode } = useCode(codeId);
  const isStatic = code?.kind === 'static';
  const ready = !codeId || (code !== null && !isStatic);
  const { loaded, stale, loading, error, retry } = useAnalytics(codeId, range, ready);
  const [exporting, setExporting] = useState(false);

  const setRange = useCallback(
    (next: RangeState) => {
      setPending(next);
      setParams(writeRange(next));
    },
    [setParams],
  );

  const title = codeId ? (code?.name ?? t('title')) : t('title');
  useEffect(() => {
    // After PageHeader's own title: say which page this is, not just the code's name.
    if (codeId && code) document.title = `${code.name} · ${t('title')} · qrdesk`;
  }, [codeId, code, t]);

  const data = loaded?.data ?? null;
  const rangeText = data ? rangeLabel(data.from, data.to, data.tz) : '';

  const exportScans = async () => {
    if (!data || !code) return;
    setExporting(true);
    try {
      const { blob, fileName } = await analyticsApi.exportScans(code.id, {
        since: data.from,
        until: data.to,
        includeBots: data.includeBots,
      });
      await saveFile(blob, fileName ?? `qrdesk-scans-${code.id}.csv`, t('export.scansDone'));
    } catch (err) {
      notify.error(err);
    } finally {
      setExporting(false);
    }
  };

  const exportSummary = () => {
    if (!data) return;
    const blob = new Blob([summaryCsv(data, t)], { type: 'text/csv;charset=utf-8' });
    void saveFile(blob, summaryFileName(data, code?.name), t('export.summaryDone'));
  };

  const notFound = codeError instanceof ApiError && codeError.status === 404;
  const hasScansEver = data !== null && (data.lastScannedAt !== null || data.totalScans > 0 || loaded!.botScans > 0);

  const canExport = data !== null && hasScansEver && !isStatic;
  const canEdit = code !== null && canWrite && !code.deletedAt;
  const actions =
    canExport || canEdit ? (
      <>
        {canExport && code && (
          <button type="button" className="primary" onClick={() => void exportScans()} disabled={exporting}>
            <Download size={16} aria-hidden="true" />
            {exporting ? t('export.scansBusy') : t('export.scans')}
          </button>
        )}
        {canExport && (
          <button type="button" onClick={exportSummary}>
            <FileSpreadsheet size={16} aria-hidden="true" />
            {t('export.summary')}
          </button>
        )}
        {canEdit && (
          <Link className="button" to={`/codes/${encodeURIComponent(code.id)}/edit`}>
            <Pencil size={16} aria-hidden="true" />
            {t('editCode')}
          </Link>
        )}
      </>
    ) : undefined;

  return (
    <div className="analytics-page">
      {codeId && (
        <p className="analytics-back">
          <Link to={`/analytics${search}`}>
            <ChevronLeft size={16} aria-hidden="true" />
            {t('backToAll')}
          </Link>
        </p>
      )}
      <PageHeader title={title} actions={actions}>
        {!codeId && <p className="muted analytics-subtitle">{t('subtitle')}</p>}
        {code && (
          <div className="analytics-code-meta">
            <span className="badge">{t(`kind.${code.kind}`)}</span>
            {!isStatic && (
              <span className={`badge ${code.status === 'active' ? 'success' : 'warning'}`}>
                {t(`status.${code.status}`)}
              </span>
            )}
            {code.deletedAt && <span className="badge danger">{t('inTrash')}</span>}
            {code.shortUrl && (
              <span className="analytics-code-url">
                <code>{code.shortUrl}</code>
                <CopyButton text={code.shortUrl} label={t('copyShortUrl')} />
              </span>
            )}
          </div>
        )}
      </PageHeader>

      {notFound ? (
        <div className="card analytics-empty">
          <ErrorMessage error={codeError} />
          <Link to={`/analytics${search}`}>{t('backToAll')}</Link>
        </div>
      ) : codeError ? (
        <ErrorMessage error={codeError} onRetry={retryCode} />
      ) : (
        <>
          <div className="card analytics-toolbar">
            <CodePicker
              current={code ? { id: code.id, name: code.name } : null}
              onChoose={(next) =>
                navigate(next ? `/analytics/${encodeURIComponent(next)}${search}` : `/analytics${search}`)
              }
            />
            {!isStatic && (data === null || hasScansEver) && (
              <RangeControls range={range} onChange={setRange} error={error} />
            )}
          </div>

          {isStatic && code ? (
            <StaticCode codeId={code.id} canWrite={canWrite} />
          ) : error && !data ? (
            <ErrorMessage error={error} onRetry={isBadRequest(error) ? undefined : retry} />
          ) : !data ? (
            <LoadingAnalytics />
          ) : (
            <div className={`analytics-body${stale ? ' analytics-stale' : ''}`} aria-busy={loading}>
              {error !== null && <ErrorMessage error={error} onRetry={isBadRequest(error) ? undefined : retry} />}
              <p className="visually-hidden" role="status">
                {loading ? t('loading') : ''}
              </p>
              {!hasScansEver ? (
                <NoScansYet shortUrl={code?.shortUrl} overview={!codeId} />
              ) : (
                <>
                  <KpiCards
                    totalScans={data.totalScans}
                    uniqueScans={data.uniqueScans}
                    uniqueCountries={data.uniqueCountries}
                    botScans={loaded!.botScans}
                    includeBots={data.includeBots}
                    lastScannedAt={data.lastScannedAt}
                  />
                  {data.totalScans === 0 ? (
                    <NoDataInRange
                      rangeText={rangeText}
                      lastScannedAt={data.lastScannedAt}
                      botScans={loaded!.botScans}
                      includeBots={range.includeBots}
                      onIncludeBots={() => setRange({ ...range, includeBots: true })}
                      onWiden={
                        range.preset === '90'
                          ? undefined
                          : () =>
                              setRange({
                                ...range,
                                preset: '90',
                                from: null,
                                to: null,
                                granularity: 'week',
                                granularityChosen: false,
                              })
                      }
                    />
                  ) : (
                    <AnalyticsCharts data={data} rangeText={rangeText} search={search} />
                  )}
                </>
              )}
            </div>
          )}
        </>
      )}
    </div>
  );
}

const isBadRequest = (error: unknown) => error instanceof ApiError && error.status === 400;

function AnalyticsCharts({ data, rangeText, search }: { data: Analytics; rangeText: string; search: string }) {
  const { t } = useTranslation('analytics');
  const total = data.totalScans;
  const knownCities = data.byCity.some((b) => b.value !== null);
  return (
    <>
      <TimelineChart timeline={data.timeline} granularity={data.granularity} rangeText={rangeText} />
      {'topCodes' in data && <TopCodes codes={data.topCodes} total={total} search={search} />}
      <CountriesPanel byCountry={data.byCountry} total={total} />
      <div className="analytics-grid">
        <BreakdownChart dimension="device" title={t('breakdown.device')} buckets={data.byDevice} total={total} />
        <BreakdownChart dimension="os" title={t('breakdown.os')} buckets={data.byOs} total={total} />
        <BreakdownChart dimension="browser" title={t('breakdown.browser')} buckets={data.byBrowser} total={total} />
        <BreakdownChart dimension="referrer" title={t('breakdown.referrer')} buckets={data.byReferrer} total={total} />
        <HourOfDayChart hours={data.byHourOfDay} tz={data.tz} />
        <BreakdownChart dimension="language" title={t('breakdown.language')} buckets={data.byLanguage} total={total} />
        {knownCities && (
          <BreakdownChart dimension="city" title={t('breakdown.city')} buckets={data.byCity} total={total} />
        )}
      </div>
    </>
  );
}
