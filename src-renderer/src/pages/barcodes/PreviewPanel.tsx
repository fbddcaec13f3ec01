import { Download, ImageOff, Loader2, ScanBarcode } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { MODULE_WIDTH_MM, type BarcodeOutput } from '../../../../src-shared/schemas/barcodes';
import { DPI, IMAGE_FORMATS, MM_SIZE, PIXEL_SIZE, type ImageFormat } from '../../../../src-shared/schemas/output';
import { barcodesApi, type BarcodeRenderRequest } from '../../api/barcodes';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { saveFile } from '../../utils/files';
import { formatNumber } from '../../utils/format';
import { BARCODE_LABELS, isLinear } from './formats';
import { useBarcodePreview } from './hooks';

const RASTER: readonly ImageFormat[] = ['png', 'jpeg', 'webp'];
const CMYK: readonly ImageFormat[] = ['pdf', 'eps'];
type SizeMode = 'px' | 'mm' | 'module';
type SizeField = 'size' | 'mm' | 'moduleWidthMm' | 'dpi' | 'colorSpace';

/** The live preview of what the editor holds, and its export in any format and size. */
export function PreviewPanel({
  request,
  empty,
  checking,
}: {
  request: BarcodeRenderRequest | null;
  empty: boolean;
  checking: boolean;
}) {
  const { t } = useTranslation('barcodes');
  const preview = useBarcodePreview(request);
  const shown = preview.shows ? (JSON.parse(preview.shows) as BarcodeRenderRequest) : null;
  const showing = request !== null && preview.url !== null;
  const busy = request !== null && (preview.loading || preview.shows !== JSON.stringify(request));

  return (
    <section className="card barcodes-preview" aria-labelledby="barcodes-preview-title">
      <h2 id="barcodes-preview-title">{t('preview.title')}</h2>
      <div className="barcodes-preview-stage" aria-busy={busy} data-testid="barcode-preview">
        {showing && shown ? (
          <img
            src={preview.url!}
            alt={t('preview.alt', { format: BARCODE_LABELS[shown.format], value: shown.value })}
            className={busy ? 'barcodes-stale' : undefined}
          />
        ) : (
          <div className="barcodes-preview-placeholder">
            {request === null && !checking ? (
              <ScanBarcode size={40} aria-hidden="true" />
            ) : (
              <Loader2 size={32} className="barcodes-spin" aria-hidden="true" />
            )}
            <p>
              {request !== null || checking ? t('preview.loading') : empty ? t('preview.empty') : t('preview.invalid')}
            </p>
          </div>
        )}
      </div>
      {preview.error !== null && request !== null && (
        <div className="barcodes-preview-error">
          <ImageOff size={16} aria-hidden="true" />
          <ErrorMessage error={preview.error} />
        </div>
      )}
      <ExportForm request={request} />
    </section>
  );
}

