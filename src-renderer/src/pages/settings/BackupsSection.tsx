import { ArchiveRestore, DatabaseBackup } from 'lucide-react';
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Trans, useTranslation } from 'react-i18next';
import type { BackupFile } from '../../../../src-shared/schemas/backups';
import {
  BACKUP_INTERVAL_HOURS,
  BACKUP_RETENTION,
  type UpdateSettingsInput,
} from '../../../../src-shared/schemas/settings';
import { backupsApi } from '../../api/backups';
import { settingsApi } from '../../api/settings';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { formatBytes, formatDateTime, formatNumber } from '../../utils/format';
import { formErrors } from './form-errors';
import { NeedsAdmin, Section } from './Section';
import { useSettingsStore } from './settings-store';

/** The backups listed before "Show all": enough for a week of daily ones and a few made by hand. */
const SHOWN = 10;

/** The folder the server writes backups to: `<dataDir>/backups`, with the data directory's own separator. */
function backupsFolder(dataDir: string, platform: string): string {
  const sep = platform === 'win32' ? '\\' : '/';
  return `${dataDir.replace(/[\\/]+$/, '')}${sep}backups`;
}

export function BackupsSection() {
  const { t } = useTranslation('settings');
  const admin = hasScope(
    useSession((s) => s.who),
    'admin',
  );
  const { settings, error, load, server, serverError, loadServer } = useSettingsStore();
  const [backups, setBackups] = useState<BackupFile[] | null>(null);
  const [listError, setListError] = useState<unknown>(null);
  const [running, setRunning] = useState(false);

  const loadList = useCallback(async (signal?: AbortSignal) => {
    try {
      setBackups((await backupsApi.list(signal)).data);
      setListError(null);
    } catch (err) {
      if (!signal?.aborted) setListError(err);
    }
  }, []);

  useEffect(() => {
    if (!admin) return;
    const controller = new AbortController();
    // The settings and the server's facts are shared with the other sections, which may have them already.
    const shared = useSettingsStore.getState();
    if (!shared.settings) void load();
    if (!shared.server) void loadServer();
    void loadList(controller.signal);
    return () => controller.abort();
  }, [admin, load, loadServer, loadList]);

  const backUpNow = async () => {
    setRunning(true);
    try {
      const made = await backupsApi.create();
      notify.success(
        t('backups.now.done', {
          name: made.name,
          codes: t('backups.now.codes', { count: made.codes, n: formatNumber(made.codes) }),
          scans: t('backups.now.scans', { count: made.scans, n: formatNumber(made.scans) }),
        }),
      );
      const { name, kind, createdAt, byteSize } = made;
      setBackups((list) => [{ name, kind, createdAt, byteSize }, ...(list ?? []).filter((b) => b.name !== name)]);
      // The schedule may have added or pruned some meanwhile.
      void loadList();
    } catch (err) {
      notify.error(err);
    } finally {
      setRunning(false);
    }
  };

  return (
    <Section
      id="backups"
      title={t('sections.backups')}
      intro={t('backups.intro')}
      actions={
        admin && (
          <button type="button" className="primary" disabled={running} onClick={() => void backUpNow()}>
            <DatabaseBackup size={16} aria-hidden="true" />
            {running ? t('backups.now.running') : t('backups.now.button')}
          </button>
        )
      }
    >
      <NeedsAdmin what={t('backups.what')} />
      {admin && (
        <>
          {error && !settings ? <ErrorMessage error={error} onRetry={() => void load()} /> : null}
          {!settings && !error && (
            <p className="muted" role="status">
              {t('common:status.loading')}
            </p>
          )}
          {settings && <AutoBackupForm interval={settings.backupIntervalHours} retention={settings.backupRetention} />}

          <div className="settings-subsection">
            <h3>{t('backups.list.title')}</h3>
            {server ? (
              <dl className="settings-facts settings-backups-facts">
                <div>
                  <dt>{t('backups.list.folder')}</dt>
                  <dd>
                    <span className="settings-copyable">
                      <code data-testid="backups-folder">{backupsFolder(server.dataDir, server.platform)}</code>
                      <CopyButton text={backupsFolder(server.dataDir, server.platform)} label={t('about.copyPath')} />
                    </span>
                    <span className="muted small settings-fact-note">{t('backups.list.folderHint')}</span>
                  </dd>
                </div>
              </dl>
            ) : serverError ? (
              <ErrorMessage error={serverError} onRetry={() => void loadServer()} />
            ) : null}
            {running && (
              <div className="settings-backups-progress" role="status">
                <ProgressBar label={t('backups.now.progress')} />
                <p className="muted small">{t('backups.now.progressHint')}</p>
              </div>
            )}
            {listError ? <ErrorMessage error={listError} onRetry={() => void loadList()} /> : null}
            {!backups && !listError && (
              <p className="muted" role="status">
                {t('common:status.loading')}
              </p>
            )}
            {backups && backups.length === 0 && (
              <EmptyState icon={<DatabaseBackup size={32} />} title={t('backups.list.empty.title')}>
                <p>
                  {settings?.backupIntervalHours === 0 ? t('backups.list.empty.off') : t('backups.list.empty.body')}
                </p>
              </EmptyState>
            )}
            {backups && backups.length > 0 && <BackupTable backups={backups} />}
          </div>

          <div className="settings-callout info settings-backups-restore">
            <ArchiveRestore size={18} aria-hidden="true" />
            <p>
              <Trans t={t} i18nKey="backups.restore" components={{ c: <code /> }} />
            </p>
          </div>
        </>
      )}
    </Section>
  );
}

