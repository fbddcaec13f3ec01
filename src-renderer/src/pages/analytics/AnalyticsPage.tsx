import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';

// Charts, the world map and the flags are only loaded when the analytics page opens.
const AnalyticsView = lazy(() => import('./AnalyticsView'));

export function AnalyticsPage() {
  const { t } = useTranslation('analytics');
  return (
    <Suspense
      fallback={
        <p className="muted" role="status">
          {t('loading')}
        </p>
      }
    >
      <AnalyticsView />
    </Suspense>
  );
}
