import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { TrustProxy } from '../scans/capture/client-address';
import type {
  TunnelCheck,
  TunnelConfig,
  TunnelProviderName,
  TunnelSettings,
  TunnelState,
  TunnelStatus,
  TunnelWarning,
  UpdateTunnelInput,
} from '../../src-shared/schemas/tunnel';
import { AppError } from '../errors';
import type { SettingsService } from '../services/settings';
import type { Store } from '../store/store';
import {
  describeError,
  TunnelSetupError,
  type ProviderContext,
  type ProviderUp,
  type TunnelProvider,
  type TunnelTarget,
} from './provider';
import { CloudflaredProvider, isExecutableFile, type CloudflaredOptions } from './providers/cloudflared';
import { CustomDomainProvider } from './providers/custom-domain';
import { LocaltunnelProvider } from './providers/localtunnel';
import { loadNgrokSdk, NgrokProvider, type NgrokSdk } from './providers/ngrok';
import type { SecretName, SecretStore } from './secrets';
import { checkPublicUrl, httpGet, type HttpGet } from './self-check';

export interface TunnelTimings {
  /** First wait before reconnecting; doubles each failed attempt (default 1 s). */
  initialDelayMs: number;
  /** The longest wait between attempts (default 60 s). */
  maxDelayMs: number;
  /** ± this fraction of random spread on each wait (default 0.2; tests use 0). */
  jitter: number;
  /** How long one start may take before it is given up and retried (default 30 s). */
  startTimeoutMs: number;
  /** How long POST /tunnel/start waits for the first attempt before answering (default 20 s). */
  startWaitMs: number;
  /** How often the public URL is checked while up (default 60 s). */
  checkIntervalMs: number;
  /** Timeout of one check request (default 10 s). */
  checkTimeoutMs: number;
  /** Failed checks in a row that make an up tunnel down and reconnect it (default 2). */
  failuresBeforeDown: number;
  /** How long a provider may stay interrupted (reconnecting by itself) before it is restarted (default 60 s). */
  recoverTimeoutMs: number;
}

export const DEFAULT_TUNNEL_TIMINGS: TunnelTimings = {
  initialDelayMs: 1_000,
  maxDelayMs: 60_000,
  jitter: 0.2,
  startTimeoutMs: 30_000,
  startWaitMs: 20_000,
  checkIntervalMs: 60_000,
  checkTimeoutMs: 10_000,
  failuresBeforeDown: 2,
  recoverTimeoutMs: 60_000,
};

export interface TunnelManagerOptions {
  timings?: Partial<TunnelTimings>;
  /** Fetches the public URL for the self-check (tests route test hostnames to loopback). */
  httpGet?: HttpGet;
  /** The ngrok SDK (default: `@ngrok/ngrok`, loaded on first use). */
  ngrokSdk?: () => Promise<NgrokSdk>;
  cloudflared?: CloudflaredOptions;
}

export interface TunnelManagerDeps {
  store: Store;
  settings: SettingsService;
  secrets: SecretStore;
  logger: Logger;
}

/** What each provider makes the public listener believe about the client address. */
export const TRUST_PROXY_FOR: Record<TunnelProviderName, TrustProxy> = {
  none: 'none',
  cloudflared: 'cloudflare',
  ngrok: 'x-forwarded-for',
  localtunnel: 'x-forwarded-for',
  'custom-domain': 'x-forwarded-for',
};

const SECRET_FIELDS: Record<SecretName, keyof UpdateTunnelInput> = {
  cloudflaredToken: 'cloudflaredToken',
  ngrokAuthtoken: 'ngrokAuthtoken',
};

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/**
 * Runs the tunnel: one provider at a time, always forwarding to the public
 * listener; reconnects with exponential backoff when it drops; checks the
 * public URL through the tunnel on a timer. Emits `change` whenever its
 * status changes (for the tray).
 */
