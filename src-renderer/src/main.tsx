import { StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AuthVerify } from '../../src-shared/schemas/api-keys';
import type { ErrorEnvelope } from '../../src-shared/errors';
import { resolveConnection } from './connection';
import './styles.css';

type State =
  | { status: 'connecting' }
  | { status: 'connected'; who: AuthVerify; baseUrl: string }
  | { status: 'failed'; message: string };

// A first page only: it proves the UI reaches the API with its key. The full
// studio (library, designer, analytics) comes with the UI issue.
function App() {
  const [state, setState] = useState<State>({ status: 'connecting' });

  useEffect(() => {
    void (async () => {
      const { baseUrl, key } = await resolveConnection();
      if (!key) {
        setState({
          status: 'failed',
          message: 'No API key: open the link that "qrdesk serve" printed (it ends in #key=…).',
        });
        return;
      }
      const res = await fetch(`${baseUrl}/api/v1/auth/verify`, { headers: { Authorization: `Bearer ${key}` } });
      if (!res.ok) {
        const body = (await res.json().catch(() => null)) as ErrorEnvelope | null;
        setState({ status: 'failed', message: body?.error.message ?? `The API answered ${res.status}.` });
        return;
      }
      setState({ status: 'connected', who: (await res.json()) as AuthVerify, baseUrl });
    })().catch((err: unknown) => setState({ status: 'failed', message: `Cannot reach the API: ${String(err)}` }));
  }, []);

  return (
    <main>
      <h1>qrdesk</h1>
      {state.status === 'connecting' && <p role="status">Connecting to the local API…</p>}
      {state.status === 'connected' && (
        <p role="status" data-testid="connected">
          Connected to {state.baseUrl} as <strong>{state.who.name}</strong> ({state.who.scopes.join(', ')}). The API
          reference is at <a href="/docs">/docs</a>.
        </p>
      )}
      {state.status === 'failed' && (
        <p role="alert" data-testid="error">
          {state.message}
        </p>
      )}
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
