/**
 * The application menu as plain data (the shape of Electron's
 * MenuItemConstructorOptions, without importing Electron), so its structure is
 * unit-tested: the standard menus of each platform, plus File > Export.
 */
export interface MenuSpec {
  id?: string;
  label?: string;
  role?: string;
  type?: 'separator' | 'normal';
  accelerator?: string;
  enabled?: boolean;
  click?: () => void;
  submenu?: MenuSpec[];
}

export interface MenuActions {
  /** File > Export…: asks the page to open its export (the designer listens). */
  exportCurrent(): void;
  /** Help > API reference: /docs in the system browser. */
  openApiDocs(): void;
  /** Help > Show data folder. */
  showDataFolder(): void;
}

export interface MenuOptions {
  platform: NodeJS.Platform;
  appName: string;
  /** Developer tools in the View menu: only in unpackaged builds. */
  devTools: boolean;
}

/** The commands a menu sends to the page (the bridge's `onMenu`). */
export const MENU_COMMANDS = ['export'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

export function menuTemplate(options: MenuOptions, actions: MenuActions): MenuSpec[] {
  const mac = options.platform === 'darwin';
  const sep: MenuSpec = { type: 'separator' };
  const appMenu: MenuSpec[] = mac
    ? [
        {
          label: options.appName,
          submenu: [
            { role: 'about' },
            sep,
            { role: 'services' },
            sep,
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            sep,
            { role: 'quit' },
          ],
        },
      ]
    : [];
  const file: MenuSpec = {
    label: '&File',
    submenu: [
      { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', click: actions.exportCurrent },
      sep,
      mac ? { role: 'close' } : { role: 'quit', label: 'E&xit' },
    ],
  };
  const view: MenuSpec = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(options.devTools ? [{ role: 'toggleDevTools' }] : []),
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuSpec = {
    role: 'help',
    label: '&Help',
    submenu: [
      { label: 'API reference', click: actions.openApiDocs },
      { label: 'Show data folder', click: actions.showDataFolder },
      ...(mac ? [] : [sep, { role: 'about' }]),
    ],
  };
  return [...appMenu, file, { role: 'editMenu' }, view, { role: 'windowMenu' }, help];
}
