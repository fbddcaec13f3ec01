import { AlertTriangle, CheckCircle2, RefreshCw } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BarcodeFormat } from '../../../../src-shared/barcodes';
import type { BatchPreviewRow, BatchProblem } from '../../../../src-shared/schemas/batches';
import { ProgressBar } from '../../components/ProgressBar';
import { formatNumber } from '../../utils/format';
import { runPreview } from './actions';
import { StepError, StepHeading, StepNav } from './parts';
import { baseDesign, mappingKey } from './spec';
import { useBatchWizard, wizard } from './store';
import { BarcodeThumbnail, QrThumbnail } from './Thumbnail';
import { ProblemList } from './UploadStep';

export function PreviewStep() {
  const { t } = useTranslation('batch');
  const state = useBatchWizard();
  const { preview, mapping } = state;
  const stale = state.previewFor !== mappingKey(state);
  const design = mapping.mode === 'qr' ? baseDesign(state) : null;
  // The thumbnails show the base design as it was asked for: a design changed since is drawn again.
  const designChanged = state.previewDesign !== JSON.stringify(design);
  const [busy, setBusy] = useState(false);

  const refresh = async (signal?: AbortSignal) => {
    setBusy(true);
    await runPreview('preview', signal);
    if (!signal?.aborted) setBusy(false);
  };

  // Opened with a changed mapping: check again.
  useEffect(() => {
    if (!stale && !designChanged) return;
    const controller = new AbortController();
    void refresh(controller.signal);
    return () => controller.abort();
  }, []);

  const report = preview?.report;
  const problemsByRow = new Map<number, BatchProblem[]>();
  for (const p of report?.problems ?? []) {
    if (p.row !== null) problemsByRow.set(p.row, [...(problemsByRow.get(p.row) ?? []), p]);
  }
  const showCaption = preview?.rows.some((r) => r.caption) ?? false;

  return (
    <section aria-labelledby="batch-step-preview" className="batch-step-body">
      <StepHeading step="preview">{t('preview.intro')}</StepHeading>
      <StepError step="preview" />
      {busy && <ProgressBar label={t('preview.checking')} />}
      {report && preview && (
        <>
          <div className="batch-report-summary" role="status" data-testid="preview-summary">
            <div className="batch-stat">
              <span className="batch-stat-value">{formatNumber(report.totalRows)}</span>
              <span className="muted">{t('preview.totalRows', { count: report.totalRows })}</span>
            </div>
            <div className="batch-stat batch-stat-success">
              <CheckCircle2 size={18} aria-hidden="true" />
              <span className="batch-stat-value">{formatNumber(report.validRows)}</span>
              <span>{t('preview.validRows', { count: report.validRows })}</span>
            </div>
            <div className={`batch-stat${report.invalidRows ? ' batch-stat-danger' : ''}`}>
              <AlertTriangle size={18} aria-hidden="true" />
              <span className="batch-stat-value">{formatNumber(report.invalidRows)}</span>
              <span>{t('preview.invalidRows', { count: report.invalidRows })}</span>
            </div>
            <button type="button" onClick={() => void refresh()} disabled={busy} className="batch-stat-action">
              <RefreshCw size={16} aria-hidden="true" />
              {t('preview.refresh')}
            </button>
          </div>
          {report.validRows === 0 && (
            <p className="error-message" role="alert">
              {t('preview.noValidRows')}
            </p>
          )}
          {report.invalidRows > 0 && report.validRows > 0 && (
            <p className="batch-note batch-note-warning">{t('preview.skipped', { count: report.invalidRows })}</p>
          )}
          {report.warnings.length > 0 && (
            <ul className="batch-note batch-note-warning" aria-label={t('preview.warnings')}>
              {report.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          {mapping.mode === 'qr' && mapping.kind === 'dynamic' && (
            <p className="batch-note">{t('preview.dynamicNote')}</p>
          )}

          <div className="batch-table-wrap" tabIndex={0} role="region" aria-labelledby="batch-preview-caption">
            <table className="batch-preview-table" data-testid="preview-rows">
              <caption id="batch-preview-caption">
                {t('preview.rowsCaption', { count: preview.rows.length, total: formatNumber(report.totalRows) })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('preview.row')}</th>
                  <th scope="col">{t('preview.code')}</th>
                  <th scope="col">{t('preview.name')}</th>
                  <th scope="col">{t('preview.fileName')}</th>
                  {showCaption && <th scope="col">{t('preview.caption')}</th>}
                  <th scope="col">{t('preview.content')}</th>
                  <th scope="col">{t('preview.status')}</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((row) => (
                  <PreviewRow
                    key={row.row}
                    row={row}
                    problems={problemsByRow.get(row.row) ?? []}
                    showCaption={showCaption}
                    barcodeFormat={mapping.mode === 'barcode' ? mapping.barcodeFormat : null}
                    fallbackDesign={design}
                  />
                ))}
              </tbody>
            </table>
          </div>

          {report.problemCount > 0 && (
            <>
              <h3 className="batch-subheading">{t('preview.problemsTitle')}</h3>
              {report.messageCounts.length > 1 && (
                <ul className="batch-message-counts" aria-label={t('preview.commonProblems')}>
                  {report.messageCounts.slice(0, 5).map((c) => (
                    <li key={c.message}>
                      <span className="badge danger">{formatNumber(c.count)}</span> {c.message}
                    </li>
                  ))}
                </ul>
              )}
              <ProblemList problems={report.problems} total={report.problemCount} />
            </>
          )}
        </>
      )}
      <StepNav>
        <button type="button" onClick={() => wizard.goTo('mapping')}>
          {t('common:actions.back')}
        </button>
        <button
          type="button"
          className="primary"
          disabled={busy || !report || report.validRows === 0 || stale}
          onClick={() => wizard.goTo('outputs')}
        >
          {t('preview.next')}
        </button>
      </StepNav>
    </section>
  );
}

function PreviewRow({
  row,
  problems,
  showCaption,
  barcodeFormat,
  fallbackDesign,
}: {
  row: BatchPreviewRow;
  problems: BatchProblem[];
  showCaption: boolean;
  barcodeFormat: BarcodeFormat | null;
  fallbackDesign: ReturnType<typeof baseDesign> | null;
}) {
  const { t } = useTranslation('batch');
  const label = t('preview.codeFor', { row: row.row, name: row.name ?? row.payload ?? '' });
  return (
    <tr className={row.valid ? undefined : 'batch-row-invalid'} data-row={row.row} data-valid={row.valid}>
      <td>
        {formatNumber(row.row)}
        {row.seq !== String(row.row) && <span className="muted small batch-seq"> #{row.seq}</span>}
      </td>
      <td>
        {row.payload === null ? (
          <span className="batch-thumb batch-thumb-empty" aria-hidden="true" />
        ) : barcodeFormat ? (
          <BarcodeThumbnail format={barcodeFormat} value={row.payload} label={label} />
        ) : (
          <QrThumbnail payload={row.payload} design={row.design ?? fallbackDesign} label={label} />
        )}
      </td>
      {row.valid ? (
        <>
          <td className="batch-cell">{row.name ?? '—'}</td>
          <td className="batch-cell batch-mono">{row.fileName ?? '—'}</td>
          {showCaption && <td className="batch-cell">{row.caption ?? '—'}</td>}
          <td className="batch-cell batch-payload batch-mono" title={row.payload ?? undefined}>
            {row.payload ?? '—'}
          </td>
        </>
      ) : (
        // An invalid row has nothing to show but why: its problems take the value columns.
        <td colSpan={showCaption ? 4 : 3}>
          <ul className="batch-row-problems">
            {problems.map((p, i) => (
              <li key={i}>
                {p.column && <strong>{p.column}: </strong>}
                {p.message}
              </li>
            ))}
          </ul>
        </td>
      )}
      <td>
        {row.valid ? (
          <span className="badge success">{t('preview.ok')}</span>
        ) : (
          <span className="badge danger">{t('preview.problem')}</span>
        )}
      </td>
    </tr>
  );
}
