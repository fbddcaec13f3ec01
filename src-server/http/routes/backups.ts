import { BackupList, CreatedBackup } from '../../../src-shared/schemas/backups';
import { AppError } from '../../errors';
import type { BackupService } from '../../services/backups';
import { OutputFileError } from '../../services/output-file';
import { defineRoute, type Route } from '../route';

const TAG = 'Backups';

export function backupRoutes(backups: BackupService): Route[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/backups',
      operationId: 'listBackups',
      summary: 'List the backups in the data folder',
      description:
        'The automatic backups (see the backupIntervalHours and backupRetention settings) and those made with ' +
        'POST /api/v1/backups, in DATA_DIR/backups. Restore one with `qrdesk restore FILE` while the server is stopped.',
      tag: TAG,
      auth: 'admin',
      success: { status: 200, description: 'The backups, newest first', schema: BackupList },
      handler: () => ({ body: { data: backups.list(), nextCursor: null } }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/backups',
      operationId: 'createBackup',
      summary: 'Back up the database now',
      description:
        'Writes a consistent copy of the live database (SQLite online backup; scans keep being recorded meanwhile) ' +
        'to DATA_DIR/backups/qrdesk-YYYYMMDD-HHMMSS-manual.db, checks it with PRAGMA integrity_check, and answers ' +
        'once it is in place. Backups asked for here are never pruned.',
      tag: TAG,
      auth: 'admin',
      idempotent: true,
      success: { status: 201, description: 'The backup written', schema: CreatedBackup },
      handler: async () => {
        try {
          return { status: 201, body: await backups.create('manual') };
        } catch (err) {
          // The reasons a backup fails (a full disk, a folder in the way) are the machine's, not the request's.
          if (err instanceof OutputFileError) throw new AppError('INTERNAL_ERROR', `The backup failed: ${err.message}`);
          throw err;
        }
      },
    }),
  ];
}
