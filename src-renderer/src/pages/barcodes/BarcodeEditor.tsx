import { CheckCircle2, Loader2, Plus, Save, TriangleAlert, XCircle } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { CreateBarcodeInput } from '../../../../src-shared/schemas/barcodes';
import { barcodesApi } from '../../api/barcodes';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { notify } from '../../state/toasts';
import { BARCODE_LABELS, EXAMPLE_VALUES, FORMAT_GROUPS, HAS_CHECK_DIGIT, isBarcodeFormat, isLinear } from './formats';
import type { CheckState } from './hooks';
import { useBarcodes, type BarcodeDraft } from './store';

/** Fields the API may name in a refusal, as the editor shows them. */
type FieldName = 'name' | 'format' | 'value' | 'sku' | 'price' | 'category' | 'options';
const FIELD_OF_PATH: Record<string, FieldName> = {
  name: 'name',
  format: 'format',
  value: 'value',
  sku: 'sku',
  price: 'price',
  category: 'category',
};
const fieldOf = (path: string): FieldName | undefined =>
  FIELD_OF_PATH[path] ?? (path.startsWith('options') ? 'options' : undefined);

/** Relative luminance of #rrggbb (WCAG). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Scanners read dark bars on a light ground, with enough contrast between them. */
function colourProblem(bar: string, background: string): 'inverted' | 'contrast' | null {
  const lb = luminance(bar);
  const lg = luminance(background);
  if (lb > lg) return 'inverted';
  if ((lg + 0.05) / (lb + 0.05) < 3) return 'contrast';
  return null;
}

