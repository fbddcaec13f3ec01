import type { WifiContent } from '../schemas/content';

/** Backslash-escapes the characters the WIFI: format gives a meaning: `\ ; , : "`. */
export const escapeWifi = (s: string): string => s.replace(/[\\;,:"]/g, (c) => '\\' + c);

/**
 * The de facto Wi-Fi network format (ZXing's "WIFI:" barcode contents), read by
 * the camera apps of Android and iOS: `WIFI:T:WPA;S:<ssid>;P:<password>;H:true;;`.
 * P is left out for an open network, H unless the network is hidden.
 * Values are never quoted: a hex-looking SSID or key is written as it is.
 */
export function encodeWifi(content: WifiContent): string {
  const fields = [`T:${content.encryption}`, `S:${escapeWifi(content.ssid)}`];
  if (content.encryption !== 'nopass' && content.password) fields.push(`P:${escapeWifi(content.password)}`);
  if (content.hidden) fields.push('H:true');
  return `WIFI:${fields.join(';')};;`;
}
