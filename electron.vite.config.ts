import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * electron-vite puts CommonJS shims (`const require = createRequire(import.meta.url)`, `__dirname`,
 * `__filename`) at the top of every ESM chunk that mentions `require(`. A chunk that already declares
 * its own module-level `require` (src-server modules do, to find files inside packages) then declares
 * it twice, and the chunk fails to load ("Identifier 'require' has already been declared"). Both are
 * `createRequire(import.meta.url)` of the same chunk, so the shim's copy is the one dropped.
 */
function dedupeRequireShim(): Plugin {
  const shim = 'const require = __shims_module__.createRequire(import.meta.url);';
  return {
    name: 'qrdesk:dedupe-require-shim',
    enforce: 'post',
    renderChunk(code) {
      if (!code.includes(shim) || !/^(?:var|let|const) require\s*=/m.test(code.replace(shim, ''))) return null;
      return { code: code.replace(shim, ''), map: null };
    },
  };
}

// main and preload keep node_modules external (native modules load at run time);
// the renderer is a plain web bundle that the server also serves in browser mode.
export default defineConfig({
  main: {
    plugins: [dedupeRequireShim()],
    build: {
      rollupOptions: {
        // The server runs inside main; its batch render worker is a thread started from a file of its own.
        input: { index: resolve('src-main/index.ts'), 'render-worker': resolve('src-server/batch/render-worker.ts') },
        // Chunks beside the entries (as in the headless build), so `new URL('./render-worker.js',
        // import.meta.url)` means the same file from whichever chunk the render pool lands in.
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  preload: {
    // Sandboxed preloads must be CommonJS.
    build: {
      rollupOptions: {
        input: { index: resolve('src-main/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src-renderer'),
    // electron-vite makes built asset URLs relative (for file://); the UI is served over HTTP at
    // nested paths such as /codes/:id/edit, so they must be absolute.
    plugins: [react(), { name: 'qrdesk:absolute-base', config: () => ({ base: '/' }) }],
    build: {
      minify: true,
      // QRDESK_UI_DIR builds the UI elsewhere (the server serves it from there too).
      ...(process.env.QRDESK_UI_DIR ? { outDir: process.env.QRDESK_UI_DIR } : {}),
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
