import type { BarcodeFormat } from '../../src-shared/barcodes';
import type { LogoImage } from '../../src-shared/render/qr';
import type { Design } from '../../src-shared/schemas/design';
import type { OutputOptions } from '../../src-shared/schemas/output';
import type { BarcodeStyle } from '../render/barcode';

/** One batch item to render on a worker thread: a QR code or a barcode, in one or more formats. */
export interface RenderTask {
  id: number;
  code:
    | { kind: 'qr'; payload: string; design: Design; logo: LogoImage | null }
    | { kind: 'barcode'; format: BarcodeFormat; value: string; style: BarcodeStyle };
  outputs: OutputOptions[];
  /** Decode a raster of the code and compare it with what it should read. */
  verify: boolean;
}

export interface RenderedFile {
  format: OutputOptions['format'];
  extension: string;
  bytes: Uint8Array;
}

export type RenderOutcome =
  { id: number; ok: true; files: RenderedFile[]; verified: boolean | null } | { id: number; ok: false; error: string };
