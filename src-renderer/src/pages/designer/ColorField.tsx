import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';

const HEX = /^#[0-9A-Fa-f]{6}$/;

/** "#abc" and "abcdef" are fine to type; they become #AABBCC. */
function normalizeHex(text: string): string | null {
  let s = text.trim();
  if (!s.startsWith('#')) s = `#${s}`;
  if (/^#[0-9A-Fa-f]{3}$/.test(s)) s = `#${[...s.slice(1)].map((c) => c + c).join('')}`;
  return HEX.test(s) ? s.toUpperCase() : null;
}

/**
 * A colour as a picker and as #RRGGBB text, in step: the text commits once it
 * is a colour, and says so when it is not.
 */
export function ColorField({
  label,
  value,
  onChange,
  error,
  hint,
}: {
  label: string;
  value: string;
  onChange(color: string): void;
  error?: string | undefined;
  hint?: string;
}) {
  const { t } = useTranslation('designer');
  const id = useId();
  const [text, setText] = useState(value);
  // Follow the value when it changes from outside (undo, a preset), in the same render.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const invalid = normalizeHex(text) === null;
  const message = invalid ? t('design.hexInvalid') : error;
  const describedBy = [hint ? `${id}-hint` : null, message ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <div className={`field designer-color${message ? ' field-invalid' : ''}`}>
      <label htmlFor={`${id}-text`}>{label}</label>
      <div className="designer-color-controls">
        <input
          type="color"
          value={value.toLowerCase()}
          aria-label={t('design.colorPicker', { label })}
          onChange={(e) => onChange(e.target.value.toUpperCase())}
        />
        <input
          id={`${id}-text`}
          type="text"
          className="designer-hex"
          value={text}
          maxLength={7}
          spellCheck={false}
          autoComplete="off"
          aria-invalid={message ? true : undefined}
          aria-describedby={describedBy || undefined}
          onChange={(e) => {
            setText(e.target.value);
            const hex = normalizeHex(e.target.value);
            if (hex && hex !== value) onChange(hex);
          }}
          onBlur={() => {
            const hex = normalizeHex(text);
            if (hex) setText(hex);
          }}
        />
      </div>
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {message && (
        <p id={`${id}-error`} className="field-error">
          {message}
        </p>
      )}
    </div>
  );
}

/** A colour that may follow another one (null): a checkbox, and the colour when it does not. */
export function OptionalColorField({
  label,
  followsLabel,
  value,
  fallback,
  onChange,
  error,
}: {
  label: string;
  followsLabel: string;
  value: string | null;
  fallback: string;
  onChange(color: string | null): void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <div className="designer-optional-color" role="group" aria-labelledby={id}>
      <span id={id} className="designer-optional-title">
        {label}
      </span>
      <label className="designer-check">
        <input
          type="checkbox"
          checked={value === null}
          onChange={(e) => onChange(e.target.checked ? null : fallback)}
        />
        <span>{followsLabel}</span>
      </label>
      {value !== null && <ColorField label={label} value={value} onChange={onChange} error={error} />}
    </div>
  );
}
