import { create } from 'zustand';
import type { Barcode, BarcodeFormat } from '../../../../src-shared/schemas/barcodes';
import { barcodesApi } from '../../api/barcodes';

/** What the editor holds: the symbol, its look, and the product it labels. */
export interface BarcodeDraft {
  format: BarcodeFormat;
  value: string;
  showText: boolean;
  quietZone: boolean;
  barColor: string;
  /** null: the same as the bars. */
  textColor: string | null;
  backgroundColor: string;
  name: string;
  sku: string;
  price: string;
  category: string;
}

export const NEW_DRAFT: BarcodeDraft = {
  format: 'EAN13',
  value: '',
  showText: true,
  quietZone: true,
  barColor: '#000000',
  textColor: null,
  backgroundColor: '#ffffff',
  name: '',
  sku: '',
  price: '',
  category: '',
};

export function draftOf(barcode: Barcode): BarcodeDraft {
  return {
    format: barcode.format,
    value: barcode.value,
    showText: barcode.options.showText ?? true,
    quietZone: barcode.options.quietZone,
    barColor: barcode.options.barColor.toLowerCase(),
    textColor: barcode.options.textColor?.toLowerCase() ?? null,
    backgroundColor: barcode.options.backgroundColor.toLowerCase(),
    name: barcode.name,
    sku: barcode.sku ?? '',
    price: barcode.price ?? '',
    category: barcode.category ?? '',
  };
}

export const PAGE_SIZE = 24;

interface BarcodesState {
  draft: BarcodeDraft;
  /** The saved barcode the editor is changing; null for a new one. */
  editing: Barcode | null;
  /** Bumped when the editor is (re)loaded, so it can take focus. */
  editorSerial: number;

  items: Barcode[];
  nextCursor: string | null;
  query: string;
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  loadingMore: boolean;
  listError: unknown;

  setDraft(patch: Partial<BarcodeDraft>): void;
  edit(barcode: Barcode): void;
  startNew(): void;
  load(query?: string): Promise<void>;
  loadMore(): Promise<void>;
  /** A created or changed barcode: first in the list if new, replaced in place otherwise. */
  saved(barcode: Barcode, created: boolean): void;
  removed(id: string): void;
}

let listAbort: AbortController | null = null;

const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

export const useBarcodes = create<BarcodesState>()((set, get) => ({
  draft: NEW_DRAFT,
  editing: null,
  editorSerial: 0,
  items: [],
  nextCursor: null,
  query: '',
  listStatus: 'idle',
  loadingMore: false,
  listError: null,

  setDraft: (patch) => set({ draft: { ...get().draft, ...patch } }),
  edit: (barcode) => set({ draft: draftOf(barcode), editing: barcode, editorSerial: get().editorSerial + 1 }),
  startNew: () => {
    // Keep the symbology and the look: the next product is most often labelled the same way.
    const { format, showText, quietZone, barColor, textColor, backgroundColor } = get().draft;
    set({
      draft: { ...NEW_DRAFT, format, showText, quietZone, barColor, textColor, backgroundColor },
      editing: null,
      editorSerial: get().editorSerial + 1,
    });
  },

  load: async (query = get().query) => {
    listAbort?.abort();
    const abort = (listAbort = new AbortController());
    set({ query, listStatus: 'loading', listError: null, loadingMore: false });
    try {
      const page = await barcodesApi.list({ limit: PAGE_SIZE, q: query.trim() || undefined }, abort.signal);
      set({ items: page.data, nextCursor: page.nextCursor, listStatus: 'ready' });
    } catch (err) {
      if (!isAbort(err)) set({ listStatus: 'error', listError: err });
    }
  },

  loadMore: async () => {
    const { nextCursor, query, loadingMore } = get();
    if (!nextCursor || loadingMore) return;
    const abort = (listAbort = new AbortController());
    set({ loadingMore: true, listError: null });
    try {
      const page = await barcodesApi.list(
        { limit: PAGE_SIZE, cursor: nextCursor, q: query.trim() || undefined },
        abort.signal,
      );
      const seen = new Set(get().items.map((b) => b.id));
      set({
        items: [...get().items, ...page.data.filter((b) => !seen.has(b.id))],
        nextCursor: page.nextCursor,
        loadingMore: false,
      });
    } catch (err) {
      if (!isAbort(err)) set({ listError: err, loadingMore: false });
    }
  },

  saved: (barcode, created) => {
    const items = get().items;
    const inEditor = created || get().editing?.id === barcode.id;
    set({
      items: created ? [barcode, ...items] : items.map((b) => (b.id === barcode.id ? barcode : b)),
      // The editor stays on what was saved (the value now with its check digit), as a document stays open.
      ...(inEditor ? { editing: barcode, draft: draftOf(barcode) } : {}),
    });
  },

  removed: (id) => {
    set({ items: get().items.filter((b) => b.id !== id) });
    if (get().editing?.id === id) get().startNew();
  },
}));
