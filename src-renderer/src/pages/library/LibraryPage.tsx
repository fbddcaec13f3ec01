import { FolderOpen, Plus, SearchX, Sparkles, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/PageHeader';
import { usePreferences } from '../../state/preferences';
import { hasScope, useSession } from '../../state/session';
import { formatNumber } from '../../utils/format';
import { CodeCard, CodeRow } from './CodeItems';
import { filtersFromParams, isFiltered, NO_FILTERS, paramsFromFilters, type LibraryFilters } from './filters';
import { FolderSidebar } from './FolderSidebar';
import { BulkStatus, SelectionBar } from './SelectionBar';
import { useLibrary } from './store';
import { Toolbar } from './Toolbar';
import './library.css';

/** Loads the next page when the end of the list comes near; the button does the same for keyboard users. */
function LoadMore() {
  const { t } = useTranslation('library');
  const nextCursor = useLibrary((s) => s.nextCursor);
  const loadingMore = useLibrary((s) => s.loadingMore);
  const loadMore = useLibrary((s) => s.loadMore);
  const sentinel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = sentinel.current;
    if (!nextCursor || !element) return;
    // A new observer for each page: if the end is still in view after a page arrives, it reports so at once.
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void loadMore();
      },
      { rootMargin: '0px 0px 600px 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [nextCursor, loadMore]);

  if (!nextCursor) return null;
  return (
    <div className="library-more">
      <div ref={sentinel} className="library-sentinel" aria-hidden="true" />
      <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
        {loadingMore ? t('common:status.loading') : t('loadMore')}
      </button>
    </div>
  );
}

export function LibraryPage() {
  const { t } = useTranslation('library');
  const who = useSession((s) => s.who);
  const canWrite = hasScope(who, 'write');
  const view = usePreferences((s) => s.libraryView);
  const [params, setParams] = useSearchParams();
  const paramKey = params.toString();
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(paramKey)), [paramKey]);

  const items = useLibrary((s) => s.items);
  const total = useLibrary((s) => s.total);
  const loading = useLibrary((s) => s.loading);
  const error = useLibrary((s) => s.error);
  const selected = useLibrary((s) => s.selected);
  const folders = useLibrary((s) => s.folders);
  const counts = useLibrary((s) => s.counts);
  const load = useLibrary((s) => s.load);
  const refreshSidebar = useLibrary((s) => s.refreshSidebar);
  const toggle = useLibrary((s) => s.toggle);
  const loadMore = useLibrary((s) => s.loadMore);

  useEffect(() => {
    void load(filters);
  }, [filters, load]);
  useEffect(() => {
    void refreshSidebar();
  }, [refreshSidebar]);

  // Filters live in the address bar: each change is a history entry (back undoes it), except typing.
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const change = useCallback(
    (next: Partial<LibraryFilters>, options?: { replace?: boolean }) => {
      // Two quick changes before the address bar catches up must both count.
      const merged = { ...filtersRef.current, ...next };
      filtersRef.current = merged;
      setParams(paramsFromFilters(merged), { replace: options?.replace ?? false });
    },
    [setParams],
  );
  const clear = useCallback(() => change({ ...NO_FILTERS, trash: filtersRef.current.trash }), [change]);

  const folderById = useMemo(() => new Map(folders.map((f) => [f.id, f])), [folders]);
  const knownTags = useMemo(() => {
    const tags = new Map<string, string>();
    for (const code of items) for (const tag of code.tags) tags.set(tag.toLowerCase(), tag);
    return [...tags.values()].sort((a, b) => a.localeCompare(b));
  }, [items]);

  const currentFolder = filters.folder && filters.folder !== 'none' ? folderById.get(filters.folder) : undefined;
  const placeTitle = filters.trash
    ? t('sidebar.trash')
    : filters.folder === 'none'
      ? t('sidebar.noFolder')
      : filters.folder
        ? (currentFolder?.name ?? t('folders.unknown'))
        : filters.favorite
          ? t('sidebar.favorites')
          : t('sidebar.all');

  const showSelection = canWrite && !loading;
  const empty = !loading && !error && items.length === 0;
  const firstRun = empty && !filters.trash && !isFiltered(filters) && (counts.all === 0 || counts.all === null);

  let body: ReactNode;
  if (loading) {
    body = (
      <p className="library-loading muted" role="status">
        {t('common:status.loading')}
      </p>
    );
  } else if (empty) {
    if (filters.trash && !isFiltered(filters)) {
      body = (
        <EmptyState icon={<Trash2 size={40} />} title={t('empty.trash.title')}>
          <p>{t('empty.trash.body')}</p>
        </EmptyState>
      );
    } else if (firstRun) {
      body = (
        <EmptyState icon={<Sparkles size={40} />} title={t('empty.none.title')}>
          <p>{t('empty.none.body')}</p>
          {canWrite && (
            <p className="library-empty-actions">
              <Link className="button primary" to="/create">
                <Plus size={16} aria-hidden="true" />
                <span>{t('empty.none.create')}</span>
              </Link>
              <Link className="button" to="/batch">
                {t('empty.none.batch')}
              </Link>
            </p>
          )}
        </EmptyState>
      );
    } else if (filters.folder && filters.folder !== 'none' && !isFiltered({ ...filters, folder: '' })) {
      body = (
        <EmptyState icon={<FolderOpen size={40} />} title={t('empty.folder.title')}>
          <p>{t('empty.folder.body')}</p>
          <button type="button" onClick={clear}>
            {t('empty.folder.showAll')}
          </button>
        </EmptyState>
      );
    } else {
      body = (
        <EmptyState icon={<SearchX size={40} />} title={t('empty.filtered.title')}>
          <p>{t('empty.filtered.body')}</p>
          <button type="button" className="primary" onClick={clear}>
            {t('filters.clear')}
          </button>
        </EmptyState>
      );
    }
  } else if (view === 'grid') {
    body = (
      <ul className="library-grid" aria-label={t('results', { place: placeTitle })}>
        {items.map((code, index) => (
          <CodeCard
            key={code.id}
            code={code}
            index={index}
            selected={selected.has(code.id)}
            canWrite={canWrite}
            trash={filters.trash}
            folder={code.folderId ? folderById.get(code.folderId) : undefined}
            onToggle={toggle}
          />
        ))}
      </ul>
    );
  } else {
    body = (
      <div className="library-table-wrap">
        <table className="library-table">
          <caption className="visually-hidden">{t('results', { place: placeTitle })}</caption>
          <thead>
            <tr>
              {canWrite && (
                <th scope="col" className="library-col-select">
                  <span className="visually-hidden">{t('columns.selected')}</span>
                </th>
              )}
              <th scope="col" className="library-col-thumb">
                <span className="visually-hidden">{t('columns.preview')}</span>
              </th>
              <th scope="col">{t('columns.name')}</th>
              <th scope="col" className="library-col-type">
                {t('columns.type')}
              </th>
              <th scope="col" className="library-col-kind">
                {t('columns.kind')}
              </th>
              <th scope="col">{t('columns.status')}</th>
              <th scope="col" className="library-col-scans">
                {t('columns.scans')}
              </th>
              <th scope="col" className="library-col-date">
                {filters.trash ? t('columns.deleted') : t('columns.updated')}
              </th>
              <th scope="col" className="library-col-star">
                <span className="visually-hidden">{t('columns.favorite')}</span>
              </th>
              <th scope="col" className="library-col-actions">
                <span className="visually-hidden">{t('columns.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((code, index) => (
              <CodeRow
                key={code.id}
                code={code}
                index={index}
                selected={selected.has(code.id)}
                canWrite={canWrite}
                trash={filters.trash}
                folder={code.folderId ? folderById.get(code.folderId) : undefined}
                onToggle={toggle}
              />
            ))}
          </tbody>
        </table>
      </div>
    );
  }

  return (
    <div className="library-page">
      <PageHeader
        title={t('title')}
        actions={
          canWrite && (
            <Link className="button primary" to="/create">
              <Plus size={16} aria-hidden="true" />
              <span>{t('newCode')}</span>
            </Link>
          )
        }
      >
        <p className="muted library-subtitle">{t('subtitle')}</p>
      </PageHeader>
      <div className="library-layout">
        <FolderSidebar filters={filters} canWrite={canWrite} onPlace={change} />
        <section className="library-content" aria-labelledby="library-place-title">
          <div className="library-place-header">
            <h2 id="library-place-title">{placeTitle}</h2>
            <p className="muted library-count" role="status">
              {total !== null && !loading && !firstRun
                ? t('count', { count: total, formatted: formatNumber(total) })
                : ''}
            </p>
          </div>
          {filters.trash && <p className="muted small library-trash-note">{t('trashNote')}</p>}
          {!firstRun && <Toolbar filters={filters} knownTags={knownTags} onChange={change} onClear={clear} />}
          {showSelection && <SelectionBar trash={filters.trash} knownTags={knownTags} />}
          <BulkStatus />
          {error ? (
            <ErrorMessage error={error} onRetry={() => void (items.length ? loadMore() : load(filters))} />
          ) : null}
          {body}
          {!loading && <LoadMore />}
        </section>
      </div>
    </div>
  );
}
