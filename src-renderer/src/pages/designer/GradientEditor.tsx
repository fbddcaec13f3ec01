import { Plus, Trash2 } from 'lucide-react';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import type { Gradient } from '../../../../src-shared/schemas/design';
import { formatNumber } from '../../utils/format';
import { ColorField } from './ColorField';

export type GradientValue = z.output<typeof Gradient>;

const MAX_STOPS = 5;
const round = (n: number, digits = 4) => Number(n.toFixed(digits));
const toDegrees = (rad: number) => Math.round((rad * 180) / Math.PI);
const toRadians = (deg: number) => round((deg * Math.PI) / 180, 6);

/** A gradient (linear or radial, rotation, 2-5 stops), or none: a checkbox turns it on. */
export function GradientEditor({
  label,
  value,
  baseColor,
  onChange,
  error,
}: {
  label: string;
  value: GradientValue | null;
  /** The first stop's colour when the gradient is turned on. */
  baseColor: string;
  onChange(gradient: GradientValue | null): void;
  error?: string | undefined;
}) {
  const { t } = useTranslation('designer');
  const id = useId();
  const setStop = (i: number, patch: Partial<GradientValue['colorStops'][number]>) =>
    value && onChange({ ...value, colorStops: value.colorStops.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  return (
    <div className="designer-gradient" role="group" aria-labelledby={`${id}-title`}>
      <label className="designer-check">
        <input
          type="checkbox"
          checked={value !== null}
          onChange={(e) =>
            onChange(
              e.target.checked
                ? {
                    type: 'linear',
                    rotation: 0,
                    colorStops: [
                      { offset: 0, color: baseColor },
                      { offset: 1, color: baseColor === '#1D6FA3' ? '#0B3C5D' : '#1D6FA3' },
                    ],
                  }
                : null,
            )
          }
        />
        <span id={`${id}-title`}>{label}</span>
      </label>
      {value && (
        <div className="designer-gradient-body">
          <div className="designer-grid-2">
            <div className="field">
              <label htmlFor={`${id}-type`}>{t('design.gradient.type')}</label>
              <select
                id={`${id}-type`}
                value={value.type}
                onChange={(e) => onChange({ ...value, type: e.target.value as GradientValue['type'] })}
              >
                <option value="linear">{t('design.gradient.linear')}</option>
                <option value="radial">{t('design.gradient.radial')}</option>
              </select>
            </div>
            {value.type === 'linear' && (
              <div className="field">
                <label htmlFor={`${id}-rotation`}>{t('design.gradient.rotation')}</label>
                <div className="designer-range">
                  <input
                    id={`${id}-rotation`}
                    type="range"
                    min={0}
                    max={360}
                    step={5}
                    value={((toDegrees(value.rotation) % 360) + 360) % 360}
                    aria-valuetext={t('design.gradient.degrees', { n: toDegrees(value.rotation) })}
                    onChange={(e) => onChange({ ...value, rotation: toRadians(Number(e.target.value)) })}
                  />
                  <output htmlFor={`${id}-rotation`}>
                    {t('design.gradient.degrees', { n: formatNumber(((toDegrees(value.rotation) % 360) + 360) % 360) })}
                  </output>
                </div>
              </div>
            )}
          </div>
          <ol className="designer-stops" aria-label={t('design.gradient.stops')}>
            {value.colorStops.map((stop, i) => {
              const min = i === 0 ? 0 : Math.round(value.colorStops[i - 1]!.offset * 100);
              const max = i === value.colorStops.length - 1 ? 100 : Math.round(value.colorStops[i + 1]!.offset * 100);
              return (
                <li key={i} className="designer-stop">
                  <ColorField
                    label={t('design.gradient.stopColor', { n: i + 1 })}
                    value={stop.color}
                    onChange={(color) => setStop(i, { color })}
                  />
                  <div className="field designer-stop-offset">
                    <label htmlFor={`${id}-offset-${i}`}>{t('design.gradient.stopOffset', { n: i + 1 })}</label>
                    <input
                      id={`${id}-offset-${i}`}
                      type="number"
                      min={min}
                      max={max}
                      step={1}
                      value={Math.round(stop.offset * 100)}
                      onChange={(e) => {
                        const n = Number(e.target.value);
                        if (Number.isFinite(n)) setStop(i, { offset: Math.min(max, Math.max(min, n)) / 100 });
                      }}
                    />
                  </div>
                  <button
                    type="button"
                    className="icon-button designer-remove"
                    disabled={value.colorStops.length <= 2}
                    aria-label={t('design.gradient.removeStop', { n: i + 1 })}
                    title={t('design.gradient.removeStop', { n: i + 1 })}
                    onClick={() => onChange({ ...value, colorStops: value.colorStops.filter((_, j) => j !== i) })}
                  >
                    <Trash2 size={16} aria-hidden="true" />
                  </button>
                </li>
              );
            })}
          </ol>
          {value.colorStops.length < MAX_STOPS && (
            <button
              type="button"
              onClick={() => {
                const stops = value.colorStops;
                const last = stops.at(-1)!;
                const before = stops.at(-2)!;
                const inserted = { offset: round((before.offset + last.offset) / 2), color: before.color };
                onChange({ ...value, colorStops: [...stops.slice(0, -1), inserted, last] });
              }}
            >
              <Plus size={16} aria-hidden="true" />
              {t('design.gradient.addStop')}
            </button>
          )}
          {error && <p className="field-error">{error}</p>}
        </div>
      )}
    </div>
  );
}
