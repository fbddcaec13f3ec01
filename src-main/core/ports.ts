export interface Ports {
  apiPort: number;
  publicPort: number;
}

export type Listener = 'API' | 'public';

/** Which listener a start failed on because its port is taken (src-server's PortInUseError), else null. */
export function portInUse(err: unknown): Listener | null {
  if (!(err instanceof Error) || err.name !== 'PortInUseError') return null;
  const listener = (err as Error & { listener?: unknown }).listener;
  return listener === 'API' || listener === 'public' ? listener : null;
}

/**
 * Starts the server on the preferred ports; a listener whose port is taken (by
 * `qrdesk serve`, another program) moves to a free port the OS picks, and the
 * start is tried again. The server writes server.json with the ports it really
 * got, so scripts still find it. Any other error is thrown as it is.
 */
export async function startWithPortFallback<T>(
  start: (ports: Ports) => Promise<T>,
  preferred: Ports,
): Promise<{ server: T; ports: Ports; movedFrom: Partial<Record<Listener, number>> }> {
  const ports = { ...preferred };
  const movedFrom: Partial<Record<Listener, number>> = {};
  for (;;) {
    try {
      return { server: await start({ ...ports }), ports, movedFrom };
    } catch (err) {
      const listener = portInUse(err);
      const key = listener === 'API' ? 'apiPort' : 'publicPort';
      // Port 0 cannot be taken: a failure there (or a second one on the same listener) is real.
      if (!listener || ports[key] === 0) throw err;
      movedFrom[listener] = ports[key];
      ports[key] = 0;
    }
  }
}

/** A port from the environment (QRDESK_PORT, QRDESK_PUBLIC_PORT), or the default when unset or not a port. */
export function portFromEnv(value: string | undefined, fallback: number): number {
  if (value === undefined || !/^\d{1,5}$/.test(value.trim())) return fallback;
  const port = Number(value.trim());
  return port <= 65_535 ? port : fallback;
}
