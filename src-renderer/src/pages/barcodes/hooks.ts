import { useEffect, useRef, useState } from 'react';
import type { BarcodeFormat } from '../../../../src-shared/schemas/barcodes';
import { barcodesApi, type BarcodeCheck, type BarcodeRenderRequest } from '../../api/barcodes';

const isAbort = (err: unknown) => err instanceof DOMException && err.name === 'AbortError';

export const VALIDATE_DELAY_MS = 250;
export const PREVIEW_DELAY_MS = 200;

export interface CheckState {
  /** idle: nothing typed; checking: a request is due or on its way. */
  status: 'idle' | 'checking' | 'done' | 'error';
  /** The last verdict (kept while the next one is on its way, so the display does not flicker). */
  result: BarcodeCheck | null;
  /** The format and value the verdict is about. */
  checked: { format: BarcodeFormat; value: string } | null;
  error: unknown;
}

const IDLE: CheckState = { status: 'idle', result: null, checked: null, error: null };

/**
 * Live validation as the user types: one debounced `POST /barcodes/validate`
 * per pause, the one before aborted when the value changes again.
 */
export function useBarcodeCheck(format: BarcodeFormat, value: string): CheckState {
  const [state, setState] = useState<CheckState>(IDLE);
  useEffect(() => {
    if (value.trim() === '') {
      setState(IDLE);
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ ...s, status: 'checking' }));
    const timer = setTimeout(() => {
      barcodesApi.validate(format, value, abort.signal).then(
        (result) => setState({ status: 'done', result, checked: { format, value }, error: null }),
        (error: unknown) => {
          if (!isAbort(error)) setState({ status: 'error', result: null, checked: { format, value }, error });
        },
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [format, value]);
  return state;
}

export interface PreviewState {
  url: string | null;
  /** The request the image shows. */
  shows: string | null;
  loading: boolean;
  error: unknown;
}

/**
 * An SVG preview from `POST /barcodes/render` as a blob URL, refreshed after
 * a short pause in the changes (the one before aborted) and revoked when
 * replaced or when the page closes. `request` null: nothing to show.
 */
export function useBarcodePreview(request: BarcodeRenderRequest | null): PreviewState {
  const key = request ? JSON.stringify(request) : null;
  const [state, setState] = useState<PreviewState>({ url: null, shows: null, loading: false, error: null });

  useEffect(() => {
    if (key === null) {
      setState((s) => ({ ...s, loading: false, error: null }));
      return;
    }
    const abort = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    const timer = setTimeout(() => {
      barcodesApi
        .render({ ...(JSON.parse(key) as BarcodeRenderRequest), output: { format: 'svg' } }, abort.signal)
        .then(
          ({ blob }) => {
            const url = URL.createObjectURL(blob);
            setState((s) => {
              if (s.url) URL.revokeObjectURL(s.url);
              return { url, shows: key, loading: false, error: null };
            });
          },
          (error: unknown) => {
            if (!isAbort(error)) setState((s) => ({ ...s, loading: false, error }));
          },
        );
    }, PREVIEW_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [key]);

  // The last image goes when the page does.
  const shown = useRef<string | null>(null);
  shown.current = state.url;
  useEffect(
    () => () => {
      if (shown.current) URL.revokeObjectURL(shown.current);
    },
    [],
  );
  return state;
}

/** A saved barcode's SVG as a blob URL (for thumbnails); revoked when it changes or unmounts. */
export function useBarcodeImage(id: string, version: string): { url: string | null; failed: boolean } {
  const [state, setState] = useState<{ url: string | null; failed: boolean }>({ url: null, failed: false });
  useEffect(() => {
    const abort = new AbortController();
    let url: string | null = null;
    barcodesApi.image(id, { format: 'svg' }, abort.signal).then(
      ({ blob }) => {
        url = URL.createObjectURL(blob);
        setState({ url, failed: false });
      },
      (error: unknown) => {
        if (!isAbort(error)) setState({ url: null, failed: true });
      },
    );
    return () => {
      abort.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [id, version]);
  return state;
}
