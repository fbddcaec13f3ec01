import '@fontsource-variable/inter';
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter } from 'react-router';
import { RouterProvider } from 'react-router/dom';
import { useTranslation } from 'react-i18next';
import { authApi } from './api/auth';
import { ApiError, connectApi } from './api/http';
import { routes } from './app/routes';
import { SignIn } from './app/SignIn';
import { setupTheme } from './app/theme';
import { forgetKey, resolveConnection, rememberKey } from './connection';
import { setupI18n } from './i18n';
import { useSession } from './state/session';
import './styles.css';

setupI18n();
setupTheme();

const router = createBrowserRouter(routes);

type Gate = { state: 'connecting' } | { state: 'signed-in' } | { state: 'signed-out'; problem: string | null };

/** Verifies the key before showing the app; without a working one, explains how to sign in. */
function Root() {
  const { t } = useTranslation();
  const [gate, setGate] = useState<Gate>({ state: 'connecting' });

  const tryKey = useCallback(async (baseUrl: string, key: string, desktopVersion: string | null) => {
    connectApi({ baseUrl, key });
    try {
      const who = await authApi.verify();
      useSession.getState().signIn(baseUrl, who, desktopVersion);
      rememberKey(key);
      setGate({ state: 'signed-in' });
    } catch (err) {
      connectApi(null);
      forgetKey();
      setGate({ state: 'signed-out', problem: err instanceof ApiError ? err.message : String(err) });
    }
  }, []);

  useEffect(() => {
    void resolveConnection().then(({ baseUrl, key, desktopVersion }) => {
      if (key) void tryKey(baseUrl, key, desktopVersion);
      else setGate({ state: 'signed-out', problem: null });
    });
  }, [tryKey]);

  if (gate.state === 'connecting') {
    return (
      <p className="boot" role="status">
        {t('connection.connecting')}
      </p>
    );
  }
  if (gate.state === 'signed-out') {
    return <SignIn problem={gate.problem} onKey={(key) => void tryKey(window.location.origin, key, null)} />;
  }
  return <RouterProvider router={router} />;
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
