// Benchmark: rendering QR codes (DESIGN.md Targets: styled SVG ≥ 3,500 codes/s,
// PNG 512 px ≥ 600 codes/s, as ratios to peers measured in the same run).
//
// qrdesk: distinct 42-character URLs (version 3, EC M) through the real render
// path, qrDrawing() then drawingToSvg() or exportDrawing() to PNG 512 px, in a
// styled design (rounded dots, extra-rounded corner squares, dot corner centres,
// a linear gradient), and in plain squares black on white (what zint draws; the
// PNG target is read on this one, the styled PNG is reported). Each measure runs
// on this thread (one code after another, each PNG awaited before the next) and
// on a pool of worker threads, one per core, each rendering a contiguous share
// (test/bench/lib/render-worker.ts, the same renderBatch() code). The target
// applies to the better of the two. Everything is warmed up first; a few
// outputs are decoded with ZXing outside the timed part, and a wrong decode
// fails the bench.
//
// Peers, same inputs, same run: zint `--batch` (plain squares, no styling; one
// process writing one file per line, and one process per core on a share each),
// measured in the same rounds as qrdesk, each round's zint run right after the
// matching qrdesk one, every line the median of the rounds; then qr-code-styling
// 1.9.2 in Node with jsdom, its PNG rasterised from its SVG by sharp (one round,
// single thread, fewer codes: it is about 100x slower). A peer that is missing
// is skipped with a note. Run alone with `npx tsx test/bench/render.ts`, or with
// every other bench by `npm run bench`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { decodeImage } from '../../src-server/render/decoder';
import { exportDrawing } from '../../src-server/render/export';
import { qrDrawing } from '../../src-shared/render/qr';
import { drawingToSvg } from '../../src-shared/render/svg';
import { DEFAULT_DESIGN, type Design } from '../../src-shared/schemas/design';
import { makeTempDir, removeDir } from '../helpers/cli';
import { renderBatch, type RenderDone, type RenderFailed, type RenderJob } from './lib/render-worker';
import { median, report, round, type BenchResult, type Metric, type PeerComparison } from './lib/results';

const SVG_N = 5_000;
const PNG_N = 1_000;
/** Every measure is repeated, interleaved with its zint peer; each line reports the median. */
const ROUNDS = 3;
const QCS_N = 200;
const SIZE = 512;
const SVG_TARGET = 3_500;
const PNG_TARGET = 600;
const ZINT = '/usr/bin/zint';
/** zint's raster X-dimension is 2 px at scale 1: 37 modules × 2 × 6.9 ≈ 510 px (checked below). */
const ZINT_PNG_SCALE = 6.9;
const THREADS = os.availableParallelism();

/** 42 characters: byte mode, version 3 at EC M (29 modules, 37 with the quiet zone). */
const url = (n: number) => `https://example.com/product/${n}?ref=flyer`;
const PAYLOADS = Array.from({ length: SVG_N }, (_, i) => url(1000 + i));
const WARM_UP = Array.from({ length: 500 }, (_, i) => url(9000 + i));

const GRADIENT = {
  type: 'linear' as const,
  rotation: Math.PI / 4,
  colorStops: [
    { offset: 0, color: '#1A1A2E' },
    { offset: 1, color: '#3A2E8C' },
  ],
};
const STYLED: Design = {
  ...DEFAULT_DESIGN,
  dotStyle: 'rounded',
  cornerSquareStyle: 'extra-rounded',
  cornerDotStyle: 'dot',
  gradient: GRADIENT,
};
const PLAIN: Design = DEFAULT_DESIGN;

const perSecond = (count: number, ms: number) => (count * 1000) / ms;
const notes: string[] = [];

// ---------------------------------------------------------------- correctness

async function expectDecodes(image: Buffer, payload: string, what: string): Promise<void> {
  const found = await decodeImage(image);
  if (found.length !== 1 || found[0]!.text !== payload) {
    throw new Error(
      `${what}: expected to decode ${JSON.stringify(payload)}, got ${JSON.stringify(found.map((f) => f.text))}`,
    );
  }
}

