import { useEffect, useRef, type ReactNode } from 'react';

// The first page of a visit leaves focus at the top of the document, so Tab reaches the skip link first.
let firstPage = true;

/** The page's h1; after a navigation it takes focus so keyboard and screen-reader users land on the new page. */
export function PageHeader({ title, actions, children }: { title: string; actions?: ReactNode; children?: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (firstPage) firstPage = false;
    else heading.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    document.title = `${title} · qrdesk`;
  }, [title]);
  return (
    <header className="page-header">
      <div>
        <h1 ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {children}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}
