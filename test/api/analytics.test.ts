/**
 * The analytics API over real HTTP: per-code analytics and the overview (from
 * the hourly rollups, bucketed in a time zone), the raw scan list with its
 * cursor, and the streamed CSV export. Scans come from the real public
 * endpoint, or, for chosen times, from the real ScanRecorder.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ScanRecorder, type ScanToRecord } from '../../src-server/scans/recorder';
import { startTestServer, type TestServer } from '../helpers/server';
import { createCode, expectError, expectValidationError } from './support';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

interface Bucket {
  value: string | null;
  scans: number;
  uniqueScans: number;
}
interface Analytics {
  qrCodeId?: string;
  from: string;
  to: string;
  tz: string;
  granularity: string;
  totalScans: number;
  uniqueScans: number;
  uniqueCountries: number;
  uniqueCities: number;
  lastScannedAt: string | null;
  timeline: { date: string; scans: number; uniqueScans: number }[];
  byCountry: Bucket[];
  byCity: Bucket[];
  byDevice: Bucket[];
  byOs: Bucket[];
  byBrowser: Bucket[];
  byReferrer: Bucket[];
  byLanguage: Bucket[];
  byHourOfDay: { hour: number; scans: number; uniqueScans: number }[];
  topCodes?: { qrCodeId: string; name: string; scans: number; uniqueScans: number }[];
}
interface ScanBody {
  id: string;
  qrCodeId: string;
  scannedAt: string;
  city: string | null;
  referrer: string | null;
  isBot: boolean;
}

const BREAKDOWNS = ['byCountry', 'byCity', 'byDevice', 'byOs', 'byBrowser', 'byReferrer', 'byLanguage'] as const;
const sum = (list: { scans: number }[]) => list.reduce((n, b) => n + b.scans, 0);

describe('analytics API', () => {
  let ts: TestServer;
  let admin: string;
  let reader: string;
  let recorder: ScanRecorder;
  let visitor = 0;

  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey();
    reader = ts.createKey({ scopes: ['read'] });
    recorder = new ScanRecorder(ts.store);
  });
  after(async () => {
    await ts.stop();
  });

  const newCode = (name = 'analytics') =>
    createCode(ts, admin, { type: 'url', kind: 'dynamic', name, content: 'https://example.com/a' });

  /** Writes one scan through the real recorder (scan row, rollups, counters in one transaction). */
  async function record(qrCodeId: string, at: string | number, fields: Partial<ScanToRecord> = {}): Promise<void> {
    const done = recorder.record({
      qr_code_id: qrCodeId,
      scanned_at: typeof at === 'number' ? at : Date.parse(at),
      country: 'FR',
      city: null,
      latitude: null,
      longitude: null,
      device: 'mobile',
      os: 'iOS',
      browser: 'Safari',
      referrer: null,
      language: 'fr',
      is_bot: 0,
      visitorHash: `visitor-${++visitor}`,
      ...fields,
    });
    recorder.flush();
    await done;
  }

  async function analytics(id: string, query: string, key = reader): Promise<Analytics> {
    const res = await ts.api(`/api/v1/qrcodes/${id}/analytics?${query}`, { key });
    const text = await res.text();
    assert.equal(res.status, 200, text.slice(0, 500));
    return JSON.parse(text) as Analytics;
  }

  function assertConsistent(a: Analytics): void {
    for (const name of BREAKDOWNS) {
      assert.equal(sum(a[name]), a.totalScans, `${name} adds up to totalScans`);
      const unique = a[name].reduce((n, b) => n + b.uniqueScans, 0);
      assert.equal(unique, a.uniqueScans, `${name} unique adds up`);
      const counts = a[name].map((b) => b.scans);
      assert.deepEqual(
        counts,
        [...counts].sort((x, y) => y - x),
        `${name} sorted desc`,
      );
    }
    assert.equal(a.byHourOfDay.length, 24);
    assert.equal(sum(a.byHourOfDay), a.totalScans);
  }

  test('breakdowns over ranges with partial days at both ends match the scans in the range exactly', async () => {
    const code = await newCode('edges');
    const base = Date.parse('2026-03-10T00:00:00Z');
    const hours = [1, 4, 5, 6, 23, 24, 30, 47, 48, 49, 55, 70, 71, 72, 73];
    const devices = ['mobile', 'desktop', 'tablet'] as const;
    for (const [i, h] of hours.entries()) {
      await record(code.id, base + h * 3_600_000 + 60_000, { device: devices[i % 3]!, country: i % 4 ? 'FR' : null });
    }
    // 05:00 on day one to 07:00 on day four: leading hours, two whole days from the daily rollups, trailing hours.
    const from = new Date(base + 5 * 3_600_000).toISOString();
    const to = new Date(base + 79 * 3_600_000).toISOString();
    const a = await analytics(
      code.id,
      `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&granularity=hour`,
    );
    const inRange = hours.filter((h) => h >= 5 && h < 79);
    assert.equal(a.totalScans, inRange.length);
    assertConsistent(a);
    const mobile = a.byDevice.find((b) => b.value === 'mobile')?.scans ?? 0;
    assert.equal(mobile, inRange.filter((h) => hours.indexOf(h) % 3 === 0).length);
    const unknownCountry = a.byCountry.find((b) => b.value === null)?.scans ?? 0;
    assert.equal(unknownCountry, inRange.filter((h) => hours.indexOf(h) % 4 === 0).length);
  });

  test('scans through the public endpoint are counted, with device, OS, browser and uniqueness', async () => {
    const code = await newCode();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${ts.publicUrl}/r/${code.shortToken}`, {
        redirect: 'manual',
        headers: { 'User-Agent': IPHONE, 'Accept-Language': 'fr-FR,fr;q=0.9' },
      });
      assert.equal(res.status, 302);
      await res.arrayBuffer();
    }
    const a = await analytics(code.id, 'days=7');
    assert.equal(a.qrCodeId, code.id);
    assert.equal(a.totalScans, 3);
    assert.equal(a.uniqueScans, 1, 'the same phone is one unique visitor');
    assert.deepEqual(a.byDevice, [{ value: 'mobile', scans: 3, uniqueScans: 1 }]);
    assert.equal(a.byOs[0]!.scans, 3);
    assert.equal(a.byBrowser[0]!.scans, 3);
    assert.equal(a.timeline.length, 7);
    assert.equal(a.timeline.at(-1)!.date, new Date().toISOString().slice(0, 10));
    assert.equal(a.timeline.at(-1)!.scans, 3);
    assert.ok(a.lastScannedAt !== null && Date.now() - Date.parse(a.lastScannedAt) < 60_000);
    assertConsistent(a);
  });

  test('a scan at 23:30 UTC falls on the next day in Europe/Paris, and the same day in UTC', async () => {
    const code = await newCode();
    await record(code.id, '2026-01-10T23:30:00Z');
    const range = 'from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z';
    const paris = await analytics(code.id, `${range}&tz=Europe/Paris`);
    assert.equal(paris.tz, 'Europe/Paris');
    assert.deepEqual(
      paris.timeline.map((p) => [p.date, p.scans]),
      [
        ['2026-01-10', 0],
        ['2026-01-11', 1],
        ['2026-01-12', 0],
      ],
    );
    assert.equal(paris.byHourOfDay[0]!.scans, 1, '00:30 local');
    const utc = await analytics(code.id, range);
    assert.deepEqual(
      utc.timeline.map((p) => [p.date, p.scans]),
      [
        ['2026-01-10', 1],
        ['2026-01-11', 0],
      ],
    );
    assert.equal(utc.byHourOfDay[23]!.scans, 1);
    // Summer time: 22:30 UTC is already the next day in Paris (UTC+2).
    await record(code.id, '2026-07-10T22:30:00Z');
    const summer = await analytics(code.id, 'from=2026-07-10T00:00:00Z&to=2026-07-12T00:00:00Z&tz=Europe/Paris');
    assert.equal(summer.timeline.find((p) => p.scans === 1)?.date, '2026-07-11');
  });

  test('zones with half-hour offsets bucket by the exact local time (Asia/Kolkata)', async () => {
    const code = await newCode();
    await record(code.id, '2026-01-10T18:45:00Z'); // 00:15 on the 11th in India (UTC+5:30)
    await record(code.id, '2026-01-10T18:15:00Z'); // 23:45 on the 10th
    const a = await analytics(code.id, 'from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z&tz=Asia/Kolkata');
    const byDate = Object.fromEntries(a.timeline.map((p) => [p.date, p.scans]));
    assert.equal(byDate['2026-01-10'], 1);
    assert.equal(byDate['2026-01-11'], 1);
    assert.equal(a.byHourOfDay[0]!.scans, 1);
    assert.equal(a.byHourOfDay[23]!.scans, 1);
    assertConsistent(a);
    const nepal = await analytics(code.id, 'from=2026-01-10T00:00:00Z&to=2026-01-12T00:00:00Z&tz=Asia/Kathmandu');
    assert.equal(nepal.byHourOfDay[0]!.scans, 2, '00:00 and 00:30 in Nepal (UTC+5:45)');
  });

  test('timelines are zero-filled with the right number of periods', async () => {
    const code = await newCode();
    await record(code.id, Date.now());
    for (const days of [1, 7, 30, 365]) {
      const a = await analytics(code.id, `days=${days}`);
      assert.equal(a.timeline.length, days, `days=${days}`);
      assert.equal(a.totalScans, 1);
      assert.equal(sum(a.timeline), 1);
    }
    const dflt = await analytics(code.id, '');
    assert.equal(dflt.timeline.length, 30, 'default 30 days');
    assert.equal(dflt.granularity, 'day');
    assert.equal(dflt.tz, 'UTC');
    const paris = await analytics(code.id, 'days=7&tz=Europe/Paris');
    assert.equal(paris.timeline.length, 7);

    await record(code.id, '2026-01-10T05:10:00Z');
    const hours = await analytics(code.id, 'from=2026-01-10T00:00:00Z&to=2026-01-11T00:00:00Z&granularity=hour');
    assert.equal(hours.timeline.length, 24);
    assert.equal(hours.timeline[0]!.date, '2026-01-10T00:00');
    assert.deepEqual(hours.timeline[5], { date: '2026-01-10T05:00', scans: 1, uniqueScans: 1 });
    assert.equal(sum(hours.timeline), 1);

    const weeks = await analytics(code.id, 'from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&granularity=week');
    assert.deepEqual(
      weeks.timeline.map((p) => p.date),
      ['2025-12-29', '2026-01-05', '2026-01-12', '2026-01-19', '2026-01-26'],
      'ISO weeks start on Monday',
    );
    assert.equal(weeks.timeline[1]!.scans, 1);

    const months = await analytics(code.id, 'from=2025-11-15T00:00:00Z&to=2026-02-10T00:00:00Z&granularity=month');
    assert.deepEqual(
      months.timeline.map((p) => [p.date, p.scans]),
      [
        ['2025-11', 0],
        ['2025-12', 0],
        ['2026-01', 1],
        ['2026-02', 0],
      ],
    );
  });

  test('breakdowns add up to totalScans with an unknown bucket; bots only with includeBots', async () => {
    const code = await newCode();
    const at = '2026-03-03T10:00:00Z';
    await record(code.id, at, { country: 'FR', city: 'Paris', referrer: 'news.example', visitorHash: 'v1' });
    await record(code.id, at, { country: 'FR', city: 'Lyon', visitorHash: 'v1' });
    await record(code.id, at, { country: 'DE', city: 'Berlin', device: 'desktop', os: 'Windows', visitorHash: 'v2' });
    await record(code.id, at, {
      country: null,
      city: null,
      os: null,
      browser: null,
      language: null,
      visitorHash: 'v3',
    });
    await record(code.id, at, { is_bot: 1, country: 'US', device: 'other', os: null, browser: null, visitorHash: 'b' });
    const range = 'from=2026-03-03T00:00:00Z&to=2026-03-04T00:00:00Z';
    const a = await analytics(code.id, range);
    assert.equal(a.totalScans, 4);
    assert.equal(a.uniqueScans, 3);
    assert.equal(a.uniqueCountries, 2);
    assert.equal(a.uniqueCities, 3);
    assert.deepEqual(a.byCountry, [
      { value: 'FR', scans: 2, uniqueScans: 1 },
      { value: 'DE', scans: 1, uniqueScans: 1 },
      { value: null, scans: 1, uniqueScans: 1 },
    ]);
    assert.deepEqual(a.byReferrer, [
      { value: null, scans: 3, uniqueScans: 2 },
      { value: 'news.example', scans: 1, uniqueScans: 1 },
    ]);
    assert.equal(a.byHourOfDay[10]!.scans, 4);
    assertConsistent(a);

    const withBots = await analytics(code.id, `${range}&includeBots=true`);
    assert.equal(withBots.totalScans, 5);
    assert.equal(withBots.uniqueScans, 3, 'bots are never unique');
    assert.equal(withBots.uniqueCountries, 3);
    assert.ok(withBots.byDevice.some((b) => b.value === 'other' && b.scans === 1));
    assertConsistent(withBots);
    const noBots = await analytics(code.id, `${range}&includeBots=false`);
    assert.equal(noBots.totalScans, 4);
  });

  test('a code in the trash keeps its analytics; an unknown id is 404', async () => {
    const code = await newCode();
    await record(code.id, '2026-03-05T10:00:00Z');
    const del = await ts.api(`/api/v1/qrcodes/${code.id}`, { method: 'DELETE', key: admin });
    assert.equal(del.status, 200);
    const a = await analytics(code.id, 'from=2026-03-05T00:00:00Z&to=2026-03-06T00:00:00Z');
    assert.equal(a.totalScans, 1);
    await expectError(await ts.api('/api/v1/qrcodes/nope/analytics', { key: reader }), 404, 'NOT_FOUND');
    await expectError(await ts.api('/api/v1/qrcodes/nope/scans', { key: reader }), 404, 'NOT_FOUND');
    await expectError(await ts.api('/api/v1/qrcodes/nope/scans?format=csv', { key: reader }), 404, 'NOT_FOUND');
  });

  test('the overview sums every code not in the trash, with top codes', async () => {
    const busy = await newCode('busy');
    const quiet = await newCode('quiet');
    const trashed = await newCode('trashed');
    const at = '2025-06-15T12:00:00Z';
    for (let i = 0; i < 3; i++) await record(busy.id, at);
    await record(quiet.id, at, { country: null });
    await record(trashed.id, at);
    await record(quiet.id, at, { is_bot: 1 });
    await ts.api(`/api/v1/qrcodes/${trashed.id}`, { method: 'DELETE', key: admin });
    const res = await ts.api('/api/v1/analytics/overview?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z', {
      key: reader,
    });
    assert.equal(res.status, 200);
    const o = (await res.json()) as Analytics;
    assert.equal(o.totalScans, 4);
    assert.equal(o.timeline.length, 30);
    assert.deepEqual(
      o.topCodes!.map((c) => [c.name, c.scans]),
      [
        ['busy', 3],
        ['quiet', 1],
      ],
    );
    assert.deepEqual(o.byCountry, [
      { value: 'FR', scans: 3, uniqueScans: 3 },
      { value: null, scans: 1, uniqueScans: 1 },
    ]);
    assertConsistent(o);
    const bots = (await (
      await ts.api('/api/v1/analytics/overview?from=2025-06-01T00:00:00Z&to=2025-07-01T00:00:00Z&includeBots=true', {
        key: reader,
      })
    ).json()) as Analytics;
    assert.equal(bots.totalScans, 5);
    assert.deepEqual(
      bots.topCodes!.map((c) => [c.name, c.scans]),
      [
        ['busy', 3],
        ['quiet', 2],
      ],
    );
    assert.ok(bots.lastScannedAt !== null);
  });

  test('bad parameters are 400 VALIDATION_ERROR naming the parameter', async () => {
    const code = await newCode();
    const cases: [string, string][] = [
      ['days=0', 'days'],
      ['days=366', 'days'],
      ['days=abc', 'days'],
      ['days=7&from=2026-01-01T00:00:00Z', 'days'],
      ['tz=Mars/Olympus', 'tz'],
      ['granularity=year', 'granularity'],
      ['from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['from=yesterday', 'from'],
      ['includeBots=yes', 'includeBots'],
    ];
    for (const [query, param] of cases) {
      await expectValidationError(
        await ts.api(`/api/v1/qrcodes/${code.id}/analytics?${query}`, { key: reader }),
        param,
      );
      await expectValidationError(await ts.api(`/api/v1/analytics/overview?${query}`, { key: reader }), param);
    }
    await expectValidationError(await ts.api(`/api/v1/qrcodes/${code.id}/scans?limit=501`, { key: reader }), 'limit');
    await expectValidationError(await ts.api(`/api/v1/qrcodes/${code.id}/scans?limit=0`, { key: reader }), 'limit');
    await expectValidationError(await ts.api(`/api/v1/qrcodes/${code.id}/scans?format=xml`, { key: reader }), 'format');
  });

  test('a read key is enough; no key is 401', async () => {
    const code = await newCode();
    for (const path of [
      `/api/v1/qrcodes/${code.id}/analytics`,
      '/api/v1/analytics/overview',
      `/api/v1/qrcodes/${code.id}/scans`,
    ]) {
      await expectError(await ts.api(path), 401, 'UNAUTHORIZED');
      assert.equal((await ts.api(path, { key: reader })).status, 200, path);
    }
  });

  test('raw scans: newest first, cursor walk, since/until, bots, malformed cursor', async () => {
    const code = await newCode();
    const base = Date.parse('2026-04-01T00:00:00Z');
    // Two scans share each timestamp, so the cursor has to break ties on id.
    for (let i = 0; i < 10; i++) await record(code.id, base + Math.floor(i / 2) * 60_000);
    await record(code.id, base + 30 * 60_000, { is_bot: 1 });
    const seen: ScanBody[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await ts.api(
        `/api/v1/qrcodes/${code.id}/scans?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: reader },
      );
      assert.equal(res.status, 200);
      const page = (await res.json()) as { data: ScanBody[]; nextCursor: string | null };
      assert.ok(page.data.length <= 3);
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== null);
    assert.equal(seen.length, 10);
    assert.equal(pages, 4);
    assert.equal(new Set(seen.map((s) => s.id)).size, 10, 'no scan twice');
    const order = seen.map((s) => [Date.parse(s.scannedAt), Number(s.id)] as const);
    for (let i = 1; i < order.length; i++) {
      const [t0, id0] = order[i - 1]!;
      const [t1, id1] = order[i]!;
      assert.ok(t0 > t1 || (t0 === t1 && id0 > id1), 'newest first, then id desc');
    }
    assert.ok(seen.every((s) => !s.isBot && s.qrCodeId === code.id));

    const all = (await (
      await ts.api(`/api/v1/qrcodes/${code.id}/scans?includeBots=true&limit=500`, { key: reader })
    ).json()) as { data: ScanBody[]; nextCursor: string | null };
    assert.equal(all.data.length, 11);
    assert.equal(all.nextCursor, null);
    assert.equal(all.data[0]!.isBot, true);

    const since = new Date(base + 2 * 60_000).toISOString();
    const until = new Date(base + 4 * 60_000).toISOString();
    const window = (await (
      await ts.api(`/api/v1/qrcodes/${code.id}/scans?since=${since}&until=${until}`, { key: reader })
    ).json()) as { data: ScanBody[] };
    assert.equal(window.data.length, 4, 'since inclusive, until exclusive');

    for (const bad of ['not*base64', 'abc', Buffer.from('[1,"x"]').toString('base64url'), 'W10']) {
      await expectError(
        await ts.api(`/api/v1/qrcodes/${code.id}/scans?cursor=${bad}`, { key: reader }),
        400,
        'INVALID_CURSOR',
      );
    }
  });

  test('CSV export: streamed attachment, RFC 4180 quoting, formula injection neutralised', async () => {
    const code = await newCode();
    const at = '2026-05-01T08:00:00Z';
    await record(code.id, at, { city: 'Paris, "Centre"\nNord', referrer: '=HYPERLINK("http://evil")' });
    await record(code.id, at, { city: '-2+3', referrer: '@SUM(A1)', language: '+cmd' });
    await record(code.id, at, { is_bot: 1, city: 'BotTown' });
    for (let i = 0; i < 1_200; i++) await record(code.id, Date.parse(at) - i * 1000, { visitorHash: 'same' });

    const res = await ts.api(`/api/v1/qrcodes/${code.id}/scans?format=csv&limit=1`, { key: reader });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="qrdesk-scans-.*\.csv"$/);
    const csv = await res.text();
    const lines = csv.split('\r\n');
    assert.equal(
      lines[0],
      'id,qrCodeId,scannedAt,country,city,latitude,longitude,device,os,browser,referrer,language,isBot,isUnique',
    );
    assert.equal(lines.at(-1), '', 'ends with CRLF');
    // Every scan but the bot, not paginated (the quoted newline is a bare LF, records end in CRLF).
    assert.equal(lines.length - 2, 1_202);
    assert.ok(csv.includes('"Paris, ""Centre""\nNord"'), 'commas, quotes and newlines quoted');
    assert.ok(csv.includes(`"'=HYPERLINK(""http://evil"")"`), 'a formula gets an apostrophe');
    assert.ok(csv.includes(`,'-2+3,`), 'leading minus neutralised');
    assert.ok(csv.includes(`,'@SUM(A1),'+cmd,`), 'leading @ and + neutralised');
    assert.ok(!csv.includes('BotTown'), 'bots left out by default');
    assert.ok(!/(^|,)[=+@]/m.test(csv.replace(/"[^"]*(?:""[^"]*)*"/g, '')), 'no unquoted cell starts a formula');

    const withBots = await (
      await ts.api(`/api/v1/qrcodes/${code.id}/scans?format=csv&includeBots=true&since=${at}`, { key: reader })
    ).text();
    assert.ok(withBots.includes('BotTown'));
    assert.ok(withBots.includes(',true,false\r\n'), 'booleans as true/false');
  });
});
