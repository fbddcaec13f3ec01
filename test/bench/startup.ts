// Benchmark: "headless start to healthy" (DESIGN.md Targets: <= 1.5 s, idle RSS <= 150 MB).
//
// Starts qrdesk the way a user does, `node bin/qrdesk.cjs serve`, and times from
// spawn() to the first 200 from GET /health, polling every 10 ms; then leaves it
// idle for 2 s, reads its resident memory (VmRSS) and stops it with SIGTERM.
// Ten starts on a fresh data directory and ten on an existing one, interleaved
// with ten starts of a bare node:http server measured the same way as the peer.
// Loopback only, fixed counts. Run alone with `npx tsx test/bench/startup.ts`,
// or with every other bench by `npm run bench`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, cliEnv, freePort, makeTempDir, removeDir, ROOT } from '../helpers/cli';
import { median, percentile, report, round, type BenchResult } from './lib/results';

const RUNS = 10;
const POLL_MS = 10;
const IDLE_MS = 2_000;
/** A start that is not healthy after this long is recorded as a failure (and the bench stops). */
const GIVE_UP_MS = 20_000;
const START_TARGET_MS = 1_500;
const RSS_TARGET_MB = 150;

interface Sample {
  startMs: number;
  rssMb: number;
  /** Whether SIGTERM led to exit code 0 (the peer has no handler, so it is not asked). */
  cleanExit: boolean | null;
}

/** One GET; the status code, or null when nothing answers yet. */
function getStatus(url: string): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
  });
}

/** Resident set size of a live process, in MB, from /proc/<pid>/status. */
function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) / 1024;
}

/** Spawns `args` with this Node, times spawn -> 200 on `healthUrl`, idles, reads RSS, stops it with SIGTERM. */
async function measure(args: string[], healthUrl: string, handlesSigterm: boolean): Promise<Sample> {
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: cliEnv(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    let startMs: number | undefined;
    while (startMs === undefined) {
      if (gone) throw new Error(`exited before it was healthy:\n${stderr}`);
      if ((await getStatus(healthUrl)) === 200) startMs = performance.now() - t0;
      else if (performance.now() - t0 > GIVE_UP_MS) throw new Error(`not healthy after ${GIVE_UP_MS} ms:\n${stderr}`);
      else await sleep(POLL_MS);
    }
    await sleep(IDLE_MS);
    if (gone) throw new Error(`exited while idle:\n${stderr}`);
    const rss = rssMb(child.pid!);
    child.kill('SIGTERM');
    const code = await exited;
    return { startMs, rssMb: rss, cleanExit: handlesSigterm ? code === 0 : null };
  } finally {
    if (!gone) child.kill('SIGKILL');
    await exited;
  }
}

async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const a = await freePort();
    const b = await freePort();
    if (a !== b) return [a, b];
  }
}

async function qrdeskStart(dataDir: string): Promise<Sample> {
  const [apiPort, publicPort] = await twoFreePorts();
  return measure(
    [BIN, 'serve', '--data-dir', dataDir, '--port', String(apiPort), '--public-port', String(publicPort)],
    `http://127.0.0.1:${apiPort}/health`,
    true,
  );
}

async function peerStart(): Promise<Sample> {
  const port = await freePort();
  const script = `require('http').createServer((q,s)=>s.end('ok')).listen(${port},'127.0.0.1')`;
  return measure(['-e', script], `http://127.0.0.1:${port}/`, false);
}

async function freshStart(): Promise<Sample> {
  const dir = makeTempDir('qrdesk-bench-');
  try {
    return await qrdeskStart(dir);
  } finally {
    removeDir(dir);
  }
}

const fmt = (s: Sample) =>
  `${round(s.startMs)} ms, ${round(s.rssMb, 1)} MB${s.cleanExit === false ? ', UNCLEAN EXIT' : ''}`;

async function main(): Promise<void> {
  console.log(
    `startup: ${RUNS} fresh + ${RUNS} existing-data-dir starts of qrdesk serve, ${RUNS} of a bare node:http peer ` +
      `(Node ${process.versions.node}, ${os.availableParallelism()} CPUs)`,
  );
  const loadBefore = os.loadavg()[0]!;
  const existing = makeTempDir('qrdesk-bench-existing-');
  try {
    // Untimed warm-up: fills the OS file cache as any earlier run would, and makes the "existing" data dir
    // (database, migrations applied, UI key).
    console.log(`warm-up: qrdesk ${fmt(await qrdeskStart(existing))}; peer ${fmt(await peerStart())}`);
    const fresh: Sample[] = [];
    const reused: Sample[] = [];
    const peer: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Interleaved, so that a slow spell on the machine hits all three alike.
      fresh.push(await freshStart());
      reused.push(await qrdeskStart(existing));
      peer.push(await peerStart());
      console.log(
        `run ${String(i + 1).padStart(2)}: fresh ${fmt(fresh[i]!)} | existing ${fmt(reused[i]!)} | peer ${fmt(peer[i]!)}`,
      );
    }

    const ms = (samples: Sample[]) => samples.map((s) => s.startMs);
    const mb = (samples: Sample[]) => samples.map((s) => s.rssMb);
    const ours = [...fresh, ...reused];
    const result: BenchResult = {
      bench: 'startup',
      metrics: [
        { what: 'start to healthy, fresh data dir, median', value: round(median(ms(fresh))), unit: 'ms' },
        {
          what: 'start to healthy, fresh data dir, p95',
          value: round(percentile(ms(fresh), 95)),
          unit: 'ms',
          target: { op: '<=', value: START_TARGET_MS },
        },
        { what: 'start to healthy, existing data dir, median', value: round(median(ms(reused))), unit: 'ms' },
        {
          what: 'start to healthy, existing data dir, p95',
          value: round(percentile(ms(reused), 95)),
          unit: 'ms',
          target: { op: '<=', value: START_TARGET_MS },
        },
        { what: 'idle RSS after 2 s, median', value: round(median(mb(ours)), 1), unit: 'MB' },
        {
          what: 'idle RSS after 2 s, max',
          value: round(Math.max(...mb(ours)), 1),
          unit: 'MB',
          target: { op: '<=', value: RSS_TARGET_MB },
        },
        {
          what: 'clean exits on SIGTERM',
          value: ours.filter((s) => s.cleanExit).length,
          unit: 'runs',
          target: { op: '>=', value: ours.length },
        },
      ],
      peers: [
        {
          what: 'start to first answer, median',
          peer: 'bare node:http server',
          peerValue: round(median(ms(peer))),
          oursValue: round(median(ms(fresh))),
          unit: 'ms',
          ratio: round(median(ms(fresh)) / median(ms(peer)), 1),
        },
        {
          what: 'idle RSS, median',
          peer: 'bare node:http server',
          peerValue: round(median(mb(peer)), 1),
          oursValue: round(median(mb(ours)), 1),
          unit: 'MB',
          ratio: round(median(mb(ours)) / median(mb(peer)), 1),
        },
      ],
      notes: [
        `p95 is nearest-rank over ${RUNS} runs, so it is the slowest run of each kind`,
        `each start is timed from spawn() to the first 200 from GET /health, polled every ${POLL_MS} ms`,
        `node ${process.versions.node}, ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'})`,
        `load average (1 min) ${round(loadBefore, 2)} before, ${round(os.loadavg()[0]!, 2)} after`,
      ],
    };
    report(result);
  } finally {
    removeDir(existing);
  }
}

await main();
