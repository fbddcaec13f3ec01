import type { BackupFile, CreatedBackup } from '../../../src-shared/schemas/backups';
import { apiJson } from './http';

const base = '/api/v1/backups';

export const backupsApi = {
  /** Every backup in DATA_DIR/backups, newest first (one page: nextCursor is always null). */
  list: (signal?: AbortSignal) => apiJson<{ data: BackupFile[]; nextCursor: null }>('GET', base, { signal }),
  /** Backs up the database now; answers once the copy is written and checked. */
  create: () => apiJson<CreatedBackup>('POST', base),
};
