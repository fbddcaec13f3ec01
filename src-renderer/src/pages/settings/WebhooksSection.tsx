import { Plus, Send, TriangleAlert, Webhook as WebhookIcon } from 'lucide-react';
import { useCallback, useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import {
  WEBHOOK_EVENTS,
  type CreatedWebhook,
  type Webhook,
  type WebhookDelivery,
  type WebhookEvent,
} from '../../../../src-shared/schemas/webhooks';
import { webhooksApi } from '../../api/webhooks';
import { confirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { Dialog } from './Dialog';
import { formErrors } from './form-errors';
import { NeedsAdmin, Section } from './Section';

export function WebhooksSection() {
  const { t } = useTranslation('settings');
  const admin = hasScope(
    useSession((s) => s.who),
    'admin',
  );
  const [hooks, setHooks] = useState<Webhook[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [busyId, setBusyId] = useState<string | null>(null);
  /** The last test delivery of each webhook, followed until its first attempt is made. */
  const [tests, setTests] = useState<Record<string, WebhookDelivery>>({});
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setHooks((await webhooksApi.list(signal)).data);
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

  const replace = (hook: Webhook) => setHooks((list) => list?.map((h) => (h.id === hook.id ? hook : h)) ?? null);

  const act = async (hook: Webhook, what: () => Promise<void>) => {
    setBusyId(hook.id);
    try {
      await what();
    } catch (err) {
      notify.error(err);
    } finally {
      setBusyId(null);
    }
  };

  const follow = async (hookId: string, delivery: WebhookDelivery) => {
    setTests((all) => ({ ...all, [hookId]: delivery }));
    for (let i = 0; i < 20 && mounted.current; i++) {
      await new Promise((resolve) => setTimeout(resolve, 750));
      if (!mounted.current) return;
      const found = (await webhooksApi.deliveries(hookId).catch(() => null))?.data.find((d) => d.id === delivery.id);
      if (!found) continue;
      setTests((all) => ({ ...all, [hookId]: found }));
      if (found.status !== 'pending' || found.attempts > 0) return;
    }
  };

  const test = (hook: Webhook) =>
    act(hook, async () => {
      const delivery = await webhooksApi.test(hook.id);
      void follow(hook.id, delivery);
    });

  const toggle = (hook: Webhook) =>
    act(hook, async () => {
      replace(await webhooksApi.update(hook.id, { enabled: !hook.enabled }));
    });

  const remove = async (hook: Webhook) => {
    const ok = await confirm({
      title: t('webhooks.delete.title'),
      message: t('webhooks.delete.message', { url: hook.url }),
      confirmLabel: t('webhooks.delete.confirm'),
      danger: true,
    });
    if (!ok) return;
    await act(hook, async () => {
      await webhooksApi.remove(hook.id);
      setHooks((list) => list?.filter((h) => h.id !== hook.id) ?? null);
      notify.success(t('webhooks.delete.done'));
    });
  };

  return (
    <Section
      id="webhooks"
      title={t('sections.webhooks')}
      intro={t('webhooks.intro')}
      actions={
        admin && (
          <button type="button" onClick={() => setCreating(true)}>
            <Plus size={16} aria-hidden="true" />
            {t('webhooks.create')}
          </button>
        )
      }
    >
      <NeedsAdmin what={t('webhooks.what')} />
      {admin && (
        <>
          {error ? <ErrorMessage error={error} onRetry={() => void load()} /> : null}
          {!hooks && !error && (
            <p className="muted" role="status">
              {t('common:status.loading')}
            </p>
          )}
          {hooks && hooks.length === 0 && (
            <EmptyState icon={<WebhookIcon size={32} />} title={t('webhooks.empty.title')}>
              <p>{t('webhooks.empty.body')}</p>
            </EmptyState>
          )}
          {hooks && hooks.length > 0 && (
            <div className="settings-table-wrap">
              <table>
                <caption className="visually-hidden">{t('webhooks.caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('webhooks.columns.url')}</th>
                    <th scope="col">{t('webhooks.columns.events')}</th>
                    <th scope="col">{t('webhooks.columns.status')}</th>
                    <th scope="col">
                      <span className="visually-hidden">{t('webhooks.columns.actions')}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {hooks.map((hook) => (
                    <tr key={hook.id}>
                      <th scope="row" className="settings-hook-url">
                        <code>{hook.url}</code>
                        {hook.description && <span className="muted small">{hook.description}</span>}
                      </th>
                      <td>
                        <span className="settings-scopes">
                          {hook.events.map((e) => (
                            <span key={e} className="badge">
                              {e}
                            </span>
                          ))}
                        </span>
                      </td>
                      <td>
                        <span className={`badge ${hook.enabled ? 'success' : 'warning'}`}>
                          {hook.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
                        </span>
                        {hook.disabledReason && <p className="muted small settings-cell-note">{hook.disabledReason}</p>}
                        {tests[hook.id] && <TestResult delivery={tests[hook.id]!} />}
                        {hook.consecutiveFailures > 0 && (
                          <p className="muted small settings-cell-note">
                            {t('webhooks.failures', { count: hook.consecutiveFailures })}
                          </p>
                        )}
                      </td>
                      <td className="settings-actions-cell">
                        <span className="settings-row-actions">
                          <button
                            type="button"
                            disabled={busyId === hook.id}
                            onClick={() => void test(hook)}
                            aria-label={t('webhooks.testLabel', { url: hook.url })}
                          >
                            <Send size={16} aria-hidden="true" />
                            {t('webhooks.test')}
                          </button>
                          <button
                            type="button"
                            disabled={busyId === hook.id}
                            onClick={() => void toggle(hook)}
                            aria-label={t(hook.enabled ? 'webhooks.disableLabel' : 'webhooks.enableLabel', {
                              url: hook.url,
                            })}
                          >
                            {hook.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                          </button>
                          <button
                            type="button"
                            className="danger"
                            disabled={busyId === hook.id}
                            onClick={() => void remove(hook)}
                            aria-label={t('webhooks.delete.label', { url: hook.url })}
                          >
                            {t('common:actions.delete')}
                          </button>
                        </span>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <CreateWebhookDialog
            open={creating}
            onClose={() => setCreating(false)}
            onCreated={(hook) => setHooks((list) => [hook, ...(list ?? [])])}
          />
        </>
      )}
    </Section>
  );
}

function TestResult({ delivery }: { delivery: WebhookDelivery }) {
  const { t } = useTranslation('settings');
  const problem = delivery.lastError ?? (delivery.lastStatusCode !== null ? `HTTP ${delivery.lastStatusCode}` : '');
  const state =
    delivery.status === 'delivered'
      ? 'delivered'
      : delivery.status === 'failed'
        ? 'failed'
        : delivery.attempts > 0
          ? 'retrying'
          : 'sending';
  return (
    <p className="small settings-cell-note" role="status" data-testid="webhook-test-result">
      {t(`webhooks.testResult.${state}`, { status: delivery.lastStatusCode ?? '', problem })}
    </p>
  );
}

function CreateWebhookDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose(): void;
  onCreated(hook: Webhook): void;
}) {
  const titleId = useId();
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <Dialog open={open} onClose={close} labelledBy={titleId}>
      {created ? (
        <NewSecret created={created} titleId={titleId} onDone={close} />
      ) : (
        <CreateWebhookForm
          titleId={titleId}
          onCancel={close}
          onCreated={(hook) => {
            onCreated(withoutSecret(hook));
            setCreated(hook);
          }}
        />
      )}
    </Dialog>
  );
}

function withoutSecret(hook: CreatedWebhook): Webhook {
  const copy: Partial<CreatedWebhook> = { ...hook };
  delete copy.secret;
  return copy as Webhook;
}

const FIELDS = ['url', 'events', 'description'] as const;

function CreateWebhookForm({
  titleId,
  onCancel,
  onCreated,
}: {
  titleId: string;
  onCancel(): void;
  onCreated(hook: CreatedWebhook): void;
}) {
  const { t } = useTranslation('settings');
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<Record<WebhookEvent, boolean>>({
    'scan.created': true,
    'qrcode.created': false,
    'qrcode.updated': false,
    'qrcode.deleted': false,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const eventsError = useId();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(
        await webhooksApi.create({
          url: url.trim(),
          events: WEBHOOK_EVENTS.filter((ev) => events[ev]),
          ...(description.trim() ? { description: description.trim() } : {}),
        }),
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const errors = formErrors(error, FIELDS);
  const eventsMessage = errors.field('events');
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <h2 id={titleId}>{t('webhooks.form.title')}</h2>
      <p className="muted">{t('webhooks.form.intro')}</p>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <Field label={t('webhooks.form.url')} hint={t('webhooks.form.urlHint')} error={errors.field('url')}>
        {(p) => (
          <input
            {...p}
            type="text"
            inputMode="url"
            autoComplete="off"
            spellCheck={false}
            placeholder="https://example.com/hooks/qrdesk"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            autoFocus
          />
        )}
      </Field>
      <Field label={t('webhooks.form.description')} error={errors.field('description')}>
        {(p) => (
          <input
            {...p}
            type="text"
            maxLength={200}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        )}
      </Field>
      <fieldset
        className={eventsMessage ? 'field-invalid' : undefined}
        aria-describedby={eventsMessage ? eventsError : undefined}
      >
        <legend>{t('webhooks.form.events')}</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} className="settings-check">
            <input
              type="checkbox"
              checked={events[ev]}
              onChange={(e) => setEvents({ ...events, [ev]: e.target.checked })}
            />
            <span>
              <code>{ev}</code>
              <span className="muted small"> — {t(`webhooks.events.${ev}`)}</span>
            </span>
          </label>
        ))}
        {eventsMessage && (
          <p id={eventsError} className="field-error">
            {eventsMessage}
          </p>
        )}
      </fieldset>
      <div className="dialog-actions">
        <button type="button" onClick={onCancel}>
          {t('common:actions.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('webhooks.form.creating') : t('webhooks.form.submit')}
        </button>
      </div>
    </form>
  );
}

function NewSecret({ created, titleId, onDone }: { created: CreatedWebhook; titleId: string; onDone(): void }) {
  const { t } = useTranslation('settings');
  const inputId = useId();
  return (
    <div>
      <h2 id={titleId}>{t('webhooks.created.title')}</h2>
      <p className="settings-callout warning" role="note">
        <TriangleAlert size={18} aria-hidden="true" />
        <span>
          <strong>{t('webhooks.created.onceTitle')}</strong> {t('webhooks.created.once')}
        </span>
      </p>
      <label htmlFor={inputId} className="settings-label">
        {t('webhooks.created.label')}
      </label>
      <div className="settings-secret">
        <input
          id={inputId}
          type="text"
          readOnly
          value={created.secret}
          spellCheck={false}
          autoFocus
          onFocus={(e) => e.currentTarget.select()}
        />
        <CopyButton text={created.secret} />
      </div>
      <p className="small">{t('webhooks.created.signature')}</p>
      <pre className="settings-code">
        {'Qrdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>'}
      </pre>
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onDone}>
          {t('webhooks.created.done')}
        </button>
      </div>
    </div>
  );
}
