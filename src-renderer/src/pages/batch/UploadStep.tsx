import { FileSpreadsheet, RefreshCw, Upload } from 'lucide-react';
import { useRef, useState, type DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CSV_MAX_BYTES,
  CSV_MAX_ROWS,
  type BatchProblem,
  type BatchSourceCreated,
} from '../../../../src-shared/schemas/batches';
import { batchSourcesApi, type UploadOptions } from '../../api/batches';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { formatNumber } from '../../utils/format';
import { formatBytes } from '../../utils/format';
import { StepHeading, StepNav } from './parts';
import { columnLabel } from './spec';
import { useBatchWizard, wizard } from './store';

const ENCODINGS = ['auto', 'utf-8', 'windows-1252'] as const;
const DELIMITERS = ['auto', 'comma', 'semicolon', 'tab', 'pipe'] as const;
const HEADERS = ['auto', 'true', 'false'] as const;
const DELIMITER_NAMES: Record<string, (typeof DELIMITERS)[number]> = {
  ',': 'comma',
  ';': 'semicolon',
  '\t': 'tab',
  '|': 'pipe',
};

export function UploadStep() {
  const { t } = useTranslation('batch');
  const source = useBatchWizard((s) => s.source);
  const file = useBatchWizard((s) => s.file);
  const readOptions = useBatchWizard((s) => s.readOptions);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  const read = async (next: File, options: Required<UploadOptions>) => {
    setError(null);
    if (next.size > CSV_MAX_BYTES) {
      setError(new Error(t('upload.tooLarge', { size: formatBytes(next.size), max: formatBytes(CSV_MAX_BYTES) })));
      return;
    }
    if (next.size === 0) {
      setError(new Error(t('upload.empty')));
      return;
    }
    setBusy(true);
    try {
      const created = await batchSourcesApi.upload(next, options);
      const state = wizard.get();
      const previous = state.source;
      useBatchWizard.setState({ readOptions: options });
      wizard.setSource(next, created);
      // The file it replaces goes, unless a batch was started from it.
      if (previous && previous.id !== created.id && state.job?.sourceId !== previous.id) {
        void batchSourcesApi.remove(previous.id).catch(() => undefined);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const dropped = e.dataTransfer.files[0];
    if (dropped) void read(dropped, { encoding: 'auto', delimiter: 'auto', header: 'auto' });
  };

  return (
    <section aria-labelledby="batch-step-upload" className="batch-step-body">
      <StepHeading step="upload">{t('upload.intro')}</StepHeading>
      <div
        className={`batch-dropzone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <FileSpreadsheet size={36} aria-hidden="true" className="batch-dropzone-icon" />
        <p className="batch-dropzone-title">{t('upload.drop')}</p>
        <label className="button primary batch-file-button">
          <Upload size={16} aria-hidden="true" />
          <span>{source ? t('upload.chooseAnother') : t('upload.choose')}</span>
          <input
            ref={input}
            type="file"
            accept=".csv,.tsv,.txt,text/csv,text/plain,text/tab-separated-values"
            className="batch-file-input"
            aria-describedby="batch-upload-limits"
            disabled={busy}
            onChange={(e) => {
              const chosen = e.target.files?.[0];
              if (chosen) void read(chosen, { encoding: 'auto', delimiter: 'auto', header: 'auto' });
            }}
          />
        </label>
        <p id="batch-upload-limits" className="muted small">
          {t('upload.limits', { size: formatBytes(CSV_MAX_BYTES), rows: formatNumber(CSV_MAX_ROWS) })}
        </p>
      </div>
      {busy && <ProgressBar label={t('upload.reading')} />}
      <ErrorMessage error={error} />
      {source && file && (
        <SourceDetails source={source} busy={busy} options={readOptions} onReread={(o) => void read(file, o)} />
      )}
      <StepNav>
        <span />
        <button type="button" className="primary" disabled={!source || busy} onClick={() => wizard.goTo('mapping')}>
          {t('upload.next')}
        </button>
      </StepNav>
    </section>
  );
}

function SourceDetails({
  source,
  busy,
  options,
  onReread,
}: {
  source: BatchSourceCreated;
  busy: boolean;
  options: Required<UploadOptions>;
  onReread(options: Required<UploadOptions>): void;
}) {
  const { t } = useTranslation('batch');
  const [draft, setDraft] = useState(options);
  const [shownFor, setShownFor] = useState(source.id);
  if (shownFor !== source.id) {
    setShownFor(source.id);
    setDraft(options);
  }
  const headers = source.headers;
  const columns = Array.from({ length: source.columnCount }, (_, i) =>
    columnLabel(headers, i, (n) => t('columnNumber', { n })),
  );
  return (
    <div className="batch-source">
      <div className="batch-source-summary card" data-testid="source-summary">
        <h3>{source.name}</h3>
        <dl className="batch-facts">
          <div>
            <dt>{t('upload.rows')}</dt>
            <dd>{formatNumber(source.rowCount)}</dd>
          </div>
          <div>
            <dt>{t('upload.columns')}</dt>
            <dd>{formatNumber(source.columnCount)}</dd>
          </div>
          <div>
            <dt>{t('upload.size')}</dt>
            <dd>{formatBytes(source.byteSize)}</dd>
          </div>
          <div>
            <dt>{t('upload.encoding')}</dt>
            <dd>{t(`encodings.${source.encoding}`)}</dd>
          </div>
          <div>
            <dt>{t('upload.delimiter')}</dt>
            <dd>{t(`delimiters.${DELIMITER_NAMES[source.delimiter] ?? 'comma'}`)}</dd>
          </div>
          <div>
            <dt>{t('upload.header')}</dt>
            <dd>{source.hasHeader ? t('upload.headerYes') : t('upload.headerNo')}</dd>
          </div>
        </dl>
      </div>

      <form
        className="batch-reread"
        onSubmit={(e) => {
          e.preventDefault();
          onReread(draft);
        }}
      >
        <fieldset>
          <legend>{t('upload.readAs')}</legend>
          <div className="batch-grid batch-grid-4">
            <Field label={t('upload.encoding')}>
              {(p) => (
                <select
                  {...p}
                  value={draft.encoding}
                  onChange={(e) => setDraft({ ...draft, encoding: e.target.value as (typeof ENCODINGS)[number] })}
                >
                  {ENCODINGS.map((v) => (
                    <option key={v} value={v}>
                      {t(`encodings.${v}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('upload.delimiter')}>
              {(p) => (
                <select
                  {...p}
                  value={draft.delimiter}
                  onChange={(e) => setDraft({ ...draft, delimiter: e.target.value as (typeof DELIMITERS)[number] })}
                >
                  {DELIMITERS.map((v) => (
                    <option key={v} value={v}>
                      {t(`delimiters.${v}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={t('upload.headerRow')}>
              {(p) => (
                <select
                  {...p}
                  value={draft.header}
                  onChange={(e) => setDraft({ ...draft, header: e.target.value as (typeof HEADERS)[number] })}
                >
                  {HEADERS.map((v) => (
                    <option key={v} value={v}>
                      {t(`headerOptions.${v}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="batch-reread-action">
              <button type="submit" disabled={busy}>
                <RefreshCw size={16} aria-hidden="true" />
                {t('upload.reread')}
              </button>
            </div>
          </div>
        </fieldset>
      </form>

      <div className="batch-table-wrap" tabIndex={0} role="region" aria-labelledby="batch-sample-caption">
        <table className="batch-sample">
          <caption id="batch-sample-caption">
            {t('upload.sample', { count: source.sample.length, total: formatNumber(source.rowCount) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('upload.rowHeader')}</th>
              {columns.map((c, i) => (
                <th scope="col" key={i}>
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {source.sample.map((row, r) => (
              <tr key={r}>
                <td className="muted">{r + 1}</td>
                {columns.map((_, c) => (
                  <td key={c} className="batch-cell">
                    {row[c] ?? ''}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {source.problemCount > 0 && <ProblemList problems={source.problems} total={source.problemCount} />}
    </div>
  );
}

/** The rows a file or a mapping has problems with: row, line, column and why. */
export function ProblemList({
  problems,
  total,
  title,
  testId = 'row-report',
}: {
  problems: BatchProblem[];
  total: number;
  title?: string;
  testId?: string;
}) {
  const { t } = useTranslation('batch');
  const captionId = `${testId}-caption`;
  return (
    <div className="batch-problems" data-testid={testId}>
      <div className="batch-table-wrap" tabIndex={0} role="region" aria-labelledby={captionId}>
        <table>
          <caption id={captionId}>{title ?? t('report.title', { count: total, n: formatNumber(total) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('report.row')}</th>
              <th scope="col">{t('report.line')}</th>
              <th scope="col">{t('report.column')}</th>
              <th scope="col">{t('report.message')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i}>
                <td>{p.row === null ? t('report.wholeFile') : formatNumber(p.row)}</td>
                <td>{p.line === null ? '—' : formatNumber(p.line)}</td>
                <td>
                  {p.column ?? (p.columnIndex !== null ? t('columnNumber', { n: p.columnIndex }) : '—')}
                  {p.field && <span className="muted small batch-field-path"> {p.field}</span>}
                </td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {total > problems.length && (
        <p className="muted small">{t('report.more', { n: formatNumber(total - problems.length) })}</p>
      )}
    </div>
  );
}
