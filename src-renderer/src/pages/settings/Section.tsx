import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { hasScope, useSession } from '../../state/session';

/** One settings section: a card with its h2 (the anchor of the page's table of contents) and actions. */
export function Section({
  id,
  title,
  intro,
  actions,
  children,
}: {
  id: string;
  title: string;
  intro?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
}) {
  return (
    <section className="card settings-section" id={`settings-${id}`} aria-labelledby={`settings-${id}-title`}>
      <div className="settings-section-head">
        <div>
          <h2 id={`settings-${id}-title`}>{title}</h2>
          {intro && <p className="muted settings-section-intro">{intro}</p>}
        </div>
        {actions && <div className="settings-section-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}

/** Said instead of a section's content when the window's key lacks the admin scope. */
export function NeedsAdmin({ what }: { what: string }) {
  const { t } = useTranslation('settings');
  const who = useSession((s) => s.who);
  if (hasScope(who, 'admin')) return null;
  return (
    <p className="settings-callout info" role="note">
      {t('needsAdmin', { what, scopes: who?.scopes.join(', ') ?? '' })}
    </p>
  );
}
