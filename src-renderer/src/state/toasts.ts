import { create } from 'zustand';

export interface Toast {
  id: number;
  kind: 'success' | 'error' | 'info';
  message: string;
}

interface Toasts {
  toasts: Toast[];
  push(kind: Toast['kind'], message: string): void;
  dismiss(id: number): void;
}

let nextId = 1;

export const useToasts = create<Toasts>()((set, get) => ({
  toasts: [],
  push: (kind, message) => {
    const id = nextId++;
    set({ toasts: [...get().toasts, { id, kind, message }] });
    // Errors stay until dismissed: the user may need to read or copy them.
    if (kind !== 'error') setTimeout(() => get().dismiss(id), 5000);
  },
  dismiss: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

/** Shorthands for code outside React components. */
export const notify = {
  success: (message: string) => useToasts.getState().push('success', message),
  info: (message: string) => useToasts.getState().push('info', message),
  error: (error: unknown) => useToasts.getState().push('error', errorMessage(error)),
};

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
