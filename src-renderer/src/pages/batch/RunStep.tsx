import { CheckCircle2, Download, FileWarning, Square, XCircle } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DOWNLOADABLE_STATUSES } from '../../../../src-shared/schemas/batches';
import { confirm } from '../../components/ConfirmDialog';
import { ProgressBar } from '../../components/ProgressBar';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formatNumber } from '../../utils/format';
import { cancelJob } from './actions';
import { formatSeconds } from './format';
import { downloadReport, downloadResult } from './jobActions';
import { StepHeading, StepNav } from './parts';
import { StatusBadge } from './StatusBadge';
import { useBatchWizard, wizard } from './store';
import { isFinished } from './useFollowJob';

export function RunStep() {
  const { t } = useTranslation('batch');
  const job = useBatchWizard((s) => s.job);
  const canWrite = hasScope(
    useSession((s) => s.who),
    'write',
  );
  const [busy, setBusy] = useState<'cancel' | 'download' | 'report' | null>(null);
  if (!job) return null;
  const finished = isFinished(job);
  const downloadable = DOWNLOADABLE_STATUSES.includes(job.status);
  const made = job.processed - job.failed;

  const act = async (what: 'cancel' | 'download' | 'report', run: () => Promise<void>) => {
    setBusy(what);
    try {
      await run();
    } catch (err) {
      notify.error(err);
    } finally {
      setBusy(null);
    }
  };

  const cancel = async () => {
    const ok = await confirm({
      title: t('run.cancelTitle'),
      message: t('run.cancelMessage'),
      confirmLabel: t('run.cancelConfirm'),
      danger: true,
    });
    if (ok) await act('cancel', () => cancelJob(job.id));
  };

  return (
    <section aria-labelledby="batch-step-run" className="batch-step-body">
      <StepHeading step="run" />
      <div className="batch-run card" data-testid="batch-run" data-status={job.status}>
        <div className="batch-run-head">
          <StatusBadge status={job.status} />
          <span className="muted small">{t('run.jobId', { id: job.id })}</span>
        </div>
        <ProgressBar value={job.processed} max={job.total} label={t('run.progress')} />
        <p className="batch-run-counts" data-testid="batch-counts">
          {t('run.counts', { processed: formatNumber(job.processed), total: formatNumber(job.total) })}
          {job.failed > 0 && <> · {t('run.failedCount', { count: job.failed, n: formatNumber(job.failed) })}</>}
          {!finished && job.eta !== null && job.eta > 0 && <> · {t('run.eta', { time: formatSeconds(job.eta) })}</>}
        </p>
        {/* Announced once per change of state, not on every tick of the bar. */}
        <p className="visually-hidden" role="status">
          {t(`status.${job.status}`)}
        </p>

        {!finished && canWrite && (
          <StepNav>
            <span className="muted small">{job.status === 'queued' ? t('run.queued') : t('run.running')}</span>
            <button type="button" className="danger" disabled={busy === 'cancel'} onClick={() => void cancel()}>
              <Square size={16} aria-hidden="true" />
              {busy === 'cancel' ? t('run.cancelling') : t('run.cancel')}
            </button>
          </StepNav>
        )}

        {downloadable && (
          <div className="batch-run-result">
            <p className="batch-run-message batch-run-success">
              <CheckCircle2 size={20} aria-hidden="true" />
              <span>
                {job.failed > 0
                  ? t('run.doneWithErrors', {
                      made: formatNumber(made),
                      failed: formatNumber(job.failed),
                      count: job.failed,
                    })
                  : t('run.done', { count: made, n: formatNumber(made) })}
              </span>
            </p>
            <div className="row">
              <button
                type="button"
                className="primary"
                disabled={busy === 'download'}
                onClick={() => void act('download', () => downloadResult(job))}
              >
                <Download size={16} aria-hidden="true" />
                {job.output === 'sheet' ? t('run.downloadSheet') : t('run.downloadZip')}
              </button>
              {job.failed > 0 && (
                <button
                  type="button"
                  disabled={busy === 'report'}
                  onClick={() => void act('report', () => downloadReport(job))}
                >
                  <FileWarning size={16} aria-hidden="true" />
                  {t('run.downloadReport')}
                </button>
              )}
            </div>
          </div>
        )}

        {finished && !downloadable && (
          <div className="error-message batch-run-stopped" role="alert" data-testid="batch-stopped">
            <p className="batch-run-message">
              <XCircle size={20} aria-hidden="true" />
              <strong>{t(`run.ended.${job.status}`)}</strong>
            </p>
            <p>{t('run.nothingToDownload')}</p>
            {job.error && <p className="muted small">{job.error}</p>}
            {job.failed > 0 && (
              <button
                type="button"
                disabled={busy === 'report'}
                onClick={() => void act('report', () => downloadReport(job))}
              >
                <FileWarning size={16} aria-hidden="true" />
                {t('run.downloadReport')}
              </button>
            )}
          </div>
        )}
      </div>
      <StepNav>
        <button type="button" onClick={() => wizard.goTo('outputs')}>
          {t('run.backToOutputs')}
        </button>
        {finished && (
          <button type="button" onClick={() => wizard.reset()}>
            {t('run.newBatch')}
          </button>
        )}
      </StepNav>
    </section>
  );
}
