import { create } from 'zustand';

export interface ToastAction {
  label: string;
  run(): void;
}

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
  /** A button in the toast (e.g. "Show in folder" after a desktop save). */
  action?: ToastAction;
}

interface Toasts {
  toasts: Toast[];
  push(kind: Toast['kind'], message: string, action?: ToastAction): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<Toasts>()((set, get) => ({
  toasts: [],
  push: (kind, message, action) => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { id, kind, message, ...(action ? { action } : {}) }] });
    // Errors stay until dismissed: the user may need to read or copy them. A toast with a button stays longer.
    if (kind !== 'error') setTimeout(() => get().dismiss(id), action ? 10_000 : 5000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

/** Shorthands for code outside React components. */
export const notify = {
  success: (message: string, action?: ToastAction) => useToasts.getState().push('success', message, action),
  info: (message: string) => useToasts.getState().push('info', message),
  error: (error: unknown) => useToasts.getState().push('error', errorMessage(error)),
};

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
