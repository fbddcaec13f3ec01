import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// main and preload keep node_modules external (native modules load at run time);
// the renderer is a plain web bundle that the server also serves in browser mode.
export default defineConfig({
  main: {
    build: { rollupOptions: { input: { index: resolve('src-main/index.ts') } } },
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
