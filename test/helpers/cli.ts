import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (this file is test/helpers/cli.ts). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real CLI entry, as package.json `bin.qrdesk` names it. */
export const BIN = path.join(ROOT, 'bin', 'qrdesk.cjs');

export const PACKAGE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;

/** A fresh temporary folder; remove it with removeDir. */
export function makeTempDir(prefix = 'qrdesk-cli-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The environment for a child CLI: ours without any QRDESK_* variable (so a
 * developer's own settings never leak into a test), plus `extra`. A value of
 * undefined in `extra` removes that variable.
 */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('QRDESK_')) env[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** The Node binary to run the bin with; the Node running the tests by default. */
  node?: string;
  /** A guard against a hung child (not a timing assertion): it is killed and the test fails. */
  guardMs?: number;
}

/** Runs `node bin/qrdesk.cjs ...args` to completion and collects its output. */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: cliEnv(options.env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qrdesk ${args.join(' ')} did not finish; stderr so far:\n${stderr}`));
    }, options.guardMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(guard);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The non-empty lines of a stream's output. */
export const linesOf = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

/** A free TCP port on 127.0.0.1 at the time of asking (it is released before returning). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Holds a port on 127.0.0.1 with a plain TCP server until close() is called. */
export async function occupyPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface Banner {
  apiUrl: string;
  publicUrl: string;
  dataDir: string;
  /** The UI key from the printed `#key=` URL. */
  uiKey: string;
  /** Whether the banner said a new UI key was created. */
  created: boolean;
}

/** Parses the lines `qrdesk serve` prints to stderr once it is listening; null until they are all there. */
export function parseBanner(stderr: string): Banner | null {
  const api = /^\s*API and UI\s+(http:\/\/\S+)/m.exec(stderr);
  const pub = /^\s*public\s+(http:\/\/\S+)/m.exec(stderr);
  const data = /^\s*data\s+(.+)$/m.exec(stderr);
  const ui = /^Open the UI( \(a new UI key was created\))?: (http:\/\/\S+)\/#key=(qrd_\S+)$/m.exec(stderr);
  if (!api || !pub || !data || !ui) return null;
  return {
    apiUrl: api[1]!,
    publicUrl: pub[1]!,
    dataDir: data[1]!.trim(),
    uiKey: ui[3]!,
    created: Boolean(ui[1]),
  };
}

export interface ServeProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the process has written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the banner once printed; rejects if the process exits first. */
  ready: Promise<Banner>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (SIGTERM by default) and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node bin/qrdesk.cjs serve ...args` and follows its output. */
export function spawnServe(args: readonly string[], options: RunOptions = {}): ServeProcess {
  const child = spawn(options.node ?? process.execPath, [BIN, 'serve', ...args], {
    cwd: ROOT,
    env: cliEnv(options.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  const ready = new Promise<Banner>((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`qrdesk serve printed no banner; stderr so far:\n${err}`));
    }, options.guardMs ?? 30_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const banner = parseBanner(err);
      if (banner) {
        clearTimeout(guard);
        resolve(banner);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(guard);
      reject(new Error(`qrdesk serve exited (code ${code}, signal ${signal}) before its banner; stderr:\n${err}`));
    });
  });
  // A rejected `ready` that nobody awaits must not crash the test run.
  ready.catch(() => undefined);
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    ready,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** fetch with an optional bearer key. */
export function request(url: string, key?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (key) headers.set('Authorization', `Bearer ${key}`);
  return fetch(url, { ...init, headers });
}

export interface CliFixture {
  /** A fresh temporary data folder, removed after the test. */
  dataDir(): string;
  /** `qrdesk serve ...args`, killed after the test (before its data folder is removed) if still running. */
  serve(args: readonly string[], options?: RunOptions): ServeProcess;
  /** Runs `fn` after the test; cleanups run last-registered-first. */
  defer(fn: () => unknown): void;
}

/**
 * Per-test resources with cleanup. t.after alone runs hooks in registration
 * order, which would remove a data folder under a live server; this runs them
 * in reverse.
 */
export function cliFixture(t: { after(fn: () => unknown): void }): CliFixture {
  const fns: (() => unknown)[] = [];
  t.after(async () => {
    for (const fn of fns.reverse()) await fn();
  });
  const defer = (fn: () => unknown) => void fns.push(fn);
  return {
    dataDir() {
      const dir = makeTempDir();
      defer(() => removeDir(dir));
      return dir;
    },
    serve(args, options) {
      const serve = spawnServe(args, options);
      defer(() => serve.stop('SIGKILL'));
      return serve;
    },
    defer,
  };
}
