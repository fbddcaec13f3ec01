import fs from 'node:fs/promises';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, shell, type IpcMainInvokeEvent } from 'electron';
import { IPC, type DesktopBridgeInfo, type DesktopSaveResult } from './bridge';
import { dialogTarget, SavedFiles, saveDialogFilters, validateSaveRequest } from './core/save-file';
import { isAppUrl } from './core/urls';
import { openExternalSafely } from './guards';

export interface IpcContext {
  apiUrl(): string | undefined;
  info(): DesktopBridgeInfo;
}

/**
 * The bridge's handlers in main. Each answers only the app's own page (a frame
 * from anywhere else gets an error) and checks its arguments here, whatever
 * the preload already checked.
 */
export function registerIpc(context: IpcContext): void {
  const saved = new SavedFiles();
  let lastFolder: string | undefined;

  const handle = <A extends unknown[], R>(channel: string, fn: (event: IpcMainInvokeEvent, ...args: A) => R) => {
    ipcMain.handle(channel, (event, ...args) => {
      const apiUrl = context.apiUrl();
      if (!apiUrl || !event.senderFrame || !isAppUrl(event.senderFrame.url, apiUrl)) {
        throw new Error('qrdesk: refused a request from a page that is not the app');
      }
      return fn(event, ...(args as A));
    });
  };

  handle(IPC.info, () => context.info());

  handle(IPC.saveFile, async (event, name: unknown, bytes: unknown): Promise<DesktopSaveResult> => {
    const request = validateSaveRequest(name, bytes);
    const owner = BrowserWindow.fromWebContents(event.sender);
    const options: Electron.SaveDialogOptions = {
      defaultPath: path.join(lastFolder ?? app.getPath('downloads'), request.name),
      filters: saveDialogFilters(request.name),
      properties: ['createDirectory', 'showOverwriteConfirmation'],
    };
    const choice = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
    const target = choice.canceled ? null : dialogTarget(choice.filePath);
    if (!target) return { saved: false };
    await fs.writeFile(target, request.bytes);
    saved.add(target);
    lastFolder = path.dirname(target);
    return { saved: true, path: target };
  });

  handle(IPC.revealInFolder, (_event, file: unknown) => {
    if (!saved.has(file)) return false;
    shell.showItemInFolder(file);
    return true;
  });

  handle(IPC.openExternal, (_event, url: unknown) => openExternalSafely(url));
}
