import { Play } from 'lucide-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BATCH_FORMATS, SHEET_FILE_NAME, type BatchFormat } from '../../../../src-shared/schemas/batches';
import {
  CORNER_DOT_STYLES,
  CORNER_SQUARE_STYLES,
  DOT_STYLES,
  ERROR_CORRECTION_LEVELS,
} from '../../../../src-shared/schemas/design';
import { DPI, MM_SIZE, PIXEL_SIZE } from '../../../../src-shared/schemas/output';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import {
  BUILT_IN_SHEET_TEMPLATES,
  CAPTION_POSITIONS,
  PAGE_SIZES,
  sheetTemplate,
  type SheetTemplateId,
} from '../../../../src-shared/schemas/sheets';
import { qrCodesApi } from '../../api/qrcodes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { formatNumber } from '../../utils/format';
import { startBatch } from './actions';
import { StepError, StepHeading, StepNav, useFieldError } from './parts';
import { baseDesign } from './spec';
import { useBatchWizard, wizard, type CustomGridForm, type OutputsForm } from './store';
import { QrThumbnail } from './Thumbnail';

const mm = (v: number) => formatNumber(Math.round(v * 100) / 100);

export function OutputsStep() {
  const { t } = useTranslation('batch');
  const state = useBatchWizard();
  const { outputs: o, mapping, preview } = state;
  const fieldError = useFieldError();
  const [busy, setBusy] = useState(false);
  const vector = o.formats.some((f) => f === 'pdf' || f === 'eps');
  const raster = o.formats.includes('png');
  const validRows = preview?.report.validRows ?? 0;

  const toggleFormat = (format: BatchFormat, on: boolean) => {
    const formats = BATCH_FORMATS.filter((f) => (f === format ? on : o.formats.includes(f)));
    wizard.setOutputs({ formats, ...(formats.some((f) => f === 'pdf' || f === 'eps') ? {} : { colorSpace: 'rgb' }) });
  };

  const start = async () => {
    setBusy(true);
    await startBatch();
    setBusy(false);
  };

  // What the run makes, in one sentence.
  const sheetLabels = o.sheet ? validRows : 0;
  let summary: string;
  if (o.formats.length && o.sheet) {
    summary = t('outputs.summaryZipSheet', {
      files: formatNumber(validRows * o.formats.length),
      sheet: SHEET_FILE_NAME,
    });
  } else if (o.formats.length) {
    summary = t('outputs.summaryZip', {
      count: validRows * o.formats.length,
      n: formatNumber(validRows * o.formats.length),
    });
  } else if (o.sheet) {
    summary = t('outputs.summarySheet', { count: sheetLabels, n: formatNumber(sheetLabels) });
  } else {
    summary = t('checks.noOutput');
  }

  return (
    <section aria-labelledby="batch-step-outputs" className="batch-step-body">
      <StepHeading step="outputs">{t('outputs.intro')}</StepHeading>
      <StepError step="outputs" />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <div className="batch-columns">
          <div>
            <fieldset aria-describedby={fieldError('outputs.formats') ? 'batch-formats-error' : undefined}>
              <legend>{t('outputs.files')}</legend>
              <div className="batch-radio-row" role="group" aria-label={t('outputs.formats')}>
                {BATCH_FORMATS.map((f) => (
                  <label key={f} className="batch-choice">
                    <input
                      type="checkbox"
                      checked={o.formats.includes(f)}
                      onChange={(e) => toggleFormat(f, e.target.checked)}
                    />
                    {t(`formats.${f}`)}
                  </label>
                ))}
              </div>
              {fieldError('outputs.formats') && (
                <p className="field-error" id="batch-formats-error">
                  {fieldError('outputs.formats')}
                </p>
              )}
              {o.formats.length > 0 && (
                <>
                  <fieldset className="batch-inner-fieldset">
                    <legend>{t('outputs.size')}</legend>
                    <div className="batch-radio-row">
                      {(['px', 'mm'] as const).map((mode) => (
                        <label key={mode} className="batch-choice">
                          <input
                            type="radio"
                            name="batch-size-mode"
                            checked={o.sizeMode === mode}
                            onChange={() => wizard.setOutputs({ sizeMode: mode })}
                          />
                          {t(`outputs.sizeModes.${mode}`)}
                        </label>
                      ))}
                    </div>
                    {o.sizeMode === 'px' ? (
                      <Field
                        label={t('outputs.pixels')}
                        hint={t('outputs.pixelsHint', {
                          min: formatNumber(PIXEL_SIZE.min),
                          max: formatNumber(PIXEL_SIZE.max),
                        })}
                        error={fieldError('outputs.size')}
                      >
                        {(p) => (
                          <input
                            {...p}
                            type="number"
                            min={PIXEL_SIZE.min}
                            max={PIXEL_SIZE.max}
                            step={1}
                            value={o.size}
                            onChange={(e) => wizard.setOutputs({ size: e.target.value })}
                          />
                        )}
                      </Field>
                    ) : (
                      <div className="batch-grid batch-grid-2">
                        <Field
                          label={t('outputs.millimetres')}
                          hint={t('outputs.mmHint', { min: MM_SIZE.min, max: formatNumber(MM_SIZE.max) })}
                          error={fieldError('outputs.mm')}
                        >
                          {(p) => (
                            <input
                              {...p}
                              type="number"
                              min={MM_SIZE.min}
                              max={MM_SIZE.max}
                              step="any"
                              value={o.mm}
                              onChange={(e) => wizard.setOutputs({ mm: e.target.value })}
                            />
                          )}
                        </Field>
                        <Field
                          label={t('outputs.dpi')}
                          hint={raster ? t('outputs.dpiHint') : t('outputs.dpiVector')}
                          error={fieldError('outputs.dpi')}
                        >
                          {(p) => (
                            <input
                              {...p}
                              type="number"
                              min={DPI.min}
                              max={DPI.max}
                              step={1}
                              disabled={!raster}
                              value={o.dpi}
                              onChange={(e) => wizard.setOutputs({ dpi: e.target.value })}
                            />
                          )}
                        </Field>
                      </div>
                    )}
                  </fieldset>
                  <fieldset className="batch-inner-fieldset">
                    <legend>{t('outputs.colorSpace')}</legend>
                    <div className="batch-radio-row">
                      {(['rgb', 'cmyk'] as const).map((cs) => (
                        <label key={cs} className="batch-choice">
                          <input
                            type="radio"
                            name="batch-color-space"
                            checked={o.colorSpace === cs}
                            disabled={cs === 'cmyk' && !vector}
                            onChange={() => wizard.setOutputs({ colorSpace: cs })}
                          />
                          {t(`outputs.colorSpaces.${cs}`)}
                        </label>
                      ))}
                    </div>
                    <p className="muted small batch-fieldset-hint">{t('outputs.cmykHint')}</p>
                    {fieldError('outputs.colorSpace') && (
                      <p className="field-error">{fieldError('outputs.colorSpace')}</p>
                    )}
                  </fieldset>
                </>
              )}
            </fieldset>
          </div>

          <div>
            {mapping.mode === 'qr' ? (
              <DesignFields samplePayload={preview?.rows.find((r) => r.valid)?.payload ?? null} />
            ) : (
              <BarcodeStyleFields />
            )}
          </div>
        </div>
        <SheetFields o={o} fieldError={fieldError} />
        <fieldset>
          <legend>{t('outputs.result')}</legend>
          <p className="batch-result-summary">{summary}</p>
          <p className="muted small">{t('outputs.zipNote')}</p>
          <label className="batch-choice batch-choice-block">
            <input
              type="checkbox"
              checked={o.verify}
              onChange={(e) => wizard.setOutputs({ verify: e.target.checked })}
            />
            <span>
              {t('outputs.verify')}
              <span className="muted small batch-choice-hint">{t('outputs.verifyHint')}</span>
            </span>
          </label>
        </fieldset>
        <StepNav>
          <button type="button" onClick={() => wizard.goTo('preview')}>
            {t('common:actions.back')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            <Play size={16} aria-hidden="true" />
            {t('outputs.start')}
          </button>
        </StepNav>
      </form>
    </section>
  );
}

function SheetFields({
  o,
  fieldError,
}: {
  o: OutputsForm;
  fieldError: (path: string, exact?: boolean) => string | undefined;
}) {
  const { t } = useTranslation('batch');
  const template = o.template === 'custom' ? null : sheetTemplate(o.template);
  const perSheet = template ? template.columns * template.rows : Number(o.custom.columns) * Number(o.custom.rows);
  const gridField = (key: keyof CustomGridForm, label: string, unit = true, integer = false) => {
    const path =
      key === 'pageWidthMm'
        ? 'outputs.sheet.template.page.widthMm'
        : key === 'pageHeightMm'
          ? 'outputs.sheet.template.page.heightMm'
          : `outputs.sheet.template.${key}`;
    return (
      <Field label={unit ? t('outputs.inMm', { label }) : label} error={fieldError(path)}>
        {(p) => (
          <input
            {...p}
            type="number"
            min={0}
            step={integer ? 1 : 'any'}
            value={o.custom[key]}
            onChange={(e) => wizard.setCustomGrid({ [key]: e.target.value })}
          />
        )}
      </Field>
    );
  };
  return (
    <fieldset>
      <legend>{t('outputs.sheet')}</legend>
      <label className="batch-choice batch-choice-block">
        <input type="checkbox" checked={o.sheet} onChange={(e) => wizard.setOutputs({ sheet: e.target.checked })} />
        <span>
          {t('outputs.sheetOn')}
          <span className="muted small batch-choice-hint">{t('outputs.sheetHint')}</span>
        </span>
      </label>
      {o.sheet && (
        <>
          <Field
            label={t('outputs.template')}
            error={fieldError('outputs.sheet.template', true)}
            className="batch-sheet-template"
          >
            {(p) => (
              <select
                {...p}
                value={o.template}
                onChange={(e) => wizard.setOutputs({ template: e.target.value as SheetTemplateId | 'custom' })}
              >
                {BUILT_IN_SHEET_TEMPLATES.map((tpl) => (
                  <option key={tpl.id} value={tpl.id}>
                    {t('outputs.templateOption', {
                      name: tpl.name.split(' (')[0],
                      page: tpl.page === PAGE_SIZES.A4 ? 'A4' : 'Letter',
                      count: tpl.columns * tpl.rows,
                      width: mm(tpl.labelWidthMm),
                      height: mm(tpl.labelHeightMm),
                    })}
                  </option>
                ))}
                <option value="custom">{t('outputs.customGrid')}</option>
              </select>
            )}
          </Field>
          {o.template === 'custom' && (
            <fieldset className="batch-inner-fieldset">
              <legend>{t('outputs.customGrid')}</legend>
              <div className="batch-grid batch-grid-auto">
                <Field label={t('outputs.page')}>
                  {(p) => (
                    <select
                      {...p}
                      value={o.custom.page}
                      onChange={(e) => wizard.setCustomGrid({ page: e.target.value as CustomGridForm['page'] })}
                    >
                      <option value="A4">A4</option>
                      <option value="Letter">Letter</option>
                      <option value="custom">{t('outputs.customPage')}</option>
                    </select>
                  )}
                </Field>
                {o.custom.page === 'custom' && gridField('pageWidthMm', t('outputs.pageWidth'))}
                {o.custom.page === 'custom' && gridField('pageHeightMm', t('outputs.pageHeight'))}
                {gridField('columns', t('outputs.columns'), false, true)}
                {gridField('rows', t('outputs.rows'), false, true)}
                {gridField('labelWidthMm', t('outputs.labelWidth'))}
                {gridField('labelHeightMm', t('outputs.labelHeight'))}
                {gridField('marginTopMm', t('outputs.marginTop'))}
                {gridField('marginLeftMm', t('outputs.marginLeft'))}
                {gridField('gapXMm', t('outputs.gapX'))}
                {gridField('gapYMm', t('outputs.gapY'))}
                {gridField('cornerRadiusMm', t('outputs.cornerRadius'))}
              </div>
            </fieldset>
          )}
          <div className="batch-grid batch-grid-auto">
            <Field label={t('outputs.captionPosition')} error={fieldError('outputs.sheet.caption')}>
              {(p) => (
                <select
                  {...p}
                  value={o.caption}
                  onChange={(e) => wizard.setOutputs({ caption: e.target.value as OutputsForm['caption'] })}
                >
                  {CAPTION_POSITIONS.map((c) => (
                    <option key={c} value={c}>
                      {t(`outputs.captions.${c}`)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field
              label={t('outputs.captionSize')}
              hint={t('outputs.autoHint')}
              error={fieldError('outputs.sheet.captionSizeMm')}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={20}
                  step="any"
                  disabled={o.caption === 'none'}
                  value={o.captionSizeMm}
                  onChange={(e) => wizard.setOutputs({ captionSizeMm: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('outputs.startPosition')}
              hint={Number.isFinite(perSheet) && perSheet > 0 ? t('outputs.startHint', { n: perSheet }) : undefined}
              error={fieldError('outputs.sheet.startPosition')}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  step={1}
                  value={o.startPosition}
                  onChange={(e) => wizard.setOutputs({ startPosition: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('outputs.bleed')} hint={t('outputs.bleedHint')} error={fieldError('outputs.sheet.bleedMm')}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={0}
                  max={5}
                  step="any"
                  value={o.bleedMm}
                  onChange={(e) => wizard.setOutputs({ bleedMm: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('outputs.padding')} error={fieldError('outputs.sheet.paddingMm')}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={0}
                  step="any"
                  value={o.paddingMm}
                  onChange={(e) => wizard.setOutputs({ paddingMm: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('outputs.codeSize')}
              hint={t('outputs.autoHint')}
              error={fieldError('outputs.sheet.codeSizeMm')}
            >
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={3}
                  step="any"
                  value={o.codeSizeMm}
                  onChange={(e) => wizard.setOutputs({ codeSizeMm: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('outputs.sheetColorSpace')} error={fieldError('outputs.sheet.colorSpace')}>
              {(p) => (
                <select
                  {...p}
                  value={o.sheetColorSpace}
                  onChange={(e) => wizard.setOutputs({ sheetColorSpace: e.target.value as 'rgb' | 'cmyk' })}
                >
                  <option value="rgb">{t('outputs.colorSpaces.rgb')}</option>
                  <option value="cmyk">{t('outputs.colorSpaces.cmyk')}</option>
                </select>
              )}
            </Field>
            <Field
              label={t('outputs.sheetTitle')}
              hint={t('outputs.sheetTitleHint')}
              error={fieldError('outputs.sheet.title')}
            >
              {(p) => (
                <input
                  {...p}
                  type="text"
                  maxLength={200}
                  value={o.title}
                  onChange={(e) => wizard.setOutputs({ title: e.target.value })}
                />
              )}
            </Field>
          </div>
          <div className="batch-radio-row">
            <label className="batch-choice">
              <input
                type="checkbox"
                checked={o.cropMarks}
                onChange={(e) => wizard.setOutputs({ cropMarks: e.target.checked })}
              />
              {t('outputs.cropMarks')}
            </label>
            <label className="batch-choice">
              <input
                type="checkbox"
                checked={o.outlines}
                onChange={(e) => wizard.setOutputs({ outlines: e.target.checked })}
              />
              {t('outputs.outlines')}
            </label>
          </div>
        </>
      )}
    </fieldset>
  );
}

function DesignFields({ samplePayload }: { samplePayload: string | null }) {
  const { t } = useTranslation('batch');
  const state = useBatchWizard();
  const d = state.design;
  const fieldError = useFieldError();
  const [codes, setCodes] = useState<QrCode[] | null>(null);
  const [codesError, setCodesError] = useState<unknown>(null);
  const [mode, setMode] = useState<'basic' | 'saved'>(d.saved ? 'saved' : 'basic');

  useEffect(() => {
    if (mode !== 'saved' || codes !== null) return;
    const controller = new AbortController();
    qrCodesApi
      .list({ limit: 100 }, controller.signal)
      .then((page) => setCodes(page.data))
      .catch((err: unknown) => {
        if (!controller.signal.aborted) setCodesError(err);
      });
    return () => controller.abort();
  }, [mode, codes]);

  const select = (
    p: { id: string },
    key: 'dotStyle' | 'cornerSquareStyle' | 'cornerDotStyle' | 'errorCorrection',
    values: readonly string[],
  ) => (
    <select {...p} value={d[key]} onChange={(e) => wizard.setDesign({ [key]: e.target.value })}>
      {values.map((v) => (
        <option key={v} value={v}>
          {t(`designValues.${key}.${v}`)}
        </option>
      ))}
    </select>
  );

  return (
    <fieldset>
      <legend>{t('outputs.design')}</legend>
      <div className="batch-design-head">
        <div className="batch-design-modes">
          {(['basic', 'saved'] as const).map((m) => (
            <label key={m} className="batch-choice">
              <input
                type="radio"
                name="batch-design-mode"
                checked={mode === m}
                onChange={() => {
                  setMode(m);
                  if (m === 'basic') wizard.setDesign({ saved: null });
                }}
              />
              {t(`outputs.designModes.${m}`)}
            </label>
          ))}
        </div>
        {samplePayload && (mode === 'basic' || d.saved) && (
          <figure className="batch-design-preview">
            <QrThumbnail
              payload={samplePayload}
              design={baseDesign(state)}
              label={t('outputs.designPreview')}
              size={140}
            />
            <figcaption className="muted small">{t('outputs.designPreviewCaption')}</figcaption>
          </figure>
        )}
      </div>
      {mode === 'saved' ? (
        <>
          <ErrorMessage error={codesError} />
          {codes === null && !codesError && <p className="muted">{t('common:status.loading')}</p>}
          {codes !== null && codes.length === 0 && <p className="muted">{t('outputs.noSavedCodes')}</p>}
          {codes !== null && codes.length > 0 && (
            <Field label={t('outputs.savedCode')} hint={t('outputs.savedCodeHint')}>
              {(p) => (
                <select
                  {...p}
                  value={d.saved?.id ?? ''}
                  onChange={(e) => {
                    const code = codes.find((c) => c.id === e.target.value);
                    wizard.setDesign({
                      saved: code ? { id: code.id, name: code.name, design: code.design } : null,
                    });
                  }}
                >
                  <option value="">{t('outputs.chooseCode')}</option>
                  {codes.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
        </>
      ) : (
        <div className="batch-grid batch-grid-2">
          <Field label={t('designFields.foregroundColor')} error={fieldError('design.foregroundColor')}>
            {(p) => (
              <input
                {...p}
                type="color"
                value={d.foregroundColor.toLowerCase()}
                onChange={(e) => wizard.setDesign({ foregroundColor: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('designFields.backgroundColor')} error={fieldError('design.backgroundColor')}>
            {(p) => (
              <input
                {...p}
                type="color"
                value={d.backgroundColor.toLowerCase()}
                onChange={(e) => wizard.setDesign({ backgroundColor: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('designFields.dotStyle')} error={fieldError('design.dotStyle')}>
            {(p) => select(p, 'dotStyle', DOT_STYLES)}
          </Field>
          <Field label={t('designFields.errorCorrection')} error={fieldError('design.errorCorrection')}>
            {(p) => select(p, 'errorCorrection', ERROR_CORRECTION_LEVELS)}
          </Field>
          <Field label={t('designFields.cornerSquareStyle')} error={fieldError('design.cornerSquareStyle')}>
            {(p) => select(p, 'cornerSquareStyle', CORNER_SQUARE_STYLES)}
          </Field>
          <Field label={t('designFields.cornerDotStyle')} error={fieldError('design.cornerDotStyle')}>
            {(p) => select(p, 'cornerDotStyle', CORNER_DOT_STYLES)}
          </Field>
          <Field label={t('designFields.margin')} hint={t('outputs.marginHint')} error={fieldError('design.margin')}>
            {(p) => (
              <input
                {...p}
                type="number"
                min={0}
                max={20}
                step={1}
                value={d.margin}
                onChange={(e) => wizard.setDesign({ margin: e.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </fieldset>
  );
}

function BarcodeStyleFields() {
  const { t } = useTranslation('batch');
  const s = useBatchWizard((x) => x.barcodeStyle);
  const fieldError = useFieldError();
  return (
    <fieldset>
      <legend>{t('outputs.barcodeStyle')}</legend>
      <div className="batch-grid batch-grid-2">
        <Field label={t('outputs.barColor')} error={fieldError('barcodeStyle.barColor')}>
          {(p) => (
            <input
              {...p}
              type="color"
              value={s.barColor.toLowerCase()}
              onChange={(e) => wizard.setBarcodeStyle({ barColor: e.target.value })}
            />
          )}
        </Field>
        <Field label={t('designFields.backgroundColor')} error={fieldError('barcodeStyle.backgroundColor')}>
          {(p) => (
            <input
              {...p}
              type="color"
              value={s.backgroundColor.toLowerCase()}
              onChange={(e) => wizard.setBarcodeStyle({ backgroundColor: e.target.value })}
            />
          )}
        </Field>
      </div>
      <label className="batch-choice batch-choice-block">
        <input
          type="checkbox"
          checked={s.showText}
          onChange={(e) => wizard.setBarcodeStyle({ showText: e.target.checked })}
        />
        {t('outputs.showText')}
      </label>
    </fieldset>
  );
}
