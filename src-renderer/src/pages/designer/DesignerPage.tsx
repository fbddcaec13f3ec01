import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function DesignerPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.create')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
