import { Command, CommanderError } from 'commander';
import { AppError } from '../errors';
import { PortInUseError } from '../server';
import { DatabaseOpenError } from '../store/database';
import { APP_VERSION } from '../version';
import { registerBackup } from './commands/backup';
import { registerBatch } from './commands/batch';
import { registerKeys } from './commands/keys';
import { registerServe } from './commands/serve';
import { registerTransfer } from './commands/transfer';
import { CliError } from './options';

/** Errors we expect a user to meet get one clear line; anything else is a bug and shows its stack. */
function explain(err: unknown): { line: string; code: number } | null {
  if (err instanceof PortInUseError || err instanceof CliError) return { line: err.message, code: 1 };
  if (err instanceof DatabaseOpenError) return { line: `qrdesk: ${err.message}`, code: 1 };
  if (err instanceof AppError) {
    const details = err.details?.length ? ` (${err.details.map((d) => `${d.path}: ${d.message}`).join('; ')})` : '';
    return { line: `qrdesk: ${err.message}${err.details?.length && err.details.length > 1 ? details : ''}`, code: 2 };
  }
  return null;
}

export async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('qrdesk')
    .description('qrdesk: QR codes and barcodes, designed offline, with a local REST API')
    .version(APP_VERSION)
    .showHelpAfterError();
  registerServe(program);
  registerKeys(program);
  registerBatch(program);
  registerBackup(program);
  registerTransfer(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander prints and exits on its own parse errors, so one that reaches here was thrown by our
      // code after parsing (e.g. envPort on a bad QRDESK_PORT) and has not been shown yet.
      process.stderr.write(`qrdesk: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    const known = explain(err);
    if (!known) throw err;
    process.stderr.write(`${known.line}\n`);
    process.exit(known.code);
  }
}

await main(process.argv);
