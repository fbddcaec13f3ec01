import { ImagePlus, Trash2 } from 'lucide-react';
import { memo, useEffect, useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CORNER_DOT_STYLES,
  CORNER_SQUARE_STYLES,
  DOT_STYLES,
  ERROR_CORRECTION_LEVELS,
  SHAPES,
  type Design,
} from '../../../../src-shared/schemas/design';
import { ASSET_MEDIA_TYPES } from '../../../../src-shared/schemas/assets';
import { assetsApi } from '../../api/assets';
import { Field } from '../../components/Field';
import { logoImage } from '../../render/qr-preview';
import { notify } from '../../state/toasts';
import { formatNumber } from '../../utils/format';
import { ColorField, OptionalColorField } from './ColorField';
import { GradientEditor } from './GradientEditor';
import { editDesign, useDesigner } from './store';

interface Props {
  design: Design;
  errorAt(path: string): string | undefined;
  /** False for a read-only key: everything shows, nothing uploads. */
  canWrite: boolean;
}

function Section({ title, children, open }: { title: string; children: ReactNode; open?: boolean }) {
  return (
    <details className="designer-section" open={open}>
      <summary>
        <h3>{title}</h3>
      </summary>
      <div className="designer-section-body">{children}</div>
    </details>
  );
}

/** Every option of the design schema, grouped in collapsible sections (memoised: typing content skips it). */
export const DesignControls = memo(function DesignControls({ design, errorAt, canWrite }: Props) {
  const { t } = useTranslation('designer');
  return (
    <div className="designer-sections">
      <Section title={t('design.sections.colors')} open>
        <div className="designer-grid-2">
          <ColorField
            label={t('design.foreground')}
            value={design.foregroundColor}
            onChange={(foregroundColor) => editDesign('foregroundColor', { foregroundColor })}
            error={errorAt('design.foregroundColor')}
          />
          <ColorField
            label={t('design.background')}
            value={design.backgroundColor}
            onChange={(backgroundColor) => editDesign('backgroundColor', { backgroundColor })}
            error={errorAt('design.backgroundColor')}
          />
        </div>
        <label className="designer-check">
          <input
            type="checkbox"
            checked={design.transparentBackground}
            onChange={(e) => editDesign('transparentBackground', { transparentBackground: e.target.checked })}
          />
          <span>{t('design.transparent')}</span>
        </label>
        <p className="field-hint designer-check-hint">{t('design.transparentHint')}</p>
        <div className="designer-grid-2">
          <OptionalColorField
            label={t('design.cornerSquareColor')}
            followsLabel={t('design.sameAsDots')}
            value={design.cornerSquareColor}
            fallback={design.foregroundColor}
            onChange={(cornerSquareColor) => editDesign('cornerSquareColor', { cornerSquareColor })}
            error={errorAt('design.cornerSquareColor')}
          />
          <OptionalColorField
            label={t('design.cornerDotColor')}
            followsLabel={t('design.sameAsCornerSquares')}
            value={design.cornerDotColor}
            fallback={design.cornerSquareColor ?? design.foregroundColor}
            onChange={(cornerDotColor) => editDesign('cornerDotColor', { cornerDotColor })}
            error={errorAt('design.cornerDotColor')}
          />
        </div>
      </Section>

      <Section title={t('design.sections.style')}>
        <div className="designer-grid-2">
          <StyleSelect
            label={t('design.dotStyle')}
            value={design.dotStyle}
            options={DOT_STYLES}
            names="design.dotStyles"
            onChange={(dotStyle) => editDesign('dotStyle', { dotStyle })}
          />
          <StyleSelect
            label={t('design.cornerSquareStyle')}
            value={design.cornerSquareStyle}
            options={CORNER_SQUARE_STYLES}
            names="design.cornerSquareStyles"
            onChange={(cornerSquareStyle) => editDesign('cornerSquareStyle', { cornerSquareStyle })}
          />
          <StyleSelect
            label={t('design.cornerDotStyle')}
            value={design.cornerDotStyle}
            options={CORNER_DOT_STYLES}
            names="design.cornerDotStyles"
            onChange={(cornerDotStyle) => editDesign('cornerDotStyle', { cornerDotStyle })}
          />
        </div>
        <fieldset className="designer-segmented">
          <legend>{t('design.shape')}</legend>
          {SHAPES.map((shape) => (
            <label key={shape}>
              <input
                type="radio"
                name="designer-shape"
                value={shape}
                checked={design.shape === shape}
                onChange={() => editDesign('shape', { shape })}
              />
              <span>{t(`design.shapes.${shape}`)}</span>
            </label>
          ))}
        </fieldset>
        <p className="field-hint">{t('design.shapeHint')}</p>
      </Section>

      <Section title={t('design.sections.gradients')}>
        <GradientEditor
          label={t('design.gradients.dots')}
          value={design.gradient}
          baseColor={design.foregroundColor}
          onChange={(gradient) => editDesign('gradient', { gradient })}
          error={errorAt('design.gradient') ?? errorAt('design.gradient.colorStops')}
        />
        <GradientEditor
          label={t('design.gradients.background')}
          value={design.backgroundGradient}
          baseColor={design.backgroundColor}
          onChange={(backgroundGradient) => editDesign('backgroundGradient', { backgroundGradient })}
          error={errorAt('design.backgroundGradient') ?? errorAt('design.backgroundGradient.colorStops')}
        />
        <GradientEditor
          label={t('design.gradients.cornerSquares')}
          value={design.cornerSquareGradient}
          baseColor={design.cornerSquareColor ?? design.foregroundColor}
          onChange={(cornerSquareGradient) => editDesign('cornerSquareGradient', { cornerSquareGradient })}
          error={errorAt('design.cornerSquareGradient') ?? errorAt('design.cornerSquareGradient.colorStops')}
        />
        <GradientEditor
          label={t('design.gradients.cornerDots')}
          value={design.cornerDotGradient}
          baseColor={design.cornerDotColor ?? design.cornerSquareColor ?? design.foregroundColor}
          onChange={(cornerDotGradient) => editDesign('cornerDotGradient', { cornerDotGradient })}
          error={errorAt('design.cornerDotGradient') ?? errorAt('design.cornerDotGradient.colorStops')}
        />
      </Section>

      <Section title={t('design.sections.logo')}>
        <LogoControl design={design} errorAt={errorAt} canWrite={canWrite} />
      </Section>

      <Section title={t('design.sections.frame')}>
        <FrameControl design={design} errorAt={errorAt} canWrite={canWrite} />
      </Section>

      <Section title={t('design.sections.reading')}>
        <fieldset className="designer-segmented designer-ec">
          <legend>{t('design.errorCorrection')}</legend>
          {ERROR_CORRECTION_LEVELS.map((level) => (
            <label key={level} title={t(`design.ecLevels.${level}`)}>
              <input
                type="radio"
                name="designer-ec"
                value={level}
                checked={design.errorCorrection === level}
                onChange={() => editDesign('errorCorrection', { errorCorrection: level })}
              />
              <span>{level}</span>
            </label>
          ))}
        </fieldset>
        <p className="field-hint">
          {t(`design.ecLevels.${design.errorCorrection}`)} {t('design.ecHint')}
        </p>
        <MarginControl value={design.margin} error={errorAt('design.margin')} />
      </Section>
    </div>
  );
});

