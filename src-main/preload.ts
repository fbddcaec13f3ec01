import { contextBridge, ipcRenderer } from 'electron';
import type { DesktopBridge, DesktopBridgeInfo } from './bridge';

// A minimal bridge: the renderer learns where the API is and which key to use, nothing more.
const bridge: DesktopBridge = {
  info: () => ipcRenderer.invoke('qrdesk:info') as Promise<DesktopBridgeInfo>,
};

contextBridge.exposeInMainWorld('qrdesk', bridge);
