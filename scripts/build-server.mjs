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

const outdir = 'dist-server';
const result = await build({
  // The batch render worker is its own entry: a worker thread loads it by file name.
  entryPoints: { cli: 'src-server/cli/main.ts', 'render-worker': 'src-server/batch/render-worker.ts' },
  outdir,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  // A dynamic import() of our own module (the caption font, which brings opentype.js) becomes a chunk
  // loaded on first use; code both entries use is shared. Chunks sit beside the entries, so paths
  // relative to import.meta.url mean the same in every file.
  splitting: true,
  chunkNames: '[name]-[hash]',
  metafile: true,
  sourcemap: true,
  logLevel: 'warning',
});
// Chunks of earlier builds (their names change with their content) go; this build's stay.
const written = new Set(Object.keys(result.metafile.outputs).map((f) => path.resolve(f)));
for (const name of fs.readdirSync(outdir)) {
  const file = path.resolve(outdir, name);
  if (/\.js(\.map)?$/.test(name) && !written.has(file)) fs.rmSync(file);
}
