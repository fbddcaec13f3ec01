import { Download, FileWarning, History, Square, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BARCODE_LABELS } from '../../../../src-shared/barcodes';
import { DOWNLOADABLE_STATUSES, type BatchJob } from '../../../../src-shared/schemas/batches';
import { batchesApi } from '../../api/batches';
import { confirm } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formatDateTime, formatNumber } from '../../utils/format';
import { downloadReport, downloadResult } from './jobActions';
import { StatusBadge } from './StatusBadge';
import { useBatchWizard, wizard } from './store';
import { isFinished } from './useFollowJob';

/** The last batch jobs, newest first, with their results to download while they are kept. */
export function RecentBatches() {
  const { t } = useTranslation('batch');
  const version = useBatchWizard((s) => s.jobsVersion);
  const canWrite = hasScope(
    useSession((s) => s.who),
    'write',
  );
  const [jobs, setJobs] = useState<BatchJob[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const page = await batchesApi.list(null, signal);
      setJobs(page.data);
      setNext(page.nextCursor);
      setError(null);
    } catch (err) {
      if (!signal?.aborted) setError(err);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load, version, reload]);

  // While a listed job runs, the list follows it.
  const running = jobs?.some((j) => !isFinished(j)) ?? false;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setReload((n) => n + 1), 2000);
    return () => clearInterval(timer);
  }, [running]);

  const more = async () => {
    if (!next) return;
    setBusy('more');
    try {
      const page = await batchesApi.list(next);
      setJobs((current) => [...(current ?? []), ...page.data]);
      setNext(page.nextCursor);
    } catch (err) {
      notify.error(err);
    } finally {
      setBusy(null);
    }
  };

  const act = async (key: string, run: () => Promise<void>) => {
    setBusy(key);
    try {
      await run();
    } catch (err) {
      notify.error(err);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (job: BatchJob) => {
    const running = !isFinished(job);
    const ok = await confirm(
      running
        ? {
            title: t('run.cancelTitle'),
            message: t('run.cancelMessage'),
            confirmLabel: t('run.cancelConfirm'),
            danger: true,
          }
        : {
            title: t('recent.deleteTitle'),
            message: t('recent.deleteMessage'),
            confirmLabel: t('common:actions.delete'),
            danger: true,
          },
    );
    if (!ok) return;
    await act(`remove:${job.id}`, async () => {
      await batchesApi.remove(job.id);
      notify.success(running ? t('recent.cancelled') : t('recent.deleted'));
      if (wizard.get().job?.id === job.id && !running) {
        useBatchWizard.setState((s) => ({ job: null, step: s.step === 'run' ? 'outputs' : s.step }));
      }
      wizard.bumpJobs();
    });
  };

  const what = (job: BatchJob) =>
    job.barcodeFormat
      ? BARCODE_LABELS[job.barcodeFormat]
      : `${t(`types.${job.type ?? 'url'}`)} · ${t(`mapping.kinds.${job.kind}`)}`;

  return (
    <section className="batch-recent" aria-labelledby="batch-recent-title">
      <h2 id="batch-recent-title">{t('recent.title')}</h2>
      <ErrorMessage error={error} onRetry={() => setReload((n) => n + 1)} />
      {jobs === null && !error && <p className="muted">{t('common:status.loading')}</p>}
      {jobs !== null && jobs.length === 0 && (
        <EmptyState icon={<History size={32} />} title={t('recent.emptyTitle')}>
          <p>{t('recent.empty')}</p>
        </EmptyState>
      )}
      {jobs !== null && jobs.length > 0 && (
        <div className="batch-table-wrap" tabIndex={0} role="region" aria-labelledby="batch-recent-title">
          <table className="batch-recent-table" data-testid="recent-batches">
            <thead>
              <tr>
                <th scope="col">{t('recent.started')}</th>
                <th scope="col">{t('recent.what')}</th>
                <th scope="col">{t('recent.output')}</th>
                <th scope="col">{t('recent.rows')}</th>
                <th scope="col">{t('recent.status')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('recent.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((job) => (
                <tr key={job.id} data-job={job.id}>
                  <td>{formatDateTime(job.createdAt)}</td>
                  <td>{what(job)}</td>
                  <td>{t(`recent.outputs.${job.output}`)}</td>
                  <td>
                    {t('recent.progress', { processed: formatNumber(job.processed), total: formatNumber(job.total) })}
                    {job.failed > 0 && (
                      <span className="muted small">
                        {' '}
                        · {t('run.failedCount', { count: job.failed, n: formatNumber(job.failed) })}
                      </span>
                    )}
                  </td>
                  <td>
                    <StatusBadge status={job.status} />
                  </td>
                  <td>
                    <div className="batch-recent-actions">
                      {DOWNLOADABLE_STATUSES.includes(job.status) && (
                        <button
                          type="button"
                          disabled={busy === `download:${job.id}`}
                          onClick={() => void act(`download:${job.id}`, () => downloadResult(job))}
                          aria-label={t('recent.downloadLabel', { date: formatDateTime(job.createdAt) })}
                        >
                          <Download size={16} aria-hidden="true" />
                          {t('common:actions.download')}
                        </button>
                      )}
                      {isFinished(job) && job.failed > 0 && (
                        <button
                          type="button"
                          className="icon-button"
                          disabled={busy === `report:${job.id}`}
                          onClick={() => void act(`report:${job.id}`, () => downloadReport(job))}
                          aria-label={t('recent.reportLabel', { date: formatDateTime(job.createdAt) })}
                          title={t('run.downloadReport')}
                        >
                          <FileWarning size={16} aria-hidden="true" />
                        </button>
                      )}
                      {canWrite && (
                        <button
                          type="button"
                          className="icon-button"
                          disabled={busy === `remove:${job.id}`}
                          onClick={() => void remove(job)}
                          aria-label={
                            isFinished(job)
                              ? t('recent.deleteLabel', { date: formatDateTime(job.createdAt) })
                              : t('recent.cancelLabel', { date: formatDateTime(job.createdAt) })
                          }
                          title={isFinished(job) ? t('common:actions.delete') : t('run.cancel')}
                        >
                          {isFinished(job) ? (
                            <Trash2 size={16} aria-hidden="true" />
                          ) : (
                            <Square size={16} aria-hidden="true" />
                          )}
                        </button>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" onClick={() => void more()} disabled={busy === 'more'} className="batch-load-more">
          {t('common:actions.loadMore')}
        </button>
      )}
    </section>
  );
}
