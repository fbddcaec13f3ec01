import { useTranslation } from 'react-i18next';
import { Field } from '../../components/Field';
import { columnLabel } from './spec';
import type { ValueSpec } from './store';

/**
 * Where one value comes from: a column of the file, fixed text, or a
 * template mixing text, columns and numbers ({column:sku}, {seq}).
 */
export function ValueSourceField({
  label,
  value,
  onChange,
  headers,
  columnCount,
  sample,
  required = false,
  allowText = true,
  noneLabel,
  hint,
  error,
  textError,
}: {
  label: string;
  value: ValueSpec;
  onChange(next: ValueSpec): void;
  headers: readonly string[] | null;
  columnCount: number;
  /** The first data row, to show an example value next to each column. */
  sample?: readonly string[];
  required?: boolean;
  allowText?: boolean;
  noneLabel?: string;
  hint?: string;
  error?: string;
  textError?: string;
}) {
  const { t } = useTranslation('batch');
  const selected = value.mode === 'column' ? `col:${value.column}` : value.mode;
  const example = value.mode === 'column' ? sample?.[value.column] : undefined;
  return (
    <div className="batch-value-source">
      <Field
        label={
          <>
            {label}
            {required && <span className="batch-required"> ({t('mapping.required')})</span>}
          </>
        }
        hint={example !== undefined && example !== '' ? t('mapping.example', { value: example }) : hint}
        error={value.mode === 'column' || value.mode === 'none' ? error : undefined}
      >
        {(p) => (
          <select
            {...p}
            value={selected}
            onChange={(e) => {
              const v = e.target.value;
              if (v.startsWith('col:')) onChange({ ...value, mode: 'column', column: Number(v.slice(4)) });
              else onChange({ ...value, mode: v as ValueSpec['mode'] });
            }}
          >
            <option value="none">{noneLabel ?? (required ? t('mapping.chooseColumn') : t('mapping.notUsed'))}</option>
            <optgroup label={t('mapping.columns')}>
              {Array.from({ length: columnCount }, (_, i) => (
                <option key={i} value={`col:${i}`}>
                  {columnLabel(headers, i, (n) => t('columnNumber', { n }))}
                </option>
              ))}
            </optgroup>
            {allowText && (
              <optgroup label={t('mapping.other')}>
                <option value="const">{t('mapping.fixedText')}</option>
                <option value="template">{t('mapping.template')}</option>
              </optgroup>
            )}
          </select>
        )}
      </Field>
      {(value.mode === 'const' || value.mode === 'template') && (
        <Field
          label={
            value.mode === 'const'
              ? t('mapping.fixedTextFor', { field: label })
              : t('mapping.templateFor', { field: label })
          }
          hint={value.mode === 'template' ? t('mapping.templateHint') : undefined}
          error={textError ?? error}
          className="batch-value-text"
        >
          {(p) => (
            <input
              {...p}
              type="text"
              value={value.text}
              spellCheck={false}
              onChange={(e) => onChange({ ...value, text: e.target.value })}
            />
          )}
        </Field>
      )}
    </div>
  );
}
