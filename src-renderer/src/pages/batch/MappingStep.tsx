import { Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { BARCODE_LABELS, type BarcodeFormat } from '../../../../src-shared/barcodes';
import { QR_TYPES, type QrType } from '../../../../src-shared/schemas/content';
import { DYNAMIC_TYPES } from '../../../../src-shared/schemas/qrcodes';
import { Field } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { runPreview } from './actions';
import {
  BATCH_BARCODE_FORMATS,
  CONTENT_FIELDS,
  DESIGN_OVERRIDE_FIELDS,
  guessColumn,
  suggestedFormat,
  VALUE_HINTS,
  type DesignOverrideField,
} from './fields';
import { StepError, StepHeading, StepNav, useFieldError } from './parts';
import { columnLabel } from './spec';
import { columnSpec, guessMapping, NONE, useBatchWizard, wizard, type MappingForm } from './store';
import { ValueSourceField } from './ValueSourceField';

const PATTERN_PRESETS = ['{seq:05}', '{seq:05}-{name}', '{name}', '{row}-{name}'];

let nextOverrideId = 1;

export function MappingStep() {
  const { t } = useTranslation('batch');
  const m = useBatchWizard((s) => s.mapping);
  const source = useBatchWizard((s) => s.source);
  const fieldError = useFieldError();
  const [busy, setBusy] = useState(false);
  if (!source) return null;
  const headers = source.headers;
  const columnCount = source.columnCount;
  const sample = source.sample[0];
  const common = { headers, columnCount, sample };
  const columnName = (i: number) => columnLabel(headers, i, (n) => t('columnNumber', { n }));
  const dynamicAllowed = (DYNAMIC_TYPES as readonly string[]).includes(m.type);

  const setType = (type: QrType) => {
    const guessed = guessMapping({ ...m, type }, headers);
    wizard.setMapping({
      type,
      content: guessed.content,
      kind: (DYNAMIC_TYPES as readonly string[]).includes(type) ? m.kind : 'static',
      designOverrides: m.designOverrides,
    });
  };

  const setMode = (mode: MappingForm['mode']) => {
    if (mode === m.mode) return;
    if (mode === 'barcode' && m.value.mode === 'none') {
      // The column that looks most like product numbers.
      let index = guessColumn(headers, VALUE_HINTS, new Set());
      if (index < 0) {
        index =
          Array.from({ length: columnCount }, (_, i) => i).find(
            (i) => suggestedFormat(source.sample.map((r) => r[i] ?? '')) !== null,
          ) ?? -1;
      }
      const value = index >= 0 ? columnSpec(index) : NONE;
      const format = index >= 0 ? suggestedFormat(source.sample.map((r) => r[index] ?? '')) : null;
      wizard.setMapping({ mode, value, ...(format ? { barcodeFormat: format } : {}) });
    } else {
      wizard.setMapping({ mode });
    }
  };

  const valueColumn = m.mode === 'barcode' && m.value.mode === 'column' ? m.value.column : -1;
  const suggestion = valueColumn >= 0 ? suggestedFormat(source.sample.map((r) => r[valueColumn] ?? '')) : null;

  const next = async () => {
    setBusy(true);
    const ok = await runPreview('mapping');
    setBusy(false);
    if (ok) wizard.goTo('preview');
  };

  return (
    <section aria-labelledby="batch-step-mapping" className="batch-step-body">
      <StepHeading step="mapping">{t('mapping.intro', { name: source.name })}</StepHeading>
      <StepError step="mapping" />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void next();
        }}
        noValidate
      >
        <div className="batch-columns">
          <div>
            <fieldset>
              <legend>{t('mapping.what')}</legend>
              <div className="batch-radio-row" role="radiogroup" aria-label={t('mapping.what')}>
                {(['qr', 'barcode'] as const).map((mode) => (
                  <label key={mode} className="batch-choice">
                    <input
                      type="radio"
                      name="batch-mode"
                      value={mode}
                      checked={m.mode === mode}
                      onChange={() => setMode(mode)}
                    />
                    {t(`mapping.modes.${mode}`)}
                  </label>
                ))}
              </div>
              {m.mode === 'qr' ? (
                <>
                  <Field label={t('mapping.type')} error={fieldError('type')}>
                    {(p) => (
                      <select {...p} value={m.type} onChange={(e) => setType(e.target.value as QrType)}>
                        {QR_TYPES.map((type) => (
                          <option key={type} value={type}>
                            {t(`types.${type}`)}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <fieldset className="batch-inner-fieldset">
                    <legend>{t('mapping.kind')}</legend>
                    {(['static', 'dynamic'] as const).map((kind) => (
                      <label key={kind} className="batch-choice batch-choice-block">
                        <input
                          type="radio"
                          name="batch-kind"
                          value={kind}
                          checked={m.kind === kind}
                          disabled={kind === 'dynamic' && !dynamicAllowed}
                          onChange={() => wizard.setMapping({ kind })}
                        />
                        <span>
                          {t(`mapping.kinds.${kind}`)}
                          <span className="muted small batch-choice-hint">
                            {kind === 'dynamic' && !dynamicAllowed
                              ? t('mapping.dynamicNotFor', { type: t(`types.${m.type}`) })
                              : t(`mapping.kindHints.${kind}`)}
                          </span>
                        </span>
                      </label>
                    ))}
                    {fieldError('kind') && <p className="field-error">{fieldError('kind')}</p>}
                  </fieldset>
                </>
              ) : (
                <>
                  <Field label={t('mapping.symbology')} error={fieldError('barcodeFormat')}>
                    {(p) => (
                      <select
                        {...p}
                        value={m.barcodeFormat}
                        onChange={(e) => wizard.setMapping({ barcodeFormat: e.target.value as BarcodeFormat })}
                      >
                        {BATCH_BARCODE_FORMATS.map((f) => (
                          <option key={f} value={f}>
                            {BARCODE_LABELS[f]}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                  {m.barcodeFormat === 'EAN13' && (
                    <label className="batch-choice batch-choice-block">
                      <input
                        type="checkbox"
                        checked={m.upcAsEan13}
                        onChange={(e) => wizard.setMapping({ upcAsEan13: e.target.checked })}
                      />
                      <span>
                        {t('mapping.upcAsEan13')}
                        <span className="muted small batch-choice-hint">{t('mapping.upcAsEan13Hint')}</span>
                      </span>
                    </label>
                  )}
                </>
              )}
            </fieldset>

            <fieldset>
              <legend>{m.mode === 'qr' ? t('mapping.content') : t('mapping.barcodeValue')}</legend>
              {m.mode === 'qr' ? (
                CONTENT_FIELDS[m.type].map((field) => {
                  const path = field.path === '' ? 'mapping.content' : `mapping.content.${field.path}`;
                  return (
                    <ValueSourceField
                      key={`${m.type}:${field.path}`}
                      {...common}
                      label={t(`fields.${m.type}.${field.path || 'value'}`)}
                      required={field.required}
                      value={m.content[field.path] ?? NONE}
                      onChange={(spec) => wizard.setMapping({ content: { ...m.content, [field.path]: spec } })}
                      error={fieldError(path)}
                    />
                  );
                })
              ) : (
                <>
                  <ValueSourceField
                    {...common}
                    label={t('mapping.value')}
                    required
                    value={m.value}
                    onChange={(value) => wizard.setMapping({ value })}
                    error={fieldError('mapping.value')}
                  />
                  {suggestion && suggestion !== m.barcodeFormat && (
                    <p className="batch-suggestion" role="status">
                      {t('mapping.suggestion', { column: columnName(valueColumn), format: BARCODE_LABELS[suggestion] })}{' '}
                      <button type="button" onClick={() => wizard.setMapping({ barcodeFormat: suggestion })}>
                        {t('mapping.useFormat', { format: BARCODE_LABELS[suggestion] })}
                      </button>
                    </p>
                  )}
                </>
              )}
              {fieldError('mapping.content', true) && CONTENT_FIELDS[m.type][0]?.path !== '' && m.mode === 'qr' && (
                <p className="field-error">{fieldError('mapping.content', true)}</p>
              )}
            </fieldset>
          </div>

          <div>
            <fieldset>
              <legend>{t('mapping.naming')}</legend>
              <ValueSourceField
                {...common}
                label={t('mapping.name')}
                noneLabel={t('mapping.nameDefault')}
                value={m.name}
                onChange={(name) => wizard.setMapping({ name })}
                error={fieldError('mapping.name')}
              />
              <Field
                label={t('mapping.fileNamePattern')}
                hint={t('mapping.patternHint')}
                error={fieldError('outputs.fileNamePattern') ?? fieldError('mapping.fileName')}
              >
                {(p) => (
                  <>
                    <input
                      {...p}
                      type="text"
                      list="batch-pattern-presets"
                      spellCheck={false}
                      value={m.fileNamePattern}
                      onChange={(e) => wizard.setMapping({ fileNamePattern: e.target.value })}
                    />
                    <datalist id="batch-pattern-presets">
                      {[...PATTERN_PRESETS, ...(headers?.[0] ? [`{column:${headers[0]}}`] : [])].map((v) => (
                        <option key={v} value={v} />
                      ))}
                    </datalist>
                  </>
                )}
              </Field>
              <ValueSourceField
                {...common}
                label={t('mapping.caption')}
                noneLabel={t('mapping.captionDefault')}
                hint={t('mapping.captionHint')}
                value={m.caption}
                onChange={(caption) => wizard.setMapping({ caption })}
                error={fieldError('mapping.caption')}
              />
            </fieldset>

            <fieldset>
              <legend>{t('mapping.numbering')}</legend>
              <p className="muted small batch-fieldset-hint">{t('mapping.numberingHint')}</p>
              <div className="batch-grid batch-grid-3">
                <Field label={t('mapping.seqStart')} error={fieldError('seq.start')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={0}
                      step={1}
                      inputMode="numeric"
                      value={m.seqStart}
                      onChange={(e) => wizard.setMapping({ seqStart: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('mapping.seqStep')} error={fieldError('seq.step')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={1}
                      step={1}
                      inputMode="numeric"
                      value={m.seqStep}
                      onChange={(e) => wizard.setMapping({ seqStep: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('mapping.seqPadding')} error={fieldError('seq.padding')}>
                  {(p) => (
                    <input
                      {...p}
                      type="number"
                      min={0}
                      max={18}
                      step={1}
                      inputMode="numeric"
                      value={m.seqPadding}
                      onChange={(e) => wizard.setMapping({ seqPadding: e.target.value })}
                    />
                  )}
                </Field>
              </div>
            </fieldset>

            {m.mode === 'qr' && (
              <fieldset>
                <legend>{t('mapping.designOverrides')}</legend>
                <p className="muted small batch-fieldset-hint">{t('mapping.designOverridesHint')}</p>
                {m.designOverrides.map((o, index) => (
                  <div className="batch-override" key={o.id}>
                    <Field label={t('mapping.overrideField')} error={fieldError(`mapping.design.${o.field}`)}>
                      {(p) => (
                        <select
                          {...p}
                          value={o.field}
                          onChange={(e) =>
                            wizard.setMapping({
                              designOverrides: m.designOverrides.map((x, i) =>
                                i === index ? { ...x, field: e.target.value as DesignOverrideField } : x,
                              ),
                            })
                          }
                        >
                          {DESIGN_OVERRIDE_FIELDS.map((f) => (
                            <option key={f} value={f}>
                              {t(`designFields.${f}`)}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <Field label={t('mapping.overrideColumn')}>
                      {(p) => (
                        <select
                          {...p}
                          value={o.column}
                          onChange={(e) =>
                            wizard.setMapping({
                              designOverrides: m.designOverrides.map((x, i) =>
                                i === index ? { ...x, column: Number(e.target.value) } : x,
                              ),
                            })
                          }
                        >
                          {Array.from({ length: columnCount }, (_, i) => (
                            <option key={i} value={i}>
                              {columnName(i)}
                            </option>
                          ))}
                        </select>
                      )}
                    </Field>
                    <button
                      type="button"
                      className="icon-button batch-override-remove"
                      aria-label={t('mapping.removeOverride', { field: t(`designFields.${o.field}`) })}
                      onClick={() =>
                        wizard.setMapping({ designOverrides: m.designOverrides.filter((_, i) => i !== index) })
                      }
                    >
                      <Trash2 size={16} aria-hidden="true" />
                    </button>
                  </div>
                ))}
                <button
                  type="button"
                  onClick={() => {
                    const used = new Set(m.designOverrides.map((o) => o.field));
                    const field = DESIGN_OVERRIDE_FIELDS.find((f) => !used.has(f)) ?? 'foregroundColor';
                    const guess = guessColumn(headers, ['colour', 'color', 'couleur', field.toLowerCase()], new Set());
                    wizard.setMapping({
                      designOverrides: [
                        ...m.designOverrides,
                        { id: nextOverrideId++, field, column: guess >= 0 ? guess : 0 },
                      ],
                    });
                  }}
                >
                  <Plus size={16} aria-hidden="true" />
                  {t('mapping.addOverride')}
                </button>
              </fieldset>
            )}
          </div>
        </div>
        {busy && <ProgressBar label={t('mapping.checking')} />}
        <StepNav>
          <button type="button" onClick={() => wizard.goTo('upload')}>
            {t('common:actions.back')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('mapping.next')}
          </button>
        </StepNav>
      </form>
    </section>
  );
}
