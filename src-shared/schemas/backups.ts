import { z } from 'zod';
import { Timestamp } from './common';

export const BackupKind = z.enum(['automatic', 'manual']).meta({
  id: 'BackupKind',
  description:
    '`automatic`: made on the backupIntervalHours schedule and pruned to backupRetention; `manual`: asked for ' +
    '(POST /api/v1/backups) and never pruned.',
});

export const BackupFile = z
  .object({
    name: z.string().meta({
      description: 'The file name in DATA_DIR/backups, e.g. `qrdesk-20260131-140502.db` (UTC time).',
      example: 'qrdesk-20260131-140502.db',
    }),
    kind: BackupKind,
    createdAt: Timestamp.meta({ description: 'When the backup was made, to the second (from its name).' }),
    byteSize: z.number().int(),
  })
  .meta({ id: 'BackupFile' });
export type BackupFile = z.output<typeof BackupFile>;

export const BackupList = z
  .object({
    data: z.array(BackupFile).meta({ description: 'Newest first.' }),
    nextCursor: z.null().meta({ description: 'Always null: every backup is on the one page.' }),
  })
  .meta({ id: 'BackupList' });

export const CreatedBackup = BackupFile.extend({
  codes: z.number().int().meta({ description: 'QR codes in the backup (the trash included).' }),
  scans: z.number().int().meta({ description: 'Scans in the backup.' }),
  schemaVersion: z.number().int().meta({ description: 'The database schema version the backup has.' }),
}).meta({ id: 'CreatedBackup', description: 'A backup just written and checked with PRAGMA integrity_check.' });
export type CreatedBackup = z.output<typeof CreatedBackup>;
