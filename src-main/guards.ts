import { shell, type Session, type WebContents } from 'electron';
import { UI_CSP } from '../src-shared/csp';
import { permissionAllowed } from './core/permissions';
import { externalUrl, isAllowedRequest, isAppUrl, navigationDecision, windowOpenDecision } from './core/urls';

// The Electron side of the guards in ./core: each handler asks a pure, unit-tested function and
// does what it says. `apiUrl()` is undefined until the server is up: then nothing is allowed.

/** Opens `raw` in the system browser if it is a safe http(s) URL; returns whether it did. */
export async function openExternalSafely(raw: unknown): Promise<boolean> {
  const url = externalUrl(raw);
  if (!url) return false;
  await shell.openExternal(url);
  return true;
}

/** Every web contents the app creates: no navigation away, no new windows, no <webview>. */
export function guardWebContents(contents: WebContents, apiUrl: () => string | undefined): void {
  const decide = (url: string) => {
    const target = apiUrl();
    return target ? navigationDecision(url, target) : ({ allow: false, openExternal: null } as const);
  };
  contents.on('will-navigate', (event) => {
    const decision = decide(event.url);
    if (decision.allow) return;
    event.preventDefault();
    if (decision.openExternal) void openExternalSafely(decision.openExternal);
  });
  // Sub-frames (the UI has none; a page that made one could not take it anywhere either).
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame && !decide(event.url).allow) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!decide(event.url).allow) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    const { openExternal } = windowOpenDecision(url);
    if (openExternal) void openExternalSafely(openExternal);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * The session of the app's window: permissions denied unless ./core/permissions
 * grants them, requests only to the app's own origin, the UI's CSP on every
 * page it serves (the server sends it too), downloads only of the app's own files.
 */
export function hardenSession(session: Session, apiUrl: () => string | undefined): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(permissionAllowed(permission, details.requestingUrl, apiUrl()));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    permissionAllowed(permission, details.requestingUrl ?? requestingOrigin, apiUrl()),
  );
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const target = apiUrl();
    callback({ cancel: !target || !isAllowedRequest(details.url, target) });
  });
  session.webRequest.onHeadersReceived((details, callback) => {
    const target = apiUrl();
    const page = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!target || !page || !isAppUrl(details.url, target)) {
      callback({});
      return;
    }
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [UI_CSP];
    callback({ responseHeaders: headers });
  });
  // Large exports fall back to a download of a blob: URL the page made; nothing else downloads.
  session.on('will-download', (event, item) => {
    const target = apiUrl();
    const url = item.getURL();
    if (!target || !(url.startsWith('blob:') || isAppUrl(url, target))) event.preventDefault();
  });
}
