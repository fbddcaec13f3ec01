import type { DesktopBridge } from '../../src-main/bridge';

export interface Connection {
  baseUrl: string;
  key: string | null;
  /** The desktop app's version, when running inside it. */
  desktopVersion: string | null;
}

const STORAGE_KEY = 'qrdesk.apiKey';

/**
 * Finds the API and key: from the Electron preload when present, else from the
 * `#key=` fragment that `qrdesk serve` prints (then dropped from the address
 * bar so it is not bookmarked or shared), else from this tab's session.
 */
export async function resolveConnection(): Promise<Connection> {
  const bridge = (window as unknown as { qrdesk?: DesktopBridge }).qrdesk;
  if (bridge) {
    const info = await bridge.info();
    return { baseUrl: info.apiBaseUrl, key: info.apiKey, desktopVersion: info.version };
  }
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (fromHash) history.replaceState(null, '', window.location.pathname + window.location.search);
  return {
    baseUrl: window.location.origin,
    key: fromHash ?? sessionStorage.getItem(STORAGE_KEY),
    desktopVersion: null,
  };
}

/** Kept for this tab only (sessionStorage), so a reload stays signed in and closing the tab forgets it. */
export function rememberKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
