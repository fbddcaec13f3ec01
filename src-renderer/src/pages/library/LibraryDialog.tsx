import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api/http';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * A small modal form (<dialog>.showModal(), so focus stays inside): its submit
 * runs `onSubmit`; an API refusal stays in the dialog, next to the fields
 * (`fieldError`) or as a message, and the dialog closes only on success.
 */
export function LibraryDialog({
  title,
  submitLabel,
  onSubmit,
  onClose,
  children,
  danger,
}: {
  title: string;
  submitLabel: string;
  /** Resolves false to stay open (a message is shown by the form itself). */
  onSubmit: () => Promise<boolean | void>;
  onClose: () => void;
  children: (state: { fieldError: (path: string) => string | undefined; busy: boolean }) => ReactNode;
  danger?: boolean;
}) {
  const { t } = useTranslation();
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
    return () => element?.close();
  }, []);

  // Closing the <dialog> first hands the focus back to the control that opened it.
  const close = () => {
    dialog.current?.close();
    onClose();
  };

  const api = error instanceof ApiError ? error : null;
  // Messages about a field show next to it; anything else shows above the buttons.
  const generalError = api && api.details.length > 0 && api.details.every((d) => d.path) ? null : error;

  return (
    <dialog
      ref={dialog}
      className="dialog library-dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) close();
      }}
    >
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          onSubmit().then(
            (result) => {
              setBusy(false);
              if (result !== false) close();
            },
            (err: unknown) => {
              setBusy(false);
              setError(err);
            },
          );
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children({ fieldError: (path) => api?.fieldMessage(path), busy })}
        {generalError ? <ErrorMessage error={generalError} /> : null}
        <div className="dialog-actions">
          <button type="button" onClick={close} disabled={busy}>
            {t('actions.cancel')}
          </button>
          <button type="submit" className={danger ? 'danger' : 'primary'} disabled={busy}>
            {busy ? t('status.saving') : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