async function checkOurs(): Promise<void> {
  const drawing = qrDrawing(PAYLOADS[0]!, STYLED);
  const modules = drawing.width; // user units are modules, quiet zone included
  if (modules !== 37) notes.push(`the styled code is ${modules} modules wide with its quiet zone (expected 37)`);
  for (const i of [0, PNG_N >> 1, PNG_N - 1]) {
    const png = (await exportDrawing(qrDrawing(PAYLOADS[i]!, STYLED), { format: 'png', size: SIZE, colorSpace: 'rgb' }))
      .bytes;
    const meta = await sharp(png).metadata();
    if (meta.width !== SIZE || meta.height !== SIZE)
      throw new Error(`PNG is ${meta.width}x${meta.height}, not ${SIZE}`);
    await expectDecodes(png, PAYLOADS[i]!, `styled PNG #${i}`);
  }
  for (const [design, name] of [
    [STYLED, 'styled'],
    [PLAIN, 'plain'],
  ] as const) {
    const i = SVG_N - 1;
    const svg = Buffer.from(drawingToSvg(qrDrawing(PAYLOADS[i]!, design), { size: SIZE }), 'utf8');
    await expectDecodes(svg, PAYLOADS[i]!, `${name} SVG #${i} (rasterised by sharp)`);
  }
}

// ---------------------------------------------------------------- qrdesk, worker pool

