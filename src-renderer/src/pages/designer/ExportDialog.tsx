import { Download } from 'lucide-react';
import { memo, useEffect, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { safeFileName } from '../../../../src-shared/file-names';
import { DPI, MM_SIZE, OutputOptions, PIXEL_SIZE, type ImageFormat } from '../../../../src-shared/schemas/output';
import { ApiError } from '../../api/http';
import { renderApi, type OutputRequest, type RenderSource } from '../../api/render';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { saveFile } from '../../utils/files';
import { formatNumber } from '../../utils/format';

/** Where an export comes from: the saved code as stored, or the editor's current state rendered as is. */
export type ExportSource =
  | { kind: 'saved'; id: string; name: string }
  | { kind: 'render'; source: RenderSource; name: string }
  | { kind: 'unavailable'; reason: string };

const FORMATS: ImageFormat[] = ['png', 'svg', 'pdf', 'eps', 'jpeg', 'webp'];
const VECTOR: ImageFormat[] = ['svg', 'pdf', 'eps'];
const EXTENSIONS: Record<ImageFormat, string> = {
  svg: 'svg',
  png: 'png',
  jpeg: 'jpg',
  webp: 'webp',
  pdf: 'pdf',
  eps: 'eps',
};

/** Fetches an image of the code (for a download or the clipboard). */
export async function fetchImage(source: ExportSource, output: OutputRequest): Promise<{ blob: Blob; name: string }> {
  if (source.kind === 'unavailable') throw new Error(source.reason);
  const file =
    source.kind === 'saved'
      ? await renderApi.codeImage(source.id, { ...output, download: true })
      : await renderApi.render(source.source, output);
  const extension = file.fileName?.split('.').pop() ?? EXTENSIONS[output.format];
  // The server names a saved code's file from its name; a stateless render is named here the same way.
  const name =
    source.kind === 'saved' && file.fileName ? file.fileName : `${safeFileName(source.name, 'qrcode')}.${extension}`;
  return { blob: file.blob, name };
}

const OUTPUT_FIELDS = ['size', 'mm', 'dpi', 'colorSpace'];
const RANGES: Record<string, { min: number; max: number }> = { size: PIXEL_SIZE, mm: MM_SIZE, dpi: DPI };
/** An API refusal whose every detail is already shown under its field. */
const shownOnFields = (error: unknown) =>
  error instanceof ApiError && error.details.length > 0 && error.details.every((d) => OUTPUT_FIELDS.includes(d.path));

interface Options {
  format: ImageFormat;
  unit: 'px' | 'mm';
  size: string;
  mm: string;
  dpi: string;
  colorSpace: 'rgb' | 'cmyk';
}

function outputOf(o: Options): OutputRequest {
  const vector = VECTOR.includes(o.format);
  const num = (s: string) => (s.trim() === '' ? NaN : Number(s.replace(',', '.')));
  return {
    format: o.format,
    ...(o.unit === 'px' ? { size: num(o.size) } : { mm: num(o.mm), ...(vector ? {} : { dpi: num(o.dpi) }) }),
    ...(o.format === 'pdf' || o.format === 'eps' ? { colorSpace: o.colorSpace } : {}),
  };
}

/** The export dialog: format, size in pixels or millimetres at a resolution, and CMYK for print. */
export const ExportDialog = memo(function ExportDialog({
  dialog,
  getSource,
}: {
  dialog: RefObject<HTMLDialogElement | null>;
  getSource(): ExportSource;
}) {
  const { t } = useTranslation('designer');
  const [options, setOptions] = useState<Options>({
    format: 'png',
    unit: 'px',
    size: '1024',
    mm: '40',
    dpi: String(DPI.default),
    colorSpace: 'rgb',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [source, setSource] = useState<ExportSource | null>(null);

  // Re-read the source whenever the dialog opens (the editor may have changed since).
  useEffect(() => {
    const el = dialog.current;
    if (!el) return;
    const observer = new MutationObserver(() => {
      if (el.open) {
        setSource(getSource());
        setError(null);
      }
    });
    observer.observe(el, { attributes: true, attributeFilter: ['open'] });
    return () => observer.disconnect();
  }, [dialog, getSource]);

  const set = (patch: Partial<Options>) => {
    setOptions((o) => ({ ...o, ...patch }));
    setError(null);
  };
  const output = outputOf(options);
  const parsed = OutputOptions.safeParse(output);
  const issues: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.join('.');
      const range = RANGES[path];
      // Out of range or not a number: say so in the UI's words; the cross-field rules keep the schema's.
      issues[path] ??=
        range && ['too_big', 'too_small', 'invalid_type', 'not_multiple_of'].includes(issue.code)
          ? t('export.range', { min: formatNumber(range.min), max: formatNumber(range.max) })
          : issue.message;
    }
  }
  const serverIssue = (path: string) => (error instanceof ApiError ? error.fieldMessage(path) : undefined);
  const issueAt = (path: string) => serverIssue(path) ?? issues[path];
  const vector = VECTOR.includes(options.format);
  const printable = options.format === 'pdf' || options.format === 'eps';

  const summary = (() => {
    if (!parsed.success) return null;
    if (options.unit === 'px') return t('export.summaryPx', { n: formatNumber(output.size ?? PIXEL_SIZE.default) });
    const mm = formatNumber(output.mm ?? 0);
    if (vector) return t('export.summaryMmVector', { mm });
    const px = Math.round(((output.mm ?? 0) / 25.4) * (output.dpi ?? DPI.default));
    return t('export.summaryMm', { mm, dpi: formatNumber(output.dpi ?? DPI.default), px: formatNumber(px) });
  })();

  const download = async () => {
    if (!source || source.kind === 'unavailable' || !parsed.success) return;
    setBusy(true);
    setError(null);
    try {
      const file = await fetchImage(source, output);
      if (await saveFile(file.blob, file.name, t('export.done', { name: file.name }))) dialog.current?.close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={dialog} className="dialog designer-dialog designer-export" aria-labelledby="designer-export-title">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void download();
        }}
      >
        <h2 id="designer-export-title">{t('export.title')}</h2>
        {source?.kind === 'unavailable' ? (
          <p className="designer-notice">{source.reason}</p>
        ) : (
          source?.kind === 'render' && <p className="muted small">{t('export.unsaved')}</p>
        )}
        <fieldset className="designer-format-grid">
          <legend>{t('export.format')}</legend>
          {FORMATS.map((format) => (
            <label key={format} className="designer-format">
              <input
                type="radio"
                name="designer-export-format"
                value={format}
                checked={options.format === format}
                onChange={() =>
                  set({
                    format,
                    ...(format === 'pdf' || format === 'eps' ? {} : { colorSpace: 'rgb' as const }),
                  })
                }
              />
              <span>
                <strong>{t(`export.formats.${format}.name`)}</strong>
                <span className="small muted">{t(`export.formats.${format}.description`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <fieldset className="designer-segmented">
          <legend>{t('export.sizeIn')}</legend>
          {(['px', 'mm'] as const).map((unit) => (
            <label key={unit}>
              <input
                type="radio"
                name="designer-export-unit"
                value={unit}
                checked={options.unit === unit}
                onChange={() => set({ unit })}
              />
              <span>{t(`export.units.${unit}`)}</span>
            </label>
          ))}
        </fieldset>
        {options.unit === 'px' ? (
          <Field
            label={t('export.pixels')}
            hint={t('export.pixelsHint', { min: PIXEL_SIZE.min, max: formatNumber(PIXEL_SIZE.max) })}
            error={issueAt('size')}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={PIXEL_SIZE.min}
                max={PIXEL_SIZE.max}
                step={1}
                value={options.size}
                onChange={(e) => set({ size: e.target.value })}
              />
            )}
          </Field>
        ) : (
          <div className="designer-grid-2">
            <Field
              label={t('export.mm')}
              hint={t('export.mmHint', { min: MM_SIZE.min, max: formatNumber(MM_SIZE.max) })}
              error={issueAt('mm')}
            >
              {(control) => (
                <input
                  {...control}
                  type="number"
                  min={MM_SIZE.min}
                  max={MM_SIZE.max}
                  step="any"
                  value={options.mm}
                  onChange={(e) => set({ mm: e.target.value })}
                />
              )}
            </Field>
            {!vector && (
              <Field label={t('export.dpi')} hint={t('export.dpiHint')} error={issueAt('dpi')}>
                {(control) => (
                  <input
                    {...control}
                    type="number"
                    min={DPI.min}
                    max={DPI.max}
                    step={1}
                    value={options.dpi}
                    onChange={(e) => set({ dpi: e.target.value })}
                  />
                )}
              </Field>
            )}
          </div>
        )}
        {printable && (
          <fieldset className="designer-segmented">
            <legend>{t('export.colorSpace')}</legend>
            {(['rgb', 'cmyk'] as const).map((space) => (
              <label key={space}>
                <input
                  type="radio"
                  name="designer-export-space"
                  value={space}
                  checked={options.colorSpace === space}
                  onChange={() => set({ colorSpace: space })}
                />
                <span>{t(`export.spaces.${space}`)}</span>
              </label>
            ))}
          </fieldset>
        )}
        {printable && <p className="field-hint">{t('export.cmykHint')}</p>}
        {issueAt('colorSpace') && <p className="field-error">{issueAt('colorSpace')}</p>}
        {summary && (
          <p className="designer-export-summary" aria-live="polite">
            {summary}
          </p>
        )}
        {busy && <ProgressBar label={t('export.preparing')} />}
        {error && !shownOnFields(error) ? <ErrorMessage error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={() => dialog.current?.close()}>
            {t('common:actions.cancel')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || !parsed.success || !source || source.kind === 'unavailable'}
          >
            <Download size={16} aria-hidden="true" />
            {busy
              ? t('export.preparing')
              : t('export.download', { format: t(`export.formats.${options.format}.name`) })}
          </button>
        </div>
      </form>
    </dialog>
  );
});
