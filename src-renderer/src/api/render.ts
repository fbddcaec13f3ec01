import type { QrType } from '../../../src-shared/schemas/content';
import type { DesignInput } from '../../../src-shared/schemas/design';
import type { ImageFormat } from '../../../src-shared/schemas/output';
import type { ScannabilityReport } from '../../../src-shared/schemas/render';
import { apiFile, apiJson } from './http';

/** The code to draw: content of any type (checked by the server) in a design. */
export interface RenderSource {
  type: QrType;
  content: unknown;
  design?: DesignInput;
}

/** How big an export is and in which format (OutputOptions in src-shared/schemas/output.ts). */
export interface OutputRequest {
  format: ImageFormat;
  size?: number;
  mm?: number;
  dpi?: number;
  colorSpace?: 'rgb' | 'cmyk';
}

export const renderApi = {
  /** Renders and decodes the design on the server: does it scan, and what could trouble a reader. */
  check: (source: RenderSource, signal?: AbortSignal) =>
    apiJson<ScannabilityReport>('POST', '/api/v1/render/check', { body: source, signal }),
  /** A stateless render of any content (nothing is stored). */
  render: (source: RenderSource, output: OutputRequest, signal?: AbortSignal) =>
    apiFile('POST', '/api/v1/render', { body: { ...source, ...output }, signal }),
  /** A saved code in its saved design. */
  codeImage: (id: string, output: OutputRequest & { download?: boolean }, signal?: AbortSignal) =>
    apiFile('GET', `/api/v1/qrcodes/${encodeURIComponent(id)}/image`, { query: { ...output }, signal }),
};