export class TunnelManager extends EventEmitter<{ change: [] }> {
  private readonly timings: TunnelTimings;
  private readonly get: HttpGet;
  private target: TunnelTarget | undefined;
  private state: TunnelState = 'stopped';
  private since: number | null = null;
  private message: string | null = null;
  private publicUrl: string | null = null;
  private providerWarnings: TunnelWarning[] = [];
  private lastCheck: TunnelCheck | null = null;
  private nextRetryAt: number | null = null;
  private provider: TunnelProvider | undefined;
  /** Bumped by every start and stop: a late answer of an older attempt is ignored. */
  private generation = 0;
  private attempts = 0;
  private checkFailures = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private checkTimer: NodeJS.Timeout | undefined;
  private recoverTimer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private pending: Promise<void> | undefined;
  /** Aborts the start in progress (stop, or a start that takes too long). */
  private abort: AbortController | undefined;
  /** Providers being stopped in the background (after they dropped): awaited by stop(). */
  private readonly stopping = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly deps: TunnelManagerDeps,
    private readonly options: TunnelManagerOptions = {},
  ) {
    super();
    this.timings = { ...DEFAULT_TUNNEL_TIMINGS, ...options.timings };
    this.get = options.httpGet ?? ((url, o) => httpGet(url, o));
  }

  /** Where tunnels forward: the public listener, once it is bound. */
  attach(target: TunnelTarget): void {
    const host = target.host === '0.0.0.0' || target.host === '::' ? '127.0.0.1' : target.host;
    this.target = { host, port: target.port };
  }

  config(): TunnelConfig {
    const { secrets } = this.deps;
    return {
      ...this.deps.settings.tunnel(),
      hasCloudflaredToken: secrets.get('cloudflaredToken') !== undefined,
      hasNgrokAuthtoken: secrets.get('ngrokAuthtoken') !== undefined,
    };
  }

  status(): TunnelStatus {
    const config = this.config();
    return {
      provider: config.provider,
      state: this.state,
      publicUrl: this.state === 'up' ? this.publicUrl : null,
      since: iso(this.since),
      message: this.message,
      nextRetryAt: this.state === 'down' ? iso(this.nextRetryAt) : null,
      lastCheck: this.lastCheck,
      warnings: this.warnings(config),
      config,
    };
  }

  private warnings(config: TunnelConfig): TunnelWarning[] {
    const out: TunnelWarning[] = [];
    const running = this.state === 'up' || this.state === 'down' || this.state === 'starting';
    if (running) out.push(...this.providerWarnings);
    if (
      config.provider === 'cloudflared' &&
      !config.hasCloudflaredToken &&
      !out.some((w) => w.code === 'QUICK_TUNNEL')
    ) {
      out.push({
        code: 'QUICK_TUNNEL',
        message:
          'Without a cloudflaredToken, cloudflared runs a quick tunnel whose hostname changes every time it starts, ' +
          'so codes printed with it stop working. For printed codes, use a named tunnel.',
      });
    }
    const url = this.state === 'up' ? this.publicUrl : null;
    if (url) {
      for (const { base, n } of this.frozenBases()) {
        if (base === url) continue;
        out.push({
          code: 'BASE_URL_MISMATCH',
          message:
            `${n} dynamic code${n === 1 ? '' : 's'} encode${n === 1 ? 's' : ''} ${base}, not this tunnel's URL ` +
            `(${url}): ${n === 1 ? 'its' : 'their'} scans do not come through this tunnel.`,
        });
      }
    }
    return out;
  }

  /** The base URLs frozen into the library's dynamic codes (trash excluded), most used first. */
  private frozenBases(): { base: string; n: number }[] {
    return this.deps.store.db
      .prepare(
        `SELECT substr(short_url, 1, length(short_url) - length(short_token) - 3) AS base, COUNT(*) AS n
         FROM qr_codes
         WHERE kind = 'dynamic' AND deleted_at IS NULL AND short_url IS NOT NULL AND short_token IS NOT NULL
         GROUP BY base ORDER BY n DESC LIMIT 10`,
      )
      .all() as { base: string; n: number }[];
  }

  // ---- configuration ----

  /**
   * Applies a validated change. Checks everything before writing anything;
   * credentials go to the secret store; a new provider sets trustProxy; a
   * running tunnel restarts with the new settings.
   */
  async update(input: UpdateTunnelInput): Promise<TunnelStatus> {
    if (input.cloudflaredPath && !isExecutableFile(input.cloudflaredPath)) {
      throw new AppError('VALIDATION_ERROR', 'Invalid body: cloudflaredPath: not an executable file', [
        { path: 'cloudflaredPath', message: 'Not an executable file' },
      ]);
    }
    const before = this.deps.settings.tunnel();
    const patch: Partial<TunnelSettings> = {};
    for (const key of Object.keys(before) as (keyof TunnelSettings)[]) {
      if (input[key] !== undefined) (patch as Record<string, unknown>)[key] = input[key];
    }
    for (const [name, field] of Object.entries(SECRET_FIELDS) as [SecretName, keyof UpdateTunnelInput][]) {
      const value = input[field] as string | null | undefined;
      if (value === null) this.deps.secrets.delete(name);
      else if (value !== undefined) this.deps.secrets.set(name, value);
    }
    const providerChanged = input.provider !== undefined && input.provider !== before.provider;
    this.deps.store.db.transaction(() => {
      this.deps.settings.updateTunnel(patch);
      if (providerChanged) this.deps.settings.update({ trustProxy: TRUST_PROXY_FOR[input.provider!] });
    })();
    const changed =
      Object.entries(patch).some(([k, v]) => k !== 'autoStart' && before[k as keyof TunnelSettings] !== v) ||
      input.cloudflaredToken !== undefined ||
      input.ngrokAuthtoken !== undefined;
    this.deps.logger.info(
      { provider: this.deps.settings.tunnel().provider, fields: Object.keys(input) },
      'tunnel settings changed',
    );
    if (changed && this.state !== 'stopped') {
      await this.stop();
      if (this.deps.settings.tunnel().provider !== 'none') return this.start();
    } else {
      this.emit('change');
    }
    return this.status();
  }

  // ---- running ----

  /** Starts the tunnel (a running one stays as it is) and waits a while for the first attempt. */
  async start(): Promise<TunnelStatus> {
    this.begin();
    await this.waitPending();
    return this.status();
  }

  /** Launches an attempt unless one is running or up; throws CONFLICT when the tunnel cannot start. */
  private begin(): void {
    if (this.closed) throw new AppError('CONFLICT', 'The server is shutting down.');
    const { provider } = this.deps.settings.tunnel();
    if (provider === 'none') {
      throw new AppError('CONFLICT', 'No tunnel provider is set: choose one first (PATCH /api/v1/tunnel).');
    }
    if (!this.target) throw new AppError('CONFLICT', 'The public listener is not up yet.');
    if (this.state === 'up' || this.state === 'starting') return;
    if (this.state === 'down') {
      // Asked to start while waiting to reconnect: try now.
      clearTimeout(this.retryTimer);
    } else {
      this.attempts = 0;
      this.lastCheck = null;
    }
    this.launch();
  }

  /** Starts the tunnel if the settings ask for it at server start; how it goes shows in the status. */
  autoStart(): void {
    const { provider, autoStart } = this.deps.settings.tunnel();
    if (!autoStart || provider === 'none') return;
    this.deps.logger.info({ provider }, 'tunnel auto-start');
    try {
      this.begin();
    } catch (err) {
      this.deps.logger.warn({ err: describeError(err) }, 'tunnel auto-start failed');
    }
  }

  private async waitPending(): Promise<void> {
    const pending = this.pending;
    if (!pending) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([pending, new Promise<void>((r) => (timer = setTimeout(r, this.timings.startWaitMs)))]);
    clearTimeout(timer);
    // The first check runs right after the tunnel is up: wait for it too, so the answer has lastCheck.
    if (this.checking)
      await Promise.race([this.checking, new Promise((r) => setTimeout(r, this.timings.checkTimeoutMs * 2))]);
  }

  async stop(): Promise<TunnelStatus> {
    this.generation++;
    this.clearTimers();
    this.abort?.abort(new Error('stopped'));
    const provider = this.provider;
    this.provider = undefined;
    this.checkFailures = 0;
    if (provider) {
      provider.removeAllListeners();
      await provider.stop().catch((err: unknown) => {
        this.deps.logger.warn({ err: describeError(err) }, 'tunnel provider did not stop cleanly');
      });
    }
    await this.pending?.catch(() => undefined);
    await Promise.all([...this.stopping]);
    if (this.state !== 'stopped') {
      this.setState('stopped', null);
      this.deps.logger.info('tunnel stopped');
    }
    return this.status();
  }

  /** Stops for good (server shutdown): no child process or connection outlives the server. */
  async close(): Promise<void> {
    this.closed = true;
    await this.stop();
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.checkTimer);
    clearTimeout(this.recoverTimer);
    this.retryTimer = this.checkTimer = this.recoverTimer = undefined;
  }

  private setState(state: TunnelState, message: string | null): void {
    if (state !== this.state) this.since = Date.now();
    this.state = state;
    this.message = message;
    if (state !== 'down') this.nextRetryAt = null;
    this.emit('change');
  }

  private createProvider(settings: TunnelSettings): TunnelProvider {
    const ctx: ProviderContext = {
      settings,
      secrets: this.deps.secrets,
      target: this.target!,
      logger: this.deps.logger,
      httpGet: this.get,
    };
    switch (settings.provider) {
      case 'custom-domain':
        return new CustomDomainProvider(ctx, this.timings.checkTimeoutMs);
      case 'cloudflared':
        return new CloudflaredProvider(ctx, this.options.cloudflared);
      case 'ngrok':
        return new NgrokProvider(ctx, this.options.ngrokSdk ?? loadNgrokSdk);
      case 'localtunnel':
        return new LocaltunnelProvider(ctx, this.timings.checkTimeoutMs);
      default:
        throw new TunnelSetupError('No tunnel provider is set.');
    }
  }

  private launch(): void {
    const gen = ++this.generation;
    this.pending = this.attempt(gen).finally(() => {
      if (this.generation === gen) this.pending = undefined;
    });
  }

  private async attempt(gen: number): Promise<void> {
    const settings = this.deps.settings.tunnel();
    this.setState('starting', this.state === 'down' ? this.message : null);
    let provider: TunnelProvider;
    let up: ProviderUp;
    const abort = new AbortController();
    this.abort = abort;
    const timeout = setTimeout(
      () => abort.abort(new Error(`not connected within ${Math.round(this.timings.startTimeoutMs / 1000)} s`)),
      this.timings.startTimeoutMs,
    );
    try {
      provider = this.createProvider(settings);
      this.provider = provider;
      up = await provider.start(abort.signal);
    } catch (err) {
      clearTimeout(timeout);
      const failed = this.provider;
      if (gen !== this.generation) return;
      this.provider = undefined;
      await failed?.stop().catch(() => undefined);
      if (gen !== this.generation) return;
      const message = describeError(err);
      if (err instanceof TunnelSetupError) {
        this.deps.logger.warn({ provider: settings.provider, message }, 'tunnel cannot start');
        this.setState('error', message);
      } else {
        this.scheduleRetry(message);
      }
      return;
    }
    clearTimeout(timeout);
    if (gen !== this.generation) {
      await provider.stop().catch(() => undefined);
      return;
    }
    this.attempts = 0;
    this.checkFailures = 0;
    this.publicUrl = up.publicUrl;
    this.providerWarnings = up.warnings ?? [];
    provider.on('exit', (reason) => this.lost(gen, reason));
    provider.on('interrupted', (reason) => {
      if (gen !== this.generation) return;
      this.setState('down', reason);
      clearTimeout(this.recoverTimer);
      this.recoverTimer = setTimeout(
        () => this.lost(gen, `${reason}; not back after a while`),
        this.timings.recoverTimeoutMs,
      );
      this.recoverTimer.unref();
    });
    provider.on('restored', () => {
      if (gen !== this.generation) return;
      clearTimeout(this.recoverTimer);
      this.setState('up', null);
    });
    this.setState('up', null);
    this.useAsBaseUrl(up.publicUrl);
    this.deps.logger.info({ provider: settings.provider, publicUrl: up.publicUrl }, 'tunnel up');
    for (const w of this.warnings(this.config())) this.deps.logger.warn({ code: w.code }, w.message);
    this.scheduleCheck(gen, 0);
  }

  /** New dynamic codes get the tunnel's URL; codes made before keep theirs (and the status warns). */
  private useAsBaseUrl(url: string): void {
    if (this.deps.settings.get().publicBaseUrl === url) return;
    this.deps.settings.update({ publicBaseUrl: url });
    this.deps.logger.info({ publicBaseUrl: url }, 'public base URL set to the tunnel');
  }

  /** The provider is gone: drop it and reconnect after a backoff. */
  private lost(gen: number, reason: string): void {
    if (gen !== this.generation) return;
    this.generation++;
    this.clearTimers();
    const provider = this.provider;
    this.provider = undefined;
    if (provider) {
      provider.removeAllListeners();
      const stopped = provider.stop().catch(() => undefined);
      this.stopping.add(stopped);
      void stopped.finally(() => this.stopping.delete(stopped));
    }
    this.deps.logger.warn({ reason }, 'tunnel down');
    this.scheduleRetry(reason);
  }

  private scheduleRetry(reason: string): void {
    this.attempts++;
    const base = Math.min(this.timings.maxDelayMs, this.timings.initialDelayMs * 2 ** (this.attempts - 1));
    const wait = Math.round(base * (1 + (Math.random() * 2 - 1) * this.timings.jitter));
    // Set before the state, so whoever hears `change` sees when the next attempt is.
    this.nextRetryAt = Date.now() + wait;
    this.setState('down', reason);
    this.deps.logger.info({ attempt: this.attempts, waitMs: wait, reason }, 'tunnel reconnecting after a pause');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.state === 'down' && !this.closed) this.launch();
    }, wait);
    this.retryTimer.unref();
  }

  // ---- self-check ----

  private scheduleCheck(gen: number, delayMs: number): void {
    clearTimeout(this.checkTimer);
    const run = () => {
      this.checking = this.check(gen).finally(() => {
        this.checking = undefined;
        if (gen === this.generation) this.scheduleCheck(gen, this.timings.checkIntervalMs);
      });
    };
    if (delayMs === 0) {
      run();
      return;
    }
    this.checkTimer = setTimeout(run, delayMs);
    this.checkTimer.unref();
  }

  /** Checks the public URL now (also what the timer runs). */
  async check(gen = this.generation): Promise<void> {
    const url = this.publicUrl;
    if (!url || gen !== this.generation) return;
    const result = await checkPublicUrl(url, this.get, this.timings.checkTimeoutMs);
    if (gen !== this.generation) return;
    this.lastCheck = { at: new Date().toISOString(), ok: result.ok, status: result.status, message: result.message };
    if (result.apiExposed) {
      this.deps.logger.error({ publicUrl: url }, 'tunnel reaches the API listener; stopping it');
      await this.stop();
      this.setState('error', result.message);
      return;
    }
    if (result.ok) {
      this.checkFailures = 0;
      this.emit('change');
      return;
    }
    this.checkFailures++;
    this.deps.logger.warn(
      { publicUrl: url, message: result.message, failures: this.checkFailures },
      'tunnel self-check failed',
    );
    if (this.checkFailures >= this.timings.failuresBeforeDown && this.state === 'up') {
      this.lost(gen, `The self-check failed ${this.checkFailures} times in a row: ${result.message}`);
    } else {
      this.emit('change');
    }
  }
}
