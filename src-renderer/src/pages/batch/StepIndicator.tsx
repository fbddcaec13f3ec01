import { Check } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { STEPS, useBatchWizard, wizard, type StepId } from './store';
import { useReachable } from './useReachable';

/** The wizard's steps as an ordered list; the current one has aria-current="step", the reachable ones are buttons. */
export function StepIndicator() {
  const { t } = useTranslation('batch');
  const current = useBatchWizard((s) => s.step);
  const reachable = useReachable();
  const currentIndex = STEPS.indexOf(current);
  return (
    <nav aria-label={t('steps.label')} className="batch-steps-nav">
      <ol className="batch-steps">
        {STEPS.map((step: StepId, index) => {
          const isCurrent = step === current;
          const done = index < currentIndex && reachable[step];
          const content = (
            <>
              <span className="batch-step-number" aria-hidden="true">
                {done ? <Check size={14} /> : index + 1}
              </span>
              <span className="batch-step-label">{t(`steps.${step}`)}</span>
              {done && <span className="visually-hidden"> ({t('steps.done')})</span>}
            </>
          );
          return (
            <li
              key={step}
              className={`batch-step${isCurrent ? ' current' : ''}${done ? ' done' : ''}`}
              aria-current={isCurrent ? 'step' : undefined}
            >
              {reachable[step] && !isCurrent ? (
                <button type="button" className="batch-step-button" onClick={() => wizard.goTo(step)}>
                  {content}
                </button>
              ) : (
                <span className="batch-step-button" aria-disabled={isCurrent ? undefined : true}>
                  {content}
                </span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
