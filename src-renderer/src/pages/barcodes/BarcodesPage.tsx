import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';

export function BarcodesPage() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('nav.barcodes')} />
      <p>{t('placeholder.comingSoon')}</p>
    </>
  );
}
