import { Play, Square, TriangleAlert } from 'lucide-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  TUNNEL_PROVIDERS,
  type TunnelConfig,
  type TunnelProviderName,
  type TunnelState,
  type TunnelStatus,
  type UpdateTunnelInput,
} from '../../../../src-shared/schemas/tunnel';
import { tunnelApi } from '../../api/tunnel';
import { CopyButton } from '../../components/CopyButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formatDateTime } from '../../utils/format';
import { formErrors } from './form-errors';
import { NeedsAdmin, Section } from './Section';
import { useSettingsStore } from './settings-store';

const STATE_BADGE: Record<TunnelState, string> = {
  stopped: '',
  starting: 'warning',
  up: 'success',
  down: 'warning',
  error: 'danger',
};

/** How often the status is read while the page is open; faster while the tunnel is starting. */
const POLL_MS = 4000;
const POLL_STARTING_MS = 1000;

type TextField =
  | 'customDomainUrl'
  | 'cloudflaredHostname'
  | 'cloudflaredPath'
  | 'ngrokDomain'
  | 'localtunnelServerUrl'
  | 'localtunnelSubdomain';
type SecretField = 'cloudflaredToken' | 'ngrokAuthtoken';

const PROVIDER_FIELDS: Record<TunnelProviderName, { text: TextField[]; secret?: SecretField }> = {
  none: { text: [] },
  'custom-domain': { text: ['customDomainUrl'] },
  cloudflared: { text: ['cloudflaredHostname', 'cloudflaredPath'], secret: 'cloudflaredToken' },
  ngrok: { text: ['ngrokDomain'], secret: 'ngrokAuthtoken' },
  localtunnel: { text: ['localtunnelServerUrl', 'localtunnelSubdomain'] },
};

const HAS_SECRET: Record<SecretField, 'hasCloudflaredToken' | 'hasNgrokAuthtoken'> = {
  cloudflaredToken: 'hasCloudflaredToken',
  ngrokAuthtoken: 'hasNgrokAuthtoken',
};

export function TunnelSection() {
  const { t } = useTranslation('settings');
  const admin = hasScope(
    useSession((s) => s.who),
    'admin',
  );
  const [status, setStatus] = useState<TunnelStatus | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [action, setAction] = useState<'start' | 'stop' | null>(null);
  const [formVersion, setFormVersion] = useState(0);
  const delay = useRef(POLL_MS);
  delay.current = status?.state === 'starting' || action ? POLL_STARTING_MS : POLL_MS;

  // Poll while the page is open.
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      try {
        setStatus(await tunnelApi.status(controller.signal));
        setError(null);
      } catch (err) {
        if (controller.signal.aborted) return;
        setError(err);
      }
      timer = setTimeout(() => void tick(), delay.current);
    };
    void tick();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, []);

  // A tunnel that comes up becomes the base URL of new codes: show the settings as they now are.
  const state = status?.state;
  useEffect(() => {
    if (admin && state === 'up') void useSettingsStore.getState().load();
  }, [admin, state]);

  const run = async (which: 'start' | 'stop') => {
    setAction(which);
    try {
      const next = await (which === 'start' ? tunnelApi.start() : tunnelApi.stop());
      setStatus(next);
      if (which === 'stop') notify.info(t('tunnel.stopped'));
      else if (next.state === 'up') notify.success(t('tunnel.started', { url: next.publicUrl }));
    } catch (err) {
      notify.error(err);
    } finally {
      setAction(null);
    }
  };

  const canStart = !!status && status.provider !== 'none' && status.state !== 'up' && status.state !== 'starting';
  const canStop = !!status && status.state !== 'stopped';

  return (
    <Section
      id="tunnel"
      title={t('sections.tunnel')}
      intro={t('tunnel.intro')}
      actions={
        admin &&
        status && (
          <>
            <button
              type="button"
              className="primary"
              disabled={!canStart || action !== null}
              onClick={() => void run('start')}
            >
              <Play size={16} aria-hidden="true" />
              {action === 'start'
                ? t('tunnel.starting')
                : status.state === 'down'
                  ? t('tunnel.retryNow')
                  : t('tunnel.start')}
            </button>
            <button type="button" disabled={!canStop || action !== null} onClick={() => void run('stop')}>
              <Square size={16} aria-hidden="true" />
              {t('tunnel.stop')}
            </button>
          </>
        )
      }
    >
      {error ? <ErrorMessage error={error} /> : null}
      {!status && !error && (
        <p className="muted" role="status">
          {t('common:status.loading')}
        </p>
      )}
      {status && (
        <>
          <TunnelStatusView status={status} />
          <NeedsAdmin what={t('tunnel.what')} />
          {admin && (
            <TunnelForm
              key={formVersion}
              config={status.config}
              onSaved={(next) => {
                setStatus(next);
                setFormVersion((v) => v + 1);
                // Choosing a provider also sets trustProxy.
                void useSettingsStore.getState().load();
              }}
            />
          )}
        </>
      )}
    </Section>
  );
}

