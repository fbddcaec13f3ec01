import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  delay,
  describeError,
  redact,
  TunnelProvider,
  TunnelSetupError,
  type ProviderContext,
  type ProviderUp,
} from '../provider';
import { httpGet } from '../self-check';

export interface CloudflaredOptions {
  /** The environment to search PATH in and to pass to cloudflared (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** Folders searched after PATH (default: where the installers put it on this platform). */
  extraDirs?: readonly string[];
  /** How often the metrics endpoint is polled while starting (default 500 ms). */
  pollMs?: number;
  /** How often `/ready` is polled while up (default 5 s). */
  watchMs?: number;
  /** How long cloudflared has to exit after SIGTERM before SIGKILL (default 5 s). */
  stopGraceMs?: number;
}

/** Where cloudflared's installers put it, searched after PATH. */
export function defaultCloudflaredDirs(platform: NodeJS.Platform = process.platform): string[] {
  if (platform === 'win32') {
    return ['C:\\Program Files (x86)\\cloudflared', 'C:\\Program Files\\cloudflared'];
  }
  if (platform === 'darwin') return ['/opt/homebrew/bin', '/usr/local/bin'];
  return ['/usr/local/bin', '/usr/bin', '/opt/cloudflared'];
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The cloudflared to run: the configured path, else the first `cloudflared` on PATH or in the usual folders. */
export function findCloudflared(
  configured: string | null,
  env: NodeJS.ProcessEnv = process.env,
  extraDirs: readonly string[] = defaultCloudflaredDirs(),
): string | null {
  if (configured) return isExecutableFile(configured) ? configured : null;
  const name = process.platform === 'win32' ? 'cloudflared.exe' : 'cloudflared';
  const dirs = (env.PATH ?? env.Path ?? '').split(path.delimiter).filter((d) => d && path.isAbsolute(d));
  for (const dir of [...dirs, ...extraDirs]) {
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

/**
 * The command line. A quick tunnel names its origin with `--url`; a named tunnel
 * gets its routes from the Cloudflare dashboard and its token from TUNNEL_TOKEN
 * (the environment, not `--token`, so it never shows in `ps`). `--metrics` pins
 * the metrics server, from which the hostname and readiness are read.
 */
export function cloudflaredArgs(mode: 'quick' | 'named', metrics: string, origin: string): string[] {
  const common = ['tunnel', '--no-autoupdate', '--metrics', metrics];
  return mode === 'named' ? [...common, 'run'] : [...common, '--url', origin];
}

/** A free TCP port on loopback for cloudflared's metrics server. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

/**
 * Runs the user's installed `cloudflared`: a named tunnel when a token is
 * stored (a stable hostname), else a quick tunnel on trycloudflare.com, whose
 * hostname changes at every start. The hostname of a quick tunnel is read from
 * the metrics endpoint (`/quicktunnel` → `{"hostname": ...}`), never from logs.
 */
export class CloudflaredProvider extends TunnelProvider {
  readonly kind = 'cloudflared' as const;
  private child: ChildProcess | undefined;
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private spawnError: Error | undefined;
  private readonly lines: string[] = [];
  private watch: NodeJS.Timeout | undefined;
  private token: string | undefined;
  private readonly killOnExit = () => {
    // The process is exiting without stop(): never leave cloudflared behind.
    if (this.child && this.exitInfo === undefined) this.child.kill('SIGKILL');
  };

  constructor(
    private readonly ctx: ProviderContext,
    private readonly options: CloudflaredOptions = {},
  ) {
    super();
  }

  private get pollMs() {
    return this.options.pollMs ?? 500;
  }

  /** cloudflared's last output lines, credentials removed. */
  lastOutput(): string[] {
    return [...this.lines];
  }

  private lastLine(): string {
    const line = this.lines.findLast((l) => /\b(ERR|error|failed|invalid)\b/i.test(l)) ?? this.lines.at(-1) ?? '';
    return line.replace(/^\S+Z\s+/, '').slice(0, 300);
  }

  private capture(stream: NodeJS.ReadableStream | null): void {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (rest + chunk).split(/\r?\n/);
      rest = parts.pop() ?? '';
      if (rest.length > 4096) rest = rest.slice(-4096);
      for (const raw of parts) {
        const line = redact(raw, [this.token]).trim();
        if (!line) continue;
        this.lines.push(line.slice(0, 1000));
        if (this.lines.length > 20) this.lines.shift();
        // Output after stop() may arrive once the server's log is closed: keep it out of the log.
        if (this.state !== 'stopped') this.ctx.logger.debug({ cloudflared: line.slice(0, 1000) }, 'cloudflared output');
      }
    });
  }

  private exitReason(): string {
    const how = this.exitInfo?.signal ? `killed by ${this.exitInfo.signal}` : `exit code ${this.exitInfo?.code}`;
    const last = this.lastLine();
    return `cloudflared stopped (${how})${last ? `: ${last}` : ''}`;
  }

  async start(signal: AbortSignal): Promise<ProviderUp> {
    const { cloudflaredPath, cloudflaredHostname } = this.ctx.settings;
    const env = this.options.env ?? process.env;
    const bin = findCloudflared(cloudflaredPath, env, this.options.extraDirs);
    if (!bin) {
      throw new TunnelSetupError(
        cloudflaredPath
          ? `cloudflaredPath ${cloudflaredPath} is not an executable file.`
          : 'cloudflared is not installed (not found on PATH nor in the usual folders): install it, or set cloudflaredPath.',
      );
    }
    this.token = this.ctx.secrets.get('cloudflaredToken');
    const mode = this.token ? 'named' : 'quick';
    if (mode === 'named' && !cloudflaredHostname) {
      throw new TunnelSetupError(
        'Set cloudflaredHostname: the public hostname routed to this tunnel in the Cloudflare dashboard.',
      );
    }
    this.state = 'starting';
    const metrics = `127.0.0.1:${await freePort()}`;
    const origin = `http://${urlHost(this.ctx.target.host)}:${this.ctx.target.port}`;
    const childEnv: NodeJS.ProcessEnv = { ...env };
    delete childEnv.TUNNEL_TOKEN;
    if (this.token) childEnv.TUNNEL_TOKEN = this.token;
    const child = spawn(bin, cloudflaredArgs(mode, metrics, origin), {
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    this.child = child;
    process.on('exit', this.killOnExit);
    this.capture(child.stdout);
    this.capture(child.stderr);
    child.once('error', (err) => {
      this.spawnError = err;
    });
    child.once('exit', (code, sig) => {
      this.exitInfo = { code, signal: sig };
      process.off('exit', this.killOnExit);
      clearInterval(this.watch);
      if (this.state === 'up' || this.state === 'interrupted') this.exited(this.exitReason());
    });
    this.ctx.logger.info({ bin, mode, metrics, origin }, 'cloudflared starting');

    let hostname = mode === 'named' ? cloudflaredHostname! : '';
    for (;;) {
      if (this.spawnError) {
        throw new TunnelSetupError(`cloudflared (${bin}) could not be started: ${describeError(this.spawnError)}`);
      }
      if (this.exitInfo) {
        const reason = this.exitReason();
        // A refused token will be refused again: that one needs the user.
        if (/token/i.test(reason) && /(invalid|not valid|malformed|unauthori[sz]ed)/i.test(reason)) {
          throw new TunnelSetupError(`${reason}. Check cloudflaredToken.`);
        }
        throw new Error(reason);
      }
      const ready = await httpGet(`http://${metrics}/ready`, { timeoutMs: 2_000, signal }).catch(() => undefined);
      if (mode === 'quick' && ready?.status === 200) {
        const qt = await httpGet(`http://${metrics}/quicktunnel`, { timeoutMs: 2_000, signal }).catch(() => undefined);
        try {
          const body = JSON.parse(qt?.body ?? '') as { hostname?: unknown };
          if (typeof body.hostname === 'string' && /^[a-z0-9.-]{1,253}$/i.test(body.hostname)) hostname = body.hostname;
        } catch {
          // not there yet
        }
      }
      if (ready?.status === 200 && hostname) break;
      await delay(this.pollMs, signal);
    }
    this.state = 'up';
    this.url = `https://${hostname.toLowerCase()}`;
    this.watchReady(metrics);
    this.ctx.logger.info({ publicUrl: this.url, mode }, 'cloudflared connected');
    return {
      publicUrl: this.url,
      warnings:
        mode === 'quick'
          ? [
              {
                code: 'QUICK_TUNNEL',
                message:
                  `This is a Cloudflare quick tunnel: its hostname (${hostname}) changes every time it starts, so ` +
                  'codes printed with it stop working. For printed codes, use a named tunnel (cloudflaredToken and ' +
                  'cloudflaredHostname).',
              },
            ]
          : [],
    };
  }

  /** cloudflared reconnects to Cloudflare by itself: follow `/ready` to show when it is not serving. */
  private watchReady(metrics: string): void {
    let busy = false;
    this.watch = setInterval(() => {
      if (busy) return;
      busy = true;
      void httpGet(`http://${metrics}/ready`, { timeoutMs: 2_000 })
        .then((r) => r.status === 200)
        .catch(() => false)
        .then((ready) => {
          busy = false;
          if (this.exitInfo) return;
          if (!ready && this.state === 'up') {
            this.state = 'interrupted';
            this.emit('interrupted', 'cloudflared has no connection to Cloudflare right now; it is reconnecting');
          } else if (ready && this.state === 'interrupted') {
            this.state = 'up';
            this.emit('restored');
          }
        });
    }, this.options.watchMs ?? 5_000);
    this.watch.unref();
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    clearInterval(this.watch);
    const child = this.child;
    if (!child || this.exitInfo || this.spawnError) {
      process.off('exit', this.killOnExit);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const grace = setTimeout(() => child.kill('SIGKILL'), this.options.stopGraceMs ?? 5_000);
    await exited;
    clearTimeout(grace);
    process.off('exit', this.killOnExit);
  }
}
