import { useEffect, useState } from 'react';
import type { BarcodeFormat } from '../../../../src-shared/barcodes';
import { DEFAULT_DESIGN, type Design, type DesignInput } from '../../../../src-shared/schemas/design';
import { apiFile } from '../../api/http';
import { previewExtras, qrSvg, svgDataUrl } from '../../render/qr-preview';

/** A QR code drawn in the browser by the same engine the export uses. */
export function QrThumbnail({
  payload,
  design,
  label,
  size = 64,
}: {
  payload: string;
  design: DesignInput | Design | null;
  label: string;
  size?: number;
}) {
  const [src, setSrc] = useState<string | null>(null);
  const designKey = JSON.stringify(design);
  useEffect(() => {
    let live = true;
    const full: Design = { ...DEFAULT_DESIGN, ...(design ?? {}) };
    previewExtras(full)
      .then((extras) => {
        if (live) setSrc(svgDataUrl(qrSvg(payload, full, extras, size * 2)));
      })
      .catch(() => {
        if (live) setSrc(null);
      });
    return () => {
      live = false;
    };
    // The design is compared by value (designKey).
  }, [payload, designKey, size]);
  return src ? (
    <img className="batch-thumb" src={src} alt={label} width={size} height={size} />
  ) : (
    <span className="batch-thumb batch-thumb-empty" style={{ width: size, height: size }} />
  );
}

/** A barcode drawn by the server (bwip-js), as the export draws it. */
export function BarcodeThumbnail({ format, value, label }: { format: BarcodeFormat; value: string; label: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    let url: string | null = null;
    apiFile('POST', '/api/v1/barcodes/render', {
      body: { format, value, output: { format: 'svg', size: 160 } },
      signal: controller.signal,
    })
      .then(({ blob }) => {
        url = URL.createObjectURL(blob);
        setSrc(url);
      })
      .catch(() => setSrc(null));
    return () => {
      controller.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [format, value]);
  return src ? (
    <img className="batch-thumb batch-thumb-barcode" src={src} alt={label} height={48} />
  ) : (
    <span className="batch-thumb batch-thumb-empty" style={{ width: 96, height: 48 }} />
  );
}
