/**
 * `npm run soak`: mixed load and injected faults against a real `qrdesk serve`
 * on loopback, for 30 minutes by default (`--minutes N`), with a ledger of
 * every write the server acknowledged, checked against the database after
 * each crash and at the end.
 *
 * Load: scans of dynamic codes at a steady rate, API CRUD of codes (one
 * writer, so the ledger knows the order), lists and analytics, renders,
 * small batch jobs (downloaded), webhook deliveries to a receiver here.
 * Faults: kill -9 and restart every few minutes (the database is checked
 * while the server is down), slowloris clients, oversized bodies, hostile
 * input, and when the data folder can be a small tmpfs (root) a disk-full
 * window. Prints requests by kind with p50/p99, faults by kind, restarts,
 * and data lost; exits 1 if anything acknowledged was lost, integrity_check
 * failed, or the server answered something it never should (a 500, a 2xx to
 * hostile input, a bad webhook signature).
 *
 * Options: --minutes N (30), --scan-rate N scans/s (150), --kill-every M minutes
 * (5, or a sixth of the run when shorter), --no-disk-full.
 */
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { freePort, makeTempDir, removeDir, spawnServe, type ServeProcess } from '../helpers/cli';
import { fillDisk, memoryOf, mountTmpfs, streamBody, tmpfsUnavailable } from '../helpers/faults';

// ---------------------------------------------------------------------------
// Options

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`soak: --${name} needs a positive number`);
    process.exit(2);
  }
  return value;
}
const MINUTES = option('minutes', 30);
const SCAN_RATE = option('scan-rate', 150);
const KILL_EVERY_MS = option('kill-every', Math.min(5, Math.max(MINUTES / 6, 0.25))) * 60_000;
const WANT_DISK_FULL = !process.argv.includes('--no-disk-full');
const DURATION_MS = MINUTES * 60_000;
const SCAN_CODES = 12;
const SCANNERS = 16;

