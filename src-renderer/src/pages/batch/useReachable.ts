import { mappingKey } from './spec';
import { useBatchWizard, type StepId } from './store';

/** Which steps can be opened now: each needs what the one before produced. */
export function useReachable(): Record<StepId, boolean> {
  const state = useBatchWizard();
  const hasSource = state.source !== null;
  const previewed = hasSource && state.preview !== null;
  const fresh = previewed && state.previewFor === mappingKey(state);
  return {
    upload: true,
    mapping: hasSource,
    preview: previewed,
    outputs: fresh && (state.preview?.report.validRows ?? 0) > 0,
    run: state.job !== null,
  };
}
