import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A file the user named cannot be written or read, for a reason the message explains (no "qrdesk:" prefix). */
export class OutputFileError extends Error {
  override name = 'OutputFileError';
}

const errnoOf = (err: unknown) => (err as NodeJS.ErrnoException).code;

/** Checks where a file will be written: into an existing folder, under a name that is free (or `force`). */
export function checkOutputFile(target: string, force: boolean): void {
  const dir = path.dirname(target);
  let dirStat: fs.Stats;
  try {
    dirStat = fs.statSync(dir);
  } catch {
    throw new OutputFileError(`the folder ${dir} does not exist; create it first, or write elsewhere.`);
  }
  if (!dirStat.isDirectory()) throw new OutputFileError(`${dir} is not a folder; nothing was written.`);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    if (errnoOf(err) !== 'ENOENT') throw new OutputFileError(`cannot use ${target}: ${(err as Error).message}`);
  }
  if (stat?.isDirectory()) throw new OutputFileError(`${target} is a folder; give a file name inside it instead.`);
  if (stat && !force) throw new OutputFileError(`${target} already exists; pass --force to overwrite it.`);
}

/** A hidden temporary name beside `target`, where the file is written before it is put in place. */
export const temporaryNameFor = (target: string): string =>
  path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);

/**
 * Puts the finished file at `target`. Without `force`, a hard link claims the
 * name only if it is still free (a file that appeared meanwhile is never
 * overwritten); where links are not supported, a check and a rename.
 */
export function placeOutputFile(tmp: string, target: string, force: boolean): void {
  if (force) {
    fs.renameSync(tmp, target);
    return;
  }
  try {
    fs.linkSync(tmp, target);
    fs.rmSync(tmp);
    return;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') throw new OutputFileError(`${target} already exists; pass --force to overwrite it.`);
  }
  if (fs.existsSync(target)) throw new OutputFileError(`${target} already exists; pass --force to overwrite it.`);
  fs.renameSync(tmp, target);
}
