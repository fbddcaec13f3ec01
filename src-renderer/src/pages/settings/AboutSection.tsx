import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { CopyButton } from '../../components/CopyButton';
import { ErrorMessage } from '../../components/ErrorMessage';
import { hasScope, useSession } from '../../state/session';
import { formatDateTime } from '../../utils/format';
import { NeedsAdmin, Section } from './Section';
import { useSettingsStore } from './settings-store';

export function AboutSection() {
  const { t } = useTranslation('settings');
  const who = useSession((s) => s.who);
  const desktopVersion = useSession((s) => s.desktopVersion);
  const admin = hasScope(who, 'admin');
  const { server, serverError, loadServer } = useSettingsStore();

  useEffect(() => {
    if (admin) void loadServer();
  }, [admin, loadServer]);

  return (
    <Section id="about" title={t('sections.about')}>
      <div className="settings-about">
        <p>{t('about.what')}</p>
        <ul className="settings-credits">
          <li>{t('about.licence')}</li>
          <li>{t('about.font')}</li>
          <li>{t('about.geo')}</li>
        </ul>
      </div>
      <h3>{t('about.serverTitle')}</h3>
      <NeedsAdmin what={t('about.what2')} />
      {admin && serverError ? <ErrorMessage error={serverError} onRetry={() => void loadServer()} /> : null}
      {admin && !server && !serverError && (
        <p className="muted" role="status">
          {t('common:status.loading')}
        </p>
      )}
      {server && (
        <dl className="settings-facts settings-about-facts" data-testid="server-info">
          <div>
            <dt>{t('about.version')}</dt>
            <dd data-testid="server-version">
              qrdesk {server.version}
              {desktopVersion && desktopVersion !== server.version && (
                <span className="muted small"> ({t('about.desktop', { version: desktopVersion })})</span>
              )}
            </dd>
          </div>
          <div>
            <dt>{t('about.dataDir')}</dt>
            <dd>
              <span className="settings-copyable">
                <code data-testid="data-dir">{server.dataDir}</code>
                <CopyButton text={server.dataDir} label={t('about.copyPath')} />
              </span>
              <span className="muted small settings-fact-note">{t('about.dataDirHint')}</span>
            </dd>
          </div>
          <div>
            <dt>{t('about.api')}</dt>
            <dd>
              <code>{server.apiUrl}</code>{' '}
              <span className="muted small">{t('about.apiHint', { port: server.apiPort })}</span>
            </dd>
          </div>
          <div>
            <dt>{t('about.public')}</dt>
            <dd>
              <code>{server.publicUrl}</code>{' '}
              <span className="muted small">{t('about.publicHint', { port: server.publicPort })}</span>
            </dd>
          </div>
          <div>
            <dt>{t('about.started')}</dt>
            <dd>
              {formatDateTime(server.startedAt)}{' '}
              <span className="muted small">{t('about.pid', { pid: server.pid })}</span>
            </dd>
          </div>
          <div>
            <dt>{t('about.runtime')}</dt>
            <dd>
              Node.js {server.nodeVersion}
              {server.electronVersion && ` · Electron ${server.electronVersion}`} · {server.platform}/{server.arch}
            </dd>
          </div>
        </dl>
      )}
    </Section>
  );
}
