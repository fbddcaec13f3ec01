import { KeyRound, Plus, TriangleAlert } from 'lucide-react';
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  DEFAULT_RATE_LIMIT_PER_MINUTE,
  SCOPES,
  type ApiKey,
  type CreatedApiKey,
  type CreateApiKeyInput,
  type Scope,
} from '../../../../src-shared/schemas/api-keys';
import { apiKeysApi } from '../../api/api-keys';
import { confirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formatDateTime, formatNumber } from '../../utils/format';
import { Dialog } from './Dialog';
import { formErrors } from './form-errors';
import { NeedsAdmin, Section } from './Section';

type KeyStatus = 'active' | 'revoked' | 'expired';

function keyStatus(key: ApiKey): KeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

const STATUS_BADGE: Record<KeyStatus, string> = { active: 'success', revoked: 'danger', expired: 'warning' };

export function ApiKeysSection() {
  const { t } = useTranslation('settings');
  const who = useSession((s) => s.who);
  const admin = hasScope(who, 'admin');
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [hideRevoked, setHideRevoked] = useState(false);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const page = await apiKeysApi.list(undefined, signal);
      setKeys(page.data);
      setNextCursor(page.nextCursor);
      setError(null);
    } catch (err) {
      if (!signal?.aborted) setError(err);
    }
  }, []);

  useEffect(() => {
    if (!admin) return;
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [admin, load]);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await apiKeysApi.list(nextCursor);
      setKeys((current) => [...(current ?? []), ...page.data]);
      setNextCursor(page.nextCursor);
    } catch (err) {
      notify.error(err);
    } finally {
      setLoadingMore(false);
    }
  };

  const revoke = async (key: ApiKey) => {
    const ok = await confirm({
      title: t('keys.revoke.title', { name: key.name }),
      message: t('keys.revoke.message', { prefix: key.prefix }),
      confirmLabel: t('keys.revoke.confirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      const revoked = await apiKeysApi.revoke(key.id);
      setKeys((current) => current?.map((k) => (k.id === revoked.id ? revoked : k)) ?? null);
      notify.success(t('keys.revoke.done', { name: key.name }));
    } catch (err) {
      notify.error(err);
    }
  };

  const shown = keys?.filter((k) => !hideRevoked || !k.revokedAt) ?? [];

  return (
    <Section
      id="api-keys"
      title={t('sections.api-keys')}
      intro={t('keys.intro')}
      actions={
        admin && (
          <button type="button" className="primary" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden="true" />
            {t('keys.create')}
          </button>
        )
      }
    >
      <NeedsAdmin what={t('keys.what')} />
      {admin && (
        <>
          {error ? <ErrorMessage error={error} onRetry={() => void load()} /> : null}
          {!keys && !error && (
            <p className="muted" role="status">
              {t('common:status.loading')}
            </p>
          )}
          {keys && keys.length === 0 && (
            <EmptyState icon={<KeyRound size={32} />} title={t('keys.empty.title')}>
              <p>{t('keys.empty.body')}</p>
            </EmptyState>
          )}
          {keys && keys.length > 0 && (
            <>
              <label className="settings-inline-check">
                <input type="checkbox" checked={hideRevoked} onChange={(e) => setHideRevoked(e.target.checked)} />
                {t('keys.hideRevoked')}
              </label>
              <div className="settings-table-wrap">
                <table className="settings-keys-table">
                  <caption className="visually-hidden">{t('keys.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('keys.columns.name')}</th>
                      <th scope="col">{t('keys.columns.scopes')}</th>
                      <th scope="col">{t('keys.columns.created')}</th>
                      <th scope="col">{t('keys.columns.lastUsed')}</th>
                      <th scope="col">{t('keys.columns.expires')}</th>
                      <th scope="col">{t('keys.columns.status')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('keys.columns.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((key) => {
                      const status = keyStatus(key);
                      const own = key.id === who?.id;
                      return (
                        <tr
                          key={key.id}
                          data-testid={`api-key-${key.id}`}
                          className={status !== 'active' ? 'settings-key-inactive' : ''}
                        >
                          <th scope="row" className="settings-key-name">
                            <span>{key.name}</span>
                            {own && <span className="badge settings-own-badge">{t('keys.thisWindow')}</span>}
                            <code className="settings-prefix" title={t('keys.prefixHint')}>
                              {key.prefix}…
                            </code>
                          </th>
                          <td>
                            <span className="settings-scopes">
                              {key.scopes.map((s) => (
                                <span key={s} className="badge">
                                  {t(`keys.scope.${s}`)}
                                </span>
                              ))}
                            </span>
                            <span className="muted small settings-limits">
                              {key.dailyLimit === null
                                ? t('keys.limitPerMinute', { n: formatNumber(key.rateLimitPerMinute) })
                                : t('keys.limitBoth', {
                                    n: formatNumber(key.rateLimitPerMinute),
                                    daily: formatNumber(key.dailyLimit),
                                  })}
                            </span>
                          </td>
                          <td className="settings-date">{formatDateTime(key.createdAt)}</td>
                          <td className="settings-date">
                            {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t('keys.never')}
                          </td>
                          <td className="settings-date">
                            {key.expiresAt ? formatDateTime(key.expiresAt) : t('keys.noExpiry')}
                          </td>
                          <td>
                            <span className={`badge ${STATUS_BADGE[status]}`}>{t(`keys.status.${status}`)}</span>
                            {key.revokedAt && (
                              <span className="muted small settings-date settings-cell-note">
                                {formatDateTime(key.revokedAt)}
                              </span>
                            )}
                          </td>
                          <td className="settings-actions-cell">
                            {status !== 'revoked' &&
                              (own ? (
                                <span className="muted small">{t('keys.inUse')}</span>
                              ) : (
                                <button
                                  type="button"
                                  className="danger"
                                  onClick={() => void revoke(key)}
                                  aria-label={t('keys.revoke.label', { name: key.name })}
                                >
                                  {t('keys.revoke.button')}
                                </button>
                              ))}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {nextCursor && (
                <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
                  {loadingMore ? t('common:status.loading') : t('common:actions.loadMore')}
                </button>
              )}
              {keys.some((k) => k.id === who?.id) && <p className="muted small">{t('keys.ownKeyNote')}</p>}
            </>
          )}
          <CreateKeyDialog
            open={creating}
            onClose={() => setCreating(false)}
            onCreated={(key) => setKeys((current) => [key, ...(current ?? [])])}
          />
        </>
      )}
    </Section>
  );
}

/** The day after today as yyyy-mm-dd (the earliest expiry the form offers). */
function tomorrow(): string {
  const d = new Date();
  d.setDate(d.getDate() + 1);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The end of a local calendar day (yyyy-mm-dd) as an ISO timestamp. */
function endOfDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d!, 23, 59, 59, 999).toISOString();
}

function withoutSecret(created: CreatedApiKey): ApiKey {
  const copy: Partial<CreatedApiKey> = { ...created };
  delete copy.key;
  return copy as ApiKey;
}

const FIELDS = ['name', 'scopes', 'expiresAt', 'rateLimitPerMinute', 'dailyLimit'] as const;

function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(key: ApiKey): void;
}) {
  const titleId = useId();
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const close = () => {
    setCreated(null); // the secret leaves memory with the dialog
    onClose();
  };

  return (
    <Dialog open={open} onClose={close} labelledBy={titleId}>
      {created ? (
        <NewKey created={created} titleId={titleId} onDone={close} />
      ) : (
        <CreateKeyForm
          titleId={titleId}
          onCancel={close}
          onCreated={(key) => {
            onCreated(withoutSecret(key));
            setCreated(key);
          }}
        />
      )}
    </Dialog>
  );
}

function CreateKeyForm({
  titleId,
  onCancel,
  onCreated,
}: {
  titleId: string;
  onCancel(): void;
  onCreated(key: CreatedApiKey): void;
}) {
  const { t } = useTranslation('settings');
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<Record<Scope, boolean>>({ read: true, write: true, admin: false });
  const [expires, setExpires] = useState('');
  const [rate, setRate] = useState(String(DEFAULT_RATE_LIMIT_PER_MINUTE));
  const [daily, setDaily] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const scopesHint = useId();
  const scopesError = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: CreateApiKeyInput = {
      name,
      scopes: SCOPES.filter((s) => scopes[s]),
      expiresAt: expires ? endOfDay(expires) : null,
      rateLimitPerMinute: rate.trim() === '' ? undefined : Number(rate),
      dailyLimit: daily.trim() === '' ? null : Number(daily),
    };
    setBusy(true);
    setError(null);
    try {
      onCreated(await apiKeysApi.create(input));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const errors = formErrors(error, FIELDS);
  const scopeMessage = errors.field('scopes');
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={titleId}>{t('keys.form.title')}</h2>
      <p className="muted">{t('keys.form.intro')}</p>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <Field label={t('keys.form.name')} hint={t('keys.form.nameHint')} error={errors.field('name')}>
        {(p) => (
          <input {...p} type="text" value={name} onChange={(e) => setName(e.target.value)} maxLength={100} autoFocus />
        )}
      </Field>
      <fieldset
        className={`settings-scopes-fieldset${scopeMessage ? ' field-invalid' : ''}`}
        aria-describedby={[scopesHint, scopeMessage ? scopesError : ''].filter(Boolean).join(' ')}
      >
        <legend>{t('keys.form.scopes')}</legend>
        {SCOPES.map((s) => (
          <label key={s} className="settings-check">
            <input
              type="checkbox"
              checked={scopes[s]}
              onChange={(e) => setScopes({ ...scopes, [s]: e.target.checked })}
            />
            <span>
              <strong>{t(`keys.scope.${s}`)}</strong>
              <span className="muted small"> — {t(`keys.scopeHint.${s}`)}</span>
            </span>
          </label>
        ))}
        <p id={scopesHint} className="field-hint">
          {t('keys.form.scopesHint')}
        </p>
        {scopeMessage && (
          <p id={scopesError} className="field-error">
            {scopeMessage}
          </p>
        )}
      </fieldset>
      <div className="settings-form-grid">
        <Field label={t('keys.form.expires')} hint={t('keys.form.expiresHint')} error={errors.field('expiresAt')}>
          {(p) => (
            <input {...p} type="date" min={tomorrow()} value={expires} onChange={(e) => setExpires(e.target.value)} />
          )}
        </Field>
        <Field
          label={t('keys.form.rate')}
          hint={t('keys.form.rateHint', { n: formatNumber(DEFAULT_RATE_LIMIT_PER_MINUTE) })}
          error={errors.field('rateLimitPerMinute')}
        >
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              max={1_000_000}
              step={1}
              value={rate}
              onChange={(e) => setRate(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('keys.form.daily')} hint={t('keys.form.dailyHint')} error={errors.field('dailyLimit')}>
          {(p) => (
            <input
              {...p}
              type="number"
              min={1}
              step={1}
              value={daily}
              placeholder={t('keys.form.dailyNone')}
              onChange={(e) => setDaily(e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('keys.form.creating') : t('keys.form.submit')}
        </button>
      </div>
    </form>
  );
}

function NewKey({ created, titleId, onDone }: { created: CreatedApiKey; titleId: string; onDone(): void }) {
  const { t } = useTranslation('settings');
  const inputId = useId();
  return (
    <div className="settings-new-key">
      <h2 id={titleId}>{t('keys.created.title', { name: created.name })}</h2>
      <p className="settings-callout warning" role="note">
        <TriangleAlert size={18} aria-hidden="true" />
        <span>
          <strong>{t('keys.created.onceTitle')}</strong> {t('keys.created.once')}
        </span>
      </p>
      <label htmlFor={inputId} className="settings-label">
        {t('keys.created.label')}
      </label>
      <div className="settings-secret">
        <input
          id={inputId}
          data-testid="new-key"
          type="text"
          readOnly
          value={created.key}
          spellCheck={false}
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={created.key} label={t('keys.created.copy')} />
      </div>
      <p className="muted small">
        {t('keys.created.scopes', { scopes: created.scopes.map((s) => t(`keys.scope.${s}`)).join(', ') })}
      </p>
      <p className="small">{t('keys.created.usage')}</p>
      <pre className="settings-code">{`Authorization: Bearer ${created.prefix}…`}</pre>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onDone}>
          {t('keys.created.done')}
        </button>
      </div>
    </div>
  );
}
