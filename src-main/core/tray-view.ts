import type { TunnelState } from '../../src-shared/schemas/tunnel';

export type ServerView =
  | { state: 'starting' }
  | { state: 'running'; apiUrl: string; publicUrl: string }
  | { state: 'stopping' }
  | { state: 'failed'; message: string };

export interface TunnelView {
  provider: string;
  state: TunnelState;
  publicUrl: string | null;
  message: string | null;
}

export type TrayItem =
  | { kind: 'action'; action: 'open' | 'quit'; label: string }
  | { kind: 'copy'; label: string; value: string }
  | { kind: 'info'; label: string }
  | { kind: 'separator' };

export interface TrayViewModel {
  tooltip: string;
  items: TrayItem[];
}

/** Windows cuts tray tooltips at 127 characters; a line of a menu is kept readable too. */
export const MAX_TOOLTIP = 127;
const MAX_LABEL = 90;

const cut = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
// Messages come from providers and the network: one line, no controls.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

const SERVER_LABEL: Record<ServerView['state'], string> = {
  starting: 'starting…',
  running: 'running',
  stopping: 'stopping…',
  failed: 'not running',
};

const TUNNEL_LABEL: Record<TunnelState, string> = {
  stopped: 'off',
  starting: 'connecting…',
  up: 'up',
  down: 'reconnecting…',
  error: 'needs attention',
};

/**
 * What the tray shows: the server's state, its API URL, the URL phones reach
 * (the tunnel's when it is up, else the local public listener's), the tunnel's
 * state, and Open / Quit. URLs are menu items that copy themselves.
 */
export function trayView(server: ServerView, tunnel?: TunnelView): TrayViewModel {
  const items: TrayItem[] = [{ kind: 'action', action: 'open', label: 'Open qrdesk' }, { kind: 'separator' }];
  let tooltip = `qrdesk: server ${SERVER_LABEL[server.state]}`;
  if (server.state === 'failed') {
    items.push({ kind: 'info', label: cut(`Server not running: ${oneLine(server.message)}`, MAX_LABEL) });
  } else {
    items.push({ kind: 'info', label: `Server ${SERVER_LABEL[server.state]}` });
  }
  if (server.state === 'running') {
    items.push({ kind: 'copy', label: cut(`API: ${server.apiUrl}`, MAX_LABEL), value: server.apiUrl });
    const tunnelUp = tunnel?.state === 'up' && tunnel.publicUrl ? tunnel.publicUrl : null;
    const publicUrl = tunnelUp ?? server.publicUrl;
    items.push({ kind: 'copy', label: cut(`Public: ${publicUrl}`, MAX_LABEL), value: publicUrl });
    if (tunnel && tunnel.provider !== 'none') {
      const detail = tunnel.state !== 'up' && tunnel.message ? `: ${oneLine(tunnel.message)}` : '';
      items.push({
        kind: 'info',
        label: cut(`Tunnel (${tunnel.provider}) ${TUNNEL_LABEL[tunnel.state]}${detail}`, MAX_LABEL),
      });
      tooltip += `; tunnel ${TUNNEL_LABEL[tunnel.state]}`;
    } else {
      items.push({ kind: 'info', label: 'No tunnel (phones need one: Settings > Tunnel)' });
    }
    tooltip += `\n${publicUrl}`;
  }
  items.push({ kind: 'separator' }, { kind: 'action', action: 'quit', label: 'Quit qrdesk' });
  return { tooltip: cut(tooltip, MAX_TOOLTIP), items };
}
