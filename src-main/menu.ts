import { Menu, type MenuItemConstructorOptions } from 'electron';
import { menuTemplate, type MenuActions, type MenuOptions } from './core/menu-template';

/** The application menu (./core/menu-template has its structure). */
export function installMenu(options: MenuOptions, actions: MenuActions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(options, actions) as MenuItemConstructorOptions[]));
}
