import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { LANGUAGES, usePreferences, type Language } from '../state/preferences';

// One JSON file per page and language (locales/<lang>/<namespace>.json), bundled: nothing loads at run time.
const files = import.meta.glob<{ default: Record<string, unknown> }>('./locales/*/*.json', { eager: true });

const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [file, module] of Object.entries(files)) {
  const [, lang, ns] = /\.\/locales\/([^/]+)\/([^/]+)\.json$/.exec(file)!;
  (resources[lang!] ??= {})[ns!] = module.default;
}

export const NAMESPACES = Object.keys(resources.en ?? {});

export function setupI18n(): typeof i18next {
  const language = usePreferences.getState().language;
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    ns: NAMESPACES,
    defaultNS: 'common',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = language;
  usePreferences.subscribe((state, previous) => {
    if (state.language !== previous.language) {
      void i18next.changeLanguage(state.language);
      document.documentElement.lang = state.language;
    }
  });
  return i18next;
}

/** Numbers, dates and country names in the UI's language. */
export function locale(): Language {
  return usePreferences.getState().language;
}
