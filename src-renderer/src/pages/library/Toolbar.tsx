import { FilterX, LayoutGrid, List, Search } from 'lucide-react';
import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { QR_TYPES } from '../../../../src-shared/schemas/content';
import { QR_KINDS } from '../../../../src-shared/schemas/qrcodes';
import { usePreferences } from '../../state/preferences';
import { isFiltered, STATUSES, type LibraryFilters } from './filters';

const SEARCH_DELAY_MS = 300;

/** Search (debounced), filters and the grid/list switch. */
export function Toolbar({
  filters,
  knownTags,
  onChange,
  onClear,
}: {
  filters: LibraryFilters;
  knownTags: string[];
  onChange: (change: Partial<LibraryFilters>, options?: { replace?: boolean }) => void;
  onClear: () => void;
}) {
  const { t } = useTranslation('library');
  const id = useId();
  const view = usePreferences((s) => s.libraryView);
  const setView = usePreferences((s) => s.setLibraryView);

  // The box answers every keystroke; the list (and the address bar) follow once typing pauses.
  const [q, setQ] = useState(filters.q);
  const committed = useRef(filters.q);
  useEffect(() => {
    // Back/forward or "clear filters" changed the search from outside: show it.
    if (filters.q !== committed.current) {
      committed.current = filters.q;
      setQ(filters.q);
    }
  }, [filters.q]);
  useEffect(() => {
    if (q === committed.current) return;
    const timer = setTimeout(() => {
      committed.current = q;
      onChange({ q }, { replace: true });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q, onChange]);

  const [tag, setTag] = useState(filters.tag);
  useEffect(() => setTag(filters.tag), [filters.tag]);
  const commitTag = () => {
    if (tag.trim() !== filters.tag) onChange({ tag: tag.trim() });
  };

  // The controls show a choice at once; the address bar (and so `filters`) follows a moment later.
  const [draft, setDraft] = useState(filters);
  useEffect(() => setDraft(filters), [filters]);
  const pick = (change: Partial<LibraryFilters>) => {
    setDraft((d) => ({ ...d, ...change }));
    onChange(change);
  };

  return (
    <search className="library-toolbar" aria-label={t('filters.label')}>
      <div className="library-toolbar-row">
        <div className="library-search">
          <label htmlFor={`${id}-q`} className="visually-hidden">
            {t('filters.search')}
          </label>
          <Search size={16} aria-hidden="true" className="library-search-icon" />
          <input
            id={`${id}-q`}
            type="search"
            value={q}
            maxLength={200}
            placeholder={t('filters.searchPlaceholder')}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                committed.current = q;
                onChange({ q }, { replace: true });
              }
            }}
          />
        </div>
        <div className="library-view-switch" role="group" aria-label={t('view.label')}>
          <button type="button" aria-pressed={view === 'grid'} onClick={() => setView('grid')}>
            <LayoutGrid size={16} aria-hidden="true" />
            <span>{t('view.grid')}</span>
          </button>
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>
            <List size={16} aria-hidden="true" />
            <span>{t('view.list')}</span>
          </button>
        </div>
      </div>
      <div className="library-filters">
        <label className="library-filter">
          <span>{t('filters.type')}</span>
          <select value={draft.type} onChange={(e) => pick({ type: e.target.value as LibraryFilters['type'] })}>
            <option value="">{t('filters.anyType')}</option>
            {QR_TYPES.map((type) => (
              <option key={type} value={type}>
                {t(`types.${type}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="library-filter">
          <span>{t('filters.kind')}</span>
          <select value={draft.kind} onChange={(e) => pick({ kind: e.target.value as LibraryFilters['kind'] })}>
            <option value="">{t('filters.anyKind')}</option>
            {QR_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kind.${kind}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="library-filter">
          <span>{t('filters.status')}</span>
          <select value={draft.status} onChange={(e) => pick({ status: e.target.value as LibraryFilters['status'] })}>
            <option value="">{t('filters.anyStatus')}</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {t(`status.${status}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="library-filter">
          <span>{t('filters.tag')}</span>
          <input
            type="text"
            value={tag}
            maxLength={32}
            list={`${id}-tags`}
            placeholder={t('filters.anyTag')}
            className="library-tag-input"
            onChange={(e) => {
              setTag(e.target.value);
              // Picking a suggestion applies it at once.
              if (knownTags.includes(e.target.value)) onChange({ tag: e.target.value });
            }}
            onBlur={commitTag}
            onKeyDown={(e) => {
              if (e.key === 'Enter') commitTag();
            }}
          />
          <datalist id={`${id}-tags`}>
            {knownTags.map((known) => (
              <option key={known} value={known} />
            ))}
          </datalist>
        </label>
        <label className="library-check">
          <input type="checkbox" checked={draft.favorite} onChange={(e) => pick({ favorite: e.target.checked })} />
          <span>{t('filters.favoritesOnly')}</span>
        </label>
        {isFiltered(filters) && (
          <button type="button" onClick={onClear}>
            <FilterX size={16} aria-hidden="true" />
            <span>{t('filters.clear')}</span>
          </button>
        )}
      </div>
    </search>
  );
}
