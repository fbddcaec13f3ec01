import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';

interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel?: string;
  danger?: boolean;
  resolve(ok: boolean): void;
}

const useConfirmStore = create<{ request: ConfirmRequest | null }>(() => ({ request: null }));

/** Asks the user to confirm (a modal <dialog>); resolves true on confirm, false on cancel or Escape. */
export function confirm(options: Omit<ConfirmRequest, 'resolve'>): Promise<boolean> {
  return new Promise((resolve) => useConfirmStore.setState({ request: { ...options, resolve } }));
}

export function ConfirmDialogHost() {
  const { t } = useTranslation();
  const request = useConfirmStore((s) => s.request);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    if (request && !dialog.current?.open) dialog.current?.showModal();
  }, [request]);

  const finish = (ok: boolean) => {
    request?.resolve(ok);
    useConfirmStore.setState({ request: null });
    dialog.current?.close();
  };

  return (
    <dialog
      ref={dialog}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        finish(false);
      }}
    >
      {request && (
        <form
          method="dialog"
          onSubmit={(e) => {
            e.preventDefault();
            finish(true);
          }}
        >
          <h2 id="confirm-title">{request.title}</h2>
          <p>{request.message}</p>
          <div className="dialog-actions">
            <button type="button" onClick={() => finish(false)} autoFocus>
              {t('actions.cancel')}
            </button>
            <button type="submit" className={request.danger ? 'danger' : 'primary'}>
              {request.confirmLabel ?? t('actions.confirm')}
            </button>
          </div>
        </form>
      )}
    </dialog>
  );
}
