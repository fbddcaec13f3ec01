// The typed contract between the preload and the renderer (`window.qrdesk`): types and two
// constants. The renderer and the sandboxed preload import this file, so it imports nothing.

/** What the preload hands the renderer; the renderer reads it as `window.qrdesk`. */
export interface DesktopBridgeInfo {
  apiBaseUrl: string;
  apiKey: string;
  version: string;
}

export type DesktopSaveResult =
  /** Written to `path` (the file the user chose in the dialog). */
  | { saved: true; path: string }
  /** The user cancelled the dialog. */
  | { saved: false };

/** Commands the application menu sends to the page. */
export type DesktopMenuCommand = 'export';

export interface DesktopBridge {
  info(): Promise<DesktopBridgeInfo>;
  /**
   * Offers the native save dialog for `bytes` (at most `maxSaveBytes`), suggesting
   * `suggestedName`; writes only the path the user picks. Rejects on a write error.
   */
  saveFile(suggestedName: string, bytes: Uint8Array): Promise<DesktopSaveResult>;
  /** The largest file saveFile takes; bigger files use the browser's download instead. */
  readonly maxSaveBytes: number;
  /** Shows a file saved by saveFile in this session in the system's file manager. */
  revealInFolder(path: string): Promise<boolean>;
  /** Opens an http(s) URL in the system browser (false for anything else). */
  openExternal(url: string): Promise<boolean>;
  /** Calls `listener` when the menu sends `command`; returns the unsubscribe. */
  onMenu(command: DesktopMenuCommand, listener: () => void): () => void;
}

/**
 * The largest file the renderer may hand over for the native save dialog. Bigger
 * files (a batch ZIP of many thousands of codes) take the browser's download path,
 * which streams to disk instead of crossing IPC in one piece.
 */
export const MAX_SAVE_BYTES = 256 * 1024 * 1024;

/** The IPC channels behind the bridge (the preload and main use these names only). */
export const IPC = {
  info: 'qrdesk:info',
  saveFile: 'qrdesk:save-file',
  revealInFolder: 'qrdesk:reveal-in-folder',
  openExternal: 'qrdesk:open-external',
  menu: 'qrdesk:menu',
} as const;
