import { create } from 'zustand';
import type { ServerInfo } from '../../../../src-shared/schemas/server-info';
import type { Settings } from '../../../../src-shared/schemas/settings';
import { serverInfoApi } from '../../api/server-info';
import { settingsApi } from '../../api/settings';

/**
 * What several sections show: the app settings (the tunnel changes trustProxy
 * and the base URL) and the server's own facts (ports, data directory).
 */
interface SettingsStore {
  settings: Settings | null;
  error: unknown;
  server: ServerInfo | null;
  serverError: unknown;
  load(): Promise<void>;
  set(settings: Settings): void;
  loadServer(): Promise<void>;
}

export const useSettingsStore = create<SettingsStore>()((set) => ({
  settings: null,
  error: null,
  server: null,
  serverError: null,
  load: async () => {
    try {
      set({ settings: await settingsApi.get(), error: null });
    } catch (error) {
      set({ error });
    }
  },
  set: (settings) => set({ settings, error: null }),
  loadServer: async () => {
    try {
      set({ server: await serverInfoApi.get(), serverError: null });
    } catch (serverError) {
      set({ serverError });
    }
  },
}));
