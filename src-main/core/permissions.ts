import { isAppUrl } from './urls';

/**
 * The one permission the UI uses: writing to the clipboard ("Copy" buttons, copy as PNG).
 * Camera, microphone, geolocation, notifications, clipboard reading, MIDI, HID, serial,
 * USB, screen capture, pointer lock, fullscreen requests from a page... are all denied.
 */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/**
 * For `setPermissionRequestHandler` and `setPermissionCheckHandler`: denied
 * unless it is a granted permission asked by a page of the app itself.
 */
export function permissionAllowed(permission: unknown, requestingUrl: unknown, apiUrl: string | undefined): boolean {
  if (typeof permission !== 'string' || !GRANTED_PERMISSIONS.has(permission)) return false;
  return apiUrl !== undefined && isAppUrl(requestingUrl, apiUrl);
}
