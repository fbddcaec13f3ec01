/**
 * Local stand-ins for the tunnel services that cannot be reached from here,
 * each implementing the documented interface qrdesk uses, and forwarding for
 * real to the address it was given (so a test sees what a phone would see):
 *
 * - a forwarding proxy: the "edge" of each stand-in, or the reverse proxy
 *   behind a custom domain; it sets the client-address headers the real
 *   service sets, from `X-Test-Client-IP` (the phone's address in a test);
 * - a fake `cloudflared` executable: parses the arguments, takes the token
 *   from TUNNEL_TOKEN, serves the metrics endpoint (`/ready`, `/quicktunnel`),
 *   and logs a decoy URL so a test can prove the URL is not read from logs;
 * - an `@ngrok/ngrok` stand-in: `forward({ addr, authtoken, domain, ... })`,
 *   `listener.url()`, `listener.close()`.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { NgrokForwardConfig, NgrokListener, NgrokSdk } from '../../src-server/tunnel/providers/ngrok';
import { httpGet, type HttpGet } from '../../src-server/tunnel/self-check';

/** Tunnel timings for tests: reconnect within a fraction of a second, check every 250 ms. */
export const FAST_TUNNEL = {
  initialDelayMs: 100,
  maxDelayMs: 400,
  jitter: 0,
  startTimeoutMs: 5_000,
  startWaitMs: 8_000,
  checkIntervalMs: 250,
  // Generous: a loaded CI machine must not fail checks that would pass.
  checkTimeoutMs: 5_000,
  failuresBeforeDown: 2,
  recoverTimeoutMs: 3_000,
};

