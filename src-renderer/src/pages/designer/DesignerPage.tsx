import { ClipboardCopy, Download, Info, Lock, Redo2, Save, Undo2 } from 'lucide-react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useBlocker, useLocation, useNavigate, useParams } from 'react-router';
import { DYNAMIC_TYPES, type QrCode, type UpdateQrCodeInput } from '../../../../src-shared/schemas/qrcodes';
import { Design } from '../../../../src-shared/schemas/design';
import type { Settings } from '../../../../src-shared/schemas/settings';
import type { QrType } from '../../../../src-shared/schemas/content';
import { ApiError, apiJson } from '../../api/http';
import { qrCodesApi } from '../../api/qrcodes';
import type { RenderSource } from '../../api/render';
import { confirm } from '../../components/ConfirmDialog';
import { CopyButton } from '../../components/CopyButton';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Field } from '../../components/Field';
import { PageHeader } from '../../components/PageHeader';
import { hasScope, useSession } from '../../state/session';
import { notify } from '../../state/toasts';
import { desktopBridge } from '../../utils/files';
import { ContentForm } from './ContentForm';
import {
  checkContent,
  contentFromDraft,
  draftFromContent,
  emptyDraft,
  payloadOf,
  type FieldIssues,
} from './content-model';
import { DesignControls } from './DesignControls';
import { ExportDialog, fetchImage, type ExportSource } from './ExportDialog';
import { PresetBar } from './PresetBar';
import { PreviewImage, ScanBadge, usePreview, usePreviewExtras, useScannability } from './Preview';
import { draftOf, editDraft, isDirty, newDoc, useDesigner, type DesignerDoc } from './store';
import { TYPE_ICONS, TypePicker } from './TypePicker';
import './designer.css';

/** A short link is /r/ and a 10-character token; the placeholder has the same length, so the preview's size is right. */
const PLACEHOLDER_TOKEN = 'xxxxxxxxxx';
const STRING_TYPES: readonly QrType[] = ['url', 'text', 'phone'];

export function DesignerPage() {
  const { id } = useParams();
  // A fresh editor per code: creating navigates to the new code's address, which starts over from the server's copy.
  return <DesignerEditor key={id ?? 'new'} id={id ?? null} />;
}

function docFromCode(code: QrCode): DesignerDoc {
  return {
    type: code.type,
    kind: code.kind,
    name: code.name,
    drafts: { [code.type]: draftFromContent(code.type, code.content) },
    design: code.design,
  };
}

function issuesOf(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  const issues: FieldIssues = {};
  if (!result.success) {
    for (const issue of result.error?.issues ?? [])
      issues[['design', ...issue.path.map(String)].join('.')] ??= issue.message;
  }
  return issues;
}

const PLACED_DESIGN_PATHS = new Set(
  [
    'foregroundColor',
    'backgroundColor',
    'cornerSquareColor',
    'cornerDotColor',
    'margin',
    'logo.assetId',
    'frame.text',
    'frame.color',
    'frame.textColor',
    ...['gradient', 'backgroundGradient', 'cornerSquareGradient', 'cornerDotGradient'].flatMap((g) => [
      g,
      `${g}.colorStops`,
    ]),
  ].map((p) => `design.${p}`),
);

/** A file name for a code not named yet: the site for a URL, else the type (as the server names codes). */
function suggestedName(doc: DesignerDoc): string {
  const content = contentFromDraft(doc.type, draftOf(doc));
  if (doc.type === 'url' && typeof content === 'string') {
    try {
      const url = new URL(content);
      return `${url.hostname.replace(/^www\./, '')}${url.pathname.replace(/\/+$/, '')}`;
    } catch {
      // not a URL yet
    }
  }
  return `qrcode-${doc.type}`;
}

/** Whether the editor shows a message at this API path next to a control. */
function isPlaced(path: string): boolean {
  return (
    path === 'name' ||
    path === 'kind' ||
    path === 'content' ||
    path.startsWith('content.') ||
    PLACED_DESIGN_PATHS.has(path)
  );
}

