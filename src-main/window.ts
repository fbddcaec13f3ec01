import { BrowserWindow, nativeTheme, screen } from 'electron';
import { loadWindowState, MIN_SIZE, saveWindowState, windowPlacement } from './core/window-state';

export interface WindowOptions {
  apiUrl: string;
  /** userData: where window-state.json lives. */
  stateDir: string;
  preload: string;
  icon?: string;
}

/**
 * The app's window, where it was last time (if that is still on a screen), with
 * the renderer locked down: context isolation, the sandbox, web security, no
 * Node. Its size, position and maximized state are saved when it closes.
 */
export function createMainWindow(options: WindowOptions): BrowserWindow {
  const placement = windowPlacement(
    loadWindowState(options.stateDir),
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const win = new BrowserWindow({
    ...(placement.x !== undefined && placement.y !== undefined ? { x: placement.x, y: placement.y } : {}),
    width: placement.width,
    height: placement.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'qrdesk',
    // The UI's own background colours (light and dark themes), so no white flash while it loads.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#121419' : '#f6f7f9',
    ...(options.icon ? { icon: options.icon } : {}),
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // No auxclick events: a middle click can only ever open a window, which the open handler refuses.
      disableBlinkFeatures: 'Auxclick',
    },
  });
  win.once('ready-to-show', () => {
    if (placement.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    try {
      saveWindowState(options.stateDir, { bounds: win.getNormalBounds(), maximized: win.isMaximized() });
    } catch {
      // A read-only profile folder: the window opens at the default place next time.
    }
  });
  void win.loadURL(`${options.apiUrl}/`);
  return win;
}
