import { BarChart3, Copy, PenLine, RotateCcw, Star, Trash2, XCircle } from 'lucide-react';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Folder } from '../../../../src-shared/schemas/folders';
import type { QrCode } from '../../../../src-shared/schemas/qrcodes';
import { formatDate, formatNumber } from '../../utils/format';
import { useCodeActions } from './actions';
import { Thumbnail } from './Thumbnail';

const STATUS_CLASS = { active: 'success', paused: 'warning', expired: 'danger' } as const;

export function StatusBadge({ status }: { status: QrCode['status'] }) {
  const { t } = useTranslation('library');
  return <span className={`badge ${STATUS_CLASS[status]}`}>{t(`status.${status}`)}</span>;
}

export function KindBadge({ kind }: { kind: QrCode['kind'] }) {
  const { t } = useTranslation('library');
  return <span className={`badge library-kind-${kind}`}>{t(`kind.${kind}`)}</span>;
}

export function Scans({ code, short }: { code: QrCode; short?: boolean }) {
  const { t } = useTranslation('library');
  // A static code never reaches qrdesk when scanned: there is nothing to count.
  if (code.kind === 'static') {
    return short ? (
      <span className="muted" title={t('scans.notTracked')}>
        <span aria-hidden="true">—</span>
        <span className="visually-hidden">{t('scans.notTracked')}</span>
      </span>
    ) : (
      <span className="muted">{t('scans.notTracked')}</span>
    );
  }
  return <span>{t('scans.count', { count: code.scanCount, formatted: formatNumber(code.scanCount) })}</span>;
}

interface ItemProps {
  code: QrCode;
  index: number;
  selected: boolean;
  canWrite: boolean;
  trash: boolean;
  folder: Folder | undefined;
  onToggle: (id: string, range: boolean) => void;
}

function SelectBox({ code, selected, onToggle }: Pick<ItemProps, 'code' | 'selected' | 'onToggle'>) {
  const { t } = useTranslation('library');
  return (
    <input
      type="checkbox"
      className="library-select"
      checked={selected}
      aria-label={t('select', { name: code.name })}
      onChange={(e) => onToggle(code.id, (e.nativeEvent as MouseEvent).shiftKey === true)}
    />
  );
}

function FavoriteButton({ code, canWrite }: { code: QrCode; canWrite: boolean }) {
  const { t } = useTranslation('library');
  const actions = useCodeActions();
  const icon = <Star size={18} aria-hidden="true" fill={code.isFavorite ? 'currentColor' : 'none'} />;
  if (!canWrite) {
    return code.isFavorite ? (
      <span className="library-star on" role="img" aria-label={t('favorite.is')} title={t('favorite.is')}>
        {icon}
      </span>
    ) : null;
  }
  const label = t('favorite.toggle', { name: code.name });
  return (
    <button
      type="button"
      className={`icon-button library-star${code.isFavorite ? ' on' : ''}`}
      aria-pressed={code.isFavorite}
      aria-label={label}
      title={code.isFavorite ? t('favorite.remove') : t('favorite.add')}
      onClick={() => void actions.setFavorite(code, !code.isFavorite)}
    >
      {icon}
    </button>
  );
}

/** Open, analytics, duplicate and delete (or, in the trash, restore and delete for good). */
function ItemActions({ code, canWrite, trash }: { code: QrCode; canWrite: boolean; trash: boolean }) {
  const { t } = useTranslation('library');
  const actions = useCodeActions();
  if (trash) {
    if (!canWrite) return null;
    return (
      <div className="library-actions">
        <button type="button" className="library-action-text" onClick={() => void actions.restore(code)}>
          <RotateCcw size={16} aria-hidden="true" />
          <span>{t('actions.restore')}</span>
          <span className="visually-hidden">{code.name}</span>
        </button>
        <button
          type="button"
          className="icon-button library-danger"
          aria-label={t('actions.purgeNamed', { name: code.name })}
          title={t('actions.purge')}
          onClick={() => void actions.deleteForGood(code)}
        >
          <XCircle size={18} aria-hidden="true" />
        </button>
      </div>
    );
  }
  return (
    <div className="library-actions">
      <Link
        className="button icon-button"
        to={`/codes/${encodeURIComponent(code.id)}/edit`}
        aria-label={t('actions.editNamed', { name: code.name })}
        title={t('actions.edit')}
      >
        <PenLine size={18} aria-hidden="true" />
      </Link>
      <Link
        className="button icon-button"
        to={`/analytics/${encodeURIComponent(code.id)}`}
        aria-label={t('actions.analyticsNamed', { name: code.name })}
        title={t('actions.analytics')}
      >
        <BarChart3 size={18} aria-hidden="true" />
      </Link>
      {canWrite && (
        <>
          <button
            type="button"
            className="icon-button"
            aria-label={t('actions.duplicateNamed', { name: code.name })}
            title={t('actions.duplicate')}
            onClick={() => void actions.duplicate(code)}
          >
            <Copy size={18} aria-hidden="true" />
          </button>
          <button
            type="button"
            className="icon-button library-danger"
            aria-label={t('actions.trashNamed', { name: code.name })}
            title={t('actions.trash')}
            onClick={() => void actions.trash(code)}
          >
            <Trash2 size={18} aria-hidden="true" />
          </button>
        </>
      )}
    </div>
  );
}

