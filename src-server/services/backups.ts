import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { BackupFile, CreatedBackup } from '../../src-shared/schemas/backups';
import { DATABASE_FILE } from '../store/database';
import { copyDatabase, DatabaseCopyError, integrityProblems, type DatabaseCopySummary } from '../store/database-copy';
import { checkOutputFile, OutputFileError, placeOutputFile, temporaryNameFor } from './output-file';
import type { SettingsService } from './settings';

/** The folder inside the data folder where automatic backups and those made through the API go. */
export const BACKUPS_DIR = 'backups';

/** A backup that could not be made or restored, for a reason the message explains to the user (no "qrdesk:" prefix). */
export class BackupError extends OutputFileError {
  override name = 'BackupError';
}

export interface BackupResult extends DatabaseCopySummary {
  file: string;
}

/** Why SQLite could not copy the database, said for a person. */
function copyFailure(err: unknown, source: string): BackupError {
  if (!(err instanceof DatabaseCopyError)) return new BackupError(String((err as Error)?.message ?? err));
  if (err.code === 'SQLITE_NOTADB' || err.code === 'SQLITE_CORRUPT') {
    return new BackupError(`${source} is not a qrdesk database or is damaged (${err.code}); no backup was written.`);
  }
  if (err.code === 'SQLITE_BUSY') {
    return new BackupError(`${source} stayed locked by another process; no backup was written. Try again.`);
  }
  return new BackupError(`the backup could not be written: ${err.message}`);
}

/**
 * Writes a consistent, verified copy of the data folder's database to `file`
 * (mode 0600: it holds webhook secrets and key hashes). Safe while a server
 * writes to the database: the copy is the database as of one commit. The copy
 * is made under a temporary name in the target's folder and renamed into
 * place only once `PRAGMA integrity_check` says ok, so `file` is either a good
 * backup or untouched.
 */
export async function backupDatabase(
  dataDir: string,
  file: string,
  options: { force?: boolean } = {},
): Promise<BackupResult> {
  const source = path.join(dataDir, DATABASE_FILE);
  if (!fs.existsSync(source)) {
    throw new BackupError(
      `no qrdesk database in ${dataDir}; pass the --data-dir the server uses (or set QRDESK_DATA_DIR).`,
    );
  }
  const target = path.resolve(file);
  const force = options.force ?? false;
  if (target === source || (fs.existsSync(target) && fs.realpathSync(target) === fs.realpathSync(source))) {
    throw new BackupError(`${target} is the live database itself; write the backup to another file.`);
  }
  checkOutputFile(target, force);
  const tmp = temporaryNameFor(target);
  let summary: DatabaseCopySummary;
  try {
    summary = await copyDatabase(source, tmp);
  } catch (err) {
    throw copyFailure(err, source);
  }
  try {
    if (summary.integrity.length !== 1 || summary.integrity[0] !== 'ok') {
      throw new BackupError(
        `the copy of ${source} failed its integrity check (${integrityProblems(summary.integrity)}); ` +
          'no backup was written. The database itself may be damaged: restore an earlier backup.',
      );
    }
    fs.chmodSync(tmp, 0o600);
    placeOutputFile(tmp, target, force);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return { ...summary, file: target };
}

/** `qrdesk-20260131-140502.db` (UTC), `-2` etc. when two fall in one second, `-manual` for those asked for. */
const BACKUP_NAME = /^qrdesk-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d{1,4}))?(-manual)?\.db$/;

interface NamedBackup {
  name: string;
  kind: 'automatic' | 'manual';
  time: number;
  seq: number;
}

function parseBackupName(name: string): NamedBackup | null {
  const m = BACKUP_NAME.exec(name);
  if (!m) return null;
  const time = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  if (Number.isNaN(time)) return null;
  return { name, kind: m[8] ? 'manual' : 'automatic', time, seq: m[7] ? Number(m[7]) : 1 };
}

const stampOf = (ms: number): string => {
  const iso = new Date(ms).toISOString(); // 2026-01-31T14:05:02.123Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
};

const newestFirst = (a: NamedBackup, b: NamedBackup) => b.time - a.time || b.seq - a.seq;

export interface AutoBackupOptions {
  /** How long an "hour" of backupIntervalHours lasts (default 3,600,000 ms); tests shrink it. */
  hourMs?: number;
  /** How often the scheduler checks whether a backup is due (default one minute). */
  pollMs?: number;
}

/**
 * Backups into DATA_DIR/backups: on request (the API) and on a schedule (the
 * backupIntervalHours and backupRetention settings). The scheduler runs in the
 * server and never takes it down: a failed backup is logged and tried again
 * one interval later. Only automatic backups are pruned; those asked for stay
 * until the user deletes them.
 */
export class BackupService {
  readonly stats = { made: 0, failed: 0, pruned: 0, lastError: null as string | null };
  private timer: NodeJS.Timeout | undefined;
  /** Backups run one at a time, in the order asked. */
  private queue: Promise<unknown> = Promise.resolve();
  private running = false;
  private lastAttempt: number | undefined;
  /** The automatic backup under way, with its pruning and log line. */
  private automatic: Promise<void> | undefined;
  private readonly hourMs: number;
  private readonly pollMs: number;

