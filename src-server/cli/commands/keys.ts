import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CreateApiKeyInput, SCOPES, type ApiKey } from '../../../src-shared/schemas/api-keys';
import { Timestamp } from '../../../src-shared/schemas/common';
import { AppError } from '../../errors';
import { ApiKeyService } from '../../services/api-keys';
import { DATABASE_FILE } from '../../store/database';
import { Store } from '../../store/store';
import { validate } from '../../validation';
import { textTable } from '../text-table';
import { CliError, ensureDataDir, parsePositiveInt, resolveDataDir } from '../options';

/**
 * Runs fn against the key service of the data folder. Only `create` may start
 * a new folder; listing or revoking in a folder with no database is a mistake
 * (usually a missing --data-dir) and is said so, not papered over with an empty one.
 */
function withKeys<T>(dataDir: string | undefined, create: boolean, fn: (keys: ApiKeyService) => T): T {
  const dir = create ? ensureDataDir(dataDir) : resolveDataDir(dataDir);
  if (!create && !fs.existsSync(path.join(dir, DATABASE_FILE))) {
    throw new CliError(
      `qrdesk: no qrdesk database in ${dir}; pass the --data-dir the server uses (or set QRDESK_DATA_DIR).`,
    );
  }
  const store = Store.open(dir);
  try {
    return fn(new ApiKeyService(store));
  } finally {
    store.close();
  }
}

const status = (k: ApiKey): string =>
  k.revokedAt ? 'revoked' : k.expiresAt && Date.parse(k.expiresAt) <= Date.now() ? 'expired' : 'active';

export function registerKeys(program: Command): void {
  const keys = program
    .command('keys')
    .description('manage API keys in the local database (works while the server runs)');

  keys
    .command('create')
    .description('create an API key and print it once')
    .requiredOption('--name <name>', 'a name to recognise the key by')
    .option(
      '--scopes <list>',
      `comma-separated, from ${SCOPES.join(', ')} (cumulative: admin includes write and read)`,
      'read,write',
    )
    .option('--expires <iso>', 'expiry time, ISO 8601 (e.g. 2027-01-31T00:00:00Z)')
    .option('--rate-limit <n>', 'requests per minute (default 1000)', parsePositiveInt)
    .option('--daily-limit <n>', 'requests per UTC day (default: no cap)', parsePositiveInt)
    .option('--json', 'print the whole key record as JSON')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action(
      (flags: {
        name: string;
        scopes: string;
        expires?: string;
        rateLimit?: number;
        dailyLimit?: number;
        json?: boolean;
        dataDir?: string;
      }) => {
        // Checked here first so that a malformed date gets one message about the flag, not also "must be in the future".
        if (flags.expires !== undefined && !Timestamp.safeParse(flags.expires).success) {
          throw new AppError(
            'VALIDATION_ERROR',
            `Invalid options: --expires must be an ISO 8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z (got ${JSON.stringify(flags.expires)})`,
          );
        }
        const input = validate(
          CreateApiKeyInput,
          {
            name: flags.name,
            scopes: flags.scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            expiresAt: flags.expires ?? null,
            rateLimitPerMinute: flags.rateLimit,
            dailyLimit: flags.dailyLimit ?? null,
          },
          'options',
        );
        const created = withKeys(flags.dataDir, true, (service) => service.create(input));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(created, null, 2)}\n`);
          return;
        }
        // Only the key goes to stdout, so `KEY=$(qrdesk keys create ...)` captures exactly it.
        process.stdout.write(`${created.key}\n`);
        process.stderr.write(
          `Created key "${created.name}" (${created.id}), scopes ${created.scopes.join(', ')}` +
            `${created.expiresAt ? `, expires ${created.expiresAt}` : ''}. It is shown only this once: store it now.\n`,
        );
      },
    );

  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'print JSON')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action((flags: { json?: boolean; dataDir?: string }) => {
      const all = withKeys(flags.dataDir, false, (service) => {
        const out: ApiKey[] = [];
        let cursor: string | undefined;
        do {
          const page = service.list(200, cursor);
          out.push(...page.data);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return out;
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      if (all.length === 0) {
        process.stdout.write('No API keys yet. Create one with: qrdesk keys create --name NAME\n');
        return;
      }
      const rows = [['ID', 'NAME', 'PREFIX', 'SCOPES', 'STATUS', 'CREATED', 'LAST USED']];
      for (const k of all) {
        rows.push([k.id, k.name, `${k.prefix}…`, k.scopes.join(','), status(k), k.createdAt, k.lastUsedAt ?? '-']);
      }
      process.stdout.write(`${textTable(rows)}\n`);
    });

  keys
    .command('revoke')
    .description('revoke a key; it stops working at once')
    .argument('<id>', 'the key id, as shown by "keys list"')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action((id: string, flags: { dataDir?: string }) => {
      const revoked = withKeys(flags.dataDir, false, (service) => service.revoke(id));
      process.stdout.write(`Revoked ${revoked.id} ("${revoked.name}") at ${revoked.revokedAt}.\n`);
    });
}