function useTypeLabel(code: QrCode): string {
  const { t } = useTranslation('library');
  return t(`types.${code.type}`);
}

export const CodeCard = memo(function CodeCard({
  code,
  index,
  selected,
  canWrite,
  trash,
  folder,
  onToggle,
}: ItemProps) {
  const { t } = useTranslation('library');
  const typeLabel = useTypeLabel(code);
  return (
    <li
      className={`library-card${selected ? ' selected' : ''}`}
      data-testid="library-item"
      data-index={index}
      aria-label={code.name}
    >
      <div className="library-card-top">
        {canWrite && <SelectBox code={code} selected={selected} onToggle={onToggle} />}
        <FavoriteButton code={code} canWrite={canWrite && !trash} />
      </div>
      <Thumbnail code={code} alt={t('thumbnailAlt', { name: code.name })} />
      <div className="library-card-body">
        <h3 className="library-card-name">
          {trash ? (
            <span>{code.name}</span>
          ) : (
            <Link className="library-open" to={`/codes/${encodeURIComponent(code.id)}/edit`}>
              {code.name}
            </Link>
          )}
        </h3>
        <p className="library-card-meta">
          <span>{typeLabel}</span>
          <KindBadge kind={code.kind} />
          <StatusBadge status={code.status} />
        </p>
        <p className="library-card-meta small">
          <Scans code={code} />
          {folder && <span className="library-folder-chip">{folder.name}</span>}
        </p>
        {trash && (
          <p className="small muted library-card-deleted">{t('deletedOn', { date: formatDate(code.deletedAt) })}</p>
        )}
      </div>
      <ItemActions code={code} canWrite={canWrite} trash={trash} />
    </li>
  );
});

export const CodeRow = memo(function CodeRow({ code, index, selected, canWrite, trash, folder, onToggle }: ItemProps) {
  const { t } = useTranslation('library');
  const typeLabel = useTypeLabel(code);
  return (
    <tr className={selected ? 'selected' : undefined} data-testid="library-item" data-index={index}>
      {canWrite && (
        <td className="library-col-select">
          <SelectBox code={code} selected={selected} onToggle={onToggle} />
        </td>
      )}
      <td className="library-col-thumb">
        <Thumbnail code={code} alt={t('thumbnailAlt', { name: code.name })} className="small" />
      </td>
      <th scope="row" className="library-col-name">
        {trash ? code.name : <Link to={`/codes/${encodeURIComponent(code.id)}/edit`}>{code.name}</Link>}
        {folder && <span className="library-folder-chip">{folder.name}</span>}
        <span className="library-row-sub small muted">
          {typeLabel} · {t(`kind.${code.kind}`)}
        </span>
      </th>
      <td className="library-col-type">{typeLabel}</td>
      <td className="library-col-kind">
        <KindBadge kind={code.kind} />
      </td>
      <td>
        <StatusBadge status={code.status} />
      </td>
      <td className="library-col-scans">
        <Scans code={code} short />
      </td>
      <td className="library-col-date">{formatDate(trash ? code.deletedAt : code.updatedAt)}</td>
      <td className="library-col-star">
        <FavoriteButton code={code} canWrite={canWrite && !trash} />
      </td>
      <td className="library-col-actions">
        <ItemActions code={code} canWrite={canWrite} trash={trash} />
      </td>
    </tr>
  );
});
