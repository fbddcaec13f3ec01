import { FolderInput, RotateCcw, Star, StarOff, Tag, Trash2, X, XCircle } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { Field } from '../../components/Field';
import { ProgressBar } from '../../components/ProgressBar';
import { formatNumber } from '../../utils/format';
import { useCodeActions } from './actions';
import { useBulk } from './bulk';
import { LibraryDialog } from './LibraryDialog';
import { useLibrary } from './store';

type Dialog = 'move' | 'tag' | null;

/** "Select all loaded" and what can be done to the selection, with the progress of a bulk change. */
export function SelectionBar({ trash, knownTags }: { trash: boolean; knownTags: string[] }) {
  const { t } = useTranslation('library');
  const items = useLibrary((s) => s.items);
  const selectedIds = useLibrary((s) => s.selected);
  const folders = useLibrary((s) => s.folders);
  const selectAll = useLibrary((s) => s.selectAll);
  const clearSelection = useLibrary((s) => s.clearSelection);
  const running = useBulk((s) => s.running);
  const actions = useCodeActions();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [folderId, setFolderId] = useState('');
  const [tag, setTag] = useState('');
  const [tagError, setTagError] = useState<string | undefined>();
  const [moveError, setMoveError] = useState<string | undefined>();
  const all = useRef<HTMLInputElement>(null);

  const selected: QrCode[] = items.filter((c) => selectedIds.has(c.id));
  const count = selected.length;
  const allSelected = items.length > 0 && count === items.length;
  useEffect(() => {
    if (all.current) all.current.indeterminate = count > 0 && !allSelected;
  }, [count, allSelected]);

  if (items.length === 0) return null;
  const busy = running !== null;
  const allFavorite = count > 0 && selected.every((c) => c.isFavorite);
  const sortedFolders = [...folders].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="library-selection" role="region" aria-label={t('selection.label')}>
      <label className="library-check">
        <input ref={all} type="checkbox" checked={allSelected} onChange={(e) => selectAll(e.target.checked)} />
        {/* Once codes are selected the count takes the room; the checkbox keeps its name. */}
        <span className={count > 0 ? 'visually-hidden' : undefined}>
          {t('selection.all', { count: items.length, formatted: formatNumber(items.length) })}
        </span>
      </label>
      {count > 0 && (
        <>
          <span className="library-selection-count" aria-live="polite">
            {t('selection.count', { count, formatted: formatNumber(count) })}
          </span>
          {trash ? (
            <>
              <button type="button" disabled={busy} onClick={() => void actions.restoreMany(selected)}>
                <RotateCcw size={16} aria-hidden="true" />
                <span>{t('bulk.restore.button')}</span>
              </button>
              <button
                type="button"
                className="danger"
                disabled={busy}
                onClick={() => void actions.deleteManyForGood(selected)}
              >
                <XCircle size={16} aria-hidden="true" />
                <span>{t('bulk.purge.button')}</span>
              </button>
            </>
          ) : (
            <>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setFolderId(folders.length ? '' : 'none');
                  setMoveError(undefined);
                  setDialog('move');
                }}
              >
                <FolderInput size={16} aria-hidden="true" />
                <span>{t('bulk.move.button')}</span>
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() => {
                  setTag('');
                  setTagError(undefined);
                  setDialog('tag');
                }}
              >
                <Tag size={16} aria-hidden="true" />
                <span>{t('bulk.tag.button')}</span>
              </button>
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  void actions.updateMany(
                    selected,
                    () => ({ isFavorite: !allFavorite }),
                    allFavorite
                      ? {
                          running: t('bulk.unfavorite.running'),
                          done: (n) => t('bulk.unfavorite.done', { count: n }),
                        }
                      : { running: t('bulk.favorite.running'), done: (n) => t('bulk.favorite.done', { count: n }) },
                  )
                }
              >
                {allFavorite ? <StarOff size={16} aria-hidden="true" /> : <Star size={16} aria-hidden="true" />}
                <span>{allFavorite ? t('bulk.unfavorite.button') : t('bulk.favorite.button')}</span>
              </button>
              <button type="button" className="danger" disabled={busy} onClick={() => void actions.trashMany(selected)}>
                <Trash2 size={16} aria-hidden="true" />
                <span>{t('bulk.trash.button')}</span>
              </button>
            </>
          )}
          <button type="button" className="icon-button" onClick={() => clearSelection()} title={t('selection.clear')}>
            <X size={16} aria-hidden="true" />
            <span className="visually-hidden">{t('selection.clear')}</span>
          </button>
        </>
      )}

      {dialog === 'move' && (
        <LibraryDialog
          title={t('bulk.move.title', { count })}
          submitLabel={t('bulk.move.submit')}
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            if (!folderId) {
              setMoveError(t('bulk.move.pick'));
              return false;
            }
            const target = folderId === 'none' ? null : folderId;
            const name = folders.find((f) => f.id === target)?.name;
            void actions.updateMany(selected, () => ({ folderId: target }), {
              running: t('bulk.move.running'),
              done: (n) =>
                name ? t('bulk.move.done', { count: n, folder: name }) : t('bulk.move.doneNone', { count: n }),
            });
          }}
        >
          {() => (
            <Field
              label={t('bulk.move.folder')}
              hint={folders.length ? undefined : t('bulk.move.noFolders')}
              error={moveError}
            >
              {(control) => (
                <select
                  {...control}
                  value={folderId}
                  autoFocus
                  onChange={(e) => {
                    setFolderId(e.target.value);
                    setMoveError(undefined);
                  }}
                >
                  <option value="" disabled>
                    {t('bulk.move.choose')}
                  </option>
                  {sortedFolders.map((f) => (
                    <option key={f.id} value={f.id}>
                      {f.name}
                    </option>
                  ))}
                  <option value="none">{t('bulk.move.none')}</option>
                </select>
              )}
            </Field>
          )}
        </LibraryDialog>
      )}

      {dialog === 'tag' && (
        <LibraryDialog
          title={t('bulk.tag.title', { count })}
          submitLabel={t('bulk.tag.submit')}
          onClose={() => setDialog(null)}
          onSubmit={async () => {
            const value = tag.trim();
            if (!value) {
              setTagError(t('bulk.tag.required'));
              return false;
            }
            if (value.length > 32) {
              setTagError(t('bulk.tag.tooLong'));
              return false;
            }
            const key = value.toLowerCase();
            void actions.updateMany(
              selected,
              (code) => ({
                tags: code.tags.some((x) => x.toLowerCase() === key) ? code.tags : [...code.tags, value],
              }),
              { running: t('bulk.tag.running'), done: (n) => t('bulk.tag.done', { count: n, tag: value }) },
            );
          }}
        >
          {() => (
            <Field label={t('bulk.tag.label')} hint={t('bulk.tag.hint')} error={tagError}>
              {(control) => (
                <>
                  <input
                    {...control}
                    value={tag}
                    maxLength={32}
                    autoFocus
                    autoComplete="off"
                    list="library-bulk-tags"
                    onChange={(e) => {
                      setTag(e.target.value);
                      setTagError(undefined);
                    }}
                  />
                  <datalist id="library-bulk-tags">
                    {knownTags.map((known) => (
                      <option key={known} value={known} />
                    ))}
                  </datalist>
                </>
              )}
            </Field>
          )}
        </LibraryDialog>
      )}
    </div>
  );
}

/** The progress of a bulk change, then what failed (each code with the API's message). */
export function BulkStatus() {
  const { t } = useTranslation('library');
  const running = useBulk((s) => s.running);
  const failures = useBulk((s) => s.failures);
  const dismiss = useBulk((s) => s.dismissFailures);
  if (running) {
    return (
      <div className="library-bulk-progress card">
        <p>
          {running.label}{' '}
          <span className="muted">
            {t('bulk.progress', { done: formatNumber(running.done), total: formatNumber(running.total) })}
          </span>
        </p>
        <ProgressBar value={running.done} max={running.total} label={running.label} />
      </div>
    );
  }
  if (!failures) return null;
  return (
    <div className="error-message library-bulk-failures" role="alert">
      <p>
        <strong>{failures.title}</strong>
      </p>
      <ul>
        {failures.items.map((f) => (
          <li key={f.id}>
            <strong>{f.name}</strong>: {f.message}
          </li>
        ))}
      </ul>
      <button type="button" onClick={dismiss}>
        {t('common:actions.dismiss')}
      </button>
    </div>
  );
}
