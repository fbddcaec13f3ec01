import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function AnalyticsPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.analytics')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
