import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { AppError } from './errors';
import { createApiApp } from './http/api-app';
import type { Lifecycle } from './http/base-app';
import { buildOpenApiDocument } from './http/openapi';
import { createPublicListener } from './http/public-app';
import type { FastPathStats } from './http/redirect-fast-path';
import { captureScan, clientAddress, GeoLookup, VisitorHasher } from './scans/capture';
import { ScanRecorder } from './scans/recorder';
import type { Route } from './http/route';
import { analyticsRoutes } from './http/routes/analytics';
import { apiKeyRoutes } from './http/routes/api-keys';
import { assetRoutes } from './http/routes/assets';
import { barcodeRoutes } from './http/routes/barcodes';
import { batchRoutes } from './http/routes/batches';
import { backupRoutes } from './http/routes/backups';
import { transferRoutes } from './http/routes/transfer';
import { designPresetRoutes } from './http/routes/design-presets';
import { folderRoutes } from './http/routes/folders';
import { renderRoutes } from './http/routes/render';
import { qrCodeRoutes } from './http/routes/qrcodes';
import { serverInfoRoute } from './http/routes/server-info';
import { settingsRoutes } from './http/routes/settings';
import { tunnelRoutes } from './http/routes/tunnel';
import { webhookRoutes } from './http/routes/webhooks';
import { healthRoute } from './http/routes/health';
import { createLogger, type LogOptions } from './logging/logger';
import { defaultUiDir } from './paths';
import { QrRenderer } from './render/qr-renderer';
import { AnalyticsService } from './services/analytics';
import { ApiKeyService } from './services/api-keys';
import { AssetService } from './services/assets';
import { BarcodeService } from './services/barcodes';
import { BatchSourceService } from './services/batch-sources';
import { BatchService } from './services/batches';
import { BackupService, type AutoBackupOptions } from './services/backups';
import { TransferService } from './services/transfer';
import { DesignPresetService } from './services/design-presets';
import { FolderService } from './services/folders';
import { IdempotencyService } from './services/idempotency';
import { installSecret } from './services/install-secret';
import { QrCodeService } from './services/qrcodes';
import { SettingsService } from './services/settings';
import { RateLimits } from './services/rate-limits';
import { WebhookService } from './services/webhooks';
import { Store } from './store/store';
import { TunnelManager, type TunnelManagerOptions } from './tunnel/manager';
import { FileSecretStore, type SecretStore } from './tunnel/secrets';
import { WalCheckpointer, type WalCheckpointerOptions } from './store/wal-checkpointer';
import { APP_VERSION } from './version';

export const DEFAULT_API_PORT = 4780;
export const DEFAULT_PUBLIC_PORT = 4781;
export const SERVER_INFO_FILE = 'server.json';

export interface ServerOptions {
  dataDir: string;
  host?: string;
  apiPort?: number;
  publicPort?: number;
  /** Extra Host names the API listener answers to (e.g. a LAN name); the port is added when missing. */
  allowedHosts?: string[];
  uiDir?: string;
  log?: LogOptions;
  /** The public base URL for new dynamic codes until the user sets one (QRDESK_PUBLIC_BASE_URL); default: the public listener. */
  publicBaseUrl?: string;
  /** How long close() lets in-flight requests finish before cutting them off. */
  shutdownGraceMs?: number;
  /** Webhook retry delays (retry n waits the n-th); default about a day over 12 attempts. Tests shrink it. */
  webhookRetryDelaysMs?: readonly number[];
  /** How often the webhook worker polls the outbox (default 500 ms). */
  webhookPollMs?: number;
  /**
   * Answer scans of open URL codes in front of the public Koa app (default true); false sends
   * every public request through Koa, so tests can compare the two.
   */
  publicFastPath?: boolean;
  /** The WAL checkpoint worker's timing and bounds (tests shrink them). */
  walCheckpoints?: WalCheckpointerOptions;
  /** Where tunnel credentials are kept: the desktop passes an OS-keychain store; default a 0600 file. */
  secretStore?: SecretStore;
  /** The tunnel's timings and injection points (tests shrink and stub them). */
  tunnel?: TunnelManagerOptions;
  /** The automatic backups' clock (tests shrink the hour and the polling). */
  autoBackups?: AutoBackupOptions;
}

