import { Folder as FolderIcon, FolderOpen, FolderPlus, Inbox, LibraryBig, Pencil, Star, Trash2, X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Folder } from '../../../../src-shared/schemas/folders';
import { foldersApi } from '../../api/folders';
import { confirm } from '../../components/ConfirmDialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { notify } from '../../state/toasts';
import { formatNumber } from '../../utils/format';
import { NO_FILTERS, type LibraryFilters } from './filters';
import { LibraryDialog } from './LibraryDialog';
import { useLibrary } from './store';

type Place = 'all' | 'favorites' | 'none' | 'trash' | string;

function placeOf(filters: LibraryFilters): Place {
  if (filters.trash) return 'trash';
  if (filters.folder) return filters.folder;
  if (filters.favorite) return 'favorites';
  return 'all';
}

function SidebarEntry({
  current,
  onSelect,
  icon,
  label,
  count,
  actions,
}: {
  current: boolean;
  onSelect: () => void;
  icon: ReactNode;
  label: string;
  count: number | null | undefined;
  actions?: ReactNode;
}) {
  const { t } = useTranslation('library');
  return (
    <li className={`library-place${current ? ' current' : ''}`}>
      <button
        type="button"
        className="library-place-button"
        aria-current={current ? 'true' : undefined}
        onClick={onSelect}
      >
        <span className="library-place-icon" aria-hidden="true">
          {icon}
        </span>
        <span className="library-place-name">{label}</span>
        {count !== null && count !== undefined && (
          <span className="library-place-count">
            <span aria-hidden="true">{formatNumber(count)}</span>
            <span className="visually-hidden">{t('sidebar.countLabel', { count })}</span>
          </span>
        )}
      </button>
      {actions && <span className="library-place-actions">{actions}</span>}
    </li>
  );
}

type Editing = { mode: 'create' } | { mode: 'rename'; folder: Folder } | null;

/** Where codes live: all, favourites, no folder, each folder (create, rename, delete) and the trash. */
export function FolderSidebar({
  filters,
  canWrite,
  onPlace,
}: {
  filters: LibraryFilters;
  canWrite: boolean;
  onPlace: (change: Partial<LibraryFilters>) => void;
}) {
  const { t } = useTranslation('library');
  const folders = useLibrary((s) => s.folders);
  const foldersError = useLibrary((s) => s.foldersError);
  const counts = useLibrary((s) => s.counts);
  const refresh = useLibrary((s) => s.refreshSidebar);
  const [editing, setEditing] = useState<Editing>(null);
  const [name, setName] = useState('');
  const place = placeOf(filters);
  const sorted = [...folders].sort((a, b) => a.name.localeCompare(b.name));

  // A place is a fresh view of it: the search and filters of the previous place do not follow.
  const go = (next: Place) => {
    if (next === 'trash') onPlace({ ...NO_FILTERS, trash: true });
    else if (next === 'all') onPlace(NO_FILTERS);
    else if (next === 'favorites') onPlace({ ...NO_FILTERS, favorite: true });
    else onPlace({ ...NO_FILTERS, folder: next });
  };

  const remove = async (folder: Folder) => {
    const ok = await confirm({
      title: t('folders.delete.title', { name: folder.name }),
      message: t('folders.delete.message', { count: folder.codeCount }),
      confirmLabel: t('folders.delete.confirm'),
      danger: true,
    });
    if (!ok) return;
    try {
      await foldersApi.remove(folder.id);
      notify.success(t('folders.delete.done', { name: folder.name }));
      if (filters.folder === folder.id) go('all');
      await refresh();
    } catch (err) {
      notify.error(err);
    }
  };

  return (
    <nav className="library-sidebar" aria-label={t('sidebar.label')}>
      <ul className="library-places">
        <SidebarEntry
          current={place === 'all' && !filters.folder}
          onSelect={() => go('all')}
          icon={<LibraryBig size={16} />}
          label={t('sidebar.all')}
          count={counts.all}
        />
        <SidebarEntry
          current={place === 'favorites'}
          onSelect={() => go('favorites')}
          icon={<Star size={16} />}
          label={t('sidebar.favorites')}
          count={counts.favorites}
        />
        <SidebarEntry
          current={place === 'none'}
          onSelect={() => go('none')}
          icon={<Inbox size={16} />}
          label={t('sidebar.noFolder')}
          count={counts.noFolder}
        />
      </ul>
      <div className="library-sidebar-heading">
        <h2 id="library-folders-heading">{t('folders.heading')}</h2>
        {canWrite && (
          <button
            type="button"
            className="icon-button"
            onClick={() => {
              setName('');
              setEditing({ mode: 'create' });
            }}
            aria-label={t('folders.create.open')}
            title={t('folders.create.open')}
          >
            <FolderPlus size={18} aria-hidden="true" />
          </button>
        )}
      </div>
      {foldersError ? <ErrorMessage error={foldersError} onRetry={() => void refresh()} /> : null}
      {sorted.length === 0 && !foldersError ? (
        <p className="muted small library-sidebar-hint">{t('folders.none')}</p>
      ) : (
        <ul className="library-places" aria-labelledby="library-folders-heading">
          {sorted.map((folder) => (
            <SidebarEntry
              key={folder.id}
              current={place === folder.id}
              onSelect={() => go(folder.id)}
              icon={
                place === folder.id ? (
                  <FolderOpen size={16} color={folder.color ?? undefined} />
                ) : (
                  <FolderIcon size={16} color={folder.color ?? undefined} />
                )
              }
              label={folder.name}
              count={folder.codeCount}
              actions={
                canWrite && (
                  <>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={t('folders.rename.open', { name: folder.name })}
                      title={t('folders.rename.open', { name: folder.name })}
                      onClick={() => {
                        setName(folder.name);
                        setEditing({ mode: 'rename', folder });
                      }}
                    >
                      <Pencil size={14} aria-hidden="true" />
                    </button>
                    <button
                      type="button"
                      className="icon-button"
                      aria-label={t('folders.delete.open', { name: folder.name })}
                      title={t('folders.delete.open', { name: folder.name })}
                      onClick={() => void remove(folder)}
                    >
                      <X size={14} aria-hidden="true" />
                    </button>
                  </>
                )
              }
            />
          ))}
        </ul>
      )}
      <ul className="library-places library-places-trash">
        <SidebarEntry
          current={place === 'trash'}
          onSelect={() => go('trash')}
          icon={<Trash2 size={16} />}
          label={t('sidebar.trash')}
          count={counts.trash}
        />
      </ul>

      {editing && (
        <LibraryDialog
          title={editing.mode === 'create' ? t('folders.create.title') : t('folders.rename.title')}
          submitLabel={editing.mode === 'create' ? t('folders.create.submit') : t('folders.rename.submit')}
          onClose={() => setEditing(null)}
          onSubmit={async () => {
            if (editing.mode === 'create') {
              const folder = await foldersApi.create({ name });
              notify.success(t('folders.create.done', { name: folder.name }));
            } else {
              const folder = await foldersApi.update(editing.folder.id, { name });
              notify.success(t('folders.rename.done', { name: folder.name }));
            }
            await refresh();
          }}
        >
          {({ fieldError }) => (
            <Field label={t('folders.nameLabel')} error={fieldError('name')}>
              {(control) => (
                <input
                  {...control}
                  value={name}
                  maxLength={60}
                  autoFocus
                  autoComplete="off"
                  onChange={(e) => setName(e.target.value)}
                />
              )}
            </Field>
          )}
        </LibraryDialog>
      )}
    </nav>
  );
}
