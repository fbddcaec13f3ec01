import { CircleCheck, LoaderCircle, QrCode, ShieldAlert, TriangleAlert } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { utf8ByteLength } from '../../../../src-shared/payloads';
import { QR_BYTE_CAPACITY } from '../../../../src-shared/qr-capacity';
import { QrCapacityError } from '../../../../src-shared/render/qr';
import type { Design } from '../../../../src-shared/schemas/design';
import type { ScannabilityReport } from '../../../../src-shared/schemas/render';
import { ApiError } from '../../api/http';
import { locale } from '../../i18n';
import { renderApi, type RenderSource } from '../../api/render';
import { previewExtras, qrSvg, svgDataUrl, type PreviewExtras } from '../../render/qr-preview';
import { errorMessage } from '../../state/toasts';
import { formatNumber } from '../../utils/format';

const NO_EXTRAS: PreviewExtras = { font: null, logo: null };

/** What the preview draws: the caption only once it has text (an empty one is reported on its field). */
export function previewDesign(design: Design): Design {
  return design.frame && design.frame.text.trim() === '' ? { ...design, frame: null } : design;
}

/** The logo and caption font a design needs, loaded once per logo; the preview draws without them meanwhile. */
export function usePreviewExtras(design: Design): PreviewExtras {
  const assetId = design.logo?.assetId ?? null;
  const caption = Boolean(design.frame?.text.trim());
  const [extras, setExtras] = useState<PreviewExtras>(NO_EXTRAS);
  useEffect(() => {
    let live = true;
    void previewExtras({
      ...design,
      logo: assetId ? { assetId, size: 0.25, hideBackgroundDots: true } : null,
      frame: caption ? { text: 'x', color: null, textColor: null } : null,
    }).then(
      (loaded) => live && setExtras(loaded),
      () => live && setExtras(NO_EXTRAS),
    );
    return () => {
      live = false;
    };
    // Only what decides the extras: the logo and whether there is a caption.
  }, [assetId, caption]);
  return extras;
}

export type PreviewResult =
  | { kind: 'empty' }
  | { kind: 'image'; url: string; ms: number }
  | { kind: 'too-long'; bytes: number; max: number; level: Design['errorCorrection'] }
  | { kind: 'error'; message: string };

/** Draws the code synchronously (memoised): fast enough for every keystroke, so there is no debounce. */
export function usePreview(payload: string | null, design: Design, extras: PreviewExtras): PreviewResult {
  return useMemo(() => {
    if (payload === null) return { kind: 'empty' };
    const started = performance.now();
    try {
      const url = svgDataUrl(qrSvg(payload, previewDesign(design), extras, 512));
      return { kind: 'image', url, ms: performance.now() - started };
    } catch (err) {
      if (err instanceof QrCapacityError) {
        const level = design.errorCorrection;
        return { kind: 'too-long', bytes: utf8ByteLength(payload), max: QR_BYTE_CAPACITY[level], level };
      }
      return { kind: 'error', message: errorMessage(err) };
    }
  }, [payload, design, extras]);
}

export function PreviewImage({ result, alt }: { result: PreviewResult; alt: string }) {
  const { t } = useTranslation('designer');
  // The last image drawn stays (dimmed) while the content is incomplete, so the layout does not jump.
  const [last, setLast] = useState<string | null>(null);
  useEffect(() => {
    if (result.kind === 'image') setLast(result.url);
  }, [result]);
  return (
    <div className="designer-preview">
      {result.kind === 'image' ? (
        <img
          src={result.url}
          alt={alt}
          data-testid="designer-preview"
          data-render-ms={result.ms.toFixed(1)}
          width={512}
          height={512}
        />
      ) : result.kind === 'too-long' ? (
        <div className="designer-preview-problem" role="alert">
          <TriangleAlert size={28} aria-hidden="true" />
          <p>
            <strong>{t('preview.tooLong')}</strong>
          </p>
          <p className="small">
            {t('preview.tooLongDetail', {
              bytes: formatNumber(result.bytes),
              max: formatNumber(result.max),
              level: result.level,
            })}
            {result.level !== 'L' ? ` ${t('preview.tooLongLower')}` : ''}
          </p>
        </div>
      ) : result.kind === 'error' ? (
        <div className="designer-preview-problem" role="alert">
          <TriangleAlert size={28} aria-hidden="true" />
          <p>{result.message}</p>
        </div>
      ) : last ? (
        <div className="designer-preview-stale">
          <img src={last} alt="" width={512} height={512} />
          <p className="designer-preview-note">{t('preview.incomplete')}</p>
        </div>
      ) : (
        <div className="designer-preview-empty">
          <QrCode size={48} aria-hidden="true" />
          <p>{t('preview.empty')}</p>
        </div>
      )}
    </div>
  );
}

type CheckState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; report: ScannabilityReport }
  | { status: 'error'; error: unknown };

/** Asks the server to render and read the code back, 400 ms after the last change; stale checks are aborted. */
export function useScannability(source: RenderSource | null): CheckState {
  const key = source ? JSON.stringify(source) : null;
  const [state, setState] = useState<CheckState>({ status: 'idle' });
  useEffect(() => {
    if (key === null) {
      setState({ status: 'idle' });
      return;
    }
    setState({ status: 'checking' });
    const controller = new AbortController();
    const timer = setTimeout(() => {
      renderApi.check(JSON.parse(key) as RenderSource, controller.signal).then(
        (report) => setState({ status: 'done', report }),
        (error: unknown) => {
          if (!controller.signal.aborted) setState({ status: 'error', error });
        },
      );
    }, 400);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return state;
}

export function ScanBadge({ state }: { state: CheckState }) {
  const { t } = useTranslation('designer');
  let body;
  if (state.status === 'idle') {
    body = <p className="muted small">{t('scan.idle')}</p>;
  } else if (state.status === 'checking') {
    body = (
      <p className="designer-scan-line">
        <span className="badge">
          <LoaderCircle size={14} aria-hidden="true" className="designer-spin" /> {t('scan.checking')}
        </span>
      </p>
    );
  } else if (state.status === 'error') {
    const message = state.error instanceof ApiError ? state.error.message : errorMessage(state.error);
    body = (
      <p className="designer-scan-line">
        <span className="badge">{t('scan.failed')}</span> <span className="small muted">{message}</span>
      </p>
    );
  } else {
    const { report } = state;
    const reads = report.decodes && report.matches;
    const tone = !reads ? 'danger' : report.warnings.length ? 'warning' : 'success';
    const Icon = !reads ? ShieldAlert : report.warnings.length ? TriangleAlert : CircleCheck;
    const label = !reads
      ? t('scan.fails')
      : report.warnings.length
        ? t('scan.warnings', { count: report.warnings.length })
        : t('scan.good');
    body = (
      <>
        <p className="designer-scan-line">
          <span className={`badge ${tone}`} data-testid="designer-scan-badge">
            <Icon size={14} aria-hidden="true" /> {label}
          </span>{' '}
          <span className="small muted">
            {t('scan.contrast', {
              ratio: new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(report.contrastRatio),
            })}
          </span>
        </p>
        {report.warnings.length > 0 && (
          <ul className="designer-scan-warnings">
            {report.warnings.map((w) => (
              <li key={w.code}>{t(`scan.codes.${w.code}`, { defaultValue: w.message })}</li>
            ))}
          </ul>
        )}
      </>
    );
  }
  return (
    <div className="designer-scan" aria-live="polite">
      {body}
    </div>
  );
}
