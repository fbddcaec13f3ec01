import { TriangleAlert } from 'lucide-react';
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { TRUST_PROXY_MODES, type UpdateSettingsInput } from '../../../../src-shared/schemas/settings';
import { settingsApi } from '../../api/settings';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formErrors } from './form-errors';
import { NeedsAdmin, Section } from './Section';
import { useSettingsStore } from './settings-store';

/** Sends one change; the API's refusal comes back for the form to show next to its field. */
function useSave(field: keyof UpdateSettingsInput) {
  const setSettings = useSettingsStore((s) => s.set);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const save = async (input: UpdateSettingsInput, done: string): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      setSettings(await settingsApi.update(input));
      notify.success(done);
      return true;
    } catch (err) {
      setError(err);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors: formErrors(error, [field]), save, clear: () => setError(null) };
}

export function PublicAddressSection() {
  const { t } = useTranslation('settings');
  const admin = hasScope(
    useSession((s) => s.who),
    'admin',
  );
  const { settings, error, load } = useSettingsStore();

  useEffect(() => {
    if (admin) void load();
  }, [admin, load]);

  return (
    <Section id="public-address" title={t('sections.public-address')} intro={t('address.intro')}>
      <NeedsAdmin what={t('address.what')} />
      {admin && (
        <>
          {error && !settings ? <ErrorMessage error={error} onRetry={() => void load()} /> : null}
          {!settings && !error && (
            <p className="muted" role="status">
              {t('common:status.loading')}
            </p>
          )}
          {settings && (
            <>
              <BaseUrlForm current={settings.publicBaseUrl} />
              <TrustProxyForm current={settings.trustProxy} />
              <CityDbForm current={settings.geoCityDbPath} />
            </>
          )}
        </>
      )}
    </Section>
  );
}

function BaseUrlForm({ current }: { current: string }) {
  const { t } = useTranslation('settings');
  const [value, setValue] = useState(current);
  const { busy, errors, save, clear } = useSave('publicBaseUrl');
  // The tunnel sets the base URL when it comes up: follow it unless the user is typing.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (!edited) setValue(current);
  }, [current, edited]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (await save({ publicBaseUrl: value }, t('address.baseUrl.saved'))) setEdited(false);
  };

  return (
    <form className="settings-subsection" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('address.baseUrl.title')}</h3>
      <div className="settings-callout warning" data-testid="printed-codes-warning">
        <TriangleAlert size={18} aria-hidden="true" />
        <p>
          <strong>{t('address.baseUrl.warningTitle')}</strong> {t('address.baseUrl.warning')}
        </p>
      </div>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <div className="settings-field-row">
        <Field
          className="settings-grow"
          label={t('address.baseUrl.label')}
          hint={t('address.baseUrl.hint', { current })}
          error={errors.field('publicBaseUrl')}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              value={value}
              onChange={(e) => {
                setValue(e.target.value);
                setEdited(true);
                clear();
              }}
            />
          )}
        </Field>
        <div className="settings-field-actions">
          <button type="submit" className="primary" disabled={busy || value.trim() === current}>
            {busy ? t('common:status.saving') : t('common:actions.save')}
          </button>
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              void save({ publicBaseUrl: null }, t('address.baseUrl.resetDone')).then((ok) => ok && setEdited(false))
            }
          >
            {t('address.baseUrl.reset')}
          </button>
        </div>
      </div>
    </form>
  );
}

function TrustProxyForm({ current }: { current: (typeof TRUST_PROXY_MODES)[number] }) {
  const { t } = useTranslation('settings');
  const [value, setValue] = useState(current);
  const { busy, errors, save } = useSave('trustProxy');
  const hintId = useId();
  useEffect(() => setValue(current), [current]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await save({ trustProxy: value }, t('address.trustProxy.saved'));
  };

  return (
    <form className="settings-subsection" onSubmit={(e) => void submit(e)}>
      <h3>{t('address.trustProxy.title')}</h3>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <fieldset className="settings-radio-group" aria-describedby={hintId}>
        <legend>{t('address.trustProxy.legend')}</legend>
        {TRUST_PROXY_MODES.map((mode) => (
          <label key={mode} className="settings-radio">
            <input
              type="radio"
              name="trustProxy"
              value={mode}
              checked={value === mode}
              onChange={() => setValue(mode)}
            />
            <span>
              <strong>{t(`address.trustProxy.modes.${mode}.label`)}</strong>
              <span className="muted small">{t(`address.trustProxy.modes.${mode}.hint`)}</span>
            </span>
          </label>
        ))}
        <p id={hintId} className="field-hint">
          {t('address.trustProxy.hint')}
        </p>
        {errors.field('trustProxy') && <p className="field-error">{errors.field('trustProxy')}</p>}
      </fieldset>
      <button type="submit" className="primary" disabled={busy || value === current}>
        {busy ? t('common:status.saving') : t('common:actions.save')}
      </button>
    </form>
  );
}

function CityDbForm({ current }: { current: string | null }) {
  const { t } = useTranslation('settings');
  const [value, setValue] = useState(current ?? '');
  const { busy, errors, save, clear } = useSave('geoCityDbPath');
  useEffect(() => setValue(current ?? ''), [current]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const path = value.trim();
    await save({ geoCityDbPath: path === '' ? null : path }, t('address.cityDb.saved'));
  };

  return (
    <form className="settings-subsection" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('address.cityDb.title')}</h3>
      <p className="muted small">{current ? t('address.cityDb.on') : t('address.cityDb.off')}</p>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <div className="settings-field-row">
        <Field
          className="settings-grow"
          label={t('address.cityDb.label')}
          hint={t('address.cityDb.hint')}
          error={errors.field('geoCityDbPath')}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder={t('address.cityDb.placeholder')}
              value={value}
              onChange={(e) => {
                setValue(e.target.value);
                clear();
              }}
            />
          )}
        </Field>
        <div className="settings-field-actions">
          <button type="submit" className="primary" disabled={busy || value.trim() === (current ?? '')}>
            {busy ? t('common:status.saving') : t('common:actions.save')}
          </button>
          {current && (
            <button
              type="button"
              disabled={busy}
              onClick={() => void save({ geoCityDbPath: null }, t('address.cityDb.turnedOff'))}
            >
              {t('address.cityDb.turnOff')}
            </button>
          )}
        </div>
      </div>
    </form>
  );
}
