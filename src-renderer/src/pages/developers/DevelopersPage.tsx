import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function DevelopersPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.developers')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
