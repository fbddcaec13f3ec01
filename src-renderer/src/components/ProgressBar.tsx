/** Determinate when `max` is known, otherwise an indeterminate bar; always announced with its label. */
export function ProgressBar({ value, max, label }: { value?: number; max?: number; label: string }) {
  const known = value !== undefined && max !== undefined && max > 0;
  return (
    <div className="progress">
      <progress aria-label={label} value={known ? value : undefined} max={known ? max : undefined} />
      {known && (
        <span className="progress-text" aria-hidden="true">
          {Math.round((100 * value) / max)} %
        </span>
      )}
    </div>
  );
}
