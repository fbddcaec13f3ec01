import i18next from 'i18next';
import type { DesktopBridge } from '../../../src-main/bridge';
import { notify } from '../state/toasts';

/** The desktop app's bridge (src-main/preload.ts), absent in a browser. */
export function desktopBridge(): DesktopBridge | undefined {
  return (window as unknown as { qrdesk?: DesktopBridge }).qrdesk;
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Saves a file the user asked for, and says so once with `doneMessage`. In a
 * browser this is a download. In the desktop app it is the native save dialog
 * (files up to the bridge's limit; a larger one is a download, which the app
 * also asks where to put), and the toast gets a "Show in folder" button.
 * Resolves false when the user cancelled the dialog or the file could not be
 * written (that error is shown); never rejects.
 */
export async function saveFile(blob: Blob, fileName: string, doneMessage?: string): Promise<boolean> {
  const bridge = desktopBridge();
  if (!bridge?.saveFile || blob.size > bridge.maxSaveBytes) {
    download(blob, fileName);
    if (doneMessage) notify.success(doneMessage);
    return true;
  }
  try {
    const result = await bridge.saveFile(fileName, new Uint8Array(await blob.arrayBuffer()));
    if (!result.saved) return false;
    const name = result.path.split(/[\\/]/).pop() ?? fileName;
    notify.success(doneMessage ?? i18next.t('desktop.saved', { name }), {
      label: i18next.t('actions.showInFolder'),
      run: () => void bridge.revealInFolder(result.path),
    });
    return true;
  } catch (err) {
    notify.error(
      new Error(i18next.t('desktop.saveFailed', { message: err instanceof Error ? err.message : String(err) })),
    );
    return false;
  }
}
