import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { PageHeader } from '../../components/PageHeader';
import { AboutSection } from './AboutSection';
import { ApiKeysSection } from './ApiKeysSection';
import { BackupsSection } from './BackupsSection';
import { PublicAddressSection } from './PublicAddressSection';
import { TunnelSection } from './TunnelSection';
import { WebhooksSection } from './WebhooksSection';
import './settings.css';

const SECTIONS = ['api-keys', 'public-address', 'tunnel', 'webhooks', 'backups', 'about'] as const;

export function SettingsPage() {
  const { t } = useTranslation('settings');
  const { hash } = useLocation();

  // A link to one section (/settings#settings-api-keys) lands on it.
  useEffect(() => {
    if (hash) document.getElementById(decodeURIComponent(hash.slice(1)))?.scrollIntoView();
  }, [hash]);

  return (
    <div className="settings">
      <PageHeader title={t('title')}>
        <p className="muted settings-intro">{t('intro')}</p>
      </PageHeader>
      <nav className="settings-toc" aria-label={t('toc')}>
        <ul>
          {SECTIONS.map((id) => (
            <li key={id}>
              <a href={`#settings-${id}`}>{t(`sections.${id}`)}</a>
            </li>
          ))}
        </ul>
      </nav>
      <ApiKeysSection />
      <PublicAddressSection />
      <TunnelSection />
      <WebhooksSection />
      <BackupsSection />
      <AboutSection />
    </div>
  );
}
