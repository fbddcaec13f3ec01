// Benchmark: batch export (DESIGN.md Targets: a batch of 10,000 codes to a ZIP
// of SVG + PNG, or to a label-sheet PDF, in ≤ 30 s with RSS ≤ 500 MB).
//
// The whole product path, on the built server (`qrdesk serve`, as shipped,
// in its own process): a CSV of 10,000 rows (distinct 42-character URLs,
// version 3 at EC M, as in the render bench, and a SKU column) is uploaded,
// then POST /api/v1/batches with the defaults (every code decoded after
// rendering) and the job followed on its event stream until `done`; the time
// is from the POST to `done`. Two jobs: a ZIP of SVG + PNG 512 px named
// `{seq:05}-{column:sku}` (rendered on the worker pool, one thread per core,
// streamed into the archive), and a label-sheet PDF on Avery L7651 (65 labels
// per A4 page, 154 pages) with captions and crop marks (drawn on the server's
// thread, each code verified on the pool). Each job runs on a server of its
// own, after the same job on 200 rows (which starts the render pool and warms
// everything up; not timed). RSS is the server process's (VmRSS, the worker
// threads are in it), sampled every 50 ms; the peak during the job is
// reported.
//
// Outside the timed part: the ZIP is listed (20,000 entries, CRC-checked by
// Python's zipfile) and its first and last files decoded; the PDF's page
// count is read with pdfinfo.
//
// Peer, same data, same run: zint `--batch` writing the same 10,000 codes as
// SVG files and as PNG files (scale 6.9 ≈ 510 px), one process per core on a
// share each: files in a folder, no archive, no verification, no names from
// the data. `npm run bench` builds first; alone, after `npm run build:server`:
// `npx tsx test/bench/batch.ts [rows]`.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeImage } from '../../src-server/render/decoder';
import type { BatchJob } from '../../src-shared/schemas/batches';
import { openExport } from '../helpers/open-export';
import { makeTempDir, removeDir, spawnServe } from '../helpers/cli';
import { report, round, type BenchResult, type Metric, type PeerComparison } from './lib/results';

const N = Number(process.argv[2] ?? 10_000);
const MB = 2 ** 20;
const ZINT = '/usr/bin/zint';
const ZINT_PNG_SCALE = 6.9;
const THREADS = os.availableParallelism();

const url = (n: number) => `https://example.com/product/${n}?ref=flyer`;
const sku = (n: number) => `SKU-${String(n).padStart(6, '0')}`;

/** Resident set size of a live process, in bytes, from /proc/<pid>/status. */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

