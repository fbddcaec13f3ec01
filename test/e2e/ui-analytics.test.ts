import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Download, Page } from 'playwright-core';
import type { QrCode } from '../../src-shared/schemas/qrcodes';
import { navigate, screenshot, seriousA11yViolations, UiHarness } from '../helpers/ui';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';

interface Visit {
  ua: string;
  /** The client address the (trusted) proxy reports: picks the country from the bundled database. */
  ip: string;
  language?: string;
  referer?: string;
}

async function downloadText(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [download] = (await Promise.all([page.waitForEvent('download'), click()])) as [Download, void];
  const file = await download.path();
  return { name: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** RFC 4180 records (quoted cells may hold commas; none of ours hold line breaks). */
function csvRows(text: string): string[][] {
  return text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const ch = line[i]!;
        if (quoted) {
          if (ch === '"' && line[i + 1] === '"') {
            cell += '"';
            i++;
          } else if (ch === '"') quoted = false;
          else cell += ch;
        } else if (ch === '"') quoted = true;
        else if (ch === ',') {
          cells.push(cell);
          cell = '';
        } else cell += ch;
      }
      cells.push(cell);
      return cells;
    });
}

describe('analytics page', () => {
  let h: UiHarness;
  let menu: QrCode;
  let flyer: QrCode;
  let unscanned: QrCode;
  let plain: QrCode;

  const createCode = async (body: object): Promise<QrCode> => {
    const res = await h.api('/api/v1/qrcodes', { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as QrCode;
  };

  const scan = async (code: QrCode, visit: Visit) => {
    const headers: Record<string, string> = { 'User-Agent': visit.ua, 'X-Forwarded-For': visit.ip };
    if (visit.language) headers['Accept-Language'] = visit.language;
    if (visit.referer) headers.Referer = visit.referer;
    const res = await fetch(`${h.publicUrl}/r/${code.shortToken}`, { redirect: 'manual', headers });
    assert.equal(res.status, 302);
    await res.arrayBuffer();
  };

  const totalScans = async (code: QrCode) => {
    const res = await h.api(`/api/v1/qrcodes/${code.id}/analytics?includeBots=true`);
    return ((await res.json()) as { totalScans: number }).totalScans;
  };

  before(async () => {
    h = await UiHarness.start();
    // As behind a reverse proxy: the address it forwards gives each scan a country.
    const settings = await h.api('/api/v1/settings', {
      method: 'PATCH',
      body: JSON.stringify({ trustProxy: 'x-forwarded-for' }),
    });
    assert.equal(settings.status, 200, await settings.clone().text());

    menu = await createCode({ name: 'Café menu', kind: 'dynamic', type: 'url', content: 'https://example.com/menu' });
    // A name a spreadsheet would run as a formula: the summary CSV must neutralise it.
    flyer = await createCode({ name: '+33 flyer', kind: 'dynamic', type: 'url', content: 'https://example.com/flyer' });
    unscanned = await createCode({
      name: 'Window sticker',
      kind: 'dynamic',
      type: 'url',
      content: 'https://example.com/window',
    });
    plain = await createCode({ name: 'Wi-Fi card', type: 'text', content: 'Hello' });

    await scan(menu, {
      ua: IPHONE,
      ip: '90.1.1.1',
      language: 'fr-FR,fr;q=0.9',
      referer: 'https://www.instagram.com/p/1',
    });
    await scan(menu, { ua: ANDROID, ip: '77.1.1.1', language: 'de-DE,de;q=0.8' });
    await scan(menu, { ua: FIREFOX, ip: '8.8.8.8', language: 'en-US,en;q=0.5', referer: 'https://news.example.org/a' });
    await scan(menu, { ua: GOOGLEBOT, ip: '8.8.8.8' });
    await scan(flyer, { ua: IPHONE, ip: '133.1.1.1', language: 'ja-JP' });

    // Scans are written just after the redirect is answered.
    for (let i = 0; i < 50 && ((await totalScans(menu)) < 4 || (await totalScans(flyer)) < 1); i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await totalScans(menu), 4);
  });

  after(async () => {
    await h?.stop();
  });

  it("shows one code's scans, bots on demand, devices, countries and the timeline; exports its scans", async () => {
    const ui = await h.open({ theme: 'light', path: `/analytics/${menu.id}` });
    const { page } = ui;
    await page.getByRole('heading', { level: 1, name: 'Café menu' }).waitFor();

    // Bots are left out by default.
    const scans = page.getByTestId('kpi-scans');
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '3');
    assert.equal(await page.getByTestId('kpi-unique').innerText(), '3');
    assert.equal(await page.getByTestId('kpi-bots').innerText(), '1');
    assert.equal(await page.getByTestId('kpi-countries').innerText(), '3');

    // Devices: two phones and one desktop (the table behind the chart, and the chart's own labels).
    const devices = page.getByRole('table', { name: 'Devices' });
    const deviceRows = await devices.locator('tbody tr').allInnerTexts();
    assert.ok(
      deviceRows.some((r) => /Mobile\s+2\b/.test(r)),
      deviceRows.join(' | '),
    );
    assert.ok(
      deviceRows.some((r) => /Desktop\s+1\b/.test(r)),
      deviceRows.join(' | '),
    );
    const deviceChart = page.getByTestId('breakdown-device').locator('svg[role="img"]');
    assert.match((await deviceChart.getAttribute('aria-label')) ?? '', /Mobile 2 .*Desktop 1/);

    // The timeline is drawn (recharts SVG with its area path) and summarised for screen readers.
    const timeline = page.getByTestId('timeline').locator('svg[role="img"]');
    await timeline.waitFor();
    assert.match((await timeline.getAttribute('aria-label')) ?? '', /^3 scans,/);
    assert.ok((await page.getByTestId('timeline').locator('.recharts-area-area').count()) >= 1);

    // Countries by name with flags, and the map coloured where the scans came from.
    const countries = page.getByRole('table', { name: 'Countries' });
    for (const name of ['France', 'Germany', 'United States']) {
      await countries.getByRole('rowheader', { name }).waitFor();
    }
    assert.equal(await countries.locator('svg.analytics-flag').count(), 3);
    const fr = page.locator('[data-testid="world-map"] path[data-country="FR"]');
    const jp = page.locator('[data-testid="world-map"] path[data-country="JP"]');
    assert.equal(await fr.getAttribute('data-scans'), '1');
    assert.notEqual(await fr.getAttribute('fill'), await jp.getAttribute('fill'));
    assert.match((await fr.locator('title').textContent()) ?? '', /France: 1 scan/);

    await screenshot(page, 'analytics-code-light');
    assert.deepEqual(await seriousA11yViolations(page), []);
    // The smallest window the app supports.
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'analytics-code-1024-light');
    await page.setViewportSize({ width: 1280, height: 800 });

    // Bots included: the toggle is kept in the URL.
    await page.getByRole('switch', { name: 'Include bots' }).check();
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '4');
    assert.equal(await scans.innerText(), '4');
    assert.equal(new URL(page.url()).searchParams.get('bots'), 'true');
    assert.ok((await devices.locator('tbody tr').allInnerTexts()).some((r) => /Other\s+1\b/.test(r)));

    // The last 7 days: one period per day.
    await page.getByRole('radio', { name: '7 days' }).check();
    await page.waitForFunction(() => new URL(location.href).searchParams.get('range') === '7');
    const periods = page.getByRole('table', { name: 'Scans over time' }).locator('tbody tr');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="timeline"] table tbody tr').length === 7);
    assert.equal(await periods.count(), 7);
    assert.equal(await scans.innerText(), '4');
    assert.equal(await page.getByLabel('Group by').inputValue(), 'day');

    // The raw scans of the range, bots included as shown.
    const csv = await downloadText(page, () => page.getByRole('button', { name: 'Export scans (CSV)' }).click());
    assert.match(csv.name, /^qrdesk-scans-.*\.csv$/);
    const rows = csvRows(csv.text);
    assert.equal(rows[0]![0], 'id');
    assert.equal(rows.length, 1 + 4, csv.text);
    const header = rows[0]!;
    const col = (name: string) => header.indexOf(name);
    const devicesInCsv = rows.slice(1).map((r) => r[col('device')]);
    assert.deepEqual(devicesInCsv.sort(), ['desktop', 'mobile', 'mobile', 'other']);
    assert.deepEqual(
      rows
        .slice(1)
        .map((r) => r[col('country')])
        .sort(),
      ['DE', 'FR', 'US', 'US'],
    );
    assert.equal(rows.slice(1).filter((r) => r[col('isBot')] === 'true').length, 1);

    // Custom dates are checked next to the fields before anything is asked.
    await page.getByRole('radio', { name: 'Custom' }).check();
    const custom = page.getByRole('form', { name: 'Custom period' });
    await custom.getByLabel('From').fill('2026-03-10');
    await custom.getByLabel('To').fill('2026-03-01');
    await custom.getByRole('button', { name: 'Apply' }).click();
    await custom.getByText('The first day must be on or before the last day.').waitFor();
    assert.equal(await custom.getByLabel('From').getAttribute('aria-invalid'), 'true');
    assert.equal(new URL(page.url()).searchParams.get('range'), '7');
    await screenshot(page, 'analytics-custom-range-light');

    // A valid custom period before any scan: the empty state offers a way out.
    const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
    await custom.getByLabel('From').fill(day(60));
    await custom.getByLabel('To').fill(day(40));
    await custom.getByRole('button', { name: 'Apply' }).click();
    await page.getByTestId('empty-range').getByRole('heading', { name: 'No scans in this period' }).waitFor();
    const url = new URL(page.url());
    assert.deepEqual(
      [url.searchParams.get('range'), url.searchParams.get('from'), url.searchParams.get('to')],
      ['custom', day(60), day(40)],
    );
    assert.equal(await scans.innerText(), '0');
    await page.getByRole('button', { name: 'Show the last 90 days' }).click();
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '4');
    assert.equal(await page.getByRole('radio', { name: '90 days' }).isChecked(), true);

    ui.assertClean();
    await ui.context.close();
  });

  it('looks right and stays accessible in the dark theme', async () => {
    const ui = await h.open({ theme: 'dark', path: `/analytics/${menu.id}` });
    const { page } = ui;
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '3');
    await page.getByTestId('timeline').locator('svg[role="img"]').waitFor();
    // The charts read the dark tokens: the area is drawn in the dark accent.
    const stroke = await page.getByTestId('timeline').locator('.recharts-area-curve').first().getAttribute('stroke');
    assert.equal(stroke?.toLowerCase(), '#8b8cf8');
    await screenshot(page, 'analytics-code-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);
    ui.assertClean();
    await ui.context.close();
  });

  it('gives the overview with top codes, a code search and a formula-safe summary CSV', async () => {
    const ui = await h.open({ theme: 'light', path: '/analytics' });
    const { page } = ui;
    await page.getByRole('heading', { level: 1, name: 'Analytics' }).waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '4');

    const top = page.getByRole('table', { name: 'Top codes' });
    const menuRow = top.getByRole('row').filter({ hasText: 'Café menu' });
    assert.match(await menuRow.innerText(), /Café menu\s+3\s+3/);
    await top.getByRole('link', { name: '+33 flyer' }).waitFor();
    assert.equal(await top.getByRole('link', { name: 'Window sticker' }).count(), 0);
    await page.getByRole('table', { name: 'Countries' }).getByRole('rowheader', { name: 'Japan' }).waitFor();

    await screenshot(page, 'analytics-overview-light');
    assert.deepEqual(await seriousA11yViolations(page), []);

    const csv = await downloadText(page, () => page.getByRole('button', { name: 'Export summary (CSV)' }).click());
    assert.match(csv.name, /^qrdesk-analytics-\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = csvRows(csv.text);
    assert.deepEqual(rows[0], ['section', 'value', 'label', 'scans', 'uniqueScans']);
    assert.deepEqual(rows.find((r) => r[0] === 'total')?.slice(3), ['4', '4']);
    assert.deepEqual(rows.find((r) => r[0] === 'topCode' && r[1] === menu.id)?.slice(2), ['Café menu', '3', '3']);
    // "+33 flyer" would be a formula in a spreadsheet: it is written as text.
    assert.deepEqual(rows.find((r) => r[0] === 'topCode' && r[1] === flyer.id)?.slice(2), ["'+33 flyer", '1', '1']);
    assert.deepEqual(rows.find((r) => r[0] === 'device' && r[1] === 'mobile')?.slice(2), ['Mobile', '3', '3']);
    assert.deepEqual(rows.find((r) => r[0] === 'country' && r[1] === 'JP')?.slice(2), ['Japan', '1', '1']);
    assert.equal(rows.filter((r) => r[0] === 'hourOfDay').length, 24);
    assert.equal(
      rows.filter((r) => r[0] === 'timeline').reduce((s, r) => s + Number(r[3]), 0),
      4,
    );

    // Pick a code with the keyboard in the searchable select.
    const picker = page.getByRole('combobox', { name: 'Code' });
    await picker.fill('flyer');
    await page.getByRole('option', { name: /\+33 flyer/ }).waitFor();
    assert.equal(await page.getByRole('option', { name: /Café menu/ }).count(), 0);
    await screenshot(page, 'analytics-picker-light');
    await picker.press('ArrowDown');
    await picker.press('Enter');
    await page.getByRole('heading', { level: 1, name: '+33 flyer' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/analytics/${flyer.id}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '1');

    // Back to the overview, then a top code's link keeps the range.
    await page.getByRole('link', { name: 'All codes' }).click();
    await page.getByRole('radio', { name: '90 days' }).check();
    await page.getByRole('table', { name: 'Top codes' }).getByRole('link', { name: 'Café menu' }).click();
    await page.getByRole('heading', { level: 1, name: 'Café menu' }).waitFor();
    assert.equal(new URL(page.url()).searchParams.get('range'), '90');
    assert.equal(await page.getByRole('radio', { name: '90 days' }).isChecked(), true);

    ui.assertClean();
    await ui.context.close();
  });

  it('shows the overview in the dark theme', async () => {
    const ui = await h.open({ theme: 'dark', path: '/analytics' });
    const { page } = ui;
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '4');
    await page.getByRole('table', { name: 'Top codes' }).waitFor();
    await screenshot(page, 'analytics-overview-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);
    ui.assertClean();
    await ui.context.close();
  });

  it('explains codes with no scans yet and static codes, in English and French', async () => {
    const ui = await h.open({ theme: 'light', path: `/analytics/${unscanned.id}` });
    const { page } = ui;
    const empty = page.getByTestId('empty-no-scans');
    await empty.getByRole('heading', { name: 'No scans yet' }).waitFor();
    await empty.getByText(unscanned.shortUrl!).waitFor();
    assert.equal(await empty.getByRole('link', { name: 'Public URL and tunnel' }).getAttribute('href'), '/settings');
    await screenshot(page, 'analytics-empty-light');
    assert.deepEqual(await seriousA11yViolations(page), []);

    await navigate(page, `/analytics/${plain.id}`);
    const staticState = page.getByTestId('empty-static');
    await staticState.getByRole('heading', { name: 'Static codes have no analytics' }).waitFor();
    assert.equal(await page.getByRole('radio', { name: '7 days' }).count(), 0);
    ui.assertClean();
    await ui.context.close();

    const fr = await h.open({ theme: 'light', language: 'fr', path: `/analytics/${menu.id}` });
    await fr.page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '3');
    await fr.page.getByText('Visiteurs uniques').first().waitFor();
    const pays = fr.page.getByRole('table', { name: 'Pays' });
    for (const name of ['France', 'Allemagne', 'États-Unis']) await pays.getByRole('rowheader', { name }).waitFor();
    const appareils = await fr.page.getByRole('table', { name: 'Appareils' }).locator('tbody tr').allInnerTexts();
    assert.ok(
      appareils.some((r) => /Ordinateur\s+1\b/.test(r)),
      appareils.join(' | '),
    );
    await screenshot(fr.page, 'analytics-code-fr-light');
    fr.assertClean();
    await fr.context.close();
  });
});
