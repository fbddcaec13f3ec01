import type localtunnel from 'localtunnel';
import { lazy } from '../../lazy';
import { describeError, TunnelProvider, TunnelSetupError, type ProviderContext, type ProviderUp } from '../provider';

type LocaltunnelClient = typeof localtunnel;

/** The client, loaded only when a localtunnel tunnel starts. */
const loadLocaltunnel = lazy(async (): Promise<LocaltunnelClient> => (await import('localtunnel')).default);

/**
 * The `localtunnel` client against a self-hosted localtunnel server. The
 * client opens TCP connections to the server and pipes what arrives on them to
 * the public listener (and only there: `port`/`local_host` are the public
 * listener's). The server forwards requests with their headers as the phone
 * sent them; a reverse proxy in front of it (needed for HTTPS anyway) appends
 * X-Forwarded-For, hence trustProxy `x-forwarded-for` for this provider.
 */
export class LocaltunnelProvider extends TunnelProvider {
  readonly kind = 'localtunnel' as const;
  private tunnel: localtunnel.Tunnel | undefined;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly probeTimeoutMs: number,
    private readonly loadClient: () => Promise<LocaltunnelClient> = loadLocaltunnel,
  ) {
    super();
  }

  async start(signal: AbortSignal): Promise<ProviderUp> {
    const { localtunnelServerUrl: server, localtunnelSubdomain: subdomain } = this.ctx.settings;
    if (!server) {
      throw new TunnelSetupError('Set localtunnelServerUrl: the URL of your self-hosted localtunnel server.');
    }
    this.state = 'starting';
    // The client retries an unreachable server every second, forever, and cannot be told to stop
    // while it does: ask first, and only hand over to the client once the server answers.
    try {
      await this.ctx.httpGet(`${server}/api/status`, { timeoutMs: this.probeTimeoutMs, signal });
    } catch (err) {
      throw new Error(`The localtunnel server ${server} is not reachable: ${describeError(err)}`, { cause: err });
    }
    const client = await this.loadClient();
    const tunnel = await new Promise<localtunnel.Tunnel>((resolve, reject) => {
      const t = client(
        {
          port: this.ctx.target.port,
          local_host: this.ctx.target.host,
          host: server,
          ...(subdomain ? { subdomain } : {}),
        },
        (err) => {
          if (err) reject(new Error(`The localtunnel server refused the tunnel: ${String(err)}`));
        },
      );
      this.tunnel = t;
      // `url` comes with the first connection to the server that is ready to carry requests.
      t.once('url', () => resolve(t));
      t.on('error', (err: unknown) => {
        const reason = `The tunnel to ${server} dropped: ${describeError(err)}`;
        if (this.state === 'starting') reject(new Error(reason));
        else this.exited(reason);
      });
      signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
    });
    if (this.state !== 'starting') throw new Error(`The tunnel to ${server} was stopped while starting`);
    this.state = 'up';
    this.url = tunnel.url.replace(/\/+$/, '');
    const warnings: ProviderUp['warnings'] = [];
    const got = new URL(this.url).hostname.split('.')[0];
    if (!subdomain) {
      warnings.push({
        code: 'RANDOM_HOSTNAME',
        message:
          `No localtunnelSubdomain is set, so the server gave a random hostname (${this.url}) that changes at every ` +
          'start: codes printed with it stop working. Set localtunnelSubdomain to keep one name.',
      });
    } else if (got !== subdomain) {
      warnings.push({
        code: 'SUBDOMAIN_TAKEN',
        message: `The subdomain "${subdomain}" is in use on ${server}; the server gave ${this.url} instead.`,
      });
    }
    return { publicUrl: this.url, warnings };
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    const t = this.tunnel;
    this.tunnel = undefined;
    if (!t) return;
    t.removeAllListeners('error');
    // A socket error after close must not become an unhandled 'error' event.
    t.on('error', () => undefined);
    t.close();
  }
}
