import { lazy } from '../../lazy';
import {
  describeError,
  redact,
  TunnelProvider,
  TunnelSetupError,
  type ProviderContext,
  type ProviderUp,
} from '../provider';

/** The part of `@ngrok/ngrok`'s API this provider uses (the SDK, or a stand-in in tests). */
export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}

export interface NgrokForwardConfig {
  addr: string;
  authtoken: string;
  domain?: string;
  proto: 'http';
  session_metadata?: string;
  /** 'closed' when the session is lost, 'connected' when ngrok has reconnected it. */
  onStatusChange?: (status: string) => void;
}

export interface NgrokSdk {
  forward(config: NgrokForwardConfig): Promise<NgrokListener>;
}

/** Loads the official SDK (a native module) only when an ngrok tunnel starts. */
export const loadNgrokSdk = lazy(async (): Promise<NgrokSdk> => {
  const mod = (await import('@ngrok/ngrok')) as unknown as NgrokSdk & { default?: NgrokSdk };
  return typeof mod.forward === 'function' ? mod : mod.default!;
});

/**
 * ngrok through its official SDK, in process: an HTTP endpoint on the reserved
 * domain (or a random one) whose traffic the SDK forwards to the public
 * listener's address. ngrok reconnects its session by itself; the status
 * callback tells the manager when it is lost and back.
 */
export class NgrokProvider extends TunnelProvider {
  readonly kind = 'ngrok' as const;
  private listener: NgrokListener | undefined;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly loadSdk: () => Promise<NgrokSdk> = loadNgrokSdk,
  ) {
    super();
  }

  async start(signal: AbortSignal): Promise<ProviderUp> {
    const authtoken = this.ctx.secrets.get('ngrokAuthtoken');
    if (!authtoken) {
      throw new TunnelSetupError(
        'Set ngrokAuthtoken: your authtoken from the ngrok dashboard (Getting Started > Your Authtoken).',
      );
    }
    let sdk: NgrokSdk;
    try {
      sdk = await this.loadSdk();
    } catch (err) {
      throw new TunnelSetupError(`The ngrok SDK could not be loaded on this machine: ${describeError(err)}`, {
        cause: err,
      });
    }
    this.state = 'starting';
    const domain = this.ctx.settings.ngrokDomain ?? undefined;
    const { host, port } = this.ctx.target;
    let listener: NgrokListener;
    try {
      const forwarding = sdk.forward({
        addr: `${host.includes(':') ? `[${host}]` : host}:${port}`,
        authtoken,
        ...(domain ? { domain } : {}),
        proto: 'http',
        session_metadata: 'qrdesk',
        onStatusChange: (status) => {
          if (status === 'closed' && this.state === 'up') {
            this.state = 'interrupted';
            this.emit('interrupted', 'The ngrok session was lost; ngrok is reconnecting');
          } else if (status === 'connected' && this.state === 'interrupted') {
            this.state = 'up';
            this.emit('restored');
          }
        },
      });
      // forward() cannot be cancelled: give up waiting on abort, and close a listener that arrives late.
      listener = await new Promise<NgrokListener>((resolve, reject) => {
        const onAbort = () => {
          reject(signal.reason as Error);
          void forwarding.then((late) => late.close()).catch(() => undefined);
        };
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        forwarding.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
      });
    } catch (err) {
      if (signal.aborted) throw err;
      const e = err as { errorCode?: unknown; message?: unknown };
      const code = typeof e?.errorCode === 'string' ? e.errorCode : /\b(ERR_NGROK_\d+)\b/.exec(String(e?.message))?.[1];
      const text = redact(describeError(err), [authtoken]).replace(/\s*error_code: ERR_NGROK_\d+\s*$/, '');
      // ngrok said no (a bad authtoken, a domain that is not yours, a plan limit): retrying will not help.
      if (code) throw new TunnelSetupError(`ngrok refused the tunnel (${code}): ${text}`, { cause: err });
      throw new Error(`ngrok could not connect: ${text}`, { cause: err });
    }
    if (this.state !== 'starting' || signal.aborted) {
      // Stopped (or timed out) while connecting: close what arrived late.
      await listener.close().catch(() => undefined);
      throw new Error('The ngrok tunnel was stopped while starting');
    }
    this.listener = listener;
    const url = listener.url();
    if (!url) {
      throw new Error('ngrok gave no URL for the tunnel');
    }
    this.state = 'up';
    this.url = url.replace(/\/+$/, '');
    return {
      publicUrl: this.url,
      warnings: domain
        ? []
        : [
            {
              code: 'RANDOM_HOSTNAME',
              message:
                `No ngrokDomain is set, so ngrok gave a random URL (${this.url}) that changes at every start: codes ` +
                'printed with it stop working. Reserve a domain in the ngrok dashboard and set ngrokDomain.',
            },
          ],
    };
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close().catch((err: unknown) => {
      this.ctx.logger.warn({ err: describeError(err) }, 'ngrok listener did not close cleanly');
    });
  }
}
