import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Scope } from '../../src-shared/schemas/api-keys';
import { startServer, type RunningServer, type ServerOptions } from '../../src-server/server';

/** A fresh temporary data directory, removed by the returned cleanup. */
export function tempDataDir(prefix = 'qrdesk-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface TestServer extends RunningServer {
  /** Creates a key through the real service (as `qrdesk keys create` does) and returns its secret. */
  createKey(options?: {
    scopes?: Scope[];
    rateLimitPerMinute?: number;
    dailyLimit?: number | null;
    name?: string;
  }): string;
  /** fetch against the API listener with a path like `/api/v1/auth/verify`. */
  api(pathname: string, init?: RequestInit & { key?: string }): Promise<Response>;
  /** Stops the server and deletes its data directory (unless keepData). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** Starts the real server on port 0 over a real SQLite file in a temporary directory. */
export async function startTestServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? tempDataDir();
  const server = await startServer({
    apiPort: 0,
    publicPort: 0,
    uiDir: path.join(dataDir, 'no-ui'),
    shutdownGraceMs: 2_000,
    ...options,
    dataDir,
  });
  return {
    ...server,
    createKey(opts = {}) {
      return server.services.apiKeys.create({
        name: opts.name ?? 'test key',
        scopes: opts.scopes ?? ['admin'],
        rateLimitPerMinute: opts.rateLimitPerMinute ?? 1000,
        dailyLimit: opts.dailyLimit ?? null,
        expiresAt: null,
      }).key;
    },
    api(pathname, init = {}) {
      const { key, headers, ...rest } = init;
      const h = new Headers(headers);
      if (key) h.set('Authorization', `Bearer ${key}`);
      return fetch(server.apiUrl + pathname, { ...rest, headers: h });
    },
    async stop(stopOptions = {}) {
      await server.close();
      if (!stopOptions.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