  constructor(
    private readonly dataDir: string,
    private readonly settings: SettingsService,
    private readonly logger: Logger,
    options: AutoBackupOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.hourMs = options.hourMs ?? 3_600_000;
    this.pollMs = options.pollMs ?? 60_000;
  }

  get folder(): string {
    return path.join(this.dataDir, BACKUPS_DIR);
  }

  private named(): NamedBackup[] {
    let names: string[];
    try {
      names = fs.readdirSync(this.folder);
    } catch {
      return [];
    }
    return names
      .map(parseBackupName)
      .filter((b): b is NamedBackup => b !== null)
      .sort(newestFirst);
  }

  /** The backups in the folder, newest first. */
  list(): BackupFile[] {
    return this.named().flatMap((b) => {
      try {
        const stat = fs.statSync(path.join(this.folder, b.name));
        if (!stat.isFile()) return [];
        return [{ name: b.name, kind: b.kind, createdAt: new Date(b.time).toISOString(), byteSize: stat.size }];
      } catch {
        return []; // pruned or removed meanwhile
      }
    });
  }

  /** Makes a backup in the folder now; runs after any backup already under way. */
  create(kind: 'automatic' | 'manual'): Promise<CreatedBackup> {
    const run = this.queue.then(() => this.write(kind));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(kind: 'automatic' | 'manual'): Promise<CreatedBackup> {
    this.running = true;
    try {
      try {
        fs.mkdirSync(this.folder, { recursive: true, mode: 0o700 });
      } catch (err) {
        throw new BackupError(`cannot create the backups folder ${this.folder}: ${(err as Error).message}`);
      }
      const at = this.now();
      const stamp = stampOf(at);
      const taken = new Set(fs.readdirSync(this.folder));
      let name = '';
      for (let seq = 1; !name || taken.has(name); seq++) {
        name = `qrdesk-${stamp}${seq > 1 ? `-${seq}` : ''}${kind === 'manual' ? '-manual' : ''}.db`;
      }
      const result = await backupDatabase(this.dataDir, path.join(this.folder, name));
      return {
        name,
        kind,
        createdAt: new Date(Math.floor(at / 1000) * 1000).toISOString(),
        byteSize: result.bytes,
        codes: result.codes,
        scans: result.scans,
        schemaVersion: result.schemaVersion,
      };
    } finally {
      this.running = false;
    }
  }

  /** Deletes the oldest automatic backups beyond `keep`; returns how many went. */
  prune(keep: number): number {
    const automatic = this.named().filter((b) => b.kind === 'automatic');
    let removed = 0;
    for (const old of automatic.slice(keep)) {
      try {
        fs.rmSync(path.join(this.folder, old.name));
        removed += 1;
      } catch (err) {
        this.logger.warn({ file: old.name, err: String(err) }, 'old backup not removed');
      }
    }
    this.stats.pruned += removed;
    return removed;
  }

  /** Starts the schedule; the timer never keeps the process alive on its own. */
  start(): void {
    if (this.timer) return;
    this.removeLeftovers();
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.timer.unref();
  }

  /** Stops the schedule and waits for a backup under way (the database closes after). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Resolves once no backup is under way (one the schedule started has also been pruned after and logged). */
  async idle(): Promise<void> {
    await Promise.all([this.queue, this.automatic]);
  }

  /** Temporary files of a backup that a crash interrupted. */
  private removeLeftovers(): void {
    try {
      for (const name of fs.readdirSync(this.folder)) {
        if (/^\.qrdesk-.*\.tmp(-journal|-wal|-shm)?$/.test(name))
          fs.rmSync(path.join(this.folder, name), { force: true });
      }
    } catch {
      // no folder yet
    }
  }

  /** Whether an automatic backup is due now. */
  private due(intervalMs: number, now: number): boolean {
    // What this process last tried counts first; at start, the newest automatic backup on disk (so a
    // server restarted every few hours still backs up once a day). A file dated in the future (a clock
    // set back) counts as now.
    const base = this.lastAttempt ?? Math.min(this.named().find((b) => b.kind === 'automatic')?.time ?? -Infinity, now);
    return now - base >= intervalMs;
  }

  private tick(): void {
    if (this.running || this.automatic) return;
    const { backupIntervalHours, backupRetention } = this.settings.get();
    if (backupIntervalHours === 0) return;
    const now = this.now();
    if (!this.due(backupIntervalHours * this.hourMs, now)) return;
    this.lastAttempt = now;
    this.automatic = this.runAutomatic(backupIntervalHours, backupRetention).finally(
      () => (this.automatic = undefined),
    );
  }

  private async runAutomatic(backupIntervalHours: number, backupRetention: number): Promise<void> {
    try {
      const made = await this.create('automatic');
      this.stats.made += 1;
      const pruned = this.prune(backupRetention);
      this.logger.info(
        { file: made.name, codes: made.codes, scans: made.scans, bytes: made.byteSize, pruned },
        'automatic backup written',
      );
    } catch (err) {
      this.stats.failed += 1;
      this.stats.lastError = err instanceof Error ? err.message : String(err);
      this.logger.error(
        { err: this.stats.lastError, retryInHours: backupIntervalHours },
        'automatic backup failed; will try again after the interval',
      );
    }
  }
}
