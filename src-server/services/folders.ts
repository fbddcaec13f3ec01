import type { Folder } from '../../src-shared/schemas/folders';
import { notFound } from '../errors';
import { newId, toIso } from '../ids';
import type { FolderRow } from '../store/folder-store';
import { decodeCursor, toPage } from '../store/pagination';
import type { Store } from '../store/store';

const toFolder = (row: FolderRow): Folder => ({
  id: row.id,
  name: row.name,
  color: row.color,
  codeCount: row.code_count,
  createdAt: toIso(row.created_at)!,
  updatedAt: toIso(row.updated_at)!,
});

/** Folders that organise the library; a code is in at most one. */
export class FolderService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  list(limit: number, cursor?: string): { data: Folder[]; nextCursor: string | null } {
    const page = toPage(this.store.folders.listPage(limit, decodeCursor(cursor)), limit);
    return { data: page.rows.map(toFolder), nextCursor: page.nextCursor };
  }

  get(id: string): Folder {
    const row = this.store.folders.findById(id);
    if (!row) throw notFound('Folder');
    return toFolder(row);
  }

  create(input: { name: string; color?: string | null }): Folder {
    const now = this.now();
    const id = newId('fld');
    this.store.folders.insert({ id, name: input.name, color: input.color ?? null, created_at: now, updated_at: now });
    return this.get(id);
  }

  update(id: string, input: { name?: string; color?: string | null }): Folder {
    const current = this.get(id);
    this.store.folders.update({
      id,
      name: input.name ?? current.name,
      color: input.color === undefined ? current.color : input.color,
      updated_at: this.now(),
    });
    return this.get(id);
  }

  /** Deletes the folder; its codes stay in the library, in no folder. */
  remove(id: string): Folder {
    const folder = this.get(id);
    this.store.folders.remove(id);
    return folder;
  }

  exists(id: string): boolean {
    return this.store.folders.exists(id);
  }
}
