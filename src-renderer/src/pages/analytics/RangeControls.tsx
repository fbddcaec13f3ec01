import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GRANULARITIES, type Granularity } from '../../../../src-shared/schemas/analytics';
import { ApiError } from '../../api/http';
import { Field } from '../../components/Field';
import {
  allowedGranularity,
  dayString,
  defaultGranularity,
  PRESETS,
  rangeDays,
  spanDays,
  today,
  validateCustom,
  type Preset,
  type RangeProblem,
  type RangeState,
} from './range';

/** The first and last day a preset covers, to start a custom range from. */
function presetDays(state: RangeState): { from: string; to: string } {
  if (state.preset === 'custom' && state.from && state.to) return { from: state.from, to: state.to };
  const end = new Date();
  const start = new Date(end.getFullYear(), end.getMonth(), end.getDate() - (Number(state.preset) - 1));
  return { from: dayString(start), to: dayString(end) };
}

/** Period (7/30/90 days or custom dates), granularity and the bots toggle; the state lives in the URL. */
export function RangeControls({
  range,
  onChange,
  error,
}: {
  range: RangeState;
  onChange(next: RangeState): void;
  /** The API's answer to the last request, for a message next to the date that caused it. */
  error: unknown;
}) {
  const { t } = useTranslation('analytics');
  const name = useId();
  const [customOpen, setCustomOpen] = useState(range.preset === 'custom');
  const [draft, setDraft] = useState(() => presetDays(range));
  const [problems, setProblems] = useState<{ from?: RangeProblem; to?: RangeProblem }>({});

  // Follow the URL (back/forward, links, the empty state's buttons): a custom range there opens the form.
  useEffect(() => {
    setCustomOpen(range.preset === 'custom');
    if (range.preset === 'custom') setDraft(presetDays(range));
    setProblems({});
  }, [range.preset, range.from, range.to]);

  const selected: Preset = customOpen ? 'custom' : range.preset;
  const days = rangeDays(range);

  const choosePreset = (preset: Preset) => {
    if (preset === 'custom') {
      setDraft(presetDays(range));
      setCustomOpen(true);
      return;
    }
    setCustomOpen(false);
    onChange({
      ...range,
      preset,
      from: null,
      to: null,
      granularity: defaultGranularity(Number(preset)),
      granularityChosen: false,
    });
  };

  const applyCustom = () => {
    const found = validateCustom(draft.from, draft.to);
    setProblems(found);
    if (found.from || found.to) return;
    onChange({
      ...range,
      preset: 'custom',
      from: draft.from,
      to: draft.to,
      granularity: defaultGranularity(spanDays(draft.from, draft.to)),
      granularityChosen: false,
    });
  };

  const apiError = error instanceof ApiError ? error : null;
  const message = (field: 'from' | 'to') =>
    problems[field] ? t(`range.problem.${problems[field]}`) : (apiError?.fieldMessage(field) ?? undefined);

  return (
    <div className="analytics-range">
      <fieldset className="analytics-segments">
        <legend>{t('range.period')}</legend>
        <div className="analytics-segment-group">
          {PRESETS.map((preset) => (
            <label key={preset} className="analytics-segment">
              <input
                type="radio"
                name={`${name}-period`}
                value={preset}
                checked={selected === preset}
                onChange={() => choosePreset(preset)}
              />
              <span>{t(`range.preset.${preset}`)}</span>
            </label>
          ))}
        </div>
      </fieldset>

      {customOpen && (
        <form
          className="analytics-custom"
          noValidate
          aria-label={t('range.customLabel')}
          onSubmit={(e) => {
            e.preventDefault();
            applyCustom();
          }}
        >
          <Field label={t('range.from')} error={message('from')}>
            {(p) => (
              <input
                {...p}
                type="date"
                value={draft.from}
                max={draft.to || today()}
                onChange={(e) => setDraft({ ...draft, from: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('range.to')} error={message('to')}>
            {(p) => (
              <input
                {...p}
                type="date"
                value={draft.to}
                min={draft.from || undefined}
                max={today()}
                onChange={(e) => setDraft({ ...draft, to: e.target.value })}
              />
            )}
          </Field>
          <button type="submit" className="primary">
            {t('range.apply')}
          </button>
        </form>
      )}

      <div className="analytics-range-options">
        <Field label={t('range.granularity')} className="analytics-granularity">
          {(p) => (
            <select
              {...p}
              value={range.granularity}
              onChange={(e) =>
                onChange({ ...range, granularity: e.target.value as Granularity, granularityChosen: true })
              }
            >
              {GRANULARITIES.map((g) => (
                <option key={g} value={g} disabled={!allowedGranularity(g, days)}>
                  {t(`range.by.${g}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="analytics-toggle">
          <input
            type="checkbox"
            role="switch"
            checked={range.includeBots}
            onChange={(e) => onChange({ ...range, includeBots: e.target.checked })}
          />
          <span>{t('range.includeBots')}</span>
        </label>
      </div>
    </div>
  );
}