export interface RunningServer {
  apiUrl: string;
  publicUrl: string;
  dataDir: string;
  store: Store;
  services: {
    apiKeys: ApiKeyService;
    qrCodes: QrCodeService;
    folders: FolderService;
    settings: SettingsService;
    webhooks: WebhookService;
    assets: AssetService;
  };
  /** The API routes, as mounted and documented. */
  routes: readonly Route[];
  /** Counts of the public listener's fast path (scans of open URL codes answered in front of Koa). */
  publicFastPath: Readonly<FastPathStats>;
  /** The worker that checkpoints the WAL off the event loop. */
  walCheckpointer: Pick<WalCheckpointer, 'running' | 'stats'>;
  /** The tunnel to the public listener (status, start/stop, `change` events for the tray). */
  tunnel: TunnelManager;
  /** Backups in DATA_DIR/backups: on request and on the backupIntervalHours schedule. */
  backups: BackupService;
  close(): Promise<void>;
}

/** A listener could not bind because its port is taken. */
export class PortInUseError extends Error {
  constructor(
    readonly port: number,
    readonly listener: 'API' | 'public',
    readonly flag: string,
    readonly envVar: string,
  ) {
    super(`qrdesk: port ${port} (${listener} listener) is already in use; choose another with ${flag} N or ${envVar}.`);
    this.name = 'PortInUseError';
  }
}

function listen(
  handler: http.RequestListener,
  host: string,
  port: number,
  portError: () => PortInUseError,
): Promise<http.Server> {
  return new Promise((resolve, reject) => {
    // Timeouts are checked every second (Node's default is 30 s): a slow client that never finishes its
    // headers (slowloris) is cut about headersTimeout after it connected, not up to 30 s later.
    const server = http.createServer({ connectionsCheckingInterval: 1_000 }, handler);
    server.keepAliveTimeout = 5_000;
    server.headersTimeout = 10_000;
    server.requestTimeout = 60_000;
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? portError() : err));
    server.listen(port, host, () => resolve(server));
  });
}

