import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../components/ErrorMessage';
import { apiFieldError, STEPS, stepFocus, useBatchWizard, type LocalProblem, type StepId } from './store';

/** A step's heading ("2. Map the columns"); it takes focus when the user moves to the step. */
export function StepHeading({ step, children }: { step: StepId; children?: ReactNode }) {
  const { t } = useTranslation('batch');
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (stepFocus.pending) {
      stepFocus.pending = false;
      heading.current?.focus({ preventScroll: false });
    }
  }, []);
  return (
    <div className="batch-step-head">
      <h2 ref={heading} tabIndex={-1} id={`batch-step-${step}`}>
        {t('steps.heading', { number: STEPS.indexOf(step) + 1, title: t(`${step}.title`) })}
      </h2>
      {children && <p className="muted batch-step-intro">{children}</p>}
    </div>
  );
}

/** The refusal of the last request, when it belongs to this step. */
export function StepError({ step }: { step: StepId }) {
  const error = useBatchWizard((s) => s.error);
  const local = useBatchWizard((s) => s.local);
  const current = useBatchWizard((s) => s.step);
  const { t } = useTranslation('batch');
  if (error && error.step === step) return <ErrorMessage error={error.error} />;
  if (local.length > 0 && step === current) {
    return (
      <div className="error-message" role="alert">
        <p>{t('checks.summary', { count: local.length })}</p>
      </div>
    );
  }
  return null;
}

/** A field's message: a check made here (translated) or the API's detail for that path. */
export function useFieldError(): (path: string, exact?: boolean) => string | undefined {
  const { t } = useTranslation('batch');
  const error = useBatchWizard((s) => s.error);
  const local = useBatchWizard((s) => s.local);
  return (path, exact = false) => {
    const problem: LocalProblem | undefined = local.find((p) => p.path === path);
    if (problem) return problem.message ?? t(`checks.${problem.key}`);
    return apiFieldError(error, path, exact);
  };
}

/** Back / next buttons at the foot of a step. */
export function StepNav({ children }: { children: ReactNode }) {
  return <div className="batch-step-nav">{children}</div>;
}
