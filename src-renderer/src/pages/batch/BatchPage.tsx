import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function BatchPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.batch')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
