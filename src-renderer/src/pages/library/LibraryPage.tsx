import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function LibraryPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.library')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
