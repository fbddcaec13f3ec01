import { create } from 'zustand';
import { errorMessage } from '../../state/toasts';

export interface BulkFailure {
  id: string;
  name: string;
  message: string;
}

interface BulkState {
  /** The operation under way (its label), with its progress. */
  running: { label: string; done: number; total: number } | null;
  /** What did not work in the last operation, each with the API's message. */
  failures: { title: string; items: BulkFailure[] } | null;
  dismissFailures(): void;
}

export const useBulk = create<BulkState>()((set) => ({
  running: null,
  failures: null,
  dismissFailures: () => set({ failures: null }),
}));

/** The API has no bulk update: this many requests at a time keeps it quick without hogging the server. */
const CONCURRENCY = 4;

/**
 * Runs one request per code, a few at a time, showing progress; returns the
 * codes that worked and lists the ones that failed with the API's message.
 */
export async function runBulk<T extends { id: string; name: string }, R>(
  items: readonly T[],
  labels: { running: string; failed: string },
  action: (item: T) => Promise<R>,
): Promise<{ ok: { item: T; result: R }[]; failed: BulkFailure[] }> {
  const ok: { item: T; result: R }[] = [];
  const failed: BulkFailure[] = [];
  let done = 0;
  let next = 0;
  useBulk.setState({ running: { label: labels.running, done: 0, total: items.length }, failures: null });
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      try {
        ok.push({ item, result: await action(item) });
      } catch (err) {
        failed.push({ id: item.id, name: item.name, message: errorMessage(err) });
      }
      done += 1;
      useBulk.setState({ running: { label: labels.running, done, total: items.length } });
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  useBulk.setState({ running: null, failures: failed.length ? { title: labels.failed, items: failed } : null });
  return { ok, failed };
}