function ExportForm({ request }: { request: BarcodeRenderRequest | null }) {
  const { t } = useTranslation('barcodes');
  const [format, setFormat] = useState<ImageFormat>('svg');
  const [mode, setMode] = useState<SizeMode>('px');
  const [px, setPx] = useState(String(PIXEL_SIZE.default));
  const [mm, setMm] = useState('40');
  const [moduleMm, setModuleMm] = useState('0.33');
  const [dpi, setDpi] = useState(String(DPI.default));
  const [cmyk, setCmyk] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [errors, setErrors] = useState<Partial<Record<SizeField, string>>>({});
  const [failure, setFailure] = useState<unknown>(null);

  const raster = RASTER.includes(format);
  const cmykOffered = CMYK.includes(format);
  const usesDpi = raster && mode !== 'px';
  // A linear symbol's module is its narrow bar; a 2D symbol's is its square.
  const squares = request !== null && !isLinear(request.format);
  const number = (text: string) => Number(text.trim().replace(',', '.'));

  const forget = (...fields: SizeField[]) => {
    setFailure(null);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !fields.includes(k as SizeField))));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!request || exporting) return;
    const output: Partial<BarcodeOutput> = { format };
    const local: Partial<Record<SizeField, string>> = {};
    const need = (field: SizeField, text: string) => {
      const n = number(text);
      if (text.trim() === '' || !Number.isFinite(n)) local[field] = t('export.needNumber');
      return n;
    };
    if (mode === 'px') output.size = need('size', px);
    if (mode === 'mm') output.mm = need('mm', mm);
    if (mode === 'module') output.moduleWidthMm = need('moduleWidthMm', moduleMm);
    if (usesDpi) output.dpi = need('dpi', dpi);
    if (cmykOffered && cmyk) output.colorSpace = 'cmyk';
    setErrors(local);
    setFailure(null);
    if (Object.keys(local).length) return;
    setExporting(true);
    try {
      const { blob, fileName } = await barcodesApi.render({ ...request, output });
      const name = fileName ?? `${request.format.toLowerCase()}-${request.value}.${format === 'jpeg' ? 'jpg' : format}`;
      await saveFile(blob, name, t('export.done', { name }));
    } catch (err) {
      const mapped: Partial<Record<SizeField, string>> = {};
      if (err instanceof ApiError) {
        for (const d of err.details) {
          const field = d.path.replace(/^output\./, '') as SizeField;
          if (['size', 'mm', 'moduleWidthMm', 'dpi', 'colorSpace'].includes(field)) mapped[field] ??= d.message;
        }
      }
      setErrors(mapped);
      if (Object.keys(mapped).length === 0) setFailure(err);
    } finally {
      setExporting(false);
    }
  };

  const pxAtDpi =
    usesDpi && mode === 'mm' && Number.isFinite(number(mm)) && Number.isFinite(number(dpi))
      ? Math.round((number(mm) / 25.4) * number(dpi))
      : null;

  return (
    <form className="barcodes-export" onSubmit={submit} noValidate aria-labelledby="barcodes-export-title">
      <h3 id="barcodes-export-title">{t('export.title')}</h3>
      <div className="barcodes-export-grid">
        <Field label={t('export.format')} className="barcodes-span-2">
          {(control) => (
            <select
              {...control}
              value={format}
              onChange={(e) => {
                setFormat(e.target.value as ImageFormat);
                forget('colorSpace', 'dpi', 'mm');
              }}
            >
              {IMAGE_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {t(`export.formats.${f}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('export.sizeBy')}>
          {(control) => (
            <select
              {...control}
              value={mode}
              onChange={(e) => {
                setMode(e.target.value as SizeMode);
                forget('size', 'mm', 'moduleWidthMm', 'dpi');
              }}
            >
              <option value="px">{t('export.modes.px')}</option>
              <option value="mm">{t('export.modes.mm')}</option>
              <option value="module">{squares ? t('export.modes.module2d') : t('export.modes.module')}</option>
            </select>
          )}
        </Field>
        {mode === 'px' && (
          <Field
            label={t('export.px')}
            hint={t('export.pxHint', { min: formatNumber(PIXEL_SIZE.min), max: formatNumber(PIXEL_SIZE.max) })}
            error={errors.size}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={PIXEL_SIZE.min}
                max={PIXEL_SIZE.max}
                step={1}
                value={px}
                onChange={(e) => {
                  setPx(e.target.value);
                  forget('size');
                }}
              />
            )}
          </Field>
        )}
        {mode === 'mm' && (
          <Field
            label={t('export.mm')}
            hint={t('export.mmHint', { min: formatNumber(MM_SIZE.min), max: formatNumber(MM_SIZE.max) })}
            error={errors.mm}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={MM_SIZE.min}
                max={MM_SIZE.max}
                step="any"
                value={mm}
                onChange={(e) => {
                  setMm(e.target.value);
                  forget('mm');
                }}
              />
            )}
          </Field>
        )}
        {mode === 'module' && (
          <Field
            label={squares ? t('export.module2d') : t('export.module')}
            hint={t('export.moduleHint', {
              min: formatNumber(MODULE_WIDTH_MM.min),
              max: formatNumber(MODULE_WIDTH_MM.max),
              nominal: formatNumber(0.33),
            })}
            error={errors.moduleWidthMm}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={MODULE_WIDTH_MM.min}
                max={MODULE_WIDTH_MM.max}
                step={0.01}
                value={moduleMm}
                onChange={(e) => {
                  setModuleMm(e.target.value);
                  forget('moduleWidthMm');
                }}
              />
            )}
          </Field>
        )}
        {usesDpi && (
          <Field
            label={t('export.dpi')}
            hint={pxAtDpi !== null ? t('export.pxAtDpi', { px: formatNumber(pxAtDpi) }) : undefined}
            error={errors.dpi}
          >
            {(control) => (
              <input
                {...control}
                type="number"
                min={DPI.min}
                max={DPI.max}
                step={1}
                value={dpi}
                onChange={(e) => {
                  setDpi(e.target.value);
                  forget('dpi', 'mm');
                }}
              />
            )}
          </Field>
        )}
        {cmykOffered && (
          <Field label={t('export.colour')} hint={cmyk ? t('export.cmykHint') : undefined} error={errors.colorSpace}>
            {(control) => (
              <select
                {...control}
                value={cmyk ? 'cmyk' : 'rgb'}
                onChange={(e) => {
                  setCmyk(e.target.value === 'cmyk');
                  forget('colorSpace');
                }}
              >
                <option value="rgb">{t('export.rgb')}</option>
                <option value="cmyk">{t('export.cmyk')}</option>
              </select>
            )}
          </Field>
        )}
      </div>
      <ErrorMessage error={failure} />
      <button type="submit" className="primary" disabled={!request || exporting}>
        {exporting ? (
          <Loader2 size={16} className="barcodes-spin" aria-hidden="true" />
        ) : (
          <Download size={16} aria-hidden="true" />
        )}
        {exporting ? t('export.exporting') : t('export.download', { format: t(`export.short.${format}`) })}
      </button>
      {!request && <p className="muted small">{t('export.needValue')}</p>}
    </form>
  );
}
