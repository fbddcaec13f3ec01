import { create } from 'zustand';
import type { Folder } from '../../../../src-shared/schemas/folders';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { foldersApi } from '../../api/folders';
import { qrCodesApi } from '../../api/qrcodes';
import { queryOf, stillMatches, type LibraryFilters } from './filters';

export const PAGE_SIZE = 50;

/** Totals shown beside the sidebar's entries (null until known). */
export interface Counts {
  all: number | null;
  noFolder: number | null;
  favorites: number | null;
  trash: number | null;
}

interface LibraryState {
  filters: LibraryFilters | null;
  items: QrCode[];
  nextCursor: string | null;
  /** How many codes match the filters (all pages). */
  total: number | null;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
  selected: ReadonlySet<string>;
  /** The last code whose checkbox was clicked, for shift-click ranges. */
  anchor: string | null;
  folders: Folder[];
  foldersError: unknown;
  counts: Counts;

  /** Loads the first page for these filters (a new list; the selection is cleared). */
  load(filters: LibraryFilters): Promise<void>;
  loadMore(): Promise<void>;
  refreshSidebar(): Promise<void>;
  toggle(id: string, range: boolean): void;
  selectAll(on: boolean): void;
  clearSelection(ids?: readonly string[]): void;
  /** Puts a changed code in place, or drops it when it no longer matches the filters. */
  replace(code: QrCode): void;
  drop(ids: readonly string[]): void;
  /** A new code (a duplicate) at the top when the filters would show it. */
  prepend(code: QrCode): void;
}

let generation = 0;
let controller: AbortController | null = null;

function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

async function countOf(query: Parameters<typeof qrCodesApi.list>[0], signal?: AbortSignal): Promise<number | null> {
  try {
    const page = await qrCodesApi.list({ ...query, page: 1, limit: 1 }, signal);
    return page.pagination?.total ?? null;
  } catch (err) {
    if (isAbort(err)) throw err;
    return null;
  }
}

export const useLibrary = create<LibraryState>()((set, get) => ({
  filters: null,
  items: [],
  nextCursor: null,
  total: null,
  loading: false,
  loadingMore: false,
  error: null,
  selected: new Set(),
  anchor: null,
  folders: [],
  foldersError: null,
  counts: { all: null, noFolder: null, favorites: null, trash: null },

  async load(filters) {
    controller?.abort();
    const abort = new AbortController();
    controller = abort;
    const mine = ++generation;
    set({
      filters,
      items: [],
      nextCursor: null,
      total: null,
      loading: true,
      loadingMore: false,
      error: null,
      selected: new Set(),
      anchor: null,
    });
    const query = queryOf(filters);
    try {
      const [page, total] = await Promise.all([
        qrCodesApi.list({ ...query, limit: PAGE_SIZE }, abort.signal),
        countOf(query, abort.signal),
      ]);
      if (mine !== generation) return;
      set({ items: page.data, nextCursor: page.nextCursor, total, loading: false });
    } catch (err) {
      if (isAbort(err) || mine !== generation) return;
      set({ loading: false, error: err });
    }
  },

  async loadMore() {
    const { filters, nextCursor, loading, loadingMore } = get();
    if (!filters || !nextCursor || loading || loadingMore) return;
    const mine = generation;
    set({ loadingMore: true, error: null });
    try {
      const page = await qrCodesApi.list(
        { ...queryOf(filters), limit: PAGE_SIZE, cursor: nextCursor },
        controller?.signal,
      );
      if (mine !== generation) return;
      // A code changed or created meanwhile may already be in the list: keep one of each.
      const seen = new Set(get().items.map((c) => c.id));
      set({
        items: [...get().items, ...page.data.filter((c) => !seen.has(c.id))],
        nextCursor: page.nextCursor,
        loadingMore: false,
      });
    } catch (err) {
      if (isAbort(err) || mine !== generation) return;
      set({ loadingMore: false, error: err });
    }
  },

  async refreshSidebar() {
    const [folders, all, noFolder, favorites, trash] = await Promise.all([
      foldersApi.list().then(
        (page) => ({ ok: true as const, data: page.data }),
        (err: unknown) => ({ ok: false as const, err }),
      ),
      countOf({}),
      countOf({ folderId: 'none' }),
      countOf({ favorite: true }),
      countOf({ trashed: true }),
    ]);
    set({
      ...(folders.ok ? { folders: folders.data, foldersError: null } : { foldersError: folders.err }),
      counts: { all, noFolder, favorites, trash },
    });
  },

  toggle(id, range) {
    const { items, selected, anchor } = get();
    const next = new Set(selected);
    const on = !selected.has(id);
    const from = range && anchor ? items.findIndex((c) => c.id === anchor) : -1;
    const to = items.findIndex((c) => c.id === id);
    if (from >= 0 && to >= 0) {
      const [a, b] = from < to ? [from, to] : [to, from];
      for (const code of items.slice(a, b + 1)) {
        if (on) next.add(code.id);
        else next.delete(code.id);
      }
    } else if (on) next.add(id);
    else next.delete(id);
    set({ selected: next, anchor: id });
  },

  selectAll(on) {
    set({ selected: on ? new Set(get().items.map((c) => c.id)) : new Set(), anchor: null });
  },

  clearSelection(ids) {
    if (!ids) {
      set({ selected: new Set(), anchor: null });
      return;
    }
    const next = new Set(get().selected);
    for (const id of ids) next.delete(id);
    set({ selected: next });
  },

  replace(code) {
    const { items, filters, total, selected } = get();
    const index = items.findIndex((c) => c.id === code.id);
    if (index < 0) return;
    if (filters && !stillMatches(code, filters)) {
      const next = new Set(selected);
      next.delete(code.id);
      set({
        items: items.filter((c) => c.id !== code.id),
        total: total === null ? null : Math.max(0, total - 1),
        selected: next,
      });
      return;
    }
    const copy = items.slice();
    copy[index] = code;
    set({ items: copy });
  },

  drop(ids) {
    const gone = new Set(ids);
    const { items, total, selected } = get();
    const kept = items.filter((c) => !gone.has(c.id));
    const removed = items.length - kept.length;
    set({
      items: kept,
      total: total === null ? null : Math.max(0, total - removed),
      selected: new Set([...selected].filter((id) => !gone.has(id))),
    });
  },

  prepend(code) {
    const { items, filters, total } = get();
    if (!filters || !stillMatches(code, filters)) return;
    set({ items: [code, ...items], total: total === null ? null : total + 1 });
  },
}));