export function BarcodeEditor({ check, canWrite }: { check: CheckState; canWrite: boolean }) {
  const { t } = useTranslation('barcodes');
  const draft = useBarcodes((s) => s.draft);
  const editing = useBarcodes((s) => s.editing);
  const editorSerial = useBarcodes((s) => s.editorSerial);
  const { setDraft, startNew, saved } = useBarcodes.getState();
  const [saving, setSaving] = useState(false);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [saveError, setSaveError] = useState<unknown>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  // Opening a saved barcode (or starting a new one) brings the editor into view with the focus on it.
  useEffect(() => {
    setFieldErrors({});
    setSaveError(null);
    if (editorSerial === 0) return;
    heading.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    heading.current?.focus({ preventScroll: true });
  }, [editorSerial]);

  const change = (patch: Partial<BarcodeDraft>) => {
    setDraft(patch);
    const touched = Object.keys(patch).map((k) =>
      ['showText', 'quietZone', 'barColor', 'textColor', 'backgroundColor'].includes(k) ? 'options' : k,
    );
    if (touched.some((k) => k in fieldErrors)) {
      setFieldErrors((errors) => Object.fromEntries(Object.entries(errors).filter(([k]) => !touched.includes(k))));
    }
  };

  const linear = isLinear(draft.format);
  // The last verdict stays (dimmed) while the next one is on its way, so the field does not flicker as one types.
  const verdict = check.status !== 'idle' ? check.result : null;
  const checkFailure = check.status !== 'idle' ? check.error : null;
  const valueError =
    (verdict && !verdict.valid ? verdict.message : undefined) ??
    (checkFailure instanceof ApiError ? (checkFailure.fieldMessage('value') ?? checkFailure.message) : undefined) ??
    fieldErrors.value;
  const colours = colourProblem(draft.barColor, draft.backgroundColor);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!canWrite || saving) return;
    setSaving(true);
    setSaveError(null);
    setFieldErrors({});
    const body: CreateBarcodeInput = {
      name: draft.name,
      format: draft.format,
      value: draft.value,
      options: {
        showText: linear ? draft.showText : undefined,
        quietZone: draft.quietZone,
        barColor: draft.barColor,
        textColor: linear && draft.textColor ? draft.textColor : undefined,
        backgroundColor: draft.backgroundColor,
      },
      sku: draft.sku.trim() || null,
      // A decimal comma (as French keyboards type it) is the API's decimal point.
      price: draft.price.trim().replace(',', '.') || null,
      category: draft.category.trim() || null,
    };
    try {
      const barcode = editing ? await barcodesApi.update(editing.id, body) : await barcodesApi.create(body);
      saved(barcode, !editing);
      notify.success(
        editing ? t('editor.updated', { name: barcode.name }) : t('editor.created', { name: barcode.name }),
      );
    } catch (err) {
      const mapped: Partial<Record<FieldName, string>> = {};
      if (err instanceof ApiError) {
        for (const d of err.details) {
          const field = fieldOf(d.path);
          if (field) mapped[field] ??= d.message;
        }
      }
      setFieldErrors(mapped);
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  const unmapped = saveError !== null && Object.keys(fieldErrors).length === 0;

  return (
    <form className="card barcodes-editor" onSubmit={submit} noValidate aria-labelledby="barcodes-editor-title">
      <div className="barcodes-editor-head">
        <h2 id="barcodes-editor-title" ref={heading} tabIndex={-1}>
          {editing ? t('editor.editTitle', { name: editing.name }) : t('editor.newTitle')}
        </h2>
        {editing && (
          <button type="button" onClick={startNew}>
            <Plus size={16} aria-hidden="true" />
            {t('editor.new')}
          </button>
        )}
      </div>

      <Field label={t('editor.format')} hint={t(`formats.${draft.format}.input`)} error={fieldErrors.format}>
        {(control) => (
          <select
            {...control}
            value={draft.format}
            onChange={(e) => {
              if (isBarcodeFormat(e.target.value)) change({ format: e.target.value });
            }}
          >
            {FORMAT_GROUPS.map((group) => (
              <optgroup key={group.id} label={t(`groups.${group.id}`)}>
                {group.formats.map((f) => (
                  <option key={f} value={f}>
                    {t('editor.formatOption', { label: BARCODE_LABELS[f], description: t(`formats.${f}.description`) })}
                  </option>
                ))}
              </optgroup>
            ))}
          </select>
        )}
      </Field>

      <Field
        label={t('editor.value')}
        error={valueError}
        hint={EXAMPLE_VALUES[draft.format] ? t('editor.example', { value: EXAMPLE_VALUES[draft.format] }) : undefined}
        className="barcodes-value-field"
      >
        {(control) =>
          linear ? (
            <input
              {...control}
              type="text"
              className="barcodes-value-input"
              value={draft.value}
              inputMode={['CODE128', 'CODE39', 'GS1_128'].includes(draft.format) ? 'text' : 'numeric'}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => change({ value: e.target.value })}
            />
          ) : (
            <textarea
              {...control}
              className="barcodes-value-input"
              value={draft.value}
              rows={3}
              spellCheck={false}
              onChange={(e) => change({ value: e.target.value })}
            />
          )
        }
      </Field>
      <CheckReport check={check} />

      <fieldset className="barcodes-fieldset">
        <legend>{t('editor.appearance')}</legend>
        <div className="barcodes-checks">
          <label className="barcodes-check-option">
            <input
              type="checkbox"
              checked={linear && draft.showText}
              disabled={!linear}
              onChange={(e) => change({ showText: e.target.checked })}
            />
            <span>
              {t('editor.showText')}
              {!linear && <span className="muted small"> {t('editor.noTextFor2d')}</span>}
            </span>
          </label>
          <label className="barcodes-check-option">
            <input
              type="checkbox"
              checked={draft.quietZone}
              onChange={(e) => change({ quietZone: e.target.checked })}
            />
            <span>{t('editor.quietZone')}</span>
          </label>
        </div>
        {!draft.quietZone && <p className="barcodes-warning small">{t('editor.quietZoneOff')}</p>}
        <div className="barcodes-colours">
          <ColourField
            label={t('editor.barColor')}
            value={draft.barColor}
            onChange={(barColor) => change({ barColor })}
          />
          <ColourField
            label={t('editor.backgroundColor')}
            value={draft.backgroundColor}
            onChange={(backgroundColor) => change({ backgroundColor })}
          />
          {linear && (
            <div className="barcodes-text-colour">
              <ColourField
                label={t('editor.textColor')}
                value={draft.textColor ?? draft.barColor}
                disabled={draft.textColor === null || !draft.showText}
                onChange={(textColor) => change({ textColor })}
              />
              <label className="barcodes-check-option small">
                <input
                  type="checkbox"
                  checked={draft.textColor === null}
                  disabled={!draft.showText}
                  onChange={(e) => change({ textColor: e.target.checked ? null : draft.barColor })}
                />
                <span>{t('editor.sameAsBars')}</span>
              </label>
            </div>
          )}
        </div>
        {colours && (
          <p className="barcodes-warning small" role="status">
            <TriangleAlert size={16} aria-hidden="true" /> {t(`editor.colours.${colours}`)}
          </p>
        )}
        {fieldErrors.options && <p className="field-error">{fieldErrors.options}</p>}
      </fieldset>

      {canWrite ? (
        <fieldset className="barcodes-fieldset">
          <legend>{t('editor.product')}</legend>
          <div className="barcodes-product">
            <Field label={t('editor.name')} error={fieldErrors.name} className="barcodes-span-2">
              {(control) => (
                <input
                  {...control}
                  type="text"
                  value={draft.name}
                  maxLength={100}
                  autoComplete="off"
                  placeholder={t('editor.namePlaceholder')}
                  onChange={(e) => change({ name: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('editor.sku')} error={fieldErrors.sku}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  value={draft.sku}
                  maxLength={64}
                  autoComplete="off"
                  spellCheck={false}
                  onChange={(e) => change({ sku: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('editor.price')} hint={t('editor.priceHint')} error={fieldErrors.price}>
              {(control) => (
                <input
                  {...control}
                  type="text"
                  inputMode="decimal"
                  value={draft.price}
                  autoComplete="off"
                  onChange={(e) => change({ price: e.target.value })}
                />
              )}
            </Field>
            <Field label={t('editor.category')} error={fieldErrors.category} className="barcodes-span-2">
              {(control) => (
                <input
                  {...control}
                  type="text"
                  value={draft.category}
                  maxLength={50}
                  autoComplete="off"
                  onChange={(e) => change({ category: e.target.value })}
                />
              )}
            </Field>
          </div>
        </fieldset>
      ) : (
        <p className="muted small">{t('editor.readOnly')}</p>
      )}

      {unmapped && <ErrorMessage error={saveError} />}
      {saveError !== null && !unmapped && (
        <p className="field-error" role="alert">
          {t('editor.fixFields')}
        </p>
      )}

      {canWrite && (
        <div className="barcodes-editor-actions">
          {editing && (
            <button type="button" onClick={startNew}>
              {t('common:actions.cancel')}
            </button>
          )}
          <button type="submit" className="primary" disabled={saving}>
            {saving ? (
              <Loader2 size={16} className="barcodes-spin" aria-hidden="true" />
            ) : (
              <Save size={16} aria-hidden="true" />
            )}
            {saving ? t('common:status.saving') : editing ? t('editor.saveChanges') : t('editor.save')}
          </button>
        </div>
      )}
    </form>
  );
}

/** The live verdict under the value: what will be encoded, and the check digit. */
function CheckReport({ check }: { check: CheckState }) {
  const { t } = useTranslation('barcodes');
  const { result, checked } = check;
  const stale = check.status === 'checking';
  let body = null;
  if (check.status === 'idle') {
    body = <span className="muted">{t('check.empty')}</span>;
  } else if (result?.valid && result.normalizedValue !== null && checked) {
    const normalized = result.normalizedValue;
    const digit = result.checkDigit;
    // The check digit ends EAN/UPC/ITF-14 values: marked where it stands.
    const marked =
      digit !== null &&
      checked.format !== 'GS1_128' &&
      HAS_CHECK_DIGIT.has(checked.format) &&
      normalized.endsWith(digit);
    const added = normalized.length > checked.value.trim().length;
    body = (
      <>
        <CheckCircle2 size={18} aria-hidden="true" className="barcodes-ok" />
        <div>
          <div>
            {t('check.encodes')}{' '}
            <code className="barcodes-normalized" data-testid="barcode-normalized">
              {marked ? (
                <>
                  {normalized.slice(0, -1)}
                  <mark>{normalized.slice(-1)}</mark>
                </>
              ) : (
                normalized
              )}
            </code>
          </div>
          {digit !== null && (
            <div className="small">
              {t('check.checkDigit')}{' '}
              <strong className="barcodes-digit" data-testid="barcode-check-digit">
                {digit}
              </strong>{' '}
              <span className="muted">({added ? t('check.added') : t('check.verified')})</span>
            </div>
          )}
        </div>
      </>
    );
  } else if (result && !result.valid) {
    body = (
      <>
        <XCircle size={18} aria-hidden="true" className="barcodes-bad" />
        <div>
          <div>{t('check.invalid')}</div>
          {result.checkDigit !== null && (
            <div className="small">
              {t('check.expected')}{' '}
              <strong className="barcodes-digit" data-testid="barcode-expected-digit">
                {result.checkDigit}
              </strong>
            </div>
          )}
        </div>
      </>
    );
  } else if (check.error) {
    body = (
      <>
        <XCircle size={18} aria-hidden="true" className="barcodes-bad" />
        <span>{t('check.failed')}</span>
      </>
    );
  }
  return (
    <div className="barcodes-check" data-testid="barcode-check" aria-live="polite" aria-busy={stale}>
      {body ? (
        <div className={`barcodes-check-body${stale ? ' barcodes-stale' : ''}`}>{body}</div>
      ) : (
        <span className="muted">
          <Loader2 size={16} className="barcodes-spin" aria-hidden="true" /> {t('check.checking')}
        </span>
      )}
    </div>
  );
}

function ColourField({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: string;
  disabled?: boolean;
  onChange(value: string): void;
}) {
  return (
    <Field label={label} className="barcodes-colour">
      {(control) => (
        <div className="barcodes-colour-control">
          <input
            {...control}
            type="color"
            value={value}
            disabled={disabled}
            onChange={(e) => onChange(e.target.value)}
          />
          <code className="small" aria-hidden="true">
            {value.toUpperCase()}
          </code>
        </div>
      )}
    </Field>
  );
}
