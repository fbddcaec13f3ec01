import { Navigate, type RouteObject } from 'react-router';
import { AnalyticsPage } from '../pages/analytics/AnalyticsPage';
import { BarcodesPage } from '../pages/barcodes/BarcodesPage';
import { BatchPage } from '../pages/batch/BatchPage';
import { DesignerPage } from '../pages/designer/DesignerPage';
import { DevelopersPage } from '../pages/developers/DevelopersPage';
import { LibraryPage } from '../pages/library/LibraryPage';
import { NotFoundPage } from '../pages/NotFoundPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { Layout } from './Layout';

// Top-level paths must be listed in src-shared/ui-sections.ts, so the server answers a reload of them.
export const routes: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { index: true, element: <Navigate to="/library" replace /> },
      { path: 'library', element: <LibraryPage /> },
      { path: 'create', element: <DesignerPage /> },
      { path: 'codes/:id/edit', element: <DesignerPage /> },
      { path: 'barcodes', element: <BarcodesPage /> },
      { path: 'batch', element: <BatchPage /> },
      { path: 'analytics', element: <AnalyticsPage /> },
      { path: 'analytics/:id', element: <AnalyticsPage /> },
      { path: 'settings', element: <SettingsPage /> },
      { path: 'developers', element: <DevelopersPage /> },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
