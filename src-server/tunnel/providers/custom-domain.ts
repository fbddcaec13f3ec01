import { checkPublicUrl } from '../self-check';
import { TunnelProvider, TunnelSetupError, type ProviderContext, type ProviderUp } from '../provider';

/**
 * The user's own reverse proxy (nginx, Caddy, a router's port forward...) in
 * front of the public listener. qrdesk runs nothing: starting it checks that
 * the URL reaches this server, and the manager's self-check keeps checking.
 */
export class CustomDomainProvider extends TunnelProvider {
  readonly kind = 'custom-domain' as const;

  constructor(
    private readonly ctx: ProviderContext,
    private readonly checkTimeoutMs: number,
  ) {
    super();
  }

  async start(): Promise<ProviderUp> {
    const url = this.ctx.settings.customDomainUrl;
    if (!url)
      throw new TunnelSetupError('Set customDomainUrl: the URL of your reverse proxy (e.g. https://qr.example.com).');
    this.state = 'starting';
    const check = await checkPublicUrl(url, this.ctx.httpGet, this.checkTimeoutMs);
    if (check.apiExposed) throw new TunnelSetupError(check.message!);
    if (!check.ok) throw new Error(check.message ?? `${url} is not reachable`);
    this.state = 'up';
    this.url = url;
    return { publicUrl: url };
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
  }
}
