import { useEffect } from 'react';
import { FINISHED_STATUSES, type BatchJob } from '../../../../src-shared/schemas/batches';
import { batchesApi } from '../../api/batches';
import { useBatchWizard, wizard } from './store';

export const isFinished = (job: Pick<BatchJob, 'status'>): boolean => FINISHED_STATUSES.includes(job.status);

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows the wizard's job while the page is open: its server-sent events
 * (progress, then the final job), and, should the stream break off before
 * the end, the job itself once a second until it has finished.
 */
export function useFollowJob(): void {
  const jobId = useBatchWizard((s) => s.job?.id ?? null);
  const finished = useBatchWizard((s) => (s.job ? isFinished(s.job) : true));

  useEffect(() => {
    if (!jobId || finished) return;
    const controller = new AbortController();
    const { signal } = controller;
    const update = (job: BatchJob) => {
      if (useBatchWizard.getState().job?.id !== job.id) return;
      useBatchWizard.setState({ job });
      if (isFinished(job)) wizard.bumpJobs();
    };
    const poll = async () => {
      while (!signal.aborted) {
        try {
          const job = await batchesApi.get(jobId, signal);
          update(job);
          if (isFinished(job)) return;
        } catch {
          if (signal.aborted) return;
        }
        await sleep(1000, signal);
      }
    };
    let done = false;
    batchesApi
      .events(
        jobId,
        (event) => {
          if (event.type === 'done') {
            done = true;
            update(event.job);
            return;
          }
          const current = useBatchWizard.getState().job;
          if (current?.id !== jobId || isFinished(current)) return;
          useBatchWizard.setState({ job: { ...current, ...event.data, status: 'running' } });
        },
        signal,
      )
      .catch(() => undefined)
      .then(() => {
        if (!done && !signal.aborted) void poll();
      });
    return () => controller.abort();
  }, [jobId, finished]);
}
