import { RotateCcw } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { batchSourcesApi } from '../../api/batches';
import { confirm } from '../../components/ConfirmDialog';
import { PageHeader } from '../../components/PageHeader';
import { hasScope, useSession } from '../../state/session';
import './batch.css';
import { MappingStep } from './MappingStep';
import { OutputsStep } from './OutputsStep';
import { PreviewStep } from './PreviewStep';
import { RecentBatches } from './RecentBatches';
import { RunStep } from './RunStep';
import { StepIndicator } from './StepIndicator';
import { useBatchWizard, wizard } from './store';
import { UploadStep } from './UploadStep';
import { isFinished, useFollowJob } from './useFollowJob';

/**
 * Batch export: a CSV becomes thousands of verified codes, in five steps
 * (upload, mapping, preview, outputs, run), with the recent jobs below.
 */
export function BatchPage() {
  const { t } = useTranslation('batch');
  const canWrite = hasScope(
    useSession((s) => s.who),
    'write',
  );
  const step = useBatchWizard((s) => s.step);
  const hasWork = useBatchWizard((s) => s.source !== null);
  useFollowJob();

  const startOver = async () => {
    const state = wizard.get();
    const ok = await confirm({
      title: t('startOver.title'),
      message: t('startOver.message'),
      confirmLabel: t('startOver.confirm'),
    });
    if (!ok) return;
    // The uploaded file goes too, unless a job still reads or read it.
    if (state.source && state.job?.sourceId !== state.source.id) {
      void batchSourcesApi.remove(state.source.id).catch(() => undefined);
    }
    wizard.reset();
  };

  const running = useBatchWizard((s) => (s.job ? !isFinished(s.job) : false));

  return (
    <div className="batch-page">
      <PageHeader
        title={t('title')}
        actions={
          canWrite && hasWork ? (
            <button type="button" className="batch-start-over" onClick={() => void startOver()} disabled={running}>
              <RotateCcw size={16} aria-hidden="true" />
              {t('startOver.button')}
            </button>
          ) : null
        }
      >
        <p className="muted batch-intro">{t('intro')}</p>
      </PageHeader>
      {canWrite ? (
        <div className="batch-wizard card">
          <StepIndicator />
          {step === 'upload' && <UploadStep />}
          {step === 'mapping' && <MappingStep />}
          {step === 'preview' && <PreviewStep />}
          {step === 'outputs' && <OutputsStep />}
          {step === 'run' && <RunStep />}
        </div>
      ) : (
        <p className="batch-note batch-note-warning" role="note">
          {t('readOnly')}
        </p>
      )}
      <RecentBatches />
    </div>
  );
}
