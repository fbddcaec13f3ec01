import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { TunnelProviderName, TunnelSettings, TunnelWarning } from '../../src-shared/schemas/tunnel';
import type { SecretStore } from './secrets';
import type { HttpGet } from './self-check';

/** Where a tunnel forwards: the public listener, and nothing else. */
export interface TunnelTarget {
  host: string;
  port: number;
}

export interface ProviderUp {
  /** The URL phones use, without a trailing slash. */
  publicUrl: string;
  warnings?: TunnelWarning[];
}

/**
 * What a provider reports while it runs:
 * - `interrupted`: the connection dropped and the provider reconnects by itself (ngrok's session,
 *   cloudflared's edge connections); `restored` when it is back.
 * - `exit`: gone for good (the process died, the server went away); the manager starts a new one.
 */
export interface ProviderEvents {
  interrupted: [reason: string];
  restored: [];
  exit: [reason: string];
}

export type ProviderState = 'idle' | 'starting' | 'up' | 'interrupted' | 'exited' | 'stopped';

/** One run of a tunnel. The manager makes a new instance for every attempt, so an instance never restarts. */
export abstract class TunnelProvider extends EventEmitter<ProviderEvents> {
  abstract readonly kind: Exclude<TunnelProviderName, 'none'>;
  protected state: ProviderState = 'idle';
  protected url: string | null = null;

  /**
   * Connects and resolves once phones can reach the public listener through it. Rejects with a
   * TunnelSetupError when only the user can fix it (no retry), with any other Error to be retried.
   * The signal aborts a start that takes too long; stop() is called after a failed start.
   */
  abstract start(signal: AbortSignal): Promise<ProviderUp>;

  /** Disconnects and releases everything (processes, sockets, timers); safe to call more than once. */
  abstract stop(): Promise<void>;

  status(): ProviderState {
    return this.state;
  }

  publicUrl(): string | null {
    return this.url;
  }

  /** Emits `exit` once, and only for a provider that was not asked to stop. */
  protected exited(reason: string): void {
    if (this.state === 'stopped' || this.state === 'exited') return;
    this.state = 'exited';
    this.emit('exit', reason);
  }
}

/** A failure only the user can fix (a missing or refused credential, a missing program): shown, not retried. */
export class TunnelSetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TunnelSetupError';
  }
}

export interface ProviderContext {
  settings: TunnelSettings;
  secrets: SecretStore;
  target: TunnelTarget;
  logger: Logger;
  httpGet: HttpGet;
}

/** A short, single-line description of an error, for a status message. */
export function describeError(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } } | undefined;
  const text =
    (typeof e?.cause?.code === 'string' && e.cause.code) ||
    (typeof e?.message === 'string' && e.message) ||
    (typeof e?.code === 'string' && e.code) ||
    String(err);
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** Replaces every occurrence of the secrets in `text`, so a message quoting a credential never shows it. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

/** Resolves after `ms`, or rejects when the signal aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
