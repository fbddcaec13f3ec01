// Bundles the server and CLI for plain Node 22. Dependencies stay external
// (native modules such as better-sqlite3 must load from node_modules).
import { build } from 'esbuild';

await build({
  // The batch render worker is its own entry: a worker thread loads it by file name.
  entryPoints: { cli: 'src-server/cli/main.ts', 'render-worker': 'src-server/batch/render-worker.ts' },
  outdir: 'dist-server',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
