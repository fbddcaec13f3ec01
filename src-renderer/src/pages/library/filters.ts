import { QR_TYPES, type QrType } from '../../../../src-shared/schemas/content';
import { QR_KINDS, type QrCode } from '../../../../src-shared/schemas/qrcodes';
import type { QrCodeListQuery } from '../../api/qrcodes';

export const STATUSES = ['active', 'paused', 'expired'] as const;
export type Status = (typeof STATUSES)[number];
export type Kind = (typeof QR_KINDS)[number];

/** What the library shows, as kept in the address bar (so reload and back keep it). */
export interface LibraryFilters {
  q: string;
  type: QrType | '';
  kind: Kind | '';
  status: Status | '';
  /** A folder id, `none` for codes in no folder, or '' for every folder. */
  folder: string;
  tag: string;
  favorite: boolean;
  trash: boolean;
}

export const NO_FILTERS: LibraryFilters = {
  q: '',
  type: '',
  kind: '',
  status: '',
  folder: '',
  tag: '',
  favorite: false,
  trash: false,
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[]): T | '' {
  return value && (allowed as readonly string[]).includes(value) ? (value as T) : '';
}

export function filtersFromParams(params: URLSearchParams): LibraryFilters {
  return {
    q: (params.get('q') ?? '').slice(0, 200),
    type: oneOf(params.get('type'), QR_TYPES),
    kind: oneOf(params.get('kind'), QR_KINDS),
    status: oneOf(params.get('status'), STATUSES),
    folder: (params.get('folder') ?? '').slice(0, 64),
    tag: (params.get('tag') ?? '').slice(0, 32),
    favorite: params.get('favorite') === '1',
    trash: params.get('trash') === '1',
  };
}

export function paramsFromFilters(filters: LibraryFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.trash) params.set('trash', '1');
  if (filters.folder) params.set('folder', filters.folder);
  if (filters.q.trim()) params.set('q', filters.q);
  if (filters.type) params.set('type', filters.type);
  if (filters.kind) params.set('kind', filters.kind);
  if (filters.status) params.set('status', filters.status);
  if (filters.tag.trim()) params.set('tag', filters.tag.trim());
  if (filters.favorite) params.set('favorite', '1');
  return params;
}

/** The API query for the filters (without paging). */
export function queryOf(filters: LibraryFilters): QrCodeListQuery {
  const query: QrCodeListQuery = {};
  if (filters.trash) query.trashed = true;
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.type) query.type = filters.type;
  if (filters.kind) query.kind = filters.kind;
  if (filters.status) query.status = filters.status;
  if (filters.folder) query.folderId = filters.folder;
  if (filters.tag.trim()) query.tag = filters.tag.trim();
  if (filters.favorite) query.favorite = true;
  return query;
}

/** True when anything narrows the list beyond "the library" or "the trash". */
export function isFiltered(filters: LibraryFilters): boolean {
  return Boolean(
    filters.q.trim() ||
    filters.type ||
    filters.kind ||
    filters.status ||
    filters.folder ||
    filters.tag.trim() ||
    filters.favorite,
  );
}

/**
 * Whether a code (after a change made here) still belongs in the list. Only
 * what this page can change is checked: folder, tag, favourite and the trash.
 */
export function stillMatches(code: QrCode, filters: LibraryFilters): boolean {
  if (filters.trash !== (code.deletedAt !== null)) return false;
  if (filters.folder === 'none' && code.folderId !== null) return false;
  if (filters.folder && filters.folder !== 'none' && code.folderId !== filters.folder) return false;
  if (filters.favorite && !code.isFavorite) return false;
  const tag = filters.tag.trim().toLowerCase();
  if (tag && !code.tags.some((t) => t.toLowerCase() === tag)) return false;
  return true;
}
