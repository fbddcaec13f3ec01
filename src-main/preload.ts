import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  IPC,
  MAX_SAVE_BYTES,
  type DesktopBridge,
  type DesktopBridgeInfo,
  type DesktopMenuCommand,
  type DesktopSaveResult,
} from './bridge';

// A minimal bridge: where the API is and which key to use, the native save dialog, reveal a saved
// file, open a link in the browser, and the menu's commands. No ipcRenderer, no Node, nothing else.
// Main checks every argument again: this file runs in the page's process.
const bridge: DesktopBridge = {
  info: () => ipcRenderer.invoke(IPC.info) as Promise<DesktopBridgeInfo>,
  maxSaveBytes: MAX_SAVE_BYTES,
  saveFile: (suggestedName, bytes) => {
    // isView, not instanceof: the array was made in the page's world, not this one. Main checks it again.
    if (typeof suggestedName !== 'string' || !ArrayBuffer.isView(bytes)) {
      return Promise.reject(new TypeError('saveFile(name: string, bytes: Uint8Array)'));
    }
    return ipcRenderer.invoke(IPC.saveFile, suggestedName, bytes) as Promise<DesktopSaveResult>;
  },
  revealInFolder: (path) => ipcRenderer.invoke(IPC.revealInFolder, String(path)) as Promise<boolean>,
  openExternal: (url) => ipcRenderer.invoke(IPC.openExternal, String(url)) as Promise<boolean>,
  onMenu: (command: DesktopMenuCommand, listener: () => void) => {
    // The page gets a call, never the IPC event (it would expose the sender).
    const handler = (_event: IpcRendererEvent, sent: unknown) => {
      if (sent === command) listener();
    };
    ipcRenderer.on(IPC.menu, handler);
    return () => void ipcRenderer.removeListener(IPC.menu, handler);
  },
};

contextBridge.exposeInMainWorld('qrdesk', bridge);
