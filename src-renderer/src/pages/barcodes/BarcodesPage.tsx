import { useTranslation } from 'react-i18next';
import type { BarcodeRenderRequest } from '../../api/barcodes';
import { PageHeader } from '../../components/PageHeader';
import { hasScope, useSession } from '../../state/session';
import { BarcodeEditor } from './BarcodeEditor';
import './barcodes.css';
import { isLinear } from './formats';
import { useBarcodeCheck } from './hooks';
import { PreviewPanel } from './PreviewPanel';
import { SavedBarcodes } from './SavedBarcodes';
import { useBarcodes, type BarcodeDraft } from './store';

/** What the preview and the export draw: the checked value (check digit completed) in the editor's look. */
function renderRequest(draft: BarcodeDraft, format: BarcodeDraft['format'], value: string): BarcodeRenderRequest {
  const linear = isLinear(format);
  return {
    format,
    value,
    showText: linear ? draft.showText : undefined,
    quietZone: draft.quietZone,
    barColor: draft.barColor,
    textColor: linear && draft.textColor ? draft.textColor : undefined,
    backgroundColor: draft.backgroundColor,
  };
}

export function BarcodesPage() {
  const { t } = useTranslation('barcodes');
  const who = useSession((s) => s.who);
  const canWrite = hasScope(who, 'write');
  const draft = useBarcodes((s) => s.draft);
  const check = useBarcodeCheck(draft.format, draft.value);

  // Drawn from the last verdict that said yes (kept while the next check runs), never from an unchecked value.
  const verdict = check.status === 'idle' ? null : check.result;
  const request =
    verdict?.valid && verdict.normalizedValue !== null && check.checked?.format === draft.format
      ? renderRequest(draft, draft.format, verdict.normalizedValue)
      : null;

  return (
    <div className="barcodes-page">
      <PageHeader title={t('common:nav.barcodes')}>
        <p className="muted barcodes-intro">{t('intro')}</p>
      </PageHeader>
      <div className="barcodes-workspace">
        <BarcodeEditor check={check} canWrite={canWrite} />
        <PreviewPanel request={request} empty={draft.value.trim() === ''} checking={check.status === 'checking'} />
      </div>
      <SavedBarcodes canWrite={canWrite} />
    </div>
  );
}
