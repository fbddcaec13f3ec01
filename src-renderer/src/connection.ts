import type { DesktopBridge } from '../../src-main/bridge';

export interface Connection {
  baseUrl: string;
  key: string | null;
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
    return { baseUrl: info.apiBaseUrl, key: info.apiKey };
  }
  const fromHash = new URLSearchParams(window.location.hash.slice(1)).get('key');
  if (fromHash) {
    sessionStorage.setItem(STORAGE_KEY, fromHash);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return { baseUrl: window.location.origin, key: fromHash ?? sessionStorage.getItem(STORAGE_KEY) };
}
