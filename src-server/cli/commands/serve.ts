import type { Command } from 'commander';
import { ensureUiKey } from '../../services/ui-key';
import { DEFAULT_API_PORT, DEFAULT_PUBLIC_PORT, startServer, type RunningServer } from '../../server';
import { APP_VERSION } from '../../version';
import { UpdateSettingsInput } from '../../../src-shared/schemas/settings';
import { CliError, ensureDataDir, envPort, parsePort } from '../options';

interface ServeFlags {
  dataDir?: string;
  port?: number;
  publicPort?: number;
  host: string;
  allowedHost: string[];
}

/** QRDESK_PUBLIC_BASE_URL, checked like the setting it stands in for. */
export function envPublicBaseUrl(): string | undefined {
  const raw = process.env.QRDESK_PUBLIC_BASE_URL;
  if (!raw) return undefined;
  const parsed = UpdateSettingsInput.shape.publicBaseUrl.safeParse(raw);
  if (!parsed.success || !parsed.data) {
    throw new CliError(
      `qrdesk: QRDESK_PUBLIC_BASE_URL must be an http(s) URL such as https://qr.example.com (got ${JSON.stringify(raw)}).`,
    );
  }
  return parsed.data;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the headless server: the API and UI on one port, public redirects on another')
    .option('--data-dir <dir>', 'where the database and logs live (env QRDESK_DATA_DIR)')
    .option('--port <n>', `API and UI port (env QRDESK_PORT, default ${DEFAULT_API_PORT})`, parsePort)
    .option(
      '--public-port <n>',
      `public redirect port (env QRDESK_PUBLIC_PORT, default ${DEFAULT_PUBLIC_PORT})`,
      parsePort,
    )
    .option('--host <host>', 'address both listeners bind to', '127.0.0.1')
    .option(
      '--allowed-host <name>',
      'another Host name the API answers to, e.g. a LAN name (repeatable)',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .action(async (flags: ServeFlags) => {
      const dataDir = ensureDataDir(flags.dataDir);
      const apiPort = flags.port ?? envPort('QRDESK_PORT') ?? DEFAULT_API_PORT;
      const publicBaseUrl = envPublicBaseUrl();
      const publicPort = flags.publicPort ?? envPort('QRDESK_PUBLIC_PORT') ?? DEFAULT_PUBLIC_PORT;

      // The handlers go in before the server starts: a signal that arrives while it starts (or just after
      // the banner) must still close the database and remove server.json, not kill the process outright.
      const started: { server?: RunningServer } = {};
      let stopping = false;
      const stop = (running: RunningServer) =>
        running.close().then(
          () => process.exit(0),
          (err: unknown) => {
            process.stderr.write(`qrdesk: error while stopping: ${String(err)}\n`);
            process.exit(1);
          },
        );
      const onSignal = (signal: NodeJS.Signals) => {
        if (stopping) {
          process.stderr.write(`qrdesk: ${signal} again, exiting now\n`);
          process.exit(1);
        }
        stopping = true;
        process.stderr.write(`qrdesk: ${signal}, finishing requests and closing the database\n`);
        if (started.server) void stop(started.server); // else startup finishes first, then stops below
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);

      const server = (started.server = await startServer({
        dataDir,
        host: flags.host,
        apiPort,
        publicPort,
        allowedHosts: flags.allowedHost,
        publicBaseUrl,
        log: { stdout: true },
      }));
      if (stopping) {
        await stop(server);
        return;
      }
      const { key, created } = ensureUiKey(dataDir, server.services.apiKeys);
      // The banner is for the person at the terminal; it is not a log line and never goes to the log file.
      process.stderr.write(
        `qrdesk ${APP_VERSION}\n` +
          `  API and UI  ${server.apiUrl}   (docs: ${server.apiUrl}/docs)\n` +
          `  public      ${server.publicUrl}\n` +
          `  data        ${dataDir}\n` +
          `Open the UI${created ? ' (a new UI key was created)' : ''}: ${server.apiUrl}/#key=${key}\n`,
      );
    });
}
