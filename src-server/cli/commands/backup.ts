import type { Command } from 'commander';
import { backupDatabase } from '../../services/backups';
import { OutputFileError } from '../../services/output-file';
import { restoreDatabase } from '../../services/restore';
import { CliError, resolveDataDir } from '../options';

/** Runs fn, turning the reasons a file task is refused into the CLI's one-line errors. */
export async function oneLineErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof OutputFileError) throw new CliError(`qrdesk: ${err.message}`);
    throw err;
  }
}

export function registerBackup(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of the database to FILE (safe while the server runs)')
    .argument('<file>', 'the backup file to write, e.g. qrdesk-backup.db')
    .option('--force', 'overwrite FILE if it exists')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action(async (file: string, flags: { force?: boolean; dataDir?: string }) => {
      const dataDir = resolveDataDir(flags.dataDir);
      const result = await oneLineErrors(() => backupDatabase(dataDir, file, { force: flags.force }));
      process.stdout.write(
        `Backed up ${result.codes} codes and ${result.scans} scans to ${result.file} ` +
          `(${result.bytes} bytes, schema ${result.schemaVersion}, integrity ok).\n`,
      );
    });

  program
    .command('restore')
    .description('replace the database with a backup (stop the server first); the current one is kept')
    .argument('<file>', 'a backup written by "qrdesk backup" or found in DATA_DIR/backups')
    .option('--data-dir <dir>', 'data folder (env QRDESK_DATA_DIR)')
    .action(async (file: string, flags: { dataDir?: string }) => {
      const dataDir = resolveDataDir(flags.dataDir);
      const result = await oneLineErrors(() => restoreDatabase(dataDir, file));
      const upgraded =
        result.fromSchemaVersion < result.schemaVersion
          ? `, schema ${result.fromSchemaVersion} brought up to ${result.schemaVersion}`
          : '';
      process.stdout.write(
        `Restored ${result.codes} codes and ${result.scans} scans from ${result.source}${upgraded}; ` +
          `${result.keptAs ? `the previous database is kept as ${result.keptAs}` : 'there was no previous database'}.\n`,
      );
    });
}
