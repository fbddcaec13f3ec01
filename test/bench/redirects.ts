// Redirect throughput with full scan capture (issue 5 target: >= 15,000/s at
// 50 connections, p99 <= 10 ms, scans recorded = redirects served), measured
// in the same run as a raw node:http server answering a constant 302. Both
// servers run in their own process; the load generator (autocannon) in this
// one. Loopback only, fixed duration.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { report, round, type BenchResult } from './lib/results';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const DURATION_S = 10;
const CONNECTIONS = 50;
const PHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      const match = pattern.exec(text);
      if (match) {
        child.stderr?.off('data', onData);
        child.stdout?.off('data', onData);
        resolve(match);
      }
    };
    child.stderr?.on('data', onData);
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready: ${text.slice(-500)}`)));
  });
}

async function load(url: string): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: { 'user-agent': PHONE_UA, 'accept-language': 'fr-FR' },
  });
}

const stopped = (child: ChildProcess) => new Promise<void>((resolve) => child.once('exit', () => resolve()));

// The peer: the least a server can do for a redirect.
const peer = spawn(process.execPath, [
  '-e',
  "require('http').createServer((q,s)=>{s.writeHead(302,{Location:'https://example.com/menu'});s.end()}).listen(0,'127.0.0.1',function(){console.log('port '+this.address().port)})",
]);
const peerPort = (await waitForLine(peer, /port (\d+)/))[1];
await load(`http://127.0.0.1:${peerPort}/`); // warm-up
const peerResult = await load(`http://127.0.0.1:${peerPort}/r/menu`);
peer.kill('SIGTERM');
await stopped(peer);

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-bench-redirects-'));
const server = spawn(process.execPath, [
  path.join(ROOT, 'bin', 'qrdesk.cjs'),
  'serve',
  '--data-dir',
  dataDir,
  '--port',
  '0',
  '--public-port',
  '0',
]);
server.stdout?.resume();
const banner = await waitForLine(server, /API and UI\s+(\S+)[\s\S]*public\s+(\S+)[\s\S]*#key=(\S+)/);
const [, apiUrl, publicUrl, key] = banner as unknown as [string, string, string, string];
try {
  const created = await fetch(`${apiUrl}/api/v1/qrcodes`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/menu', slug: 'menu' }),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  // The WAL is checkpointed off the event loop: its size is sampled to show it stays bounded.
  const walFile = path.join(dataDir, 'qrdesk.db-wal');
  let walPeak = 0;
  const walSampler = setInterval(() => {
    try {
      walPeak = Math.max(walPeak, fs.statSync(walFile).size);
    } catch {
      // not there between a checkpoint's truncation and the next write
    }
  }, 50);
  const ours = await load(`${publicUrl}/r/menu`);
  clearInterval(walSampler);
  server.kill('SIGTERM');
  await stopped(server);

  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  const scans = (db.prepare('SELECT COUNT(*) AS n FROM scans').get() as { n: number }).n;
  db.close();
  const served = ours['3xx'];
  const rate = (r: autocannon.Result) => round(r['3xx'] / DURATION_S);
  const result: BenchResult = {
    bench: 'redirects',
    metrics: [
      {
        what: 'redirects with full scan capture, 50 connections',
        value: rate(ours),
        unit: 'req/s',
        target: { op: '>=', value: 15000 },
      },
      { what: 'latency p99', value: ours.latency.p99, unit: 'ms', target: { op: '<=', value: 10 } },
      { what: 'latency median', value: ours.latency.p50, unit: 'ms' },
      // Every redirect a client received has its scan; a few more scans may exist for requests still in
      // flight when the load generator stopped counting (at most one per connection).
      {
        what: 'redirects served without a scan row',
        value: Math.max(0, served - scans),
        unit: 'scans',
        target: { op: '<=', value: 0 },
      },
      {
        what: 'scans answered after the run stopped counting',
        value: Math.max(0, scans - served),
        unit: 'scans',
        target: { op: '<=', value: CONNECTIONS },
      },
      { what: 'errors and non-3xx answers', value: ours.errors + ours.requests.total - ours['3xx'], unit: 'responses' },
      { what: 'WAL file peak size during the run', value: round(walPeak / 2 ** 20, 1), unit: 'MiB' },
    ],
    peers: [
      {
        what: 'redirects per second',
        peer: 'raw node:http constant 302',
        peerValue: rate(peerResult),
        oursValue: rate(ours),
        unit: 'req/s',
        ratio: round(rate(ours) / rate(peerResult), 2),
      },
    ],
    notes: [
      `${DURATION_S} s per server with autocannon, ${CONNECTIONS} connections, 127.0.0.1, iPhone Safari user agent`,
      `redirects served ${served}, scans recorded ${scans}`,
      `node ${process.versions.node}, ${os.availableParallelism()} CPUs; load generator shares the machine`,
    ],
  };
  report(result);
} finally {
  if (server.exitCode === null) server.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
}