const PHONES = [
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36',
  'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'curl/8.5.0',
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------
// Statistics

interface KindStats {
  count: number;
  ok: number;
  clientErrors: number;
  serverErrors: number;
  /** Connection refused or reset: the server was down (killed) or cut the connection. */
  refused: number;
  ms: number[];
}
const stats = new Map<string, KindStats>();
const statsOf = (kind: string): KindStats => {
  let s = stats.get(kind);
  if (!s) stats.set(kind, (s = { count: 0, ok: 0, clientErrors: 0, serverErrors: 0, refused: 0, ms: [] }));
  return s;
};
const faults = new Map<string, number>();
const fault = (kind: string, n = 1) => faults.set(kind, (faults.get(kind) ?? 0) + n);
/** Answers the server must never give; each fails the run. */
const unexpected: string[] = [];
const surprise = (what: string) => {
  if (unexpected.length < 50) console.error(`soak: unexpected: ${what}`);
  unexpected.push(what);
};
/** Answers expected only while the disk is full (507, and 503 for scans). */
let diskFull = false;

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

/** One request, measured; null when the connection failed (server down). */
async function call(kind: string, url: string, init: RequestInit = {}): Promise<Answer | null> {
  const s = statsOf(kind);
  s.count++;
  const started = performance.now();
  try {
    const res = await fetch(url, { redirect: 'manual', ...init, signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    s.ms.push(performance.now() - started);
    if (res.status < 400) s.ok++;
    else if (res.status < 500) s.clientErrors++;
    else {
      s.serverErrors++;
      const allowed = res.status === 507 || (res.status === 503 && kind === 'scan');
      if (!(diskFull && allowed)) surprise(`${kind}: ${res.status} ${text.slice(0, 200)}`);
    }
    return { status: res.status, text, headers: res.headers };
  } catch {
    s.refused++;
    return null;
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;

// ---------------------------------------------------------------------------
// The server

const tiny = WANT_DISK_FULL && tmpfsUnavailable() === null ? mountTmpfs(os.tmpdir(), 1024) : null;
const root = tiny ? tiny.dir : makeTempDir('qrdesk-soak-');
const dataDir = path.join(root, 'data');
const apiPort = await freePort();
const publicPort = await freePort();
const apiUrl = `http://127.0.0.1:${apiPort}`;
const publicUrl = `http://127.0.0.1:${publicPort}`;
let serve: ServeProcess | null = null;
let up = false;
let uiKey = '';
let peakRssMiB = 0;
const memoryWatch = setInterval(() => {
  if (serve && up) {
    try {
      peakRssMiB = Math.max(peakRssMiB, memoryOf(serve.pid).peakMiB);
    } catch {
      // the process just went
    }
  }
}, 1000);

async function startServer(): Promise<void> {
  serve = spawnServe(['--data-dir', dataDir, '--port', String(apiPort), '--public-port', String(publicPort)], {
    guardMs: 60_000,
  });
  const banner = await serve.ready;
  uiKey = banner.uiKey;
  up = true;
}

const auth = () => ({ Authorization: `Bearer ${uiKey}` });
const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { ...auth(), 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

// ---------------------------------------------------------------------------
// The ledger: what the server acknowledged

interface CodeEntry {
  name: string;
  /** Names sent in updates whose answer never came: the database may hold any of them. */
  uncertainNames: Set<string>;
  deleted: boolean;
  /** A delete whose answer never came: the code may or may not be there. */
  deleteUncertain: boolean;
  /** The codes scanned all run long: never renamed nor deleted. */
  pinned?: boolean;
}
const ledger = {
  codes: new Map<string, CodeEntry>(),
  scans: new Map<string, { id: string; answered: number }>(),
  batches: new Map<string, { bytes: number }>(),
  creates: 0,
  updates: 0,
  deletes: 0,
};
const deliveries = { received: 0, badSignature: 0, events: new Set<string>(), createdCodes: new Set<string>() };
let webhookSecret = '';

const lost: string[] = [];
const integrity: string[] = [];

/** Checks the database against the ledger; the server must be down (or stopped). */
function checkLedger(when: string): void {
  const db = new Database(path.join(dataDir, 'qrdesk.db'));
  try {
    const result = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    integrity.push(`${when}: ${result.join('; ')}`);
    if (result.join() !== 'ok') lost.push(`${when}: integrity_check says ${result.join('; ')}`);
    const names = new Map(
      (db.prepare('SELECT id, name FROM qr_codes').all() as { id: string; name: string }[]).map((r) => [r.id, r.name]),
    );
    for (const [id, entry] of ledger.codes) {
      const name = names.get(id);
      if (entry.deleteUncertain) continue;
      if (entry.deleted) {
        if (name !== undefined) lost.push(`${when}: code ${id} was deleted (acknowledged) but is there`);
      } else if (name === undefined) {
        lost.push(`${when}: code ${id} was created (acknowledged) but is missing`);
      } else if (name !== entry.name && !entry.uncertainNames.has(name)) {
        lost.push(`${when}: code ${id} is named ${JSON.stringify(name)}, acknowledged ${JSON.stringify(entry.name)}`);
      }
    }
    const scanCount = db.prepare('SELECT COUNT(*) AS n FROM scans WHERE qr_code_id = ?');
    for (const [token, { id, answered }] of ledger.scans) {
      const rows = (scanCount.get(id) as { n: number }).n;
      if (rows < answered) lost.push(`${when}: /r/${token}: ${rows} scans recorded, ${answered} redirects answered`);
    }
    const job = db.prepare('SELECT status, output_path FROM batch_jobs WHERE id = ?');
    for (const [id, { bytes }] of ledger.batches) {
      const row = job.get(id) as { status: string; output_path: string | null } | undefined;
      const size = row?.output_path && fs.existsSync(row.output_path) ? fs.statSync(row.output_path).size : -1;
      if (row?.status !== 'completed' || size !== bytes) {
        lost.push(`${when}: batch ${id} was completed (${bytes} bytes) but is ${row?.status ?? 'missing'} (${size})`);
      }
    }
    // Every acknowledged creation has its qrcode.created delivery in the outbox (sent or still to send).
    const outbox = new Set(
      (
        db.prepare("SELECT payload FROM webhook_deliveries WHERE event = 'qrcode.created'").all() as {
          payload: string;
        }[]
      ).map((r) => (JSON.parse(r.payload) as { data: { id: string } }).data.id),
    );
    for (const [id] of ledger.codes) {
      if (!outbox.has(id)) lost.push(`${when}: no qrcode.created delivery for code ${id}`);
    }
  } finally {
    db.close();
  }
}

// ---------------------------------------------------------------------------
// Load

let done = false;
const workers: Promise<void>[] = [];
/** Runs `step` in a loop every `everyMs` while the run lasts; waits while the server is down. */
function worker(everyMs: number, step: () => Promise<void>): void {
  workers.push(
    (async () => {
      while (!done) {
        if (!up) {
          await sleep(50);
          continue;
        }
        const began = performance.now();
        await step();
        await sleep(Math.max(0, everyMs - (performance.now() - began)));
      }
    })(),
  );
}

const tokens: string[] = [];
let sequence = 0;

async function setup(): Promise<void> {
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      deliveries.received++;
      const header = String(req.headers['qrdesk-signature'] ?? '');
      const t = /t=(\d+)/.exec(header)?.[1];
      const v1 = /v1=([0-9a-f]+)/.exec(header)?.[1];
      if (!webhookSecret || v1 !== createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex')) {
        deliveries.badSignature++;
        surprise('a webhook delivery with a bad signature');
      }
      try {
        const event = JSON.parse(body) as { id: string; event: string; data: { id?: string } };
        deliveries.events.add(event.id);
        if (event.event === 'qrcode.created' && event.data.id) deliveries.createdCodes.add(event.data.id);
      } catch {
        surprise('a webhook delivery that is not JSON');
      }
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiver.unref();
  const hook = await call(
    'webhook create',
    `${apiUrl}/api/v1/webhooks`,
    json({
      url: `http://127.0.0.1:${(receiver.address() as net.AddressInfo).port}/hook`,
      events: ['qrcode.created', 'qrcode.updated', 'qrcode.deleted'],
    }),
  );
  if (hook?.status !== 201) throw new Error(`webhook: ${hook?.status} ${hook?.text}`);
  webhookSecret = (JSON.parse(hook.text) as { secret: string }).secret;
  for (let i = 0; i < SCAN_CODES; i++) {
    const res = await call(
      'code create',
      `${apiUrl}/api/v1/qrcodes`,
      json({
        type: 'url',
        kind: 'dynamic',
        name: `soak scan ${i}`,
        content: `https://example.com/soak/${i}`,
      }),
    );
    if (res?.status !== 201) throw new Error(`setup: ${res?.status} ${res?.text}`);
    const code = JSON.parse(res.text) as { id: string; shortToken: string };
    tokens.push(code.shortToken);
    ledger.scans.set(code.shortToken, { id: code.id, answered: 0 });
    ledger.codes.set(code.id, {
      name: `soak scan ${i}`,
      uncertainNames: new Set(),
      deleted: false,
      deleteUncertain: false,
      pinned: true,
    });
  }
}

function startLoad(): void {
  // Scans at a steady rate, spread over the codes and a few kinds of phone (and a bot).
  for (let w = 0; w < SCANNERS; w++) {
    worker((1000 * SCANNERS) / SCAN_RATE, async () => {
      const token = tokens[Math.floor(Math.random() * tokens.length)]!;
      const ua = PHONES[Math.floor(Math.random() * PHONES.length)]!;
      const res = await call('scan', `${publicUrl}/r/${token}`, { headers: { 'User-Agent': `${ua} v${w}` } });
      if (res?.status === 302) ledger.scans.get(token)!.answered++;
      else if (res && res.status !== 503) surprise(`scan: ${res.status}`);
    });
  }

  // One writer: create, update or delete, in order, so the ledger knows what the database must hold.
  worker(40, async () => {
    const live = [...ledger.codes].filter(([, e]) => !e.deleted && !e.deleteUncertain && !e.pinned);
    const roll = Math.random();
    if (roll < 0.5 || live.length < 20) {
      const name = `soak ${++sequence}`;
      const res = await call(
        'code create',
        `${apiUrl}/api/v1/qrcodes`,
        json({
          type: 'text',
          name,
          content: `soak text ${sequence} ✓ ünïcödé`,
          tags: ['soak'],
        }),
      );
      if (res?.status === 201) {
        ledger.codes.set((JSON.parse(res.text) as { id: string }).id, {
          name,
          uncertainNames: new Set(),
          deleted: false,
          deleteUncertain: false,
        });
        ledger.creates++;
      }
    } else if (roll < 0.85) {
      const [id, entry] = live[Math.floor(Math.random() * live.length)]!;
      const name = `soak renamed ${++sequence}`;
      entry.uncertainNames.add(name);
      const res = await call('code update', `${apiUrl}/api/v1/qrcodes/${id}`, {
        ...json({ name }),
        method: 'PATCH',
      });
      if (res?.status === 200) {
        entry.name = name;
        entry.uncertainNames.clear();
        ledger.updates++;
      } else if (res) entry.uncertainNames.delete(name); // refused (disk full): nothing changed
    } else {
      const [id, entry] = live[Math.floor(Math.random() * live.length)]!;
      entry.deleteUncertain = true;
      const res = await call('code delete', `${apiUrl}/api/v1/qrcodes/${id}?permanent=true`, {
        method: 'DELETE',
        headers: auth(),
      });
      if (res?.status === 200) {
        entry.deleted = true;
        entry.deleteUncertain = false;
        ledger.deletes++;
      } else if (res) entry.deleteUncertain = false; // refused (disk full): nothing changed
    }
  });

  // Reads: lists, one code, analytics of a scanned code, the overview.
  worker(100, async () => {
    const token = tokens[Math.floor(Math.random() * tokens.length)]!;
    const id = ledger.scans.get(token)!.id;
    const pick = Math.random();
    if (pick < 0.3) await call('list', `${apiUrl}/api/v1/qrcodes?limit=50&tag=soak`, { headers: auth() });
    else if (pick < 0.5) await call('get', `${apiUrl}/api/v1/qrcodes/${id}`, { headers: auth() });
    else if (pick < 0.85)
      await call('analytics', `${apiUrl}/api/v1/qrcodes/${id}/analytics?days=7`, { headers: auth() });
    else await call('analytics overview', `${apiUrl}/api/v1/analytics/overview?days=7`, { headers: auth() });
  });

  // Renders.
  worker(250, async () => {
    const format = Math.random() < 0.5 ? 'svg' : 'png';
    const res = await call(
      'render',
      `${apiUrl}/api/v1/render`,
      json({
        type: 'url',
        content: `https://example.com/render/${++sequence}`,
        format,
        size: 256,
        design: { dotStyle: 'rounded', foregroundColor: '#123456' },
      }),
    );
    if (res?.status === 200 && res.text.length < 100) surprise(`render: a ${res.text.length}-byte image`);
  });

  // Small batch jobs, followed to the end and downloaded.
  worker(8000, async () => {
    const res = await call(
      'batch create',
      `${apiUrl}/api/v1/batches`,
      json({
        source: {
          items: Array.from({ length: 20 }, (_, i) => ({ content: `https://example.com/b/${sequence}/${i}` })),
        },
        type: 'url',
        outputs: { formats: ['svg', 'png'], size: 256 },
      }),
    );
    if (res?.status !== 202) return;
    const id = (JSON.parse(res.text) as { id: string }).id;
    for (let i = 0; i < 600 && !done; i++) {
      await sleep(100);
      const state = await call('batch status', `${apiUrl}/api/v1/batches/${id}`, { headers: auth() });
      if (!state) return; // the server went down: the job is interrupted, checked by the restart
      const job = JSON.parse(state.text) as { status: string };
      if (job.status === 'queued' || job.status === 'running') continue;
      if (job.status !== 'completed') return; // failed on a full disk, or interrupted
      const started = performance.now();
      const file = await fetch(`${apiUrl}/api/v1/batches/${id}/download`, { headers: auth() }).catch(() => null);
      if (!file) return;
      const bytes = Buffer.from(await file.arrayBuffer());
      const s = statsOf('batch download');
      s.count++;
      s.ms.push(performance.now() - started);
      if (file.status === 200 && bytes.subarray(0, 2).toString() === 'PK') {
        s.ok++;
        ledger.batches.set(id, { bytes: bytes.length });
      } else surprise(`batch download: ${file.status}, ${bytes.length} bytes`);
      return;
    }
  });
}

// ---------------------------------------------------------------------------
// Faults

async function slowClients(count: number): Promise<void> {
  const sockets: net.Socket[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect(publicPort, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /r/');
    sockets.push(socket);
  }
  fault('slow clients (sockets)', count);
  const trickle = setInterval(() => {
    for (const s of sockets) if (!s.destroyed) s.write('a');
  }, 1000);
  // The server's header timeout cuts them (10 s); give up on any left after 30 s.
  for (let i = 0; i < 60 && sockets.some((s) => !s.destroyed && !s.readableEnded); i++) await sleep(500);
  clearInterval(trickle);
  const left = sockets.filter((s) => !s.destroyed && !s.readableEnded).length;
  if (left > 0 && up) surprise(`${left} slow clients still connected after 30 s`);
  for (const s of sockets) s.destroy();
}

async function oversizedBody(): Promise<void> {
  fault('oversized bodies');
  const targets = [
    { path: '/api/v1/qrcodes', type: 'application/json' },
    { path: '/api/v1/assets', type: 'image/png' },
    { path: '/api/v1/batch-sources', type: 'text/csv' },
  ];
  const target = targets[Math.floor(Math.random() * targets.length)]!;
  const s = statsOf('oversized body');
  s.count++;
  const started = performance.now();
  try {
    const result = await streamBody(
      apiUrl,
      target.path,
      { ...auth(), 'Content-Type': target.type },
      {
        total: 256 * 1024 * 1024,
        chunked: Math.random() < 0.5,
      },
    );
    s.ms.push(performance.now() - started);
    if (result.status === 413 && result.cutOff) s.clientErrors++;
    else if (result.status === null && !up) s.refused++;
    else surprise(`oversized body to ${target.path}: ${result.status}, cut off: ${result.cutOff}`);
  } catch (err) {
    if (up) surprise(`oversized body to ${target.path}: ${String(err)}`);
    else s.refused++;
  }
}

const HOSTILE: {
  path: string;
  method?: string;
  type?: string;
  body: string | Uint8Array<ArrayBuffer>;
  harmless?: boolean;
}[] = [
  { path: '/api/v1/qrcodes', body: `{"type":"text","content":${'['.repeat(50_000)}${']'.repeat(50_000)}}` },
  { path: '/api/v1/qrcodes', body: '{"type":"text","content":"x","__proto__":{"polluted":true}}' },
  { path: '/api/v1/qrcodes', body: new Uint8Array([0x7b, 0x22, 0x6e, 0xff, 0xfe, 0x22, 0x7d]) },
  { path: '/api/v1/qrcodes', body: '{"type":"url","content":"javascript:alert(1)"}' },
  { path: '/api/v1/qrcodes', body: `{"type":"text","content":"x","name":"${'n'.repeat(10_000)}"}` },
  { path: '/api/v1/qrcodes', body: '{"type":"text","content":"x"', type: 'application/json' },
  { path: '/api/v1/qrcodes', body: 'type=text&content=x', type: 'application/x-www-form-urlencoded' },
  { path: '/api/v1/qrcodes?limit=99999&cursor=%00%00', method: 'GET', body: '' },
  // Answered (an empty search), and harmless: the query is a parameter, never SQL.
  { path: "/api/v1/qrcodes?q=' OR 1=1 --", method: 'GET', body: '', harmless: true },
  { path: '/api/v1/qrcodes/..%2F..%2Fetc%2Fpasswd', method: 'GET', body: '' },
  {
    path: '/api/v1/batches',
    body: '{"source":{"sourceId":"../../etc/passwd"},"type":"url","mapping":{"content":"u"}}',
  },
  { path: '/api/v1/assets', body: '<svg onload="alert(1)"><script>x</script></svg>', type: 'image/svg+xml' },
];

async function hostileBurst(): Promise<void> {
  for (const h of HOSTILE) {
    fault('hostile requests');
    const res = await call('hostile', `${apiUrl}${h.path}`, {
      method: h.method ?? 'POST',
      headers: { ...auth(), ...(h.method === 'GET' ? {} : { 'Content-Type': h.type ?? 'application/json' }) },
      body: h.method === 'GET' ? undefined : h.body,
    });
    if (!res) continue;
    // The SVG upload is accepted once sanitised; everything else must be refused without a 5xx.
    const sanitised = h.path === '/api/v1/assets' && res.status === 201;
    if (sanitised) {
      if (/script|onload/i.test(res.text)) surprise('a hostile SVG was stored with its script');
      continue;
    }
    if (h.harmless && res.status === 200) {
      if ((JSON.parse(res.text) as { data: unknown[] }).data.length !== 0) surprise('a SQL-looking search found codes');
      continue;
    }
    if (res.status < 400 || (res.status >= 500 && !(diskFull && res.status === 507))) {
      surprise(`hostile ${h.method ?? 'POST'} ${h.path.slice(0, 60)}: ${res.status}`);
    }
  }
  const scan = await call('hostile', `${publicUrl}/r/${'A'.repeat(5000)}`);
  if (scan && scan.status !== 404) surprise(`a 5000-character token: ${scan.status}`);
}

async function diskFullWindow(seconds: number): Promise<void> {
  if (!tiny) return;
  fault('disk full windows');
  const ballast = path.join(dataDir, 'soak-ballast');
  diskFull = true;
  try {
    fillDisk(ballast);
    const s507 = () => [...stats.values()].reduce((n, s) => n + s.serverErrors, 0);
    const before = s507();
    await sleep(seconds * 1000);
    fault('answers while the disk was full (507/503)', s507() - before);
  } finally {
    fs.rmSync(ballast, { force: true });
    // Requests under way when the space came back may still answer 507: allow a moment.
    await sleep(1000);
    diskFull = false;
  }
  const health = await call('health', `${apiUrl}/health`);
  if (health?.status !== 200) surprise(`health after the disk was full: ${health?.status}`);
}

async function killAndRestart(): Promise<void> {
  if (!serve) return;
  fault('kill -9 + restart');
  up = false;
  serve.child.kill('SIGKILL');
  await serve.exited;
  // While it is down: the file as the crash left it must hold every acknowledged write.
  checkLedger(`after kill ${faults.get('kill -9 + restart')}`);
  await startServer();
}

// ---------------------------------------------------------------------------
// The run

const began = Date.now();
let exitCode = 0;
try {
  console.log(
    `qrdesk soak: ${MINUTES} min on 127.0.0.1, ${SCAN_RATE} scans/s, kill -9 every ${(KILL_EVERY_MS / 60_000).toFixed(2)} min; ` +
      `data on ${tiny ? 'a 1 GiB tmpfs (disk-full windows on)' : `${root} (disk-full windows off: ${WANT_DISK_FULL ? tmpfsUnavailable() : '--no-disk-full'})`}`,
  );
  await startServer();
  await setup();
  startLoad();

  let nextKill = began + KILL_EVERY_MS;
  let nextFault = began + 15_000;
  const diskFullAt = began + DURATION_MS * 0.6;
  let diskFullDone = !tiny;
  let rotation = 0;
  let lastReport = began;
  while (Date.now() - began < DURATION_MS) {
    const now = Date.now();
    if (now >= nextKill && DURATION_MS - (now - began) > 20_000) {
      await killAndRestart();
      nextKill = Date.now() + KILL_EVERY_MS;
    } else if (!diskFullDone && now >= diskFullAt) {
      diskFullDone = true;
      await diskFullWindow(Math.min(15, Math.max(5, MINUTES)));
    } else if (now >= nextFault) {
      const kind = rotation++ % 3;
      if (kind === 0) await slowClients(300);
      else if (kind === 1) await oversizedBody();
      else await hostileBurst();
      nextFault = Date.now() + Math.min(60_000, Math.max(10_000, DURATION_MS / 40));
    } else await sleep(250);
    if (Date.now() - lastReport >= 60_000) {
      lastReport = Date.now();
      const scans = statsOf('scan');
      console.log(
        `  ${((Date.now() - began) / 60_000).toFixed(1)} min: ${scans.ok} scans answered, ${ledger.creates} codes created, ` +
          `${faults.get('kill -9 + restart') ?? 0} restarts, ${lost.length} lost, ${unexpected.length} unexpected`,
      );
    }
  }
  done = true;
  await Promise.all(workers);

  // Let the webhook outbox drain, then stop cleanly and check everything one last time.
  for (let i = 0; i < 120; i++) {
    const missing = [...ledger.codes.keys()].filter((id) => !deliveries.createdCodes.has(id)).length;
    if (missing === 0) break;
    await sleep(500);
  }
  const stop = await serve!.stop('SIGTERM');
  up = false;
  if (stop.code !== 0) surprise(`the final SIGTERM ended with ${JSON.stringify(stop)}`);
  checkLedger('at the end');
} catch (err) {
  console.error(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  if (serve) console.error(serve.stderr().slice(-3000));
  exitCode = 2;
} finally {
  done = true;
  clearInterval(memoryWatch);
  // (A cast: TypeScript does not see that startServer() assigned it.)
  const last = serve as ServeProcess | null;
  if (last && last.child.exitCode === null && last.child.signalCode === null) await last.stop('SIGKILL');
}

// ---------------------------------------------------------------------------
// The report

const minutes = (Date.now() - began) / 60_000;
const rows = [...stats].sort(([a], [b]) => a.localeCompare(b));
const pad = (v: string | number, n: number) => String(v).padStart(n);
console.log(`\nqrdesk soak report, ${new Date(began).toISOString()}, ${minutes.toFixed(1)} min`);
console.log(
  `machine: ${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.platform()} ${os.release()}, Node ${process.versions.node}`,
);
console.log(
  `\n${'requests'.padEnd(20)}${pad('count', 9)}${pad('2xx/3xx', 9)}${pad('4xx', 7)}${pad('5xx', 6)}${pad('refused', 9)}${pad('p50 ms', 9)}${pad('p99 ms', 9)}`,
);
let total = 0;
for (const [kind, s] of rows) {
  total += s.count;
  const sorted = [...s.ms].sort((a, b) => a - b);
  console.log(
    `  ${kind.padEnd(18)}${pad(s.count, 9)}${pad(s.ok, 9)}${pad(s.clientErrors, 7)}${pad(s.serverErrors, 6)}${pad(s.refused, 9)}` +
      `${pad(percentile(sorted, 50).toFixed(1), 9)}${pad(percentile(sorted, 99).toFixed(1), 9)}`,
  );
}
console.log(`  ${'total'.padEnd(18)}${pad(total, 9)}   (${(total / (minutes * 60)).toFixed(0)}/s)`);
console.log('\nfaults injected:');
for (const [kind, n] of [...faults].sort()) console.log(`  ${kind.padEnd(44)}${pad(n, 7)}`);
if (!tiny)
  console.log(
    `  ${'disk full windows'.padEnd(44)}  skipped (${WANT_DISK_FULL ? tmpfsUnavailable() : '--no-disk-full'})`,
  );
console.log(
  `\nledger (acknowledged): ${ledger.codes.size} codes (${ledger.creates} created, ${ledger.updates} renamed, ` +
    `${ledger.deletes} deleted), ${[...ledger.scans.values()].reduce((n, s) => n + s.answered, 0)} scans answered, ` +
    `${ledger.batches.size} batches completed and downloaded`,
);
console.log(
  `webhooks: ${deliveries.received} deliveries received (${deliveries.events.size} distinct events), ` +
    `${deliveries.badSignature} with a bad signature, ` +
    `${[...ledger.codes.keys()].filter((id) => !deliveries.createdCodes.has(id)).length} acknowledged creations not delivered yet`,
);
console.log(`restarts: ${faults.get('kill -9 + restart') ?? 0}; server peak RSS ${peakRssMiB.toFixed(0)} MiB`);
console.log(
  `integrity_check: ${integrity.length} checks, ${integrity.filter((l) => !l.endsWith(': ok')).length} failed`,
);
console.log(`unexpected answers: ${unexpected.length}`);
console.log(`DATA LOST: ${lost.length}`);
for (const line of lost.slice(0, 20)) console.log(`  ${line}`);

if (tiny) tiny.unmount();
else removeDir(root);
if (lost.length > 0 || unexpected.length > 0) exitCode ||= 1;
process.exit(exitCode);
