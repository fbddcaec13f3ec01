import path from 'node:path';
import { clipboard, Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import { trayView, type ServerView, type TunnelView } from './core/tray-view';

export interface TrayActions {
  open(): void;
  quit(): void;
}

/** The tray icon: the server's state and URLs (see ./core/tray-view), Open and Quit. */
export class AppTray {
  private readonly tray: Tray;

  constructor(
    iconsDir: string,
    private readonly actions: TrayActions,
  ) {
    const mac = process.platform === 'darwin';
    // macOS tints a black "template" image for light and dark menu bars; the @2x file is picked up by name.
    const image = nativeImage.createFromPath(path.join(iconsDir, mac ? 'trayTemplate.png' : 'tray.png'));
    if (mac) image.setTemplateImage(true);
    this.tray = new Tray(image);
    // Windows and most Linux trays open the window on a click; the menu is on the right button.
    this.tray.on('click', () => (process.platform === 'darwin' ? undefined : this.actions.open()));
  }

  update(server: ServerView, tunnel?: TunnelView): void {
    if (this.tray.isDestroyed()) return;
    const view = trayView(server, tunnel);
    const template: MenuItemConstructorOptions[] = view.items.map((item) => {
      switch (item.kind) {
        case 'separator':
          return { type: 'separator' };
        case 'info':
          return { label: item.label, enabled: false };
        case 'copy':
          return { label: item.label, toolTip: 'Copy', click: () => clipboard.writeText(item.value) };
        case 'action':
          return {
            label: item.label,
            click: () => (item.action === 'open' ? this.actions.open() : this.actions.quit()),
          };
      }
    });
    this.tray.setToolTip(view.tooltip);
    this.tray.setContextMenu(Menu.buildFromTemplate(template));
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }
}
