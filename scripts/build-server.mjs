// Bundles the server and CLI for plain Node 22. Dependencies stay external
// (native modules such as better-sqlite3 must load from node_modules).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { build } from 'esbuild';

// The offline country database ships among the app's resources (and from there in the desktop package).
const require = createRequire(import.meta.url);
const countryDb = require.resolve('@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb');
fs.mkdirSync('resources/geo', { recursive: true });
fs.copyFileSync(countryDb, path.join('resources/geo', path.basename(countryDb)));

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
