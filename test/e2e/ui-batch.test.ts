/**
 * The batch wizard in Chromium against a real `qrdesk serve`: a CSV chosen
 * through the file input becomes, step by step (upload, mapping, preview,
 * outputs, run), a ZIP of SVG and PNG files named by the pattern whose PNGs
 * decode to the rows' URLs; a large job is cancelled from the UI and the API
 * then refuses its download; a file with a bad row shows the row report.
 * Screenshots of every step, axe in both themes.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import zlib from 'node:zlib';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src-server/render/decoder';
import type { BatchJob } from '../../src-shared/schemas/batches';
import { openExport } from '../helpers/open-export';
import { screenshot, seriousA11yViolations, UiHarness } from '../helpers/ui';

/**
 * The entries of a ZIP file, read from its central directory (stored or
 * deflated entries, as archiver writes them), each checked against its CRC-32
 * where node:zlib has crc32.
 */
function readZip(zip: Buffer): Map<string, Buffer> {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65_535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  assert.ok(eocd >= 0, 'the ZIP has an end of central directory record');
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50, 'a central directory header');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    assert.ok(compressed !== 0xffffffff && local !== 0xffffffff, `${name} needs no ZIP64`);
    assert.equal(zip.readUInt32LE(local), 0x04034b50, `${name}: a local file header`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    const data = method === 0 ? Buffer.from(raw) : method === 8 ? zlib.inflateRawSync(raw) : null;
    assert.ok(data, `${name}: stored or deflated (method ${method})`);
    assert.equal(data.length, size, `${name}: its size`);
    const crc32 = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32;
    if (crc32) assert.equal(crc32(data) >>> 0, crc, `${name}: its CRC-32`);
    entries.set(name, data);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const URL_OF = (i: number) => `https://shop.example/p/${String(i).padStart(4, '0')}?ref=batch`;
const csvOf = (rows: number) =>
  `url,name\r\n${Array.from({ length: rows }, (_, i) => `${URL_OF(i + 1)},Item ${i + 1}`).join('\r\n')}\r\n`;

async function chooseCsv(page: Page, label: string | RegExp, name: string, csv: string): Promise<void> {
  await page.getByLabel(label).setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  await page.getByTestId('source-summary').getByRole('heading', { name }).waitFor();
}

async function currentStep(page: Page): Promise<string> {
  return (await page.locator('[aria-current="step"]').innerText()).trim();
}

async function assertAccessible(page: Page, where: string): Promise<void> {
  assert.deepEqual(await seriousA11yViolations(page), [], `no serious axe violation: ${where}`);
}

describe('batch wizard (UI)', () => {
  let h: UiHarness;

  before(async () => {
    h = await UiHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  const jobs = async (): Promise<BatchJob[]> => {
    const res = await h.api('/api/v1/batches');
    assert.equal(res.status, 200);
    return ((await res.json()) as { data: BatchJob[] }).data;
  };

  it('turns a 12-row CSV into a ZIP of SVG and PNG files named by the pattern, each decoding to its row', async () => {
    const ui = await h.open({ theme: 'light', path: '/batch' });
    const { page } = ui;
    await page.getByRole('heading', { level: 1, name: 'Batch export' }).waitFor();
    assert.match(await currentStep(page), /1\s*Upload/);
    // The empty recent list says what it is for.
    await page.getByRole('heading', { name: 'No batch yet' }).waitFor();

    // 1. Upload, through the real file input.
    assert.match(await page.getByText(/Up to 64 MB and 100,000 rows/).innerText(), /64 MB/);
    await chooseCsv(page, 'Choose a CSV file', 'products.csv', csvOf(12));
    const summary = page.getByTestId('source-summary');
    assert.match(await summary.innerText(), /Rows\s*12/);
    assert.match(await summary.innerText(), /Columns\s*2/);
    assert.match(await summary.innerText(), /Comma/);
    assert.match(await summary.innerText(), /UTF-8/);
    assert.equal(
      await page
        .getByRole('region', { name: /First rows of 12/ })
        .locator('tbody tr')
        .count(),
      10,
    );
    await screenshot(page, 'batch-upload-light');
    await assertAccessible(page, 'upload, light');

    // 2. Mapping: content from "url", name from "name", files named {seq:05}-{name}.
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    assert.match(await currentStep(page), /2\s*Mapping/);
    await page.getByRole('combobox', { name: /^URL/ }).selectOption({ label: 'url' });
    await page.getByRole('combobox', { name: 'Name', exact: true }).selectOption({ label: 'name' });
    await page.getByLabel('File name pattern').fill('{seq:05}-{name}');
    await screenshot(page, 'batch-mapping-light');
    await assertAccessible(page, 'mapping, light');

    // 3. Preview: the first rows with their names, file names and drawn codes.
    await page.getByRole('button', { name: 'Next: preview' }).click();
    const rows = page.getByTestId('preview-rows').locator('tbody tr');
    await rows.first().waitFor();
    assert.match(await currentStep(page), /3\s*Preview/);
    assert.equal(await rows.count(), 12);
    assert.match(
      await page.getByTestId('preview-summary').innerText(),
      /12\s*rows[\s\S]*12\s*ready[\s\S]*0\s*with problems/,
    );
    const first = await rows.nth(0).innerText();
    assert.match(first, /Item 1/);
    assert.match(first, /00001-Item 1/);
    assert.match(first, /https:\/\/shop\.example\/p\/0001\?ref=batch/);
    assert.match(await rows.nth(11).innerText(), /00012-Item 12/);
    // The thumbnail is the shared engine's SVG, and it decodes to the row's URL.
    const thumb = page.getByRole('img', { name: 'Code of row 3: Item 3' });
    await thumb.waitFor();
    const src = (await thumb.getAttribute('src')) ?? '';
    assert.ok(src.startsWith('data:image/svg+xml'), 'drawn in the browser');
    const svg = Buffer.from(decodeURIComponent(src.slice(src.indexOf(',') + 1)), 'utf8');
    assert.deepEqual(
      (await decodeImage(await openExport(svg, 'svg'))).map((d) => d.text),
      [URL_OF(3)],
    );
    await screenshot(page, 'batch-preview-light');
    await assertAccessible(page, 'preview, light');

    // 4. Outputs: SVG and PNG, in a ZIP.
    await page.getByRole('button', { name: 'Next: outputs' }).click();
    assert.match(await currentStep(page), /4\s*Outputs/);
    await page.getByRole('checkbox', { name: 'SVG' }).check();
    assert.equal(await page.getByRole('checkbox', { name: 'PNG' }).isChecked(), true);
    await page.getByLabel('Pixels (longer side)').fill('300');
    assert.match(await page.getByText(/One ZIP archive/).innerText(), /24 files/);
    // The label-sheet options open with the built-in templates and a custom grid.
    await page.getByRole('checkbox', { name: 'Make a label sheet (PDF)' }).check();
    const templates = await page
      .getByRole('combobox', { name: 'Sheet', exact: true })
      .locator('option')
      .allInnerTexts();
    for (const id of ['L7160', 'L7163', 'L7651', '5160', '5163', 'Custom grid']) {
      assert.ok(
        templates.some((t) => t.includes(id)),
        `${id} is offered`,
      );
    }
    await screenshot(page, 'batch-outputs-light');
    await assertAccessible(page, 'outputs, light');
    await page.getByRole('checkbox', { name: 'Make a label sheet (PDF)' }).uncheck();

    // 5. Run: progress to the end, then the ZIP.
    await page.getByRole('button', { name: 'Start batch' }).click();
    const run = page.getByTestId('batch-run');
    await run.waitFor();
    assert.match(await currentStep(page), /5\s*Run/);
    await page.locator('[data-testid="batch-run"][data-status="completed"]').waitFor({ timeout: 60_000 });
    assert.match(await page.getByTestId('batch-counts').innerText(), /12 of 12 rows/);
    assert.equal(await run.locator('progress').evaluate((p: HTMLProgressElement) => p.value / p.max), 1);
    await page.getByText('Done: 12 codes made and verified.').waitFor();
    await screenshot(page, 'batch-run-light');
    await assertAccessible(page, 'run, light');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download ZIP' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /^qrdesk-batch_[A-Za-z0-9_-]+\.zip$/);
    const files = readZip(fs.readFileSync((await download.path())!));
    const names = [...files.keys()].sort();
    assert.equal(names.length, 24, names.join('\n'));
    for (let i = 1; i <= 12; i++) {
      for (const ext of ['svg', 'png']) {
        assert.ok(
          files.has(`${String(i).padStart(5, '0')}-Item ${i}.${ext}`),
          `row ${i} .${ext} in ${names.join(', ')}`,
        );
      }
    }
    for (const i of [1, 7, 12]) {
      const png = files.get(`${String(i).padStart(5, '0')}-Item ${i}.png`)!;
      assert.deepEqual(
        (await decodeImage(png)).map((d) => d.text),
        [URL_OF(i)],
        `PNG of row ${i}`,
      );
    }
    const svgFile = files.get('00005-Item 5.svg')!;
    assert.deepEqual(
      (await decodeImage(await openExport(svgFile, 'svg'))).map((d) => d.text),
      [URL_OF(5)],
    );

    // The API agrees, and the recent list shows the job with its download.
    const [job] = await jobs();
    assert.equal(job!.status, 'completed');
    assert.equal(job!.total, 12);
    assert.equal(job!.failed, 0);
    const recent = page.getByTestId('recent-batches').locator(`tr[data-job="${job!.id}"]`);
    await recent.getByText('Completed', { exact: true }).waitFor();
    await recent.getByRole('button', { name: /^Download the batch of/ }).waitFor();
    ui.assertClean();
    await ui.context.close();
  });

  it('cancels a 3,000-row job from the UI: it is reported cancelled and offers no download (dark theme)', async () => {
    const ui = await h.open({ theme: 'dark', path: '/batch' });
    const { page } = ui;
    await chooseCsv(page, 'Choose a CSV file', 'large.csv', csvOf(3000));
    assert.match(await page.getByTestId('source-summary').innerText(), /Rows\s*3,000/);
    await screenshot(page, 'batch-upload-dark');
    await assertAccessible(page, 'upload, dark');
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    // The columns were guessed from the headers.
    assert.equal(await page.getByRole('combobox', { name: /^URL/ }).inputValue(), 'col:0');
    assert.equal(await page.getByRole('combobox', { name: 'Name', exact: true }).inputValue(), 'col:1');
    await screenshot(page, 'batch-mapping-dark');
    await assertAccessible(page, 'mapping, dark');
    await page.getByRole('button', { name: 'Next: preview' }).click();
    await page.getByTestId('preview-rows').locator('tbody tr').first().waitFor();
    assert.match(await page.getByTestId('preview-summary').innerText(), /3,000\s*rows/);
    await screenshot(page, 'batch-preview-dark');
    await assertAccessible(page, 'preview, dark');
    await page.getByRole('button', { name: 'Next: outputs' }).click();
    await page.getByLabel('Pixels (longer side)').fill('1024');
    await screenshot(page, 'batch-outputs-dark');
    await assertAccessible(page, 'outputs, dark');
    await page.getByRole('button', { name: 'Start batch' }).click();

    // Wait for real progress, then cancel and confirm.
    const counts = page.getByTestId('batch-counts');
    await page.waitForFunction(
      () =>
        /^[1-9][\d,]* of 3,000 rows/.test(document.querySelector('[data-testid="batch-counts"]')?.textContent ?? ''),
      undefined,
      { timeout: 30_000 },
    );
    await page.getByRole('button', { name: 'Cancel batch' }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this batch?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel batch' }).click();
    await page.locator('[data-testid="batch-run"][data-status="cancelled"]').waitFor({ timeout: 30_000 });
    const stopped = page.getByTestId('batch-stopped');
    assert.match(await stopped.innerText(), /This batch was cancelled\./);
    assert.match(await stopped.innerText(), /nothing to download/);
    assert.equal(await page.getByRole('button', { name: 'Download ZIP' }).count(), 0);
    assert.doesNotMatch(await counts.innerText(), /^3,000 of 3,000/);
    await screenshot(page, 'batch-run-dark');
    await assertAccessible(page, 'run cancelled, dark');

    const [job] = await jobs();
    assert.equal(job!.status, 'cancelled');
    assert.ok(job!.processed < job!.total, `stopped early (${job!.processed}/${job!.total})`);
    assert.equal(job!.downloadUrl, null);
    const refused = await h.api(`/api/v1/batches/${job!.id}/download`);
    assert.equal(refused.status, 409);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'CONFLICT');
    const recent = page.getByTestId('recent-batches').locator(`tr[data-job="${job!.id}"]`);
    await recent.getByText('Cancelled', { exact: true }).waitFor();
    assert.equal(await recent.getByRole('button', { name: /^Download/ }).count(), 0);
    ui.assertClean();
    await ui.context.close();
  });

  it('makes EAN-13 barcodes from 12-digit GTINs, with PNG files and a label sheet; a grid that does not fit is refused by field', async () => {
    const ui = await h.open({ theme: 'light', path: '/batch' });
    const { page } = ui;
    // GTIN-12 values without their check digit (the EAN-13 ones are these with a leading digit).
    const gtins = ['400638133393', '590123412345', '501234567890', '871234567890'];
    const csv = `sku;gtin\n${gtins.map((g, i) => `SKU-${i + 1};${g}`).join('\n')}\n`;
    await chooseCsv(page, 'Choose a CSV file', 'gtins.csv', csv);
    const summary = page.getByTestId('source-summary');
    assert.match(await summary.innerText(), /Semicolon/);
    // Read again with another delimiter (one column then), and back to detection.
    const delimiter = page.getByRole('combobox', { name: 'Delimiter', exact: true });
    await delimiter.selectOption('comma');
    await page.getByRole('button', { name: 'Read again' }).click();
    await summary.getByText('Comma ( , )').waitFor();
    assert.match(await summary.innerText(), /Columns\s*1\b/);
    await delimiter.selectOption('auto');
    await page.getByRole('button', { name: 'Read again' }).click();
    await summary.getByText('Semicolon ( ; )').waitFor();
    assert.match(await summary.innerText(), /Columns\s*2\b/);
    await page.getByRole('button', { name: 'Next: map the columns' }).click();
    await page.getByRole('radio', { name: 'Barcodes' }).check();
    // The GTIN column is found, and EAN-13 chosen for it.
    assert.equal(await page.getByRole('combobox', { name: /^Value/ }).inputValue(), 'col:1');
    assert.equal(await page.getByRole('combobox', { name: 'Symbology' }).inputValue(), 'EAN13');
    await page.getByRole('combobox', { name: 'Name', exact: true }).selectOption({ label: 'sku' });
    await page.getByLabel('File name pattern').fill('{name}');
    await screenshot(page, 'batch-mapping-barcode-light');
    await page.getByRole('button', { name: 'Next: preview' }).click();
    const rows = page.getByTestId('preview-rows').locator('tbody tr');
    await rows.first().waitFor();
    // The check digit is completed: 400638133393 → 4006381333931.
    assert.match(await rows.nth(0).innerText(), /4006381333931/);
    await page.getByRole('img', { name: 'Code of row 1: SKU-1' }).waitFor();
    await page.getByRole('button', { name: 'Next: outputs' }).click();

    // A custom grid too wide for its page: the message sits next to the columns field.
    await page.getByRole('checkbox', { name: 'Make a label sheet (PDF)' }).check();
    await page.getByRole('combobox', { name: 'Sheet', exact: true }).selectOption('custom');
    await page.getByLabel('Columns', { exact: true }).fill('10');
    const before = (await jobs()).length;
    await page.getByRole('button', { name: 'Start batch' }).click();
    const columns = page.getByLabel('Columns', { exact: true });
    assert.equal(await columns.getAttribute('aria-invalid'), 'true');
    const describedBy = (await columns.getAttribute('aria-describedby'))!.split(' ');
    const message = await page.locator(`[id="${describedBy[describedBy.length - 1]}"]`).innerText();
    assert.match(message, /does not fit the page width/);
    await screenshot(page, 'batch-outputs-sheet-light');
    await assertAccessible(page, 'outputs with a custom grid');
    assert.equal((await jobs()).length, before, 'nothing was started');

    await page.getByRole('combobox', { name: 'Sheet', exact: true }).selectOption('avery-l7160');
    await page.getByRole('combobox', { name: 'Caption', exact: true }).selectOption('below');
    await page.getByRole('checkbox', { name: 'Crop marks' }).check();
    await page.getByRole('button', { name: 'Start batch' }).click();
    await page.locator('[data-testid="batch-run"][data-status="completed"]').waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download ZIP' }).click(),
    ]);
    const files = readZip(fs.readFileSync((await download.path())!));
    assert.deepEqual([...files.keys()].sort(), ['SKU-1.png', 'SKU-2.png', 'SKU-3.png', 'SKU-4.png', 'labels.pdf']);
    assert.equal(files.get('labels.pdf')!.subarray(0, 5).toString('latin1'), '%PDF-');
    const decoded = await decodeImage(files.get('SKU-1.png')!);
    assert.deepEqual(
      decoded.map((d) => [d.format, d.text]),
      [['EAN13', '4006381333931']],
    );
    const [job] = await jobs();
    assert.equal(job!.barcodeFormat, 'EAN13');
    assert.equal(job!.status, 'completed');
    ui.assertClean();
    await ui.context.close();
  });

  it('shows the row report for a file with bad rows, in French', async () => {
    const ui = await h.open({ theme: 'light', language: 'fr', path: '/batch' });
    const { page } = ui;
    const csv =
      'url,name\n' +
      'https://shop.example/a,Alpha\n' +
      'https://shop.example/b,Bravo\n' +
      ',Charlie sans URL\n' +
      'https://shop.example/d,Delta\n' +
      'https://shop.example/e,Echo,extra\n' +
      'not a url,Foxtrot\n';
    await chooseCsv(page, 'Choisir un fichier CSV', 'défauts.csv', csv);
    // The row with a cell too many is reported on upload, with its line.
    const uploadReport = page.getByTestId('row-report');
    await uploadReport.waitFor();
    assert.match(await uploadReport.innerText(), /1 problème de ligne/);
    assert.match(await uploadReport.locator('tbody tr').first().innerText(), /^5\s+6\s/);

    await page.getByRole('button', { name: /^Suivant/ }).click();
    await page.getByRole('button', { name: /^Suivant/ }).click();
    const rows = page.getByTestId('preview-rows').locator('tbody tr');
    await rows.first().waitFor();
    // The rows at fault are marked, with the reason next to them.
    const bad = page.locator('[data-testid="preview-rows"] tbody tr[data-valid="false"]');
    assert.deepEqual(await bad.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-row'))), ['3', '5', '6']);
    assert.match(await bad.nth(0).innerText(), /URL is required[\s\S]*Problème/);
    const report = page.getByTestId('row-report');
    const lines = await report.locator('tbody tr').allInnerTexts();
    assert.ok(
      lines.some((l) => /^3\s+4\s+url/.test(l)),
      lines.join('\n'),
    );
    assert.ok(
      lines.some((l) => /^6\s+7\s+url/.test(l)),
      lines.join('\n'),
    );
    assert.match(await page.getByTestId('preview-summary').innerText(), /3\s*prêtes[\s\S]*3\s*avec des problèmes/);
    await page.getByText(/Les 3 lignes avec des problèmes seront ignorées/).waitFor();
    await screenshot(page, 'batch-report-fr-light');
    await assertAccessible(page, 'row report, French');
    ui.assertClean();
    await ui.context.close();
  });
});
