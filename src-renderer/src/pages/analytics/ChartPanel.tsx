import { useId, type ReactNode } from 'react';

export interface DataTableProps {
  caption: string;
  headers: string[];
  rows: (string | number)[][];
}

/** The numbers behind a chart, for screen readers (the chart itself is an image to them). */
export function HiddenDataTable({ caption, headers, rows }: DataTableProps) {
  return (
    <div className="visually-hidden">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={r}>
              {row.map((cell, c) =>
                c === 0 ? (
                  <th key={c} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={c}>{cell}</td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A titled card for one chart or table. */
export function ChartPanel({
  title,
  description,
  actions,
  children,
  className,
  testId,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <section
      className={`card analytics-panel${className ? ` ${className}` : ''}`}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
    >
      <div className="analytics-panel-header">
        <div>
          <h2 id={`${id}-title`}>{title}</h2>
          {description && <p className="muted small analytics-panel-description">{description}</p>}
        </div>
        {actions}
      </div>
      {children}
    </section>
  );
}
