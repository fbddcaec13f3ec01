import { create } from 'zustand';
import type { QrType } from '../../../../src-shared/schemas/content';
import { DEFAULT_DESIGN, type Design } from '../../../../src-shared/schemas/design';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { contentFromDraft, emptyDraft, type AnyDraft, type Drafts } from './content-model';

/** Everything the designer edits, in one value: what undo and redo step through. */
export interface DesignerDoc {
  type: QrType;
  kind: QrCode['kind'];
  name: string;
  /** The form's values per type, so switching types back and forth keeps what was typed. */
  drafts: { [T in QrType]?: Drafts[T] };
  design: Design;
}

/** Edits with the same key this close together are one undo step (typing a word, dragging a colour). */
export const COALESCE_MS = 1000;
const HISTORY_LIMIT = 200;

export function draftOf(doc: DesignerDoc): AnyDraft {
  return doc.drafts[doc.type] ?? emptyDraft(doc.type);
}

/** What saving would store, as one comparable string (dirty = differs from the saved one). */
export function signature(doc: DesignerDoc): string {
  return JSON.stringify([doc.type, doc.kind, doc.name.trim(), contentFromDraft(doc.type, draftOf(doc)), doc.design]);
}

export function newDoc(type: QrType = 'url'): DesignerDoc {
  return { type, kind: 'static', name: '', drafts: { [type]: emptyDraft(type) }, design: DEFAULT_DESIGN };
}

interface DesignerState {
  doc: DesignerDoc;
  past: DesignerDoc[];
  future: DesignerDoc[];
  /** The signature of what the server holds; null for a code not saved yet. */
  savedSignature: string | null;
  /** The design of the untouched new code, so opening /create and leaving asks nothing. */
  pristineDesign: string;
  lastKey: string | null;
  lastAt: number;
  /** Starts over with a document (a new code, or one loaded from the server). */
  reset(doc: DesignerDoc, saved: boolean): void;
  /** Changes the document; `key` names the control, so rapid edits of one control coalesce into one step. */
  edit(key: string, change: (doc: DesignerDoc) => DesignerDoc): void;
  undo(): void;
  redo(): void;
  markSaved(doc: DesignerDoc): void;
}

export const useDesigner = create<DesignerState>()((set, get) => ({
  doc: newDoc(),
  past: [],
  future: [],
  savedSignature: null,
  pristineDesign: JSON.stringify(DEFAULT_DESIGN),
  lastKey: null,
  lastAt: 0,
  reset: (doc, saved) =>
    set({
      doc,
      past: [],
      future: [],
      savedSignature: saved ? signature(doc) : null,
      pristineDesign: JSON.stringify(doc.design),
      lastKey: null,
      lastAt: 0,
    }),
  edit: (key, change) => {
    const { doc, past, lastKey, lastAt } = get();
    const next = change(doc);
    if (next === doc) return;
    const now = performance.now();
    const coalesce = key === lastKey && now - lastAt < COALESCE_MS && past.length > 0;
    set({
      doc: next,
      past: coalesce ? past : [...past, doc].slice(-HISTORY_LIMIT),
      future: [],
      lastKey: key,
      lastAt: now,
    });
  },
  undo: () => {
    const { doc, past, future } = get();
    const previous = past.at(-1);
    if (!previous) return;
    set({ doc: previous, past: past.slice(0, -1), future: [doc, ...future], lastKey: null });
  },
  redo: () => {
    const { doc, past, future } = get();
    const next = future[0];
    if (!next) return;
    set({ doc: next, past: [...past, doc], future: future.slice(1), lastKey: null });
  },
  markSaved: (doc) => set({ savedSignature: signature(doc) }),
}));

/** Whether leaving now would lose work (for a new code: anything typed or designed, whatever the type). */
export function isDirty(state: Pick<DesignerState, 'doc' | 'savedSignature' | 'pristineDesign'>): boolean {
  const { doc } = state;
  if (state.savedSignature !== null) return signature(doc) !== state.savedSignature;
  const typed = JSON.stringify(contentFromDraft(doc.type, draftOf(doc)));
  const untouched = JSON.stringify(contentFromDraft(doc.type, emptyDraft(doc.type)));
  return typed !== untouched || doc.name.trim() !== '' || JSON.stringify(doc.design) !== state.pristineDesign;
}

/** Helpers for the common edits. */
export const editDraft = <T extends QrType>(key: string, patch: Partial<Drafts[T]>) =>
  useDesigner.getState().edit(`content.${key}`, (doc) => ({
    ...doc,
    drafts: { ...doc.drafts, [doc.type]: { ...draftOf(doc), ...patch } },
  }));

export const editDesign = (key: string, patch: Partial<Design>) =>
  useDesigner.getState().edit(`design.${key}`, (doc) => ({ ...doc, design: { ...doc.design, ...patch } }));