function BackupTable({ backups }: { backups: BackupFile[] }) {
  const { t } = useTranslation('settings');
  const [all, setAll] = useState(false);
  const shown = all ? backups : backups.slice(0, SHOWN);
  const total = backups.reduce((sum, b) => sum + b.byteSize, 0);
  return (
    <>
      <p className="muted small" data-testid="backups-summary">
        {t('backups.list.summary', {
          count: backups.length,
          n: formatNumber(backups.length),
          size: formatBytes(total),
        })}
      </p>
      <div className="settings-table-wrap">
        <table data-testid="backups-table">
          <caption className="visually-hidden">{t('backups.list.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('backups.list.columns.name')}</th>
              <th scope="col">{t('backups.list.columns.kind')}</th>
              <th scope="col">{t('backups.list.columns.created')}</th>
              <th scope="col" className="settings-backups-size">
                {t('backups.list.columns.size')}
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map((b) => (
              <tr key={b.name}>
                <th scope="row">
                  <code>{b.name}</code>
                </th>
                <td>
                  <span className={`badge${b.kind === 'manual' ? ' settings-own-badge' : ''}`}>
                    {t(`backups.kind.${b.kind}`)}
                  </span>
                </td>
                <td className="settings-date">{formatDateTime(b.createdAt)}</td>
                <td className="settings-backups-size">{formatBytes(b.byteSize)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {backups.length > SHOWN && (
        <button type="button" onClick={() => setAll(!all)} aria-expanded={all}>
          {all
            ? t('backups.list.showFewer', { n: formatNumber(SHOWN) })
            : t('backups.list.showAll', { count: backups.length, n: formatNumber(backups.length) })}
        </button>
      )}
    </>
  );
}

/** The schedule: on/off, hours between backups and how many automatic ones to keep (PATCH /api/v1/settings). */
function AutoBackupForm({ interval, retention }: { interval: number; retention: number }) {
  const { t } = useTranslation('settings');
  const setSettings = useSettingsStore((s) => s.set);
  const [on, setOn] = useState(interval > 0);
  const [hours, setHours] = useState(String(interval > 0 ? interval : BACKUP_INTERVAL_HOURS.default));
  const [keep, setKeep] = useState(String(retention));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const errors = formErrors(error, ['backupIntervalHours', 'backupRetention']);

  // Follow what the server has once saved (or changed elsewhere).
  useEffect(() => {
    setOn(interval > 0);
    if (interval > 0) setHours(String(interval));
  }, [interval]);
  useEffect(() => setKeep(String(retention)), [retention]);

  const changed = on
    ? interval === 0 || hours.trim() !== String(interval) || keep.trim() !== String(retention)
    : interval !== 0;

  const asNumber = (value: string) => (value.trim() === '' ? null : Number(value));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    // Both in one request: the API refuses it whole, so nothing is stored when one value is wrong.
    const input = (
      on ? { backupIntervalHours: asNumber(hours), backupRetention: asNumber(keep) } : { backupIntervalHours: 0 }
    ) as UpdateSettingsInput;
    setBusy(true);
    setError(null);
    try {
      const next = await settingsApi.update(input);
      setSettings(next);
      notify.success(next.backupIntervalHours > 0 ? t('backups.auto.saved') : t('backups.auto.savedOff'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const edit = (set: (v: string) => void) => (e: { target: { value: string } }) => {
    set(e.target.value);
    setError(null);
  };

  return (
    <form className="settings-subsection" onSubmit={(e) => void submit(e)} noValidate>
      <h3>{t('backups.auto.title')}</h3>
      <p className="muted small" data-testid="backups-schedule">
        {interval > 0
          ? t('backups.auto.now', {
              every: t('backups.auto.every', { count: interval, n: formatNumber(interval) }),
              keeping: t('backups.auto.keeping', { count: retention, n: formatNumber(retention) }),
            })
          : t('backups.auto.nowOff')}
      </p>
      {errors.general ? <ErrorMessage error={errors.general} /> : null}
      <label className="settings-check">
        <input
          type="checkbox"
          checked={on}
          onChange={(e) => {
            setOn(e.target.checked);
            setError(null);
          }}
        />
        <span>
          <strong>{t('backups.auto.enable')}</strong>
          <span className="muted small"> — {t('backups.auto.enableHint')}</span>
        </span>
      </label>
      {/* Off, the numbers do not apply: they come back with the schedule. */}
      {on && (
        <div className="settings-form-grid settings-backups-grid">
          <Field
            label={t('backups.auto.hours')}
            hint={t('backups.auto.hoursHint', {
              max: formatNumber(BACKUP_INTERVAL_HOURS.max),
              n: formatNumber(BACKUP_INTERVAL_HOURS.default),
            })}
            error={errors.field('backupIntervalHours')}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={1}
                max={BACKUP_INTERVAL_HOURS.max}
                step={1}
                value={hours}
                onChange={edit(setHours)}
              />
            )}
          </Field>
          <Field
            label={t('backups.auto.keep')}
            hint={t('backups.auto.keepHint', {
              min: formatNumber(BACKUP_RETENTION.min),
              max: formatNumber(BACKUP_RETENTION.max),
              n: formatNumber(BACKUP_RETENTION.default),
            })}
            error={errors.field('backupRetention')}
          >
            {(p) => (
              <input
                {...p}
                type="number"
                min={BACKUP_RETENTION.min}
                max={BACKUP_RETENTION.max}
                step={1}
                value={keep}
                onChange={edit(setKeep)}
              />
            )}
          </Field>
        </div>
      )}
      <div className="settings-form-actions">
        <button type="submit" className="primary" disabled={busy || !changed}>
          {busy ? t('common:status.saving') : t('common:actions.save')}
        </button>
      </div>
    </form>
  );
}
