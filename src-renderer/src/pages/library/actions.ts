import { useTranslation } from 'react-i18next';
import type { CreateQrCodeInput, QrCode } from '../../../../src-shared/schemas/qrcodes';
import { qrCodesApi } from '../../api/qrcodes';
import { confirm } from '../../components/ConfirmDialog';
import { notify } from '../../state/toasts';
import { runBulk } from './bulk';
import { useLibrary } from './store';

const NAME_MAX = 100;

/** The body that creates a copy of a code: same type, content, design and kind; a fresh token, no scans. */
export function duplicateInput(code: QrCode, name: string): CreateQrCodeInput {
  const input: Record<string, unknown> = {
    type: code.type,
    content: code.content,
    kind: code.kind,
    name: name.slice(0, NAME_MAX),
    design: code.design,
    category: code.category,
    tags: code.tags,
    folderId: code.folderId,
  };
  if (code.status === 'paused') input.status = 'paused';
  if (code.kind === 'dynamic' && (code.protection.expiresAt || code.protection.maxScans)) {
    // The password is never returned, so it cannot be copied; the limits can.
    input.protection = { expiresAt: code.protection.expiresAt, maxScans: code.protection.maxScans };
  }
  return input as CreateQrCodeInput;
}

/** What can be done to codes from the library, single or in bulk, with their messages. */
export function useCodeActions() {
  const { t } = useTranslation('library');
  const store = useLibrary;

  const afterChange = () => void store.getState().refreshSidebar();

  return {
    async setFavorite(code: QrCode, isFavorite: boolean) {
      try {
        store.getState().replace(await qrCodesApi.update(code.id, { isFavorite }));
        afterChange();
      } catch (err) {
        notify.error(err);
      }
    },

    async duplicate(code: QrCode) {
      try {
        const copy = await qrCodesApi.create(duplicateInput(code, t('copyName', { name: code.name })));
        store.getState().prepend(copy);
        notify.success(t('duplicated', { name: copy.name }));
        if (code.protection.hasPassword) notify.info(t('duplicatedNoPassword'));
        afterChange();
      } catch (err) {
        notify.error(err);
      }
    },

    async trash(code: QrCode) {
      const ok = await confirm({
        title: t('trashOne.title'),
        message: t('trashOne.message', { name: code.name }),
        confirmLabel: t('trashOne.confirm'),
        danger: true,
      });
      if (!ok) return;
      try {
        await qrCodesApi.remove(code.id);
        store.getState().drop([code.id]);
        notify.success(t('trashOne.done', { name: code.name }));
        afterChange();
      } catch (err) {
        notify.error(err);
      }
    },

    async restore(code: QrCode) {
      try {
        await qrCodesApi.restore(code.id);
        store.getState().drop([code.id]);
        notify.success(t('restoreOne.done', { name: code.name }));
        afterChange();
      } catch (err) {
        notify.error(err);
      }
    },

    async deleteForGood(code: QrCode) {
      const ok = await confirm({
        title: t('purgeOne.title'),
        message: t('purgeOne.message', { name: code.name }),
        confirmLabel: t('purgeOne.confirm'),
        danger: true,
      });
      if (!ok) return;
      try {
        await qrCodesApi.remove(code.id, true);
        store.getState().drop([code.id]);
        notify.success(t('purgeOne.done', { name: code.name }));
        afterChange();
      } catch (err) {
        notify.error(err);
      }
    },

    /** Bulk: one PATCH per code; the codes that worked leave the selection, the failed ones stay selected. */
    async updateMany(
      codes: readonly QrCode[],
      patch: (code: QrCode) => Parameters<typeof qrCodesApi.update>[1],
      labels: { running: string; done: (count: number) => string },
    ) {
      const { ok, failed } = await runBulk(codes, { running: labels.running, failed: t('bulk.failed') }, (code) =>
        qrCodesApi.update(code.id, patch(code)),
      );
      for (const { result } of ok) store.getState().replace(result);
      store.getState().clearSelection(ok.map(({ item }) => item.id));
      if (ok.length) notify.success(labels.done(ok.length));
      afterChange();
      return failed.length === 0;
    },

    async trashMany(codes: readonly QrCode[]) {
      const ok = await confirm({
        title: t('bulk.trash.title', { count: codes.length }),
        message: t('bulk.trash.message', { count: codes.length }),
        confirmLabel: t('bulk.trash.confirm'),
        danger: true,
      });
      if (!ok) return;
      await removeMany(codes, false, t('bulk.trash.running'), (n) => t('bulk.trash.done', { count: n }));
    },

    async deleteManyForGood(codes: readonly QrCode[]) {
      const ok = await confirm({
        title: t('bulk.purge.title', { count: codes.length }),
        message: t('bulk.purge.message', { count: codes.length }),
        confirmLabel: t('bulk.purge.confirm'),
        danger: true,
      });
      if (!ok) return;
      await removeMany(codes, true, t('bulk.purge.running'), (n) => t('bulk.purge.done', { count: n }));
    },

    async restoreMany(codes: readonly QrCode[]) {
      const { ok } = await runBulk(codes, { running: t('bulk.restore.running'), failed: t('bulk.failed') }, (code) =>
        qrCodesApi.restore(code.id),
      );
      store.getState().drop(ok.map(({ item }) => item.id));
      if (ok.length) notify.success(t('bulk.restore.done', { count: ok.length }));
      afterChange();
    },
  };

  async function removeMany(
    codes: readonly QrCode[],
    permanent: boolean,
    running: string,
    done: (n: number) => string,
  ) {
    const { ok } = await runBulk(codes, { running, failed: t('bulk.failed') }, (code) =>
      qrCodesApi.remove(code.id, permanent),
    );
    store.getState().drop(ok.map(({ item }) => item.id));
    if (ok.length) notify.success(done(ok.length));
    afterChange();
  }
}
