import fs from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { ZipArchive } from 'archiver';
import { lazy } from '../lazy';

const loadArchiver = lazy(() => import('archiver'));

/**
 * Where a batch's files go. Both sinks write under a temporary name and only
 * take the final name in `finish()`: a cancelled or crashed batch never
 * leaves something that looks like a complete result.
 */
export interface OutputSink {
  /** Adds one file; resolves when it may take the next (back-pressure). */
  add(name: string, bytes: Uint8Array): Promise<void>;
  /** Completes the output under its final name. */
  finish(): Promise<void>;
  /** Removes everything written so far. */
  abort(): Promise<void>;
}

/** Entries archiver may hold before add() waits. */
const ZIP_QUEUE = 16;

/** Size of the blocks BlockWriter hands to the file. */
const BLOCK = 64 * 1024;

/**
 * Passes archiver's output to the file in blocks. At finalize() archiver writes
 * the central directory as about twenty writes of a few bytes per entry, all at
 * once; queued in stream buffers as they are, a batch of 20,000 files took
 * about 130 MB more for a moment. Copied into a block as they come, they take
 * 64 KB. It never holds a write back: ZipSink.add() waits for the file instead.
 */
class BlockWriter extends Writable {
  private block = Buffer.allocUnsafe(BLOCK);
  private used = 0;

  constructor(private readonly out: fs.WriteStream) {
    super();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error) => void): void {
    if (chunk.length >= BLOCK) {
      this.flush();
      this.out.write(chunk);
    } else {
      if (this.used + chunk.length > BLOCK) this.flush();
      chunk.copy(this.block, this.used);
      this.used += chunk.length;
    }
    done();
  }

  override _final(done: (err?: Error) => void): void {
    this.flush();
    this.out.end();
    done();
  }

  private flush(): void {
    if (this.used === 0) return;
    this.out.write(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafe(BLOCK);
    this.used = 0;
  }
}

/** A ZIP archive written as a stream to `<file>.part`, renamed to `file` when complete. */
export class ZipSink implements OutputSink {
  /** archiver loads on first use; the archive is made once it has. */
  private readonly archive: Promise<ZipArchive>;
  private readonly out: fs.WriteStream;
  private readonly partPath: string;
  private failure: Error | null = null;
  /** Entries appended but not yet written out: archiver holds their bytes until then. */
  private queued = 0;
  private wake: (() => void) | null = null;

  constructor(private readonly file: string) {
    this.partPath = `${file}.part`;
    this.out = fs.createWriteStream(this.partPath, { mode: 0o600 });
    this.out.on('error', (err) => (this.failure ??= err));
    this.archive = loadArchiver().then(({ ZipArchive }) => {
      const archive = new ZipArchive({ zlib: { level: 6 } });
      archive.on('error', (err: Error) => (this.failure ??= err));
      archive.on('entry', () => {
        this.queued--;
        this.wake?.();
      });
      archive.pipe(new BlockWriter(this.out));
      return archive;
    });
    // add() and finish() report a failed load; abort() must not leave it unobserved.
    this.archive.catch(() => undefined);
  }

  async add(name: string, bytes: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    // PNG, JPEG, WebP and PDF are compressed already: storing them saves time for no loss of size.
    const store = /\.(png|jpe?g|webp|pdf)$/i.test(name);
    (await this.archive).append(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { name, store });
    this.queued++;
    // archiver keeps queued entries in memory: let a few wait, no more, so memory stays flat.
    while (this.queued > ZIP_QUEUE && !this.failure) {
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  /** Adds a file from disk, streamed rather than read into memory (a label-sheet PDF can be large). */
  async addFile(name: string, filePath: string): Promise<void> {
    if (this.failure) throw this.failure;
    (await this.archive).file(filePath, { name });
    this.queued++;
  }

  async finish(): Promise<void> {
    if (this.failure) throw this.failure;
    const archive = await this.archive;
    const closed = once(this.out, 'close');
    await archive.finalize();
    await closed;
    if (this.failure) throw this.failure;
    fs.renameSync(this.partPath, this.file);
  }

  async abort(): Promise<void> {
    (await this.archive.catch(() => null))?.abort();
    this.out.destroy();
    await fs.promises.rm(this.partPath, { force: true });
  }
}

/** Files in a folder: written to a hidden sibling folder, moved into place when complete. */
export class FolderSink implements OutputSink {
  private readonly partDir: string;

  constructor(private readonly dir: string) {
    this.partDir = path.join(path.dirname(dir), `.${path.basename(dir)}.part-${process.pid}-${Date.now()}`);
    fs.mkdirSync(this.partDir, { recursive: true, mode: 0o700 });
  }

  async add(name: string, bytes: Uint8Array): Promise<void> {
    const target = path.join(this.partDir, name);
    // Names come sanitised (src-shared/batch/file-names.ts); this is the last guard.
    if (path.dirname(target) !== this.partDir) throw new Error(`Refusing a file name with a path: ${name}`);
    await fs.promises.writeFile(target, bytes, { mode: 0o644 });
  }

  async finish(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    for (const name of await fs.promises.readdir(this.partDir)) {
      await fs.promises.rename(path.join(this.partDir, name), path.join(this.dir, name));
    }
    await fs.promises.rm(this.partDir, { recursive: true, force: true });
  }

  async abort(): Promise<void> {
    await fs.promises.rm(this.partDir, { recursive: true, force: true });
  }
}
