import { usePreferences, type ThemeChoice } from '../state/preferences';

const dark = window.matchMedia('(prefers-color-scheme: dark)');

function apply(choice: ThemeChoice): void {
  const theme = choice === 'system' ? (dark.matches ? 'dark' : 'light') : choice;
  document.documentElement.dataset.theme = theme;
}

/** Keeps <html data-theme> in step with the preference and, for "system", with the OS. */
export function setupTheme(): void {
  apply(usePreferences.getState().theme);
  usePreferences.subscribe((state) => apply(state.theme));
  dark.addEventListener('change', () => apply(usePreferences.getState().theme));
}
