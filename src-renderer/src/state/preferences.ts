import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export type ThemeChoice = 'system' | 'light' | 'dark';
export type Language = 'en' | 'fr';
export const LANGUAGES: readonly Language[] = ['en', 'fr'];

interface Preferences {
  theme: ThemeChoice;
  language: Language;
  libraryView: 'grid' | 'list';
  setTheme(theme: ThemeChoice): void;
  setLanguage(language: Language): void;
  setLibraryView(view: 'grid' | 'list'): void;
}

function browserLanguage(): Language {
  return navigator.language.toLowerCase().startsWith('fr') ? 'fr' : 'en';
}

/** Choices that belong to this machine rather than to the data: kept in localStorage. */
export const usePreferences = create<Preferences>()(
  persist(
    (set) => ({
      theme: 'system',
      language: browserLanguage(),
      libraryView: 'grid',
      setTheme: (theme) => set({ theme }),
      setLanguage: (language) => set({ language }),
      setLibraryView: (libraryView) => set({ libraryView }),
    }),
    { name: 'qrdesk.preferences' },
  ),
);
