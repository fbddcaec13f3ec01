import { BookmarkPlus, X } from 'lucide-react';
import { memo, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { DEFAULT_DESIGN, type Design } from '../../../../src-shared/schemas/design';
import type { DesignPreset } from '../../../../src-shared/schemas/design-presets';
import { designPresetsApi } from '../../api/design-presets';
import { ApiError } from '../../api/http';
import { confirm } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { qrSvg, svgDataUrl } from '../../render/qr-preview';
import { notify } from '../../state/toasts';
import { useDesigner } from './store';

const SAMPLE = 'https://qrdesk.local/p';

/** A preset's look, drawn by the same engine as the preview (no logo, no caption: a thumbnail). */
function thumbnail(design: Design): string {
  try {
    return svgDataUrl(qrSvg(SAMPLE, { ...design, logo: null, frame: null }, { font: null, logo: null }, 96));
  } catch {
    return '';
  }
}

const sameLook = (a: Design, b: Design) =>
  JSON.stringify({ ...a, logo: null }) === JSON.stringify({ ...b, logo: null });

/** Built-in and saved designs: one click applies one (the logo stays unless the preset has its own). */
export const PresetBar = memo(function PresetBar({ design, canWrite }: { design: Design; canWrite: boolean }) {
  const { t } = useTranslation('designer');
  const [presets, setPresets] = useState<DesignPreset[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);

  const load = () => {
    setError(null);
    designPresetsApi.list().then(
      (list) => setPresets(list.data),
      (err: unknown) => setError(err),
    );
  };
  useEffect(load, []);

  const thumbs = useMemo(() => new Map((presets ?? []).map((p) => [p.id, thumbnail(p.design)])), [presets]);

  const apply = (preset: DesignPreset) =>
    useDesigner.getState().edit(`preset.${preset.id}`, (doc) => ({
      ...doc,
      design: { ...preset.design, logo: preset.design.logo ?? doc.design.logo },
    }));

  const remove = async (preset: DesignPreset) => {
    const name = presetName(preset);
    const ok = await confirm({
      title: t('presets.deleteTitle'),
      message: t('presets.deleteMessage', { name }),
      confirmLabel: t('common:actions.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await designPresetsApi.remove(preset.id);
      setPresets((list) => list?.filter((p) => p.id !== preset.id) ?? null);
      notify.success(t('presets.deleted', { name }));
    } catch (err) {
      notify.error(err);
    }
  };

  const presetName = (preset: DesignPreset) =>
    preset.builtIn ? t(`presets.builtIn.${preset.id}`, { defaultValue: preset.name }) : preset.name;

  return (
    <section className="designer-presets" aria-labelledby="designer-presets-title">
      <div className="designer-presets-head">
        <h3 id="designer-presets-title">{t('presets.title')}</h3>
        {canWrite && (
          <button type="button" onClick={() => dialog.current?.showModal()}>
            <BookmarkPlus size={16} aria-hidden="true" />
            {t('presets.save')}
          </button>
        )}
      </div>
      {error ? (
        <ErrorMessage error={error} onRetry={load} />
      ) : presets === null ? (
        <p className="muted small" role="status">
          {t('common:status.loading')}
        </p>
      ) : (
        <ul className="designer-preset-list">
          {presets.map((preset) => {
            const name = presetName(preset);
            const active = sameLook(preset.design, design);
            return (
              <li key={preset.id} className="designer-preset">
                <button
                  type="button"
                  className="designer-preset-apply"
                  aria-pressed={active}
                  onClick={() => apply(preset)}
                  title={t('presets.apply', { name })}
                >
                  {thumbs.get(preset.id) && <img src={thumbs.get(preset.id)} alt="" width={56} height={56} />}
                  <span>{name}</span>
                </button>
                {!preset.builtIn && canWrite && (
                  <button
                    type="button"
                    className="icon-button designer-preset-delete"
                    aria-label={t('presets.delete', { name })}
                    title={t('presets.delete', { name })}
                    onClick={() => void remove(preset)}
                  >
                    <X size={14} aria-hidden="true" />
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <SavePresetDialog
        dialog={dialog}
        design={design}
        saving={saving}
        onSave={async (name) => {
          setSaving(true);
          try {
            const preset = await designPresetsApi.create({ name, design });
            setPresets((list) => {
              const all = list ?? [];
              const builtIns = all.filter((p) => p.builtIn);
              return [...builtIns, preset, ...all.filter((p) => !p.builtIn)];
            });
            notify.success(t('presets.saved', { name: preset.name }));
            return null;
          } catch (err) {
            return err;
          } finally {
            setSaving(false);
          }
        }}
      />
    </section>
  );
});

function SavePresetDialog({
  dialog,
  design,
  saving,
  onSave,
}: {
  dialog: RefObject<HTMLDialogElement | null>;
  design: Design;
  saving: boolean;
  onSave(name: string): Promise<unknown>;
}) {
  const { t } = useTranslation('designer');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(null);
  const close = () => {
    dialog.current?.close();
    setName('');
    setError(null);
  };
  const nameError = error instanceof ApiError ? error.fieldMessage('name') : undefined;
  return (
    <dialog
      ref={dialog}
      className="dialog designer-dialog"
      aria-labelledby="designer-save-preset-title"
      onClose={() => {
        setName('');
        setError(null);
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void onSave(name.trim()).then((err) => (err ? setError(err) : close()));
        }}
      >
        <h2 id="designer-save-preset-title">{t('presets.saveTitle')}</h2>
        <p className="muted small">
          {design.logo ? t('presets.saveIntroLogo') : t('presets.saveIntro')}
          {JSON.stringify(design) === JSON.stringify(DEFAULT_DESIGN) ? ` ${t('presets.saveDefault')}` : ''}
        </p>
        <Field label={t('presets.name')} error={nameError}>
          {(control) => (
            <input
              {...control}
              type="text"
              value={name}
              maxLength={60}
              required
              autoFocus
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        {error && !nameError ? <ErrorMessage error={error} /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="primary" disabled={saving || name.trim() === ''}>
            {saving ? t('common:status.saving') : t('presets.saveConfirm')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
