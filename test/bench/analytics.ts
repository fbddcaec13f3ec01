// Analytics for one code over 1,000,000 scans (issue 5 target: p95 <= 50 ms).
// The scans are written through the real scan recorder (the same code path as
// a redirect, minus HTTP), spread over the last year; the analytics are then
// read over real HTTP on 127.0.0.1.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ScanRecorder } from '../../src-server/scans/recorder';
import { startServer } from '../../src-server/server';
import { median, percentile, report, round, type BenchResult } from './lib/results';

const SCANS = 1_000_000;
const SAMPLES = 100;
const YEAR_MS = 365 * 86_400_000;

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-bench-analytics-'));
const server = await startServer({ dataDir, apiPort: 0, publicPort: 0, uiDir: path.join(dataDir, 'no-ui') });
try {
  const key = server.services.apiKeys.create({
    name: 'bench',
    scopes: ['read'],
    rateLimitPerMinute: 1_000_000,
    dailyLimit: null,
    expiresAt: null,
  }).key;
  const code = await server.services.qrCodes.create({
    type: 'url',
    kind: 'dynamic',
    content: 'https://example.com/menu',
  } as never);

  // Seed: a deterministic mix of devices, countries and languages, newest last.
  const recorder = new ScanRecorder(server.store);
  const devices = ['mobile', 'mobile', 'mobile', 'tablet', 'desktop', 'other'];
  const countries = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'BE', null];
  const now = Date.now();
  const seedStart = performance.now();
  for (let i = 0; i < SCANS; i++) {
    void recorder.record({
      qr_code_id: code.id,
      scanned_at: now - YEAR_MS + Math.floor((i / SCANS) * YEAR_MS),
      country: countries[i % countries.length]!,
      city: null,
      latitude: null,
      longitude: null,
      device: devices[i % devices.length]!,
      os: i % 2 ? 'iOS' : 'Android',
      browser: i % 2 ? 'Mobile Safari' : 'Chrome',
      referrer: i % 5 === 0 ? 'instagram.com' : null,
      language: i % 3 ? 'fr-FR' : 'en-US',
      is_bot: i % 50 === 0 ? 1 : 0,
      visitorHash: `v${i % 200_000}`,
    });
    if (i % 10_000 === 9_999) recorder.flush();
  }
  recorder.flush();
  const seedSeconds = (performance.now() - seedStart) / 1000;

  const headers = { Authorization: `Bearer ${key}` };
  async function time(query: string): Promise<number[]> {
    const url = `${server.apiUrl}/api/v1/qrcodes/${code.id}/analytics?${query}`;
    const run = async () => {
      const res = await fetch(url, { headers });
      if (res.status !== 200) throw new Error(`${query}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    for (let i = 0; i < 10; i++) await run();
    const out: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const t = performance.now();
      await run();
      out.push(performance.now() - t);
    }
    return out;
  }
  const d30 = await time('days=30');
  const d365 = await time('days=365&tz=Europe%2FParis');
  const hourly = await time('days=7&granularity=hour&tz=Europe%2FParis');
  const kolkata = await time('days=30&tz=Asia%2FKolkata');

  const p95 = (xs: number[]) => round(percentile(xs, 95), 1);
  const result: BenchResult = {
    bench: 'analytics',
    metrics: [
      { what: 'analytics, 30 days, 1M scans, p95', value: p95(d30), unit: 'ms', target: { op: '<=', value: 50 } },
      {
        what: 'analytics, 365 days in Europe/Paris, p95',
        value: p95(d365),
        unit: 'ms',
        target: { op: '<=', value: 50 },
      },
      { what: 'analytics, 7 days hourly, p95', value: p95(hourly), unit: 'ms', target: { op: '<=', value: 50 } },
      { what: 'analytics, 30 days in Asia/Kolkata (raw rows), p95', value: p95(kolkata), unit: 'ms' },
      { what: 'analytics, 30 days, median', value: round(median(d30), 1), unit: 'ms' },
      { what: 'seed 1,000,000 scans through the recorder', value: round(seedSeconds, 1), unit: 's' },
    ],
    peers: [],
    notes: [
      `${SAMPLES} sequential requests per measure after 10 warm-up ones, one code with ${SCANS} scans over a year`,
      `node ${process.versions.node}, ${os.availableParallelism()} CPUs`,
    ],
  };
  report(result);
} finally {
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