/** Polls until `ok` holds (or fails with the last value seen). */
export async function waitFor<T>(
  get: () => Promise<T> | T,
  ok: (v: T) => boolean,
  what: string,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  let last: T;
  for (;;) {
    last = await get();
    if (ok(last)) return last;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}; last: ${JSON.stringify(last).slice(0, 600)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ForwardingProxy {
  port: number;
  url: string;
  /** Requests forwarded so far (path and the headers the origin got). */
  seen: { path: string; headers: http.IncomingHttpHeaders }[];
  close(): Promise<void>;
}

/**
 * Forwards every request to `origin`. `headers(clientIp)` are the headers the
 * real service adds (X-Forwarded-For, CF-Connecting-IP...).
 */
export function startForwardingProxy(options: {
  origin: () => string;
  headers: (clientIp: string) => Record<string, string>;
  port?: number;
}): Promise<ForwardingProxy> {
  const seen: ForwardingProxy['seen'] = [];
  const server = http.createServer((req, res) => {
    const origin = new URL(options.origin());
    const headers = { ...req.headers };
    const client = (headers['x-test-client-ip'] as string | undefined) ?? '203.0.113.7';
    delete headers['x-test-client-ip'];
    Object.assign(headers, options.headers(client));
    seen.push({ path: req.url ?? '', headers });
    const upstream = http.request(
      { host: origin.hostname, port: origin.port, path: req.url, method: req.method, headers, agent: false },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end('bad gateway');
    });
    req.pipe(upstream);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        port,
        url: `http://127.0.0.1:${port}`,
        seen,
        close: () =>
          new Promise((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}

/** An HttpGet that sends requests for URLs matching `match` to a loopback port, keeping their Host. */
export function routeToLoopback(match: (url: URL) => number | undefined): HttpGet {
  return (url, options) => {
    const u = new URL(url);
    const port = match(u);
    if (port === undefined) return httpGet(url, options);
    return httpGet(`http://${u.host}${u.pathname}${u.search}`, { ...options, connectTo: { host: '127.0.0.1', port } });
  };
}

// ---------------------------------------------------------------------------
// cloudflared

export interface FakeCloudflaredConfig {
  /** Named tunnels: where the "dashboard" routes the hostname (quick tunnels use --url). */
  origin?: string;
  /** A token the fake refuses as cloudflared does ("Provided Tunnel token is not valid."). */
  badToken?: string;
  /** How long until it reports ready (default 150 ms). */
  readyAfterMs?: number;
}

export interface FakeCloudflaredState {
  pid: number;
  argv: string[];
  tunnelTokenEnv: string | null;
  edgePort: number;
  metrics: string;
  hostname: string;
}

const FAKE_CLOUDFLARED = String.raw`'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
const crypto = require('node:crypto');
const cfg = JSON.parse(fs.readFileSync(path.join(__dirname, 'fake-cloudflared.json'), 'utf8'));
const args = process.argv.slice(2);
const log = (level, m) => process.stderr.write(new Date().toISOString() + ' ' + level + ' ' + m + '\n');
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
if (args[0] !== 'tunnel' || !args.includes('--no-autoupdate')) { log('ERR', 'unexpected arguments ' + args.join(' ')); process.exit(2); }
const metrics = opt('--metrics');
if (!metrics) { log('ERR', 'no --metrics'); process.exit(2); }
const named = args[args.length - 1] === 'run';
const token = process.env.TUNNEL_TOKEN || null;
if (named && !token) { log('ERR', '"cloudflared tunnel run" requires the ID or name of the tunnel to run'); process.exit(1); }
if (named && token === cfg.badToken) { log('ERR', 'Provided Tunnel token is not valid.'); process.exit(1); }
const origin = named ? cfg.origin : opt('--url');
if (!origin) { log('ERR', 'no origin'); process.exit(2); }
let ready = false;
process.on('SIGUSR1', () => { ready = false; log('WRN', 'connection to edge lost'); });
process.on('SIGUSR2', () => { ready = true; log('INF', 'registered tunnel connection'); });
process.on('SIGTERM', () => { log('INF', 'Initiating graceful shutdown'); process.exit(0); });
const hostname = named ? '' : 'standin-' + crypto.randomBytes(4).toString('hex') + '.trycloudflare.com';
const edge = http.createServer((req, res) => {
  const o = new URL(origin);
  const headers = Object.assign({}, req.headers);
  const client = headers['x-test-client-ip'] || '203.0.113.7';
  delete headers['x-test-client-ip'];
  headers['cf-connecting-ip'] = client;
  headers['x-forwarded-for'] = client;
  const up = http.request({ host: o.hostname, port: o.port, path: req.url, method: req.method, headers, agent: false }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', () => { res.writeHead(502); res.end('bad gateway'); });
  req.pipe(up);
});
edge.listen(0, '127.0.0.1', () => {
  log('INF', 'Your quick Tunnel has been created! Visit it at https://decoy-read-from-logs.trycloudflare.com');
  const [mhost, mport] = [metrics.slice(0, metrics.lastIndexOf(':')), Number(metrics.slice(metrics.lastIndexOf(':') + 1))];
  const m = http.createServer((req, res) => {
    if (req.url === '/ready') {
      res.writeHead(ready ? 200 : 503, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ status: ready ? 200 : 503, readyConnections: ready ? 4 : 0, connectorId: 'fake' }));
    } else if (req.url === '/quicktunnel') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ hostname: ready ? hostname : '' }));
    } else if (req.url === '/metrics') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('cloudflared_tunnel_ha_connections ' + (ready ? 4 : 0) + '\n');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  m.listen(mport, mhost, () => {
    log('INF', 'Starting metrics server on ' + metrics + '/metrics');
    const state = { pid: process.pid, argv: args, tunnelTokenEnv: token, edgePort: edge.address().port, metrics, hostname };
    fs.writeFileSync(path.join(__dirname, 'state.json'), JSON.stringify(state));
    setTimeout(() => { ready = true; log('INF', 'Registered tunnel connection'); }, cfg.readyAfterMs == null ? 150 : cfg.readyAfterMs);
  });
});
`;

/** Writes an executable `cloudflared` stand-in into `dir` (run by this Node) and returns its path. */
export function writeFakeCloudflared(dir: string, config: FakeCloudflaredConfig = {}): string {
  const file = path.join(dir, 'cloudflared');
  const script = path.join(dir, 'fake-cloudflared.cjs');
  fs.writeFileSync(script, FAKE_CLOUDFLARED);
  // `exec` keeps one process (the pid qrdesk starts is the fake's own); quoting copes with any path.
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  fs.writeFileSync(file, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(script)} "$@"\n`, { mode: 0o755 });
  configureFakeCloudflared(dir, config);
  return file;
}

export function configureFakeCloudflared(dir: string, config: FakeCloudflaredConfig): void {
  fs.writeFileSync(path.join(dir, 'fake-cloudflared.json'), JSON.stringify(config));
}

/** What the most recently started stand-in reported about itself. */
export function fakeCloudflaredState(dir: string): FakeCloudflaredState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as FakeCloudflaredState;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------
// ngrok

export interface NgrokStandIn {
  sdk: NgrokSdk;
  /** Every forward() call, as made (authtoken included, so a test can check it was passed). */
  calls: NgrokForwardConfig[];
  /** The edges of the listeners not closed yet. */
  open: ForwardingProxy[];
  /** Makes the next forward() calls fail like the SDK does. */
  failNext(error: { message: string; errorCode?: string } | null): void;
  /** Makes the next forward() call wait (a slow network) until the returned function is called. */
  holdNext(): () => void;
  /** The port an ngrok URL is served on (for routeToLoopback). */
  portOf(url: URL): number | undefined;
}

/** An `@ngrok/ngrok` stand-in: forward() opens a local edge that forwards to `addr`, as ngrok does. */
export function ngrokStandIn(): NgrokStandIn {
  const calls: NgrokForwardConfig[] = [];
  const open: ForwardingProxy[] = [];
  const byHost = new Map<string, number>();
  let failure: { message: string; errorCode?: string } | null = null;
  let hold: Promise<void> | undefined;
  let n = 0;
  return {
    calls,
    open,
    failNext(error) {
      failure = error;
    },
    holdNext() {
      let release!: () => void;
      hold = new Promise((r) => (release = r));
      return release;
    },
    portOf: (url) => byHost.get(url.host),
    sdk: {
      async forward(config) {
        calls.push(config);
        const held = hold;
        hold = undefined;
        await held;
        if (failure) {
          throw Object.assign(new Error(failure.message), failure.errorCode ? { errorCode: failure.errorCode } : {});
        }
        const edge = await startForwardingProxy({
          origin: () => `http://${config.addr}`,
          headers: (ip) => ({ 'X-Forwarded-For': ip, 'X-Forwarded-Proto': 'https' }),
        });
        open.push(edge);
        const host = config.domain ?? `standin-${++n}.ngrok-free.app`;
        byHost.set(host, edge.port);
        const listener: NgrokListener = {
          url: () => `https://${host}`,
          close: async () => {
            open.splice(open.indexOf(edge), 1);
            byHost.delete(host);
            await edge.close();
          },
        };
        return listener;
      },
    },
  };
}
