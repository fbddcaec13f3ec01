import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src-server/render/decoder';
import { openExport } from '../helpers/open-export';
import { navigate, screenshot, seriousA11yViolations, UiHarness } from '../helpers/ui';

interface Validation {
  valid: boolean;
  normalizedValue: string | null;
  checkDigit: string | null;
  message: string;
}

const TWELVE = '400638133393';
const PRODUCT = 'Dark chocolate 100 g';

/** The message of the field-error paragraph the control points at with aria-describedby. */
async function describedText(page: Page, label: string): Promise<string> {
  const ids = (await page.getByLabel(label, { exact: true }).getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(
    ids
      .split(' ')
      .filter(Boolean)
      .map((id) => page.locator(`[id="${id}"]`).innerText()),
  );
  return texts.join('\n');
}

/**
 * The preview as the page shows it: the <img> (a blob: URL of the server's
 * SVG) drawn by Chromium onto a canvas at twice its size, as PNG bytes. (The
 * page's CSP has no connect-src for blob:, so the URL cannot be fetched.)
 */
async function previewPng(page: Page, alt: RegExp): Promise<Buffer> {
  const stage = page.getByTestId('barcode-preview');
  await stage.and(page.locator('[aria-busy="false"]')).waitFor();
  const img = stage.getByRole('img', { name: alt });
  await img.waitFor();
  assert.match((await img.getAttribute('src')) ?? '', /^blob:/, 'the preview is a blob URL of the rendered image');
  const dataUrl = await img.evaluate(async (el: HTMLImageElement) => {
    await el.decode();
    const canvas = document.createElement('canvas');
    canvas.width = el.naturalWidth * 2;
    canvas.height = el.naturalHeight * 2;
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(el, 0, 0, canvas.width, canvas.height);
    return canvas.toDataURL('image/png');
  });
  return Buffer.from(dataUrl.split(',')[1]!, 'base64');
}

describe('barcodes page', () => {
  let h: UiHarness;

  before(async () => {
    h = await UiHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  const validate = async (format: string, value: string): Promise<Validation> => {
    const res = await h.api('/api/v1/barcodes/validate', { method: 'POST', body: JSON.stringify({ format, value }) });
    assert.equal(res.status, 200);
    return (await res.json()) as Validation;
  };

  it('checks an EAN-13 as it is typed, previews and exports it, saves, refuses bad values and deletes', async () => {
    const expected = await validate('EAN13', TWELVE);
    assert.equal(expected.valid, true);
    assert.equal(expected.checkDigit, '1');
    const full = expected.normalizedValue!;
    assert.equal(full, `${TWELVE}1`);

    const ui = await h.open({ theme: 'light', path: '/barcodes' });
    const { page } = ui;

    // No saved barcode yet: the empty state says what to do.
    await page.getByRole('heading', { name: 'No saved barcodes yet' }).waitFor();
    await screenshot(page, 'barcodes-empty-light');

    await page.getByLabel('Symbology').selectOption('EAN13');
    await page.getByLabel('Value', { exact: true }).fill(TWELVE);

    // The 13th digit and the whole number appear as the server computed them.
    await page.getByTestId('barcode-check-digit').filter({ hasText: expected.checkDigit! }).waitFor();
    assert.equal(await page.getByTestId('barcode-normalized').innerText(), full);
    assert.equal(await page.getByTestId('barcode-check-digit').innerText(), '1');

    // The preview is the server's SVG, and it scans as the 13-digit number.
    const preview = await previewPng(page, new RegExp(`EAN-13 barcode of ${full}`));
    assert.deepEqual(
      (await decodeImage(preview)).map((d) => d.text),
      [full],
    );
    // What the page asked the server to draw (the 13-digit value, as SVG) is a symbol that scans, opened as a
    // print workflow opens an SVG (librsvg) rather than by Chromium.
    const [rendered] = await Promise.all([
      page.waitForRequest((r) => r.url().endsWith('/api/v1/barcodes/render')),
      page.getByLabel('Quiet zone', { exact: false }).uncheck(),
    ]);
    const asked = rendered.postDataJSON() as { format: string; value: string; quietZone: boolean; output: object };
    assert.deepEqual(
      [asked.format, asked.value, asked.quietZone, asked.output],
      ['EAN13', full, false, { format: 'svg' }],
    );
    const again = await h.api('/api/v1/barcodes/render', { method: 'POST', body: JSON.stringify(asked) });
    assert.equal(again.headers.get('content-type'), 'image/svg+xml');
    const svg = Buffer.from(await again.arrayBuffer());
    assert.deepEqual(
      (await decodeImage(await openExport(svg, 'svg'))).map((d) => d.text),
      [full],
    );
    await page.getByLabel('Quiet zone', { exact: false }).check();

    // Export as PNG through the UI's download.
    await page.getByLabel('File format').selectOption('png');
    await page.getByLabel('Size in pixels').fill('600');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), `ean13-${full}.png`);
    const png = fs.readFileSync((await download.path())!);
    assert.deepEqual(
      (await decodeImage(png)).map((d) => d.text),
      [full],
    );

    // Save it as a product.
    await page.getByLabel('Product name').fill(PRODUCT);
    await page.getByLabel('SKU').fill('CHOC-100');
    await page.getByLabel('Price').fill('4.99');
    await page.getByLabel('Category').fill('Sweets');
    await page.getByRole('button', { name: 'Save barcode' }).click();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: PRODUCT }) });
    await card.waitFor();
    assert.match(await card.innerText(), new RegExp(full));
    assert.match(await card.innerText(), /CHOC-100/);
    await page.getByRole('heading', { name: `Editing “${PRODUCT}”` }).waitFor();

    const list = (await (await h.api('/api/v1/barcodes')).json()) as {
      data: { id: string; name: string; format: string; value: string; sku: string; price: string; category: string }[];
    };
    assert.equal(list.data.length, 1);
    const { name, format, value, sku, price, category } = list.data[0]!;
    assert.deepEqual(
      { name, format, value, sku, price, category },
      { name: PRODUCT, format: 'EAN13', value: full, sku: 'CHOC-100', price: '4.99', category: 'Sweets' },
    );

    // The card's thumbnail is the saved barcode's image.
    const thumb = card.getByRole('img', { name: new RegExp(full) });
    await thumb.waitFor();
    await page.waitForFunction(
      (el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0,
      await thumb.elementHandle(),
    );

    assert.deepEqual(await seriousA11yViolations(page), []);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'barcodes-light');

    // Letters are refused next to the field, with the API's own words.
    await page.getByRole('button', { name: 'New barcode' }).first().click();
    await page.getByRole('heading', { name: 'New barcode' }).waitFor();
    await page.getByLabel('Value', { exact: true }).fill('ABCDEFGHIJKL');
    const letters = await validate('EAN13', 'ABCDEFGHIJKL');
    assert.equal(letters.valid, false);
    await page.getByText(letters.message).waitFor();
    assert.match(await describedText(page, 'Value'), new RegExp(letters.message));
    assert.equal(await page.getByLabel('Value', { exact: true }).getAttribute('aria-invalid'), 'true');

    // A wrong 13th digit: the error names the right one, and the check shows it.
    await page.getByLabel('Value', { exact: true }).fill(`${TWELVE}7`);
    const wrong = await validate('EAN13', `${TWELVE}7`);
    assert.equal(wrong.valid, false);
    await page.getByText(wrong.message).waitFor();
    assert.match(await describedText(page, 'Value'), /should be 1, not 7/);
    assert.equal(await page.getByTestId('barcode-expected-digit').innerText(), '1');
    await page.getByText('Correct the value to see the barcode.').waitFor();

    // Delete, after confirming.
    await card.getByRole('button', { name: `Delete ${PRODUCT}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this barcode?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'No saved barcodes yet' }).waitFor();
    const after = (await (await h.api('/api/v1/barcodes')).json()) as { data: unknown[] };
    assert.equal(after.data.length, 0);

    ui.assertClean();
    await ui.context.close();
  });

  it('lists saved barcodes with Load more, and is accessible in the dark theme', async () => {
    // On its own data: whatever an earlier test left is removed first.
    const left = (await (await h.api('/api/v1/barcodes?limit=200')).json()) as { data: { id: string }[] };
    for (const b of left.data) await h.api(`/api/v1/barcodes/${b.id}`, { method: 'DELETE' });
    for (let i = 0; i < 26; i++) {
      const res = await h.api('/api/v1/barcodes', {
        method: 'POST',
        body: JSON.stringify({
          name: `Product ${String(i).padStart(2, '0')}`,
          format: i % 2 ? 'CODE128' : 'EAN8',
          value: i % 2 ? `SKU-${i}` : `96385${String(i).padStart(2, '0')}`,
          sku: `SKU-${i}`,
          price: '2.5',
        }),
      });
      assert.equal(res.status, 201, await res.clone().text());
    }
    const ui = await h.open({ theme: 'dark', path: '/barcodes' });
    const { page } = ui;
    const cards = page.locator('.barcodes-grid > li');
    await page.getByRole('heading', { name: 'Product 25' }).waitFor();
    assert.equal(await cards.count(), 24);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByRole('heading', { name: 'Product 00' }).waitFor();
    assert.equal(await cards.count(), 26);
    assert.equal(await page.getByRole('button', { name: 'Load more' }).count(), 0);

    // Open one into the editor: its value is checked and previewed.
    await page.getByRole('button', { name: 'Edit Product 24' }).click();
    await page.getByRole('heading', { name: 'Editing “Product 24”' }).waitFor();
    const ean8 = await validate('EAN8', '9638524');
    await page.getByTestId('barcode-normalized').filter({ hasText: ean8.normalizedValue! }).waitFor();
    const preview = await previewPng(page, new RegExp(`EAN-8 barcode of ${ean8.normalizedValue}`));
    assert.deepEqual(
      (await decodeImage(preview)).map((d) => d.text),
      [ean8.normalizedValue],
    );

    // Search by SKU.
    await page.getByLabel('Search saved barcodes').fill('SKU-13');
    await page.waitForFunction(() => document.querySelectorAll('.barcodes-grid > li').length === 1);
    await page.getByLabel('Search saved barcodes').fill('');
    await page.getByRole('heading', { name: 'Product 25' }).waitFor();

    assert.deepEqual(await seriousA11yViolations(page), []);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'barcodes-dark');
    ui.assertClean();
    await ui.context.close();
  });

  it('hides saving and deleting from a read-only key', async () => {
    const res = await h.api('/api/v1/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'reader', scopes: ['read'] }),
    });
    assert.equal(res.status, 201);
    const { key } = (await res.json()) as { key: string };
    const ui = await h.open({ signIn: false });
    const { page } = ui;
    await page.goto(`${h.apiUrl}/#key=${key}`);
    await page.getByTestId('connected').waitFor();
    await navigate(page, '/barcodes');
    await page.getByRole('heading', { name: 'Product 25' }).waitFor();
    assert.equal(await page.getByRole('button', { name: /^Delete/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save barcode' }).count(), 0);
    await page.getByText('This key can read only').waitFor();
    await page.getByRole('button', { name: 'Open Product 25' }).click();
    await page.getByTestId('barcode-normalized').filter({ hasText: 'SKU-25' }).waitFor();
    ui.assertClean();
    await ui.context.close();
  });
});
