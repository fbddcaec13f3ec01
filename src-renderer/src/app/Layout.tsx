import { BarChart3, Barcode, Code2, Layers, LibraryBig, Moon, PlusSquare, Settings, Sun, SunMoon } from 'lucide-react';
import { NavLink, Outlet } from 'react-router';
import logoUrl from '../assets/logo.svg';
import { useTranslation } from 'react-i18next';
import { ConfirmDialogHost } from '../components/ConfirmDialog';
import { Toaster } from '../components/Toaster';
import { LANGUAGES, usePreferences, type Language, type ThemeChoice } from '../state/preferences';
import { useSession } from '../state/session';

const NAV = [
  { to: '/library', key: 'library', icon: LibraryBig },
  { to: '/create', key: 'create', icon: PlusSquare },
  { to: '/barcodes', key: 'barcodes', icon: Barcode },
  { to: '/batch', key: 'batch', icon: Layers },
  { to: '/analytics', key: 'analytics', icon: BarChart3 },
  { to: '/settings', key: 'settings', icon: Settings },
  { to: '/developers', key: 'developers', icon: Code2 },
] as const;

const THEME_ICONS = { system: SunMoon, light: Sun, dark: Moon } as const;

export function Layout() {
  const { t } = useTranslation();
  const who = useSession((s) => s.who);
  const { theme, setTheme, language, setLanguage } = usePreferences();

  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <aside className="sidebar">
        <div className="brand">
          <img src={logoUrl} alt="" width={28} height={28} />
          <span>{t('appName')}</span>
        </div>
        <nav aria-label={t('nav.label')}>
          <ul>
            {NAV.map(({ to, key, icon: Icon }) => (
              <li key={key}>
                <NavLink to={to} className={({ isActive }) => (isActive ? 'nav-link active' : 'nav-link')}>
                  <Icon size={18} aria-hidden="true" />
                  <span>{t(`nav.${key}`)}</span>
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-footer">
          <fieldset className="theme-switch">
            <legend>{t('theme.label')}</legend>
            {(['system', 'light', 'dark'] as ThemeChoice[]).map((choice) => {
              const Icon = THEME_ICONS[choice];
              return (
                <label key={choice} title={t(`theme.${choice}`)}>
                  <input
                    type="radio"
                    name="theme"
                    value={choice}
                    checked={theme === choice}
                    onChange={() => setTheme(choice)}
                  />
                  <Icon size={16} aria-hidden="true" />
                  <span className="visually-hidden">{t(`theme.${choice}`)}</span>
                </label>
              );
            })}
          </fieldset>
          <label className="language-select">
            <span>{t('language.label')}</span>
            <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
              {LANGUAGES.map((lang) => (
                <option key={lang} value={lang} lang={lang}>
                  {t(`language.${lang}`)}
                </option>
              ))}
            </select>
          </label>
          {who && (
            <p className="muted small" data-testid="connected">
              {t('connection.signedInAs', { name: who.name })}
            </p>
          )}
        </div>
      </aside>
      <main id="main" className="main">
        <Outlet />
      </main>
      <Toaster />
      <ConfirmDialogHost />
    </div>
  );
}
