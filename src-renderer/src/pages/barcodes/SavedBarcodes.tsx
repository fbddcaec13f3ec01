import { Barcode as BarcodeIcon, ImageOff, Pencil, Search, Trash2 } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useShallow } from 'zustand/react/shallow';
import type { Barcode } from '../../../../src-shared/schemas/barcodes';
import { barcodesApi } from '../../api/barcodes';
import { confirm } from '../../components/ConfirmDialog';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { locale } from '../../i18n';
import { notify } from '../../state/toasts';
import { formatDate } from '../../utils/format';
import { BARCODE_LABELS } from './formats';
import { useBarcodeImage } from './hooks';
import { useBarcodes } from './store';

const SEARCH_DELAY_MS = 300;

/** A price string ("4.5") in the UI's language, keeping the decimals it was given. */
function formatPrice(price: string): string {
  const decimals = price.split('.')[1]?.length ?? 0;
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: Math.max(decimals, 2),
    maximumFractionDigits: Math.max(decimals, 2),
  }).format(Number(price));
}

export function SavedBarcodes({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation('barcodes');
  const { items, nextCursor, listStatus, loadingMore, listError, query, editingId } = useBarcodes(
    useShallow((s) => ({
      items: s.items,
      nextCursor: s.nextCursor,
      listStatus: s.listStatus,
      loadingMore: s.loadingMore,
      listError: s.listError,
      query: s.query,
      editingId: s.editing?.id,
    })),
  );
  const { load, loadMore } = useBarcodes.getState();
  const [search, setSearch] = useState(query);
  const heading = useRef<HTMLHeadingElement>(null);

  // Fresh from the server each time the page opens.
  useEffect(() => {
    void useBarcodes.getState().load();
  }, []);

  useEffect(() => {
    if (search === useBarcodes.getState().query) return;
    const timer = setTimeout(() => void load(search), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, load]);

  const remove = async (barcode: Barcode) => {
    const ok = await confirm({
      title: t('list.deleteTitle'),
      message: t('list.deleteMessage', { name: barcode.name }),
      confirmLabel: t('common:actions.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      await barcodesApi.remove(barcode.id);
      useBarcodes.getState().removed(barcode.id);
      notify.success(t('list.deleted', { name: barcode.name }));
      heading.current?.focus();
    } catch (err) {
      notify.error(err);
    }
  };

  const first = listStatus === 'idle' || (listStatus === 'loading' && items.length === 0);
  const searching = query.trim() !== '';

  return (
    <section className="barcodes-saved" aria-labelledby="barcodes-saved-title">
      <div className="barcodes-saved-head">
        <h2 id="barcodes-saved-title" ref={heading} tabIndex={-1}>
          {t('list.title')}
        </h2>
        {(items.length > 0 || searching || search !== '') && (
          <label className="barcodes-search">
            <Search size={16} aria-hidden="true" />
            <span className="visually-hidden">{t('list.search')}</span>
            <input
              type="search"
              value={search}
              placeholder={t('list.searchPlaceholder')}
              onChange={(e) => setSearch(e.target.value)}
            />
          </label>
        )}
      </div>

      {listStatus === 'error' && <ErrorMessage error={listError} onRetry={() => void load()} />}

      {first ? (
        <p className="muted" role="status">
          {t('common:status.loading')}
        </p>
      ) : items.length === 0 && listStatus === 'ready' ? (
        searching ? (
          <EmptyState icon={<Search size={32} />} title={t('list.noMatchTitle')}>
            <p>{t('list.noMatch', { query: query.trim() })}</p>
          </EmptyState>
        ) : (
          <EmptyState icon={<BarcodeIcon size={40} />} title={t('list.emptyTitle')}>
            <p>{canWrite ? t('list.empty') : t('list.emptyReadOnly')}</p>
          </EmptyState>
        )
      ) : (
        <ul className="barcodes-grid" aria-busy={listStatus === 'loading'}>
          {items.map((barcode) => (
            <SavedCard
              key={barcode.id}
              barcode={barcode}
              current={editingId === barcode.id}
              canWrite={canWrite}
              onDelete={() => void remove(barcode)}
            />
          ))}
        </ul>
      )}

      {listError !== null && listStatus !== 'error' && (
        <ErrorMessage error={listError} onRetry={() => void loadMore()} />
      )}
      {nextCursor && listStatus === 'ready' && (
        <div className="barcodes-more">
          <button type="button" onClick={() => void loadMore()} disabled={loadingMore}>
            {loadingMore ? t('common:status.loading') : t('common:actions.loadMore')}
          </button>
        </div>
      )}
    </section>
  );
}

function SavedCard({
  barcode,
  current,
  canWrite,
  onDelete,
}: {
  barcode: Barcode;
  current: boolean;
  canWrite: boolean;
  onDelete(): void;
}) {
  const { t } = useTranslation('barcodes');
  const image = useBarcodeImage(barcode.id, barcode.updatedAt);
  const label = BARCODE_LABELS[barcode.format];
  return (
    <li className={`card barcodes-card${current ? ' barcodes-card-current' : ''}`} aria-current={current || undefined}>
      <div className="barcodes-thumb">
        {image.url ? (
          <img src={image.url} alt={t('preview.alt', { format: label, value: barcode.value })} />
        ) : image.failed ? (
          <ImageOff size={24} aria-label={t('list.noImage')} />
        ) : (
          <span className="muted small">{t('common:status.loading')}</span>
        )}
      </div>
      <div className="barcodes-card-body">
        <h3 className="barcodes-card-name">{barcode.name}</h3>
        <p className="barcodes-card-code">
          <span className="badge">{label}</span> <code>{barcode.value}</code>
        </p>
        <dl className="barcodes-card-meta small">
          {barcode.sku && (
            <div>
              <dt>{t('editor.sku')}</dt>
              <dd>{barcode.sku}</dd>
            </div>
          )}
          {barcode.price && (
            <div>
              <dt>{t('editor.price')}</dt>
              <dd>{formatPrice(barcode.price)}</dd>
            </div>
          )}
          {barcode.category && (
            <div>
              <dt>{t('editor.category')}</dt>
              <dd>{barcode.category}</dd>
            </div>
          )}
          <div>
            <dt>{t('list.updated')}</dt>
            <dd>{formatDate(barcode.updatedAt)}</dd>
          </div>
        </dl>
      </div>
      <div className="barcodes-card-actions">
        <button
          type="button"
          onClick={() => useBarcodes.getState().edit(barcode)}
          aria-label={
            canWrite ? t('list.editNamed', { name: barcode.name }) : t('list.openNamed', { name: barcode.name })
          }
        >
          <Pencil size={16} aria-hidden="true" />
          {canWrite ? t('common:actions.edit') : t('list.open')}
        </button>
        {canWrite && (
          <button
            type="button"
            className="danger"
            onClick={onDelete}
            aria-label={t('list.deleteNamed', { name: barcode.name })}
          >
            <Trash2 size={16} aria-hidden="true" />
            {t('common:actions.delete')}
          </button>
        )}
      </div>
    </li>
  );
}