function DesignerEditor({ id }: { id: string | null }) {
  const { t } = useTranslation('designer');
  const navigate = useNavigate();
  const location = useLocation();
  const who = useSession((s) => s.who);
  const canWrite = hasScope(who, 'write');

  const fromNavigation = (location.state as { code?: QrCode } | null)?.code;
  const [code, setCode] = useState<QrCode | null>(fromNavigation && fromNavigation.id === id ? fromNavigation : null);
  const [ready, setReady] = useState(false);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [baseUrl, setBaseUrl] = useState<string | null>(null);

  // Start over: a new code, or the code from the server (or the one just created, handed over by navigation).
  useEffect(() => {
    if (id === null) {
      useDesigner.getState().reset(newDoc(), false);
      setReady(true);
      return;
    }
    if (code && code.id === id) {
      useDesigner.getState().reset(docFromCode(code), true);
      setReady(true);
      return;
    }
    const controller = new AbortController();
    setLoadError(null);
    qrCodesApi.get(id, controller.signal).then(
      (loaded) => {
        setCode(loaded);
        useDesigner.getState().reset(docFromCode(loaded), true);
        setReady(true);
      },
      (err: unknown) => {
        if (!controller.signal.aborted) setLoadError(err);
      },
    );
    return () => controller.abort();
    // Read once per id (the key remounts the editor for another id) and per retry.
  }, [id, attempt]);

  // Where a new dynamic code's short link will point (the settings need the admin scope; else a recent code tells).
  useEffect(() => {
    if (id !== null) return;
    let live = true;
    const fromSettings = hasScope(who, 'admin')
      ? apiJson<Settings>('GET', '/api/v1/settings').then((s) => s.publicBaseUrl)
      : qrCodesApi
          .list({ kind: 'dynamic', limit: 1 })
          .then((page) => page.data[0]?.shortUrl?.replace(/\/r\/[^/]+$/, '') ?? null);
    fromSettings.then(
      (url) => live && setBaseUrl(url),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [id, who]);

  if (loadError) {
    const notFound = loadError instanceof ApiError && loadError.status === 404;
    return (
      <>
        <PageHeader title={t('title.edit')} />
        {notFound ? (
          <EmptyState title={t('load.notFound')}>
            <p>{t('load.notFoundHint')}</p>
            <Link to="/library">{t('load.toLibrary')}</Link>
          </EmptyState>
        ) : (
          <ErrorMessage error={loadError} onRetry={() => setAttempt((n) => n + 1)} />
        )}
      </>
    );
  }
  if (id === null && !canWrite) {
    return (
      <>
        <PageHeader title={t('title.new')} />
        <EmptyState icon={<Lock size={40} />} title={t('readOnly.createTitle')}>
          <p>{t('readOnly.createHint')}</p>
          <Link to="/library">{t('load.toLibrary')}</Link>
        </EmptyState>
      </>
    );
  }
  if (!ready) {
    return (
      <>
        <PageHeader title={id === null ? t('title.new') : t('title.edit')} />
        <p role="status" className="muted">
          {t('common:status.loading')}
        </p>
      </>
    );
  }
  return (
    <Editor
      code={code}
      canWrite={canWrite}
      baseUrl={baseUrl}
      onSaved={(saved, created) => {
        if (created) navigate(`/codes/${encodeURIComponent(saved.id)}/edit`, { replace: true, state: { code: saved } });
        else setCode(saved);
      }}
    />
  );
}

function Editor({
  code,
  canWrite,
  baseUrl,
  onSaved,
}: {
  code: QrCode | null;
  canWrite: boolean;
  baseUrl: string | null;
  onSaved(code: QrCode, created: boolean): void;
}) {
  const { t } = useTranslation('designer');
  const doc = useDesigner((s) => s.doc);
  const canUndo = useDesigner((s) => s.past.length > 0);
  const canRedo = useDesigner((s) => s.future.length > 0);
  const dirty = useDesigner(isDirty);
  const { undo, redo } = useDesigner.getState();

  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [serverIssues, setServerIssues] = useState<FieldIssues>({});
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const exportDialog = useRef<HTMLDialogElement>(null);

  const draft = draftOf(doc);
  const messages = useMemo(() => ({ number: t('form.number'), required: t('form.required') }), [t]);
  const check = useMemo(() => checkContent(doc.type, draft, messages), [doc.type, draft, messages]);
  const designIssues = useMemo(() => issuesOf(Design.safeParse(doc.design)), [doc.design]);
  const dynamic = doc.kind === 'dynamic';
  const shortUrl = code?.shortUrl ?? null;
  const placeholderUrl = `${baseUrl ?? 'http://127.0.0.1'}/r/${PLACEHOLDER_TOKEN}`;
  const payload = dynamic ? (shortUrl ?? placeholderUrl) : payloadOf(doc.type, check);

  const extras = usePreviewExtras(doc.design);
  const preview = usePreview(payload, doc.design, extras);
  const designValid = Object.keys(designIssues).length === 0;
  const checkSource = useMemo<RenderSource | null>(() => {
    if (payload === null || !designValid || preview.kind !== 'image') return null;
    return dynamic
      ? { type: 'url', content: payload, design: doc.design }
      : { type: doc.type, content: check.content, design: doc.design };
  }, [payload, designValid, preview.kind, dynamic, doc.type, doc.design, check.content]);
  const scan = useScannability(checkSource);

  const errorAt = useCallback(
    (path: string): string | undefined =>
      serverIssues[path] ??
      (submitted || touched.has(path) ? check.issues[path] : undefined) ??
      (path.startsWith('design.') ? designIssues[path] : undefined),
    [serverIssues, submitted, touched, check.issues, designIssues],
  );
  // The design's messages only, so the design controls do not re-render on every keystroke in the content.
  const designErrorAt = useCallback(
    (path: string): string | undefined => serverIssues[path] ?? designIssues[path],
    [serverIssues, designIssues],
  );
  const touch = useCallback((path: string) => setTouched((s) => (s.has(path) ? s : new Set(s).add(path))), []);

  const clearServerIssue = (prefix: string) =>
    setServerIssues((issues) => {
      const kept = Object.entries(issues).filter(([p]) => !(p === prefix || p.startsWith(`${prefix}.`)));
      return kept.length === Object.keys(issues).length ? issues : Object.fromEntries(kept);
    });

  const changeContent = (field: string, patch: object) => {
    editDraft(field, patch);
    clearServerIssue(STRING_TYPES.includes(doc.type) ? 'content' : `content.${field.split('.')[0]}`);
  };

  const changeType = useCallback((type: QrType) => {
    useDesigner.getState().edit('type', (d) => ({
      ...d,
      type,
      kind: (DYNAMIC_TYPES as readonly QrType[]).includes(type) ? d.kind : 'static',
      drafts: { ...d.drafts, [type]: d.drafts[type] ?? emptyDraft(type) },
    }));
    setTouched(new Set());
    setSubmitted(false);
    setServerIssues({});
    setSaveError(null);
  }, []);

  // --- Saving -------------------------------------------------------------

  const save = async () => {
    if (!canWrite || saving) return;
    const current = useDesigner.getState().doc;
    const content = contentFromDraft(current.type, draftOf(current));
    const name = current.name.trim();
    setSubmitted(true);
    setSaving(true);
    setSaveError(null);
    setServerIssues({});
    try {
      if (!code) {
        const created = await qrCodesApi.create({
          type: current.type,
          kind: current.kind,
          content,
          design: current.design,
          ...(name ? { name } : {}),
        } as never);
        useDesigner.getState().markSaved(current);
        notify.success(t('save.created', { name: created.name }));
        onSaved(created, true);
      } else {
        const patch: UpdateQrCodeInput = {};
        if (name !== code.name) patch.name = name;
        if (
          JSON.stringify(content) !==
          JSON.stringify(contentFromDraft(code.type, draftFromContent(code.type, code.content)))
        )
          patch.content = content;
        if (JSON.stringify(current.design) !== JSON.stringify(code.design)) patch.design = current.design;
        const updated = await qrCodesApi.update(code.id, patch);
        useDesigner.getState().markSaved(current);
        notify.success(t('save.saved'));
        onSaved(updated, false);
      }
    } catch (err) {
      setSaveError(err);
      if (err instanceof ApiError && err.details.length) {
        const issues: FieldIssues = {};
        for (const d of err.details) issues[d.path] ??= d.message;
        setServerIssues(issues);
        // Take the keyboard to the first field the server refused.
        requestAnimationFrame(() =>
          document.querySelector<HTMLElement>('.designer-editor [aria-invalid="true"]')?.focus(),
        );
      }
    } finally {
      setSaving(false);
    }
  };
  const saveRef = useRef(save);
  saveRef.current = save;

  // --- Keyboard: undo, redo, save ------------------------------------------

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (document.querySelector('dialog[open]')) return;
      const key = e.key.toLowerCase();
      if (key === 'z' && !e.shiftKey) {
        e.preventDefault();
        useDesigner.getState().undo();
      } else if ((key === 'z' && e.shiftKey) || (key === 'y' && !e.shiftKey)) {
        e.preventDefault();
        useDesigner.getState().redo();
      } else if (key === 's' && !e.shiftKey) {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  // --- Leaving with unsaved changes ---------------------------------------

  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      currentLocation.pathname !== nextLocation.pathname && isDirty(useDesigner.getState()),
  );
  useEffect(() => {
    if (blocker.state !== 'blocked') return;
    void confirm({
      title: t('leave.title'),
      message: t('leave.message'),
      confirmLabel: t('leave.discard'),
      danger: true,
    }).then((ok) => (ok ? blocker.proceed() : blocker.reset()));
  }, [blocker, t]);
  useEffect(() => {
    const onUnload = (e: BeforeUnloadEvent) => {
      if (isDirty(useDesigner.getState())) e.preventDefault();
    };
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, []);

  // --- Export and clipboard -------------------------------------------------

  const displayName = doc.name.trim() || code?.name || t(`types.${doc.type}.label`);
  const getSource = useCallback((): ExportSource => {
    const state = useDesigner.getState();
    const current = state.doc;
    const name = current.name.trim() || code?.name || suggestedName(current);
    if (code && !isDirty(state)) return { kind: 'saved', id: code.id, name };
    if (current.kind === 'dynamic') {
      if (!code?.shortUrl) return { kind: 'unavailable', reason: t('export.saveDynamicFirst') };
      return { kind: 'render', name, source: { type: 'url', content: code.shortUrl, design: current.design } };
    }
    return {
      kind: 'render',
      name,
      source: { type: current.type, content: contentFromDraft(current.type, draftOf(current)), design: current.design },
    };
  }, [code, t]);

  const copyPng = async () => {
    const source = getSource();
    try {
      const blob = fetchImage(source, { format: 'png', size: 1024 }).then((f) =>
        f.blob.type === 'image/png' ? f.blob : new Blob([f.blob], { type: 'image/png' }),
      );
      await navigator.clipboard.write([new ClipboardItem({ 'image/png': blob })]);
      notify.success(t('export.copied'));
    } catch (err) {
      notify.error(err);
    }
  };
  const canExport = preview.kind === 'image' && !(dynamic && !code);
  // The desktop app's File > Export… opens the same dialog as the Export button.
  const canExportRef = useRef(canExport);
  canExportRef.current = canExport;
  useEffect(
    () =>
      desktopBridge()?.onMenu('export', () => {
        if (canExportRef.current && !document.querySelector('dialog[open]')) exportDialog.current?.showModal();
      }),
    [],
  );

  // --- Layout -------------------------------------------------------------

  const TypeIcon = TYPE_ICONS[doc.type];
  const title = code ? t('title.editNamed', { name: code.name }) : t('title.new');
  // A refusal field by field is shown at the fields; the summary lists only what no field shows.
  const fieldRefusal = saveError instanceof ApiError && saveError.details.length > 0;
  const unplaced = fieldRefusal ? saveError.details.filter((d) => !isPlaced(d.path)) : [];

  return (
    <>
      <PageHeader
        title={title}
        actions={
          <>
            {canWrite && (
              <>
                <button
                  type="button"
                  className="designer-history"
                  onClick={undo}
                  disabled={!canUndo}
                  aria-label={t('actions.undo')}
                  aria-keyshortcuts="Control+Z Meta+Z"
                  title={t('actions.undoHint')}
                >
                  <Undo2 size={18} aria-hidden="true" />
                </button>
                <button
                  type="button"
                  className="designer-history"
                  onClick={redo}
                  disabled={!canRedo}
                  aria-label={t('actions.redo')}
                  aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z Control+Y"
                  title={t('actions.redoHint')}
                >
                  <Redo2 size={18} aria-hidden="true" />
                </button>
              </>
            )}
            {canWrite && (
              <button
                type="button"
                className="primary"
                onClick={() => void save()}
                disabled={saving || (code !== null && !dirty)}
                aria-keyshortcuts="Control+S Meta+S"
              >
                <Save size={16} aria-hidden="true" />
                {saving
                  ? t('common:status.saving')
                  : code === null
                    ? t('actions.create')
                    : dirty
                      ? t('actions.save')
                      : t('common:status.saved')}
              </button>
            )}
          </>
        }
      >
        <p className="muted designer-subtitle">
          {code ? (
            <>
              <TypeIcon size={16} aria-hidden="true" /> {t(`types.${doc.type}.label`)} · {t(`kind.${doc.kind}.title`)}
              {dirty && <span className="badge warning designer-unsaved">{t('save.unsaved')}</span>}
            </>
          ) : (
            t('title.newHint')
          )}
        </p>
      </PageHeader>

      {!canWrite && (
        <p className="designer-notice" role="note">
          <Lock size={16} aria-hidden="true" /> {t('readOnly.editHint')}
        </p>
      )}
      {code?.deletedAt && (
        <p className="designer-notice" role="note">
          <Info size={16} aria-hidden="true" /> {t('load.trashed')}
        </p>
      )}
      {fieldRefusal ? (
        <div className="error-message" role="alert">
          <p>{t('save.invalid', { count: saveError.details.length })}</p>
          {unplaced.length > 0 && (
            <ul>
              {unplaced.map((d) => (
                <li key={d.path}>
                  <code>{d.path}</code> {d.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      ) : saveError ? (
        <ErrorMessage error={saveError} />
      ) : null}

      <div className="designer-layout">
        <div className="designer-editor">
          <fieldset className="designer-plain" disabled={!canWrite}>
            <section className="card designer-card" aria-labelledby="designer-content-title">
              <h2 id="designer-content-title">{t('sections.content')}</h2>
              {code === null && <TypePicker value={doc.type} onChange={changeType} />}
              <div className="designer-form" data-testid="designer-content-form">
                <ContentForm
                  type={doc.type}
                  draft={draft}
                  dynamic={dynamic}
                  onChange={changeContent}
                  errorAt={errorAt}
                  touch={touch}
                />
              </div>
              <Field
                label={t('name.label')}
                hint={code ? undefined : t('name.hint')}
                error={serverIssues.name ?? (code && doc.name.trim() === '' ? t('form.required') : undefined)}
              >
                {(control) => (
                  <input
                    {...control}
                    type="text"
                    name="name"
                    value={doc.name}
                    maxLength={100}
                    placeholder={code ? undefined : t('name.placeholder')}
                    onChange={(e) => {
                      const name = e.target.value;
                      useDesigner.getState().edit('name', (d) => ({ ...d, name }));
                      clearServerIssue('name');
                    }}
                  />
                )}
              </Field>
            </section>

            <section className="card designer-card" aria-labelledby="designer-kind-title">
              <h2 id="designer-kind-title">{t('sections.kind')}</h2>
              <KindSection
                code={code}
                kind={doc.kind}
                type={doc.type}
                error={serverIssues.kind}
                onChange={(kind) => {
                  useDesigner.getState().edit('kind', (d) => ({ ...d, kind }));
                  clearServerIssue('kind');
                }}
              />
            </section>

            <section className="card designer-card" aria-labelledby="designer-design-title">
              <h2 id="designer-design-title">{t('sections.design')}</h2>
              <PresetBar design={doc.design} canWrite={canWrite} />
              <DesignControls design={doc.design} errorAt={designErrorAt} canWrite={canWrite} />
            </section>
          </fieldset>
        </div>

        <aside className="designer-side" aria-labelledby="designer-preview-title">
          <div className="card designer-preview-card">
            <h2 id="designer-preview-title" className="designer-side-title">
              {t('preview.title')}
            </h2>
            <PreviewImage result={preview} alt={t('preview.alt', { name: displayName })} />
            <ScanBadge state={scan} />
            {dynamic && (
              <div className="designer-short-link">
                <p className="small muted">{t('kind.shortLink')}</p>
                {shortUrl ? (
                  <div className="designer-short-url">
                    <code data-testid="designer-short-url">{shortUrl}</code>
                    <CopyButton text={shortUrl} label={t('kind.copyLink')} />
                  </div>
                ) : (
                  <p className="small">{t('kind.linkAfterSave')}</p>
                )}
              </div>
            )}
            {!dynamic && payload !== null && (
              <details className="designer-payload">
                <summary>{t('preview.encoded')}</summary>
                <pre>{payload}</pre>
              </details>
            )}
            <div className="designer-side-actions">
              <button type="button" onClick={() => exportDialog.current?.showModal()} disabled={!canExport}>
                <Download size={16} aria-hidden="true" />
                {t('actions.export')}
              </button>
              <button type="button" onClick={() => void copyPng()} disabled={!canExport}>
                <ClipboardCopy size={16} aria-hidden="true" />
                {t('actions.copyPng')}
              </button>
            </div>
            {dynamic && !code && <p className="small muted">{t('export.saveDynamicFirst')}</p>}
          </div>
        </aside>
      </div>
      <ExportDialog dialog={exportDialog} getSource={getSource} />
    </>
  );
}

function KindSection({
  code,
  kind,
  type,
  error,
  onChange,
}: {
  code: QrCode | null;
  kind: DesignerDoc['kind'];
  type: QrType;
  error?: string | undefined;
  onChange(kind: DesignerDoc['kind']): void;
}) {
  const { t } = useTranslation('designer');
  const canBeDynamic = (DYNAMIC_TYPES as readonly QrType[]).includes(type);
  if (code) {
    return (
      <>
        <p>
          <strong>{t(`kind.${kind}.title`)}</strong> — {t(`kind.${kind}.description`)}
        </p>
        <p className="muted small">{kind === 'dynamic' ? t('kind.dynamicEdit') : t('kind.fixed')}</p>
        {kind === 'dynamic' && <p className="muted small">{t('kind.reachable')}</p>}
      </>
    );
  }
  return (
    <fieldset className="designer-kind">
      <legend className="visually-hidden">{t('sections.kind')}</legend>
      {(['static', 'dynamic'] as const).map((option) => {
        const disabled = option === 'dynamic' && !canBeDynamic;
        return (
          <label key={option} className={`designer-kind-option${disabled ? ' designer-disabled' : ''}`}>
            <input
              type="radio"
              name="designer-kind"
              value={option}
              checked={kind === option}
              disabled={disabled}
              onChange={() => onChange(option)}
              aria-describedby={`designer-kind-${option}-desc`}
            />
            <span>
              <strong>{t(`kind.${option}.title`)}</strong>
              <span id={`designer-kind-${option}-desc`} className="small muted designer-kind-desc">
                {t(`kind.${option}.description`)}
                {disabled ? ` ${t('kind.notForType')}` : ''}
              </span>
            </span>
          </label>
        );
      })}
      {kind === 'dynamic' && <p className="small muted designer-kind-note">{t('kind.reachable')}</p>}
      {kind === 'static' && <p className="small muted designer-kind-note">{t('kind.fixed')}</p>}
      {error && <p className="field-error">{error}</p>}
    </fieldset>
  );
}