function TunnelStatusView({ status }: { status: TunnelStatus }) {
  const { t } = useTranslation('settings');
  return (
    <div className="settings-tunnel-status" data-testid="tunnel-status">
      <dl className="settings-facts">
        <div>
          <dt>{t('tunnel.provider')}</dt>
          <dd>{t(`tunnel.providers.${status.provider}.label`)}</dd>
        </div>
        <div>
          <dt>{t('tunnel.state')}</dt>
          <dd>
            <span className={`badge ${STATE_BADGE[status.state]}`} data-testid="tunnel-state">
              {t(`tunnel.states.${status.state}.label`)}
            </span>
            {status.since && (
              <span className="muted small"> {t('tunnel.since', { date: formatDateTime(status.since) })}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('tunnel.publicUrl')}</dt>
          <dd>
            {status.publicUrl ? (
              <span className="settings-copyable">
                <code>{status.publicUrl}</code>
                <CopyButton text={status.publicUrl} />
              </span>
            ) : (
              <span className="muted">{t('tunnel.noUrl')}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('tunnel.lastCheck')}</dt>
          <dd>
            {status.lastCheck ? (
              <>
                <span className={`badge ${status.lastCheck.ok ? 'success' : 'danger'}`}>
                  {status.lastCheck.ok ? t('tunnel.checkOk') : t('tunnel.checkFailed')}
                </span>{' '}
                <span className="muted small">
                  {formatDateTime(status.lastCheck.at)}
                  {status.lastCheck.status !== null && ` · HTTP ${status.lastCheck.status}`}
                  {status.lastCheck.message && ` · ${status.lastCheck.message}`}
                </span>
              </>
            ) : (
              <span className="muted">{t('tunnel.noCheck')}</span>
            )}
          </dd>
        </div>
      </dl>
      <p className="muted small">{t(`tunnel.states.${status.state}.hint`)}</p>
      {status.message && (
        <p className={`settings-callout ${status.state === 'error' ? 'danger' : 'warning'}`} role="status">
          {status.message}
          {status.nextRetryAt && ` ${t('tunnel.nextRetry', { date: formatDateTime(status.nextRetryAt) })}`}
        </p>
      )}
      {status.warnings.length > 0 && (
        <ul className="settings-warnings" aria-label={t('tunnel.warnings')}>
          {status.warnings.map((w) => (
            <li key={`${w.code}:${w.message}`} className="settings-callout warning">
              <TriangleAlert size={18} aria-hidden="true" />
              <div>
                <p>
                  <strong>{t(`tunnel.warning.${w.code}.title`)}</strong> {t(`tunnel.warning.${w.code}.body`)}
                </p>
                <p className="small">{w.message}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function TunnelForm({ config, onSaved }: { config: TunnelConfig; onSaved(status: TunnelStatus): void }) {
  const { t } = useTranslation('settings');
  const publicPort = useSettingsStore((s) => s.server?.publicPort);
  const [provider, setProvider] = useState<TunnelProviderName>(config.provider);
  const [autoStart, setAutoStart] = useState(config.autoStart);
  const [text, setText] = useState<Record<TextField, string>>({
    customDomainUrl: config.customDomainUrl ?? '',
    cloudflaredHostname: config.cloudflaredHostname ?? '',
    cloudflaredPath: config.cloudflaredPath ?? '',
    ngrokDomain: config.ngrokDomain ?? '',
    localtunnelServerUrl: config.localtunnelServerUrl ?? '',
    localtunnelSubdomain: config.localtunnelSubdomain ?? '',
  });
  const [secret, setSecret] = useState<Record<SecretField, string>>({ cloudflaredToken: '', ngrokAuthtoken: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fields = PROVIDER_FIELDS[provider];
  const errors = formErrors(error, [
    'provider',
    'autoStart',
    ...fields.text,
    ...(fields.secret ? [fields.secret] : []),
  ]);

  const send = async (input: UpdateTunnelInput) => {
    setBusy(true);
    setError(null);
    try {
      const next = await tunnelApi.update(input);
      notify.success(t('tunnel.form.saved'));
      onSaved(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: Record<string, unknown> = { provider, autoStart };
    for (const f of fields.text) input[f] = text[f].trim() === '' ? null : text[f].trim();
    if (fields.secret && secret[fields.secret] !== '') input[fields.secret] = secret[fields.secret];
    await send(input as UpdateTunnelInput);
  };

  const port = publicPort ?? t('tunnel.form.publicPortUnknown');

  return (
    <form className="settings-subsection settings-tunnel-form" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('tunnel.form.title')}</h3>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <Field
        label={t('tunnel.form.provider')}
        hint={t(`tunnel.providers.${provider}.hint`, { port })}
        error={errors.field('provider')}
      >
        {(p) => (
          <select
            {...p}
            value={provider}
            onChange={(e) => {
              setProvider(e.target.value as TunnelProviderName);
              setError(null);
            }}
          >
            {TUNNEL_PROVIDERS.map((name) => (
              <option key={name} value={name}>
                {t(`tunnel.providers.${name}.label`)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <p className="muted small">{t('tunnel.form.readme')}</p>

      {fields.secret && (
        <SecretInput
          name={fields.secret}
          isSet={config[HAS_SECRET[fields.secret]]}
          value={secret[fields.secret]}
          onChange={(v) => setSecret({ ...secret, [fields.secret!]: v })}
          error={errors.field(fields.secret)}
          busy={busy}
          onRemove={() => void send({ [fields.secret!]: null } as UpdateTunnelInput)}
        />
      )}
      {fields.text.map((f) => (
        <Field
          key={f}
          label={t(`tunnel.fields.${f}.label`)}
          hint={t(`tunnel.fields.${f}.hint`, { port })}
          error={errors.field(f)}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              autoComplete="off"
              spellCheck={false}
              placeholder={t(`tunnel.fields.${f}.placeholder`)}
              value={text[f]}
              onChange={(e) => setText({ ...text, [f]: e.target.value })}
            />
          )}
        </Field>
      ))}
      <label className="settings-check">
        <input type="checkbox" checked={autoStart} onChange={(e) => setAutoStart(e.target.checked)} />
        <span>
          <strong>{t('tunnel.form.autoStart')}</strong>
          <span className="muted small"> — {t('tunnel.form.autoStartHint')}</span>
        </span>
      </label>
      {errors.field('autoStart') && <p className="field-error">{errors.field('autoStart')}</p>}
      <div className="settings-form-actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common:status.saving') : t('tunnel.form.save')}
        </button>
      </div>
    </form>
  );
}

function SecretInput({
  name,
  isSet,
  value,
  onChange,
  error,
  busy,
  onRemove,
}: {
  name: SecretField;
  isSet: boolean;
  value: string;
  onChange(value: string): void;
  error: string | undefined;
  busy: boolean;
  onRemove(): void;
}) {
  const { t } = useTranslation('settings');
  return (
    <div className="settings-field-row">
      <Field
        className="settings-grow"
        label={
          <>
            {t(`tunnel.fields.${name}.label`)}{' '}
            <span className={`badge ${isSet ? 'success' : ''}`} data-testid={`${name}-state`}>
              {isSet ? t('tunnel.secret.set') : t('tunnel.secret.notSet')}
            </span>
          </>
        }
        hint={`${t(`tunnel.fields.${name}.hint`)} ${isSet ? t('tunnel.secret.keepHint') : ''} ${t('tunnel.secret.writeOnly')}`}
        error={error}
      >
        {(p) => (
          <input
            {...p}
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            placeholder={isSet ? t('tunnel.secret.replacePlaceholder') : ''}
            value={value}
            onChange={(e) => onChange(e.target.value)}
          />
        )}
      </Field>
      {isSet && (
        <div className="settings-field-actions">
          <button type="button" className="danger" disabled={busy} onClick={onRemove}>
            {t('tunnel.secret.remove')}
          </button>
        </div>
      )}
    </div>
  );
}
