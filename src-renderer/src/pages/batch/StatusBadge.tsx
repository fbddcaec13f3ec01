import { useTranslation } from 'react-i18next';
import type { BatchJobStatus } from '../../../../src-shared/schemas/batches';

const TONE: Record<BatchJobStatus, string> = {
  queued: '',
  running: 'info',
  completed: 'success',
  completed_with_errors: 'warning',
  failed: 'danger',
  cancelled: 'danger',
  interrupted: 'danger',
};

export function StatusBadge({ status }: { status: BatchJobStatus }) {
  const { t } = useTranslation('batch');
  return (
    <span className={`badge ${TONE[status]} batch-status`} data-status={status}>
      {t(`status.${status}`)}
    </span>
  );
}
