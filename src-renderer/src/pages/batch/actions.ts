import { ApiError } from '../../api/http';
import { batchesApi } from '../../api/batches';
import { isFinished } from './useFollowJob';
import { createRequest, mappingKey, previewRequest, stepOfPath } from './spec';
import { useBatchWizard, wizard, type StepId } from './store';

/** After a refusal, the first field at fault takes focus (once the step has drawn its messages). */
function focusFirstInvalid(): void {
  requestAnimationFrame(() => {
    document.querySelector<HTMLElement>('.batch-step-body [aria-invalid="true"]')?.focus();
  });
}

/** The step where a refusal can be fixed: the one its first detail's field is on. */
function stepOfError(err: unknown, fallback: StepId): StepId {
  const path = err instanceof ApiError ? err.details[0]?.path : undefined;
  return path === undefined ? fallback : stepOfPath(path);
}

/** Checks the mapping against every row (POST /batches/preview); true when a preview came back. */
export async function runPreview(from: StepId, signal?: AbortSignal): Promise<boolean> {
  const state = wizard.get();
  const { body, problems } = previewRequest(state);
  if (!body) {
    useBatchWizard.setState({ error: null, local: problems });
    focusFirstInvalid();
    return false;
  }
  const key = mappingKey(state);
  useBatchWizard.setState({ error: null, local: [] });
  try {
    const preview = await batchesApi.preview(body, signal);
    useBatchWizard.setState({ preview, previewFor: key, previewDesign: JSON.stringify(body.design ?? null) });
    return true;
  } catch (err) {
    if (signal?.aborted) return false;
    const step = stepOfError(err, from);
    wizard.setError(step === 'preview' ? from : step, err);
    if (step !== from && step !== 'preview') wizard.goTo(step);
    focusFirstInvalid();
    return false;
  }
}

/** Starts the batch (POST /batches); on a refusal, shows it on the step whose field is at fault. */
export async function startBatch(): Promise<boolean> {
  const state = wizard.get();
  const { body, problems } = createRequest(state);
  if (!body) {
    useBatchWizard.setState({ error: null, local: problems });
    const step = problems[0] ? stepOfPath(problems[0].path) : 'outputs';
    if (step !== state.step) wizard.goTo(step);
    focusFirstInvalid();
    return false;
  }
  useBatchWizard.setState({ error: null, local: [] });
  try {
    const job = await batchesApi.create(body);
    useBatchWizard.setState({ job });
    wizard.bumpJobs();
    wizard.goTo('run');
    return true;
  } catch (err) {
    const step = stepOfError(err, 'outputs');
    wizard.setError(step, err);
    if (step !== state.step) wizard.goTo(step);
    focusFirstInvalid();
    return false;
  }
}

/** Cancels the wizard's job; the events then bring its final state. */
export async function cancelJob(id: string): Promise<void> {
  await batchesApi.remove(id);
  const job = await batchesApi.get(id).catch(() => null);
  if (job && useBatchWizard.getState().job?.id === id) {
    useBatchWizard.setState({ job });
    if (isFinished(job)) wizard.bumpJobs();
  }
}