function StyleSelect<T extends string>({
  label,
  value,
  options,
  names,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly T[];
  names: string;
  onChange(value: T): void;
}) {
  const { t } = useTranslation('designer');
  return (
    <Field label={label}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(e.target.value as T)}>
          {options.map((option) => (
            <option key={option} value={option}>
              {t(`${names}.${option}`)}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function MarginControl({ value, error }: { value: number; error?: string | undefined }) {
  const { t } = useTranslation('designer');
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{t('design.margin')}</label>
      <div className="designer-range">
        <input
          id={id}
          type="range"
          min={0}
          max={20}
          step={1}
          value={value}
          aria-describedby={`${id}-hint`}
          aria-valuetext={t('design.modules', { count: value })}
          onChange={(e) => editDesign('margin', { margin: Number(e.target.value) })}
        />
        <output htmlFor={id}>{t('design.modules', { count: value })}</output>
      </div>
      <p id={`${id}-hint`} className={value < 4 ? 'field-hint designer-warning-text' : 'field-hint'}>
        {value < 4 ? t('design.marginSmall') : t('design.marginHint')}
      </p>
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

const ACCEPT = ASSET_MEDIA_TYPES.join(',');

function LogoControl({ design, errorAt, canWrite }: Props) {
  const { t } = useTranslation('designer');
  const id = useId();
  const [uploading, setUploading] = useState(false);
  const [thumb, setThumb] = useState<string | null>(null);
  const assetId = design.logo?.assetId ?? null;

  useEffect(() => {
    let live = true;
    setThumb(null);
    if (assetId) {
      void logoImage(assetId).then((logo) => {
        if (live && logo) setThumb(`data:${logo.mediaType};base64,${logo.base64}`);
      });
    }
    return () => {
      live = false;
    };
  }, [assetId]);

  const upload = async (file: File) => {
    setUploading(true);
    try {
      const asset = await assetsApi.upload(file);
      useDesigner.getState().edit('design.logo', (doc) => {
        const raise = doc.design.errorCorrection === 'L' || doc.design.errorCorrection === 'M';
        return {
          ...doc,
          design: {
            ...doc.design,
            // A logo hides modules: the highest level restores the most of them.
            ...(raise ? { errorCorrection: 'H' as const } : {}),
            logo: { assetId: asset.id, size: doc.design.logo?.size ?? 0.25, hideBackgroundDots: true },
          },
        };
      });
      if (design.errorCorrection === 'L' || design.errorCorrection === 'M') notify.info(t('design.logo.raisedEc'));
    } catch (err) {
      notify.error(err);
    } finally {
      setUploading(false);
    }
  };

  const logo = design.logo;
  return (
    <>
      <div className="designer-logo-row">
        <div className="designer-logo-thumb" aria-hidden={!thumb}>
          {thumb ? <img src={thumb} alt={t('design.logo.current')} /> : <ImagePlus size={28} aria-hidden="true" />}
        </div>
        <div className="designer-logo-actions">
          {canWrite && (
            <label className={`button designer-file${uploading ? ' designer-busy' : ''}`} htmlFor={`${id}-file`}>
              <ImagePlus size={16} aria-hidden="true" />
              <span>
                {uploading ? t('design.logo.uploading') : logo ? t('design.logo.replace') : t('design.logo.upload')}
              </span>
              <input
                id={`${id}-file`}
                type="file"
                accept={ACCEPT}
                className="visually-hidden"
                disabled={uploading}
                aria-describedby={`${id}-hint`}
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void upload(file);
                }}
              />
            </label>
          )}
          {logo && (
            <button
              type="button"
              className="danger"
              onClick={() => editDesign('logo', { logo: null })}
              aria-label={t('design.logo.remove')}
            >
              <Trash2 size={16} aria-hidden="true" />
              <span>{t('design.logo.removeShort')}</span>
            </button>
          )}
        </div>
      </div>
      <p id={`${id}-hint`} className="field-hint">
        {t('design.logo.hint')}
      </p>
      {errorAt('design.logo.assetId') && <p className="field-error">{errorAt('design.logo.assetId')}</p>}
      {logo && (
        <>
          <div className="field">
            <label htmlFor={`${id}-size`}>{t('design.logo.size')}</label>
            <div className="designer-range">
              <input
                id={`${id}-size`}
                type="range"
                min={0.1}
                max={0.4}
                step={0.01}
                value={logo.size}
                aria-valuetext={`${Math.round(logo.size * 100)} %`}
                onChange={(e) => editDesign('logo.size', { logo: { ...logo, size: Number(e.target.value) } })}
              />
              <output htmlFor={`${id}-size`}>{formatNumber(Math.round(logo.size * 100))} %</output>
            </div>
            <p className="field-hint">{t('design.logo.sizeHint')}</p>
          </div>
          <label className="designer-check">
            <input
              type="checkbox"
              checked={logo.hideBackgroundDots}
              onChange={(e) =>
                editDesign('logo.hideBackgroundDots', { logo: { ...logo, hideBackgroundDots: e.target.checked } })
              }
            />
            <span>{t('design.logo.hideDots')}</span>
          </label>
        </>
      )}
    </>
  );
}

function FrameControl({ design, errorAt }: Props) {
  const { t } = useTranslation('designer');
  const frame = design.frame;
  return (
    <>
      <label className="designer-check">
        <input
          type="checkbox"
          checked={frame !== null}
          onChange={(e) =>
            editDesign('frame', {
              frame: e.target.checked ? { text: t('design.frame.defaultText'), color: null, textColor: null } : null,
            })
          }
        />
        <span>{t('design.frame.enable')}</span>
      </label>
      {frame && (
        <>
          <Field label={t('design.frame.text')} error={errorAt('design.frame.text')} hint={t('design.frame.textHint')}>
            {(control) => (
              <input
                {...control}
                type="text"
                value={frame.text}
                maxLength={40}
                onChange={(e) => editDesign('frame.text', { frame: { ...frame, text: e.target.value } })}
              />
            )}
          </Field>
          <div className="designer-grid-2">
            <OptionalColorField
              label={t('design.frame.color')}
              followsLabel={t('design.frame.colorFollows')}
              value={frame.color}
              fallback={design.foregroundColor}
              onChange={(color) => editDesign('frame.color', { frame: { ...frame, color } })}
              error={errorAt('design.frame.color')}
            />
            <OptionalColorField
              label={t('design.frame.textColor')}
              followsLabel={t('design.frame.textColorFollows')}
              value={frame.textColor}
              fallback={design.backgroundColor}
              onChange={(textColor) => editDesign('frame.textColor', { frame: { ...frame, textColor } })}
              error={errorAt('design.frame.textColor')}
            />
          </div>
        </>
      )}
    </>
  );
}
