/** What the preload hands the renderer; the renderer reads it as `window.qrdesk`. */
export interface DesktopBridgeInfo {
  apiBaseUrl: string;
  apiKey: string;
  version: string;
}

export interface DesktopBridge {
  info(): Promise<DesktopBridgeInfo>;
}
