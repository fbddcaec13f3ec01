import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http';
import { errorMessage } from '../state/toasts';

/** A failure as the API explained it: its message, the fields it names, and the request id for the log. */
export function ErrorMessage({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  return (
    <div className="error-message" role="alert" data-testid="error">
      <p>{errorMessage(error)}</p>
      {api && api.details.length > 0 && (
        <ul aria-label={t('errors.details')}>
          {api.details.map((d) => (
            <li key={`${d.path}:${d.message}`}>
              {d.path && <code>{d.path}</code>} {d.message}
            </li>
          ))}
        </ul>
      )}
      {api?.requestId && <p className="muted small">{t('errors.requestId', { id: api.requestId })}</p>}
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('actions.retry')}
        </button>
      )}
    </div>
  );
}
