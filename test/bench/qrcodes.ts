// QR code API speed, as a script sees it: real server, real SQLite file, real
// HTTP on 127.0.0.1. Targets (DESIGN.md and issue 3): listing 50 codes out of
// 100,000 p95 ≤ 5 ms; creating a code p95 ≤ 5 ms. Reference measured in the
// same run: the bare SQLite query behind a list page, through better-sqlite3.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { startServer } from '../../src-server/server';
import { median, percentile, report, round, type BenchResult } from './lib/results';

const TOTAL = 100_000;
const SAMPLES = 500;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-bench-qrcodes-'));
const server = await startServer({ dataDir, apiPort: 0, publicPort: 0, uiDir: path.join(dataDir, 'no-ui') });
try {
  const key = server.services.apiKeys.create({
    name: 'bench',
    scopes: ['write'],
    rateLimitPerMinute: 1_000_000,
    dailyLimit: null,
    expiresAt: null,
  }).key;
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };

  // Seed through the real service, 100 at a time as the bulk endpoint does.
  const seedStart = performance.now();
  const types = ['url', 'text', 'phone'] as const;
  for (let batch = 0; batch < TOTAL / 100; batch++) {
    const items = Array.from({ length: 100 }, (_, i) => {
      const n = batch * 100 + i;
      const type = types[n % 3]!;
      const content =
        type === 'url'
          ? `https://example.com/item/${n}`
          : type === 'text'
            ? `Item ${n} — café ☕`
            : `+4930${1000000 + n}`;
      return { type, content, tags: n % 10 === 0 ? ['promo'] : [], isFavorite: n % 100 === 0 };
    });
    const result = await server.services.qrCodes.createMany(items);
    if (result.failed) throw new Error(`seeding failed: ${JSON.stringify(result.results.find((r) => r.error))}`);
  }
  const seedSeconds = (performance.now() - seedStart) / 1000;

  async function time(samples: number, fn: (i: number) => Promise<void>): Promise<number[]> {
    for (let i = 0; i < 50; i++) await fn(i); // warm-up
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t = performance.now();
      await fn(i);
      out.push(performance.now() - t);
    }
    return out;
  }

  const list = (query: string) => async () => {
    const res = await fetch(`${server.apiUrl}/api/v1/qrcodes?${query}`, { headers });
    if (res.status !== 200) throw new Error(`list ${query}: ${res.status}`);
    const body = (await res.json()) as { data: unknown[] };
    if (body.data.length !== 50) throw new Error(`list ${query}: ${body.data.length} items`);
  };
  const firstPage = await time(SAMPLES, list('limit=50'));
  const deep = (await (await fetch(`${server.apiUrl}/api/v1/qrcodes?limit=200`, { headers })).json()) as {
    nextCursor: string;
  };
  const cursorPage = await time(SAMPLES, list(`limit=50&cursor=${deep.nextCursor}`));
  const filtered = await time(SAMPLES, list('limit=50&type=url&tag=promo'));
  const favourites = await time(SAMPLES, list('limit=50&favorite=true'));

  const create = await time(SAMPLES, async (i) => {
    const res = await fetch(`${server.apiUrl}/api/v1/qrcodes`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ type: 'url', content: `https://example.com/new/${i}`, name: `New ${i}` }),
    });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });

  // Reference: the same first-page query straight through better-sqlite3, no HTTP, no JSON mapping.
  const db = new Database(path.join(dataDir, 'qrdesk.db'), { readonly: true });
  const stmt = db.prepare('SELECT * FROM qr_codes WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT 51');
  const bare = await time(SAMPLES, async () => {
    stmt.all();
  });
  db.close();

  const p95 = (xs: number[]) => round(percentile(xs, 95), 2);
  const result: BenchResult = {
    bench: 'qrcodes',
    metrics: [
      {
        what: 'list 50 of 100,000, first page, p95',
        value: p95(firstPage),
        unit: 'ms',
        target: { op: '<=', value: 5 },
      },
      {
        what: 'list 50 of 100,000, by cursor, p95',
        value: p95(cursorPage),
        unit: 'ms',
        target: { op: '<=', value: 5 },
      },
      { what: 'list 50, type + tag filter, p95', value: p95(filtered), unit: 'ms' },
      { what: 'list 50 favourites (1 in 100), p95', value: p95(favourites), unit: 'ms' },
      { what: 'create a code, p95', value: p95(create), unit: 'ms', target: { op: '<=', value: 5 } },
      { what: 'create a code, median', value: round(median(create), 2), unit: 'ms' },
      { what: 'seed 100,000 codes through the service', value: round(seedSeconds, 1), unit: 's' },
    ],
    peers: [
      {
        what: 'first page, median',
        peer: 'bare better-sqlite3 query',
        peerValue: round(median(bare), 3),
        oursValue: round(median(firstPage), 3),
        unit: 'ms',
        ratio: round(median(firstPage) / median(bare), 1),
      },
    ],
    notes: [
      `${SAMPLES} sequential requests per measure after 50 warm-up ones, one keep-alive connection, 127.0.0.1`,
      `node ${process.versions.node}, ${os.availableParallelism()} CPUs`,
    ],
  };
  report(result);
} finally {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