function urlOf(server: http.Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

/** Stops accepting, lets in-flight requests finish (up to the grace period), then cuts the rest. */
function stop(server: http.Server, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

function allowLists(host: string, port: number, extra: readonly string[]) {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]']);
  if (host !== '0.0.0.0' && host !== '::') names.add(host.includes(':') ? `[${host}]` : host);
  const hosts = new Set<string>();
  for (const name of names) hosts.add(`${name}:${port}`.toLowerCase());
  for (const name of extra) hosts.add((/:\d+$/.test(name) ? name : `${name}:${port}`).toLowerCase());
  const origins = new Set([...hosts].map((h) => `http://${h}`));
  return { hosts, origins };
}

function writeServerInfo(dataDir: string, info: Record<string, unknown>): void {
  const file = path.join(dataDir, SERVER_INFO_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

/**
 * Starts qrdesk's two listeners over the database in `dataDir`. Port 0 picks
 * free ports (tests). Throws PortInUseError or DatabaseOpenError with a
 * message fit to show a user as it is.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const store = Store.open(dataDir);
  const { logger, close: closeLog } = await createLogger(dataDir, options.log).catch((err: unknown) => {
    store.close();
    throw err;
  });
  const apiKeys = new ApiKeyService(store);
  const rateLimits = new RateLimits(apiKeys.usage);
  apiKeys.usage.startAutoFlush();
  const secret = installSecret(dataDir);
  const idempotency = new IdempotencyService(store, secret);
  const settings = new SettingsService(store, () => options.publicBaseUrl ?? late.publicUrl);
  const folders = new FolderService(store);
  const webhooks = new WebhookService(store, logger, {
    retryDelaysMs: options.webhookRetryDelaysMs,
    pollMs: options.webhookPollMs,
  });
  const qrCodes = new QrCodeService(store, settings, folders, undefined, webhooks);
  const assets = new AssetService(store);
  const renderer = new QrRenderer(assets);
  const batchSources = new BatchSourceService(store, dataDir);
  // Marks jobs a previous run left queued or running as interrupted.
  const batches = new BatchService({ store, dataDir, sources: batchSources, qrCodes, renderer, logos: assets, logger });
  const backups = new BackupService(dataDir, settings, logger, options.autoBackups);
  const tunnel = new TunnelManager(
    { store, settings, logger, secrets: options.secretStore ?? new FileSecretStore(dataDir) },
    options.tunnel,
  );
  const routes: Route[] = [
    healthRoute,
    ...apiKeyRoutes(apiKeys),
    ...qrCodeRoutes(qrCodes),
    ...folderRoutes(folders),
    ...settingsRoutes(settings, { useGeoCityDb: (p) => useGeoCityDb(p) }),
    ...analyticsRoutes(new AnalyticsService(store)),
    ...webhookRoutes(webhooks),
    ...assetRoutes(assets),
    ...renderRoutes(renderer, qrCodes),
    ...barcodeRoutes(new BarcodeService(store)),
    ...batchRoutes(batchSources, batches),
    ...tunnelRoutes(tunnel),
    ...designPresetRoutes(new DesignPresetService(store)),
    ...backupRoutes(backups),
    ...transferRoutes(new TransferService(store)),
    serverInfoRoute(() => ({
      version: APP_VERSION,
      dataDir,
      apiUrl: late.apiUrl,
      publicUrl: late.publicUrl,
      apiPort: late.apiPort,
      publicPort: late.publicPort,
      startedAt: late.startedAt,
      pid: process.pid,
      nodeVersion: process.versions.node,
      electronVersion: process.versions.electron ?? null,
      platform: process.platform,
      arch: process.arch,
    })),
  ];

  const lifecycle: Lifecycle = { stopping: false };
  // Both depend on the bound port, so they are filled in once the listeners are up.
  const late = {
    allowed: allowLists(host, 0, []),
    openApi: undefined as unknown,
    publicUrl: '',
    apiUrl: '',
    apiPort: 0,
    publicPort: 0,
    startedAt: '',
  };
  const apiApp = createApiApp({
    logger,
    routes,
    apiKeys,
    rateLimits,
    idempotency,
    uiDir: options.uiDir ?? defaultUiDir(),
    allowed: () => late.allowed,
    // Built on its first request: at start it cost about 60 ms and a few MB that most runs never use.
    openApiDocument: () => (late.apiUrl ? (late.openApi ??= buildOpenApiDocument(routes, late.apiUrl)) : undefined),
    lifecycle,
  });
  // The lookup in use; replaced when the city database setting changes.
  const geo = {
    current: await GeoLookup.open({}).catch((err: unknown) => {
      store.close();
      throw err;
    }),
  };
  const storedCityDb = settings.get().geoCityDbPath;
  if (storedCityDb !== null) {
    // A city file that went missing must not stop the server: it records countries until fixed.
    geo.current = await GeoLookup.open({ cityDbPath: storedCityDb }).catch((err: unknown) => {
      logger.warn({ err: String(err) }, 'city database not usable; recording countries only');
      return geo.current;
    });
  }
  const useGeoCityDb = async (cityDbPath: string | null) => {
    try {
      geo.current = await GeoLookup.open({ cityDbPath });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new AppError('VALIDATION_ERROR', `Invalid body: geoCityDbPath: ${message}`, [
        { path: 'geoCityDbPath', message },
      ]);
    }
  };
  const hasher = new VisitorHasher({
    get: (day) => store.scans.salt(day),
    put: (day, salt) => store.scans.putSalt(day, salt),
    deleteBefore: (day) => store.scans.forgetBefore(day),
  });
  // Started by the first batch of scans: an idle server keeps SQLite's own checkpoints and no worker.
  const walCheckpointer = new WalCheckpointer(store.db, logger, options.walCheckpoints);
  const recorder = new ScanRecorder(store, webhooks, () => walCheckpointer.start());
  const addressOf = (req: http.IncomingMessage) => clientAddress(req, settings.get().trustProxy);
  const publicListener = createPublicListener({
    logger,
    lifecycle,
    fastPath: options.publicFastPath,
    redirects: {
      store,
      recorder,
      secret,
      logger,
      clientKey: addressOf,
      capture: (req) => {
        const { headers } = req;
        const c = captureScan(
          {
            ip: addressOf(req),
            userAgent: headers['user-agent'] || undefined,
            // Koa's ctx.get('Referer') reads a non-standard Referrer header first; kept as it was.
            referer: (headers.referrer as string | undefined) || headers.referer || undefined,
            acceptLanguage: headers['accept-language'] || undefined,
          },
          { geo: geo.current, hasher },
        );
        return {
          device: c.device,
          os: c.os,
          browser: c.browser,
          referrer: c.referrer,
          language: c.language,
          country: c.country,
          city: c.city,
          latitude: c.latitude,
          longitude: c.longitude,
          is_bot: c.isBot ? 1 : 0,
          visitorHash: c.visitorHash,
        };
      },
    },
  });

  const servers: http.Server[] = [];
  const graceMs = options.shutdownGraceMs ?? 10_000;
  const shutdown = async () => {
    lifecycle.stopping = true;
    // The tunnel first: no new traffic, and no cloudflared left running.
    await tunnel.close();
    // A running batch stops cleanly (marked interrupted) and its event streams end, so no request waits on it.
    await batches.close();
    await Promise.all(servers.map((s) => stop(s, graceMs)));
    // Requests still waiting for their scans' commit are answered by now; write anything left.
    recorder.flush();
    await webhooks.stop();
    // A backup under way finishes before the database closes.
    await backups.stop();
    apiKeys.usage.stop();
    // The checkpoint worker before the database: the final TRUNCATE checkpoint wants the WAL to itself.
    await walCheckpointer.stop();
    store.close();
    await closeLog();
  };
  try {
    const apiPort = options.apiPort ?? DEFAULT_API_PORT;
    const publicPort = options.publicPort ?? DEFAULT_PUBLIC_PORT;
    servers.push(
      await listen(apiApp.callback(), host, apiPort, () => new PortInUseError(apiPort, 'API', '--port', 'QRDESK_PORT')),
    );
    servers.push(
      await listen(
        publicListener.handler,
        host,
        publicPort,
        () => new PortInUseError(publicPort, 'public', '--public-port', 'QRDESK_PUBLIC_PORT'),
      ),
    );
  } catch (err) {
    await shutdown();
    throw err;
  }

  const [apiServer, publicServer] = servers as [http.Server, http.Server];
  const apiUrl = urlOf(apiServer, host);
  const publicUrl = urlOf(publicServer, host);
  late.allowed = allowLists(host, (apiServer.address() as AddressInfo).port, options.allowedHosts ?? []);
  late.publicUrl = publicUrl;
  late.apiUrl = apiUrl;
  late.apiPort = (apiServer.address() as AddressInfo).port;
  late.publicPort = (publicServer.address() as AddressInfo).port;
  late.startedAt = new Date().toISOString();
  writeServerInfo(dataDir, {
    apiUrl,
    publicUrl,
    pid: process.pid,
    version: APP_VERSION,
    startedAt: late.startedAt,
  });
  webhooks.start();
  backups.start();
  tunnel.attach({ host, port: (publicServer.address() as AddressInfo).port });
  tunnel.autoStart();
  logger.info({ apiUrl, publicUrl, dataDir, version: APP_VERSION }, 'server started');

  let closing: Promise<void> | undefined;
  return {
    apiUrl,
    publicUrl,
    dataDir,
    store,
    services: { apiKeys, qrCodes, folders, settings, webhooks, assets },
    routes,
    publicFastPath: publicListener.stats,
    walCheckpointer,
    tunnel,
    backups,
    close() {
      closing ??= (async () => {
        logger.info('server stopping');
        const infoFile = path.join(dataDir, SERVER_INFO_FILE);
        try {
          const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { pid?: number; apiUrl?: string };
          if (info.pid === process.pid && info.apiUrl === apiUrl) fs.rmSync(infoFile);
        } catch {
          // already gone or unreadable: nothing to clean up
        }
        await shutdown();
      })();
      return closing;
    },
  };
}