interface Server {
  pid: number;
  api(p: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<unknown>;
}

async function startServe(dataDir: string): Promise<Server> {
  const serve = spawnServe(['--data-dir', dataDir, '--port', '0', '--public-port', '0']);
  const banner = await serve.ready;
  return {
    pid: serve.pid,
    api: (p, init = {}) =>
      fetch(banner.apiUrl + p, { ...init, headers: { Authorization: `Bearer ${banner.uiKey}`, ...init.headers } }),
    stop: () => serve.stop(),
  };
}

async function upload(server: Server, rows: number, first: number): Promise<string> {
  const lines = ['sku,url'];
  for (let i = 0; i < rows; i++) lines.push(`${sku(first + i)},${url(first + i)}`);
  const res = await server.api('/api/v1/batch-sources', {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body: `${lines.join('\n')}\n`,
  });
  if (res.status !== 201) throw new Error(`upload: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** Starts a job and follows its event stream to `done`; seconds from the POST to `done`, and the peak RSS. */
async function run(server: Server, body: unknown) {
  let peak = rssOf(server.pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(server.pid))), 50);
  try {
    const t0 = performance.now();
    const res = await server.api('/api/v1/batches', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status !== 202) throw new Error(`create: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as BatchJob;
    const text = await (await server.api(`/api/v1/batches/${id}/events`)).text();
    const seconds = (performance.now() - t0) / 1000;
    peak = Math.max(peak, rssOf(server.pid));
    const job = JSON.parse(/event: done\ndata: (.*)\n/.exec(text)![1]!) as BatchJob;
    if (job.status !== 'completed')
      throw new Error(`job ${id}: ${job.status} ${job.error ?? ''} (${job.failed} failed)`);
    return { id, seconds, peak };
  } finally {
    clearInterval(timer);
  }
}

/**
 * One job on a fresh server: the same job on 200 rows first (starts the pool, warms everything up),
 * then the measured one; the result file is saved to `save`.
 */
async function measure(tmp: string, tag: string, outputs: unknown, save: string) {
  const server = await startServe(path.join(tmp, `data-${tag}`));
  try {
    const spec = { type: 'url', mapping: { content: 'url', name: 'sku' }, outputs };
    await run(server, { source: { sourceId: await upload(server, 200, 900_000) }, ...spec });
    const sourceId = await upload(server, N, 1000);
    const idle = rssOf(server.pid);
    const result = await run(server, { source: { sourceId }, ...spec });
    fs.writeFileSync(
      save,
      Buffer.from(await (await server.api(`/api/v1/batches/${result.id}/download`)).arrayBuffer()),
    );
    return { ...result, idle };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  const tmp = makeTempDir('qrdesk-bench-batch-');
  const notes: string[] = [];
  const metrics: Metric[] = [];
  try {
    const zipFile = path.join(tmp, 'result.zip');
    const pdfFile = path.join(tmp, 'sheet.pdf');
    const zip = await measure(
      tmp,
      'zip',
      { formats: ['svg', 'png'], size: 512, fileNamePattern: '{seq:05}-{column:sku}' },
      zipFile,
    );
    const sheet = await measure(
      tmp,
      'sheet',
      { sheet: { template: 'avery-l7651', caption: true, cropMarks: true } },
      pdfFile,
    );

    // Checks, untimed.
    const names = JSON.parse(
      execFileSync(
        'python3',
        [
          '-c',
          'import sys, json, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint(json.dumps(z.namelist()))',
          zipFile,
        ],
        { encoding: 'utf8', maxBuffer: 64 * MB },
      ),
    ) as string[];
    if (names.length !== 2 * N) throw new Error(`the ZIP holds ${names.length} files, not ${2 * N}`);
    const extract = (name: string) =>
      execFileSync(
        'python3',
        [
          '-c',
          'import sys, zipfile\nsys.stdout.buffer.write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
          zipFile,
          name,
        ],
        {
          maxBuffer: 16 * MB,
        },
      );
    for (const [name, n] of [
      [`00001-${sku(1000)}.png`, 1000],
      [`${String(N).padStart(5, '0')}-${sku(1000 + N - 1)}.svg`, 1000 + N - 1],
    ] as const) {
      const texts = (await decodeImage(await openExport(extract(name), name.slice(-3)))).map((d) => d.text);
      if (texts[0] !== url(n)) throw new Error(`${name} decodes to ${JSON.stringify(texts)}`);
    }
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdfFile], { encoding: 'utf8' }))?.[1]);
    notes.push(
      `ZIP: ${names.length} files, ${round(fs.statSync(zipFile).size / MB, 1)} MB, CRCs checked, first and last decode; ` +
        `sheet: ${pages} pages, ${round(fs.statSync(pdfFile).size / MB, 1)} MB`,
    );
    notes.push(
      `server RSS before the measured job (after the warm-up job, pool started): ZIP ${round(zip.idle / MB)} MB, ` +
        `sheet ${round(sheet.idle / MB)} MB`,
    );

    const target = N === 10_000;
    metrics.push(
      {
        what: `ZIP of ${N} codes as SVG + PNG 512 px, every code verified`,
        value: round(zip.seconds, 1),
        unit: 's',
        ...(target ? { target: { op: '<=' as const, value: 30 } } : {}),
      },
      { what: 'ZIP job: codes per second', value: round(N / zip.seconds), unit: 'codes/s' },
      {
        what: 'ZIP job: peak RSS of the server (workers included)',
        value: round(zip.peak / MB),
        unit: 'MB',
        target: { op: '<=', value: 500 },
      },
      {
        what: `label-sheet PDF of ${N} codes (L7651, captions, crop marks), every code verified`,
        value: round(sheet.seconds, 1),
        unit: 's',
        ...(target ? { target: { op: '<=' as const, value: 30 } } : {}),
      },
      { what: 'sheet job: codes per second', value: round(N / sheet.seconds), unit: 'codes/s' },
      {
        what: 'sheet job: peak RSS of the server (workers included)',
        value: round(sheet.peak / MB),
        unit: 'MB',
        target: { op: '<=', value: 500 },
      },
    );

    // The peer: zint --batch, the same payloads as SVG files then PNG files, one process per core each.
    const peers: PeerComparison[] = [];
    if (fs.existsSync(ZINT)) {
      const payloads = Array.from({ length: N }, (_, i) => url(1000 + i));
      const zintSeconds = (await zintPerCore(tmp, 'svg', payloads)) + (await zintPerCore(tmp, 'png', payloads));
      peers.push({
        what: `${N} codes to SVG + PNG`,
        peer: `zint --batch, ${THREADS} processes, files only`,
        peerValue: round(zintSeconds, 1),
        oursValue: round(zip.seconds, 1),
        unit: 's',
        ratio: round(zip.seconds / zintSeconds, 2),
      });
    } else {
      notes.push(`zint not found at ${ZINT}: no peer measured`);
    }
    report({ bench: 'batch', metrics, peers, notes } satisfies BenchResult);
  } finally {
    removeDir(tmp);
  }
}

/** One zint process per core, each on a share; seconds from the first spawn to the last exit. */
async function zintPerCore(tmp: string, ext: 'svg' | 'png', payloads: readonly string[]): Promise<number> {
  const share = Math.ceil(payloads.length / THREADS);
  const jobs = Array.from({ length: THREADS }, (_, s) => {
    const dir = path.join(tmp, `zint-${ext}-${s}`);
    fs.mkdirSync(dir);
    const input = path.join(tmp, `zint-${ext}-${s}.txt`);
    const mine = payloads.slice(s * share, (s + 1) * share);
    fs.writeFileSync(input, `${mine.join('\n')}\n`);
    return { dir, input, count: mine.length };
  });
  const t0 = performance.now();
  await Promise.all(
    jobs.map(
      (job) =>
        new Promise<void>((resolve, reject) => {
          const args = [
            '--batch',
            '-b',
            'QRCODE',
            '--secure=2',
            '--quietzones',
            ...(ext === 'png' ? [`--scale=${ZINT_PNG_SCALE}`] : []),
            `--output=${path.join(job.dir, `~~~~~.${ext}`)}`,
            `--input=${job.input}`,
          ];
          const child = spawn(ZINT, args, { stdio: 'ignore' });
          child.on('error', reject);
          child.on('close', () => resolve());
        }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const job of jobs) {
    // zint exits 0 even when it could not write a file, so count what it wrote.
    const written = fs.readdirSync(job.dir).length;
    if (written !== job.count) throw new Error(`zint wrote ${written} of ${job.count} ${ext} files`);
  }
  return seconds;
}

await main();