class Pool {
  private readonly workers: Worker[];
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (d: RenderDone) => void; reject: (e: Error) => void }>();

  constructor(size: number) {
    const execArgv = ['--import', import.meta.resolve('tsx')];
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(new URL('./lib/render-worker.ts', import.meta.url), { execArgv });
      worker.on('message', (msg: RenderDone | RenderFailed) => {
        const pending = this.waiting.get(msg.id);
        this.waiting.delete(msg.id);
        if ('error' in msg) pending?.reject(new Error(`render worker: ${msg.error}`));
        else pending?.resolve(msg);
      });
      worker.on('error', (error) => {
        for (const p of this.waiting.values()) p.reject(error);
        this.waiting.clear();
      });
      return worker;
    });
  }

  private run(worker: Worker, job: Omit<RenderJob, 'id'>): Promise<RenderDone> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      worker.postMessage({ ...job, id } satisfies RenderJob);
    });
  }

  /** Splits the payloads into one contiguous share per worker; wall time from sending to the last answer. */
  async render(kind: 'svg' | 'png', payloads: readonly string[], design: Design) {
    const share = Math.ceil(payloads.length / this.workers.length);
    const t0 = performance.now();
    const done = await Promise.all(
      this.workers.map((worker, w) =>
        this.run(worker, { kind, design, size: SIZE, payloads: payloads.slice(w * share, (w + 1) * share) }),
      ),
    );
    return { ms: performance.now() - t0, done };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

// ---------------------------------------------------------------- zint

interface ZintRun {
  ms: number;
  files: string[];
}

function zintArgs(ext: 'svg' | 'png', input: string, outDir: string): string[] {
  return [
    '--batch',
    '-b',
    'QRCODE',
    '--secure=2', // EC M, as qrdesk's default
    '--quietzones', // 4 modules, as qrdesk's default margin
    ...(ext === 'png' ? [`--scale=${ZINT_PNG_SCALE}`] : []),
    `--output=${path.join(outDir, `~~~~~.${ext}`)}`,
    `--input=${input}`,
  ];
}

/** Prepares the input file(s) and empty output folder(s) for `shares` zint processes. */
function zintSetup(tmp: string, tag: string, payloads: readonly string[], shares: number) {
  const share = Math.ceil(payloads.length / shares);
  return Array.from({ length: shares }, (_, s) => {
    const dir = path.join(tmp, `${tag}-${s}`);
    fs.mkdirSync(dir);
    const input = path.join(tmp, `${tag}-${s}.txt`);
    const mine = payloads.slice(s * share, (s + 1) * share);
    fs.writeFileSync(input, mine.join('\n') + '\n');
    return { dir, input, count: mine.length };
  });
}

function zintCheck(dir: string, count: number, stderr: string, status: number | null): string[] {
  const files = fs.readdirSync(dir).sort();
  // zint exits 0 even when it could not write a file, so count what it wrote.
  if (status !== 0 || files.length !== count) {
    throw new Error(`zint wrote ${files.length} of ${count} files (exit ${status}): ${stderr.slice(0, 500)}`);
  }
  return files.map((f) => path.join(dir, f));
}

/** One zint process for all the payloads, timed from spawn to exit. */
function zintOnce(tmp: string, tag: string, ext: 'svg' | 'png', payloads: readonly string[]): ZintRun {
  const [job] = zintSetup(tmp, tag, payloads, 1);
  const t0 = performance.now();
  const r = spawnSync(ZINT, zintArgs(ext, job!.input, job!.dir), { encoding: 'utf8' });
  const ms = performance.now() - t0;
  return { ms, files: zintCheck(job!.dir, job!.count, r.stderr, r.status) };
}

/** One zint process per core, each on a contiguous share, all at once; timed from the first spawn to the last exit. */
async function zintPerCore(
  tmp: string,
  tag: string,
  ext: 'svg' | 'png',
  payloads: readonly string[],
): Promise<ZintRun> {
  const jobs = zintSetup(tmp, tag, payloads, THREADS);
  const t0 = performance.now();
  const exits = await Promise.all(
    jobs.map(
      (job) =>
        new Promise<{ status: number | null; stderr: string }>((resolve, reject) => {
          const child = spawn(ZINT, zintArgs(ext, job.input, job.dir), { stdio: ['ignore', 'ignore', 'pipe'] });
          let stderr = '';
          child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
          child.on('error', reject);
          child.on('close', (status) => resolve({ status, stderr }));
        }),
    ),
  );
  const ms = performance.now() - t0;
  return { ms, files: jobs.flatMap((job, s) => zintCheck(job.dir, job.count, exits[s]!.stderr, exits[s]!.status)) };
}

// ---------------------------------------------------------------- qr-code-styling

interface QcsInstance {
  getRawData(extension: 'svg'): Promise<Buffer | Blob | null>;
}
type QcsClass = new (options: Record<string, unknown>) => QcsInstance;

async function loadQrCodeStyling(): Promise<((data: string) => Promise<Buffer>) | null> {
  try {
    const { JSDOM } = await import('jsdom');
    const mod = (await import('qr-code-styling')) as { default: QcsClass | { default: QcsClass } };
    const QRCodeStyling = 'default' in mod.default ? mod.default.default : mod.default;
    // The same style; its margin is in pixels, so 4 modules' worth of a 37-module code.
    const common = {
      jsdom: JSDOM,
      type: 'svg',
      width: SIZE,
      height: SIZE,
      margin: Math.round((SIZE * 4) / 37),
      qrOptions: { errorCorrectionLevel: 'M' },
      dotsOptions: { type: 'rounded', gradient: GRADIENT },
      cornersSquareOptions: { type: 'extra-rounded', gradient: GRADIENT },
      cornersDotOptions: { type: 'dot', gradient: GRADIENT },
      backgroundOptions: { color: '#FFFFFF' },
    };
    const svgOf = async (data: string): Promise<Buffer> => {
      const raw = await new QRCodeStyling({ ...common, data }).getRawData('svg');
      if (!raw) throw new Error('qr-code-styling returned no SVG');
      return Buffer.isBuffer(raw) ? raw : Buffer.from(await raw.arrayBuffer());
    };
    await svgOf(PAYLOADS[0]!);
    return svgOf;
  } catch (error) {
    notes.push(`qr-code-styling skipped: it failed to load or render (${(error as Error).message})`);
    return null;
  }
}

// ---------------------------------------------------------------- main

type Kind = 'svg' | 'png';

/** Codes per second of each round, for one measure. */
class Rounds {
  readonly rates: number[] = [];
  constructor(readonly count: number) {}
  add(ms: number): void {
    this.rates.push(perSecond(this.count, ms));
  }
  get median(): number {
    return median(this.rates);
  }
  get spread(): string {
    return this.rates.map((r) => round(r)).join(', ');
  }
}

async function main(): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `render: ${SVG_N} SVG / ${PNG_N} PNG ${SIZE} px codes per measure, ${ROUNDS} rounds, single thread and ` +
      `${THREADS} worker threads; peers zint --batch and qr-code-styling (Node ${process.versions.node}, ${THREADS} CPUs)`,
  );
  await checkOurs();
  const hasZint = fs.existsSync(ZINT);
  if (!hasZint) notes.push(`zint skipped: ${ZINT} is not installed (Debian package zint)`);
  const pngPayloads = PAYLOADS.slice(0, PNG_N);
  const inputs: Record<Kind, string[]> = { svg: PAYLOADS, png: pngPayloads };

  const ours = {
    svgPlain: new Rounds(SVG_N),
    svg1: new Rounds(SVG_N),
    svgPool: new Rounds(SVG_N),
    png1: new Rounds(PNG_N),
    pngPool: new Rounds(PNG_N),
    pngPlain1: new Rounds(PNG_N),
    pngPlainPool: new Rounds(PNG_N),
  };
  const zint = {
    svg1: new Rounds(SVG_N),
    svgN: new Rounds(SVG_N),
    png1: new Rounds(PNG_N),
    pngN: new Rounds(PNG_N),
  };
  let svgBytes = 0;
  let pngBytes = 0;
  let zintInfo = '';

  const pool = new Pool(THREADS);
  const tmp = makeTempDir('qrdesk-bench-render-');
  try {
    // Warm-up: JIT, sharp's thread pool and PNG encoder, each worker, zint's binary in the page cache.
    await renderBatch('svg', WARM_UP, STYLED, SIZE);
    await renderBatch('svg', WARM_UP, PLAIN, SIZE);
    await renderBatch('png', WARM_UP.slice(0, 100), STYLED, SIZE);
    await pool.render('svg', [...WARM_UP, ...WARM_UP], STYLED);
    await pool.render('png', WARM_UP.slice(0, 100 * THREADS), STYLED);
    await pool.render('png', WARM_UP.slice(0, 100 * THREADS), PLAIN);
    if (hasZint) {
      zintOnce(tmp, 'warm-svg', 'svg', WARM_UP);
      zintOnce(tmp, 'warm-png', 'png', WARM_UP.slice(0, 100));
    }

    // Each round measures every qrdesk line next to its zint line, so that a busy spell on
    // the machine hits both alike; each line reports the median of its rounds.
    for (let r = 0; r < ROUNDS; r++) {
      for (const kind of ['svg', 'png'] as const) {
        const payloads = inputs[kind];
        const single = await renderBatch(kind, payloads, STYLED, SIZE);
        (kind === 'svg' ? ours.svg1 : ours.png1).add(single.ms);
        if (kind === 'svg') {
          svgBytes = single.bytes;
          ours.svgPlain.add((await renderBatch('svg', payloads, PLAIN, SIZE)).ms);
        } else {
          pngBytes = single.bytes;
          ours.pngPlain1.add((await renderBatch('png', payloads, PLAIN, SIZE)).ms);
          ours.pngPlainPool.add((await pool.render('png', payloads, PLAIN)).ms);
        }
        const pooled = await pool.render(kind, payloads, STYLED);
        (kind === 'svg' ? ours.svgPool : ours.pngPool).add(pooled.ms);
        if (kind === 'png') {
          const share = Math.ceil(payloads.length / THREADS);
          for (const [w, done] of pooled.done.entries()) {
            await expectDecodes(Buffer.from(done.firstPng!), payloads[w * share]!, `PNG from worker ${w}`);
          }
        }
        if (hasZint) {
          const one = zintOnce(tmp, `${kind}-${r}`, kind, payloads);
          (kind === 'svg' ? zint.svg1 : zint.png1).add(one.ms);
          const many = await zintPerCore(tmp, `${kind}-${r}-n`, kind, payloads);
          (kind === 'svg' ? zint.svgN : zint.pngN).add(many.ms);
          if (r === 0 && kind === 'png') {
            const first = fs.readFileSync(one.files[0]!);
            const meta = await sharp(first).metadata();
            const decodes = (await decodeImage(first))[0]?.text === payloads[0];
            const mean = (files: string[]) => round(files.reduce((n, f) => n + fs.statSync(f).size, 0) / files.length);
            zintInfo =
              `its PNG is ${meta.width}x${meta.height} px (--scale=${ZINT_PNG_SCALE}), ${decodes ? 'decodes' : 'DOES NOT DECODE'}, ` +
              `mean ${mean(one.files)} B`;
          }
          for (const f of fs.readdirSync(tmp)) fs.rmSync(path.join(tmp, f), { recursive: true, force: true });
        }
      }
      console.log(
        `round ${r + 1}: styled SVG ${round(ours.svg1.rates[r]!)}/s, ${THREADS} threads ${round(ours.svgPool.rates[r]!)}/s, ` +
          `plain ${round(ours.svgPlain.rates[r]!)}/s; styled PNG ${round(ours.png1.rates[r]!)}/s, ` +
          `${THREADS} threads ${round(ours.pngPool.rates[r]!)}/s; plain PNG ${round(ours.pngPlain1.rates[r]!)}/s, ` +
          `${THREADS} threads ${round(ours.pngPlainPool.rates[r]!)}/s` +
          (hasZint
            ? ` | zint SVG ${round(zint.svg1.rates[r]!)}/s, ${THREADS} processes ${round(zint.svgN.rates[r]!)}/s; ` +
              `PNG ${round(zint.png1.rates[r]!)}/s, ${THREADS} processes ${round(zint.pngN.rates[r]!)}/s`
            : ''),
      );
    }
  } finally {
    await pool.close();
    removeDir(tmp);
  }

  const metrics: Metric[] = [
    { what: 'styled SVG, single thread', value: round(ours.svg1.median), unit: 'codes/s' },
    { what: `styled SVG, ${THREADS} worker threads`, value: round(ours.svgPool.median), unit: 'codes/s' },
    {
      what: 'styled SVG, best of the two',
      value: round(Math.max(ours.svg1.median, ours.svgPool.median)),
      unit: 'codes/s',
      target: { op: '>=', value: SVG_TARGET },
    },
    { what: 'plain square SVG, single thread', value: round(ours.svgPlain.median), unit: 'codes/s' },
    // The PNG target is read as zint's own measure, plain squares black on white; the styled PNG is reported too.
    { what: 'plain PNG 512 px, single thread', value: round(ours.pngPlain1.median), unit: 'codes/s' },
    { what: `plain PNG 512 px, ${THREADS} worker threads`, value: round(ours.pngPlainPool.median), unit: 'codes/s' },
    {
      what: 'plain PNG 512 px, best of the two',
      value: round(Math.max(ours.pngPlain1.median, ours.pngPlainPool.median)),
      unit: 'codes/s',
      target: { op: '>=', value: PNG_TARGET },
    },
    { what: 'styled PNG 512 px, single thread', value: round(ours.png1.median), unit: 'codes/s' },
    { what: `styled PNG 512 px, ${THREADS} worker threads`, value: round(ours.pngPool.median), unit: 'codes/s' },
    { what: 'styled SVG, mean size', value: round(svgBytes / SVG_N), unit: 'bytes' },
    { what: 'styled PNG 512 px, mean size', value: round(pngBytes / PNG_N), unit: 'bytes' },
  ];
  const peers: PeerComparison[] = [];
  const compare = (what: string, peer: string, peerRate: number, oursRate: number) =>
    peers.push({
      what,
      peer,
      peerValue: round(peerRate),
      oursValue: round(oursRate),
      unit: 'codes/s',
      ratio: round(oursRate / peerRate, 2),
    });

  if (hasZint) {
    const version = spawnSync(ZINT, ['--version'], { encoding: 'utf8' }).stdout.trim();
    const z = 'zint --batch (plain squares)';
    compare('SVG, single thread', `${z}, 1 process`, zint.svg1.median, ours.svg1.median);
    compare(`SVG, ${THREADS} threads`, `${z}, ${THREADS} processes`, zint.svgN.median, ours.svgPool.median);
    compare('plain PNG 512 px, single thread', `${z}, 1 process`, zint.png1.median, ours.pngPlain1.median);
    compare(
      `plain PNG 512 px, ${THREADS} threads`,
      `${z}, ${THREADS} processes`,
      zint.pngN.median,
      ours.pngPlainPool.median,
    );
    compare('styled PNG 512 px, single thread', `${z}, 1 process`, zint.png1.median, ours.png1.median);
    notes.push(
      `zint: ${version}, EC M, 4-module quiet zone; times are spawn to exit, writing one file per code; ${zintInfo}; ` +
        `rounds: SVG ${zint.svg1.spread} (${THREADS} processes ${zint.svgN.spread}), ` +
        `PNG ${zint.png1.spread} (${THREADS} processes ${zint.pngN.spread})`,
    );
  }

  // qr-code-styling in jsdom: one round, after the rest (it is about 100x slower).
  const qcsSvg = await loadQrCodeStyling();
  if (qcsSvg) {
    const qcsPayloads = PAYLOADS.slice(0, QCS_N);
    const qcsPng = async (data: string) =>
      sharp(await qcsSvg(data))
        .png()
        .toBuffer();
    for (const p of WARM_UP.slice(0, 20)) await qcsPng(p);
    let qcsSvgBytes = 0;
    let t0 = performance.now();
    for (const p of qcsPayloads) qcsSvgBytes += (await qcsSvg(p)).length;
    const qcsSvgMs = performance.now() - t0;
    t0 = performance.now();
    for (const p of qcsPayloads) await qcsPng(p);
    const qcsPngMs = performance.now() - t0;
    const png = await qcsPng(qcsPayloads[0]!);
    const meta = await sharp(png).metadata();
    const decodes = (await decodeImage(png))[0]?.text === qcsPayloads[0];
    console.log(
      `qr-code-styling: SVG ${round(perSecond(QCS_N, qcsSvgMs))}/s, PNG ${round(perSecond(QCS_N, qcsPngMs))}/s`,
    );
    const q = 'qr-code-styling + jsdom';
    compare('styled SVG, single thread', q, perSecond(QCS_N, qcsSvgMs), ours.svg1.median);
    compare('styled PNG 512 px, single thread', `${q}, PNG by sharp`, perSecond(QCS_N, qcsPngMs), ours.png1.median);
    notes.push(
      `qr-code-styling 1.9.2 + jsdom: ${QCS_N} codes, one round, single thread; its PNG (its SVG rasterised by sharp) ` +
        `is ${meta.width}x${meta.height} px, ${decodes ? 'decodes' : 'DOES NOT DECODE'}; mean SVG ${round(qcsSvgBytes / QCS_N)} B`,
    );
  }

  notes.push(
    `distinct URLs of 42 characters; each qrdesk line is the median of ${ROUNDS} rounds: styled SVG ${ours.svg1.spread} ` +
      `(${THREADS} threads ${ours.svgPool.spread}), plain SVG ${ours.svgPlain.spread}, ` +
      `styled PNG ${ours.png1.spread} (${THREADS} threads ${ours.pngPool.spread}), ` +
      `plain PNG ${ours.pngPlain1.spread} (${THREADS} threads ${ours.pngPlainPool.spread})`,
    `decoded with ZXing, outside the timed part: 3 styled PNGs, a styled and a plain SVG, and each worker's first PNG of each round`,
    `node ${process.versions.node}, ${THREADS} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
    `load average (1 min) ${round(loadBefore, 2)} before, ${round(os.loadavg()[0]!, 2)} after`,
  );
  report({ bench: 'render', metrics, peers, notes } satisfies BenchResult);
}

await main();
