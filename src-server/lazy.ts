/**
 * Something loaded on its first use and kept, usually a module:
 * `const loadPdfKit = lazy(async () => (await import('pdfkit')).default)`.
 * Heavy libraries (sharp, pdfkit, opentype.js, archiver, bwip-js, zxing-wasm,
 * the tunnel clients: 10-30 MB each) load this way, so the server starts, and
 * a render worker runs, without the ones it does not use. A failed load is
 * not kept: the next call tries again.
 */
export function lazy<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    }));
}

/** sharp (libvips), used by several render and asset modules. */
export const loadSharp = lazy(async () => (await import('sharp')).default);
