/**
 * The designer (create and edit), driven in Chromium like a new user would:
 * a styled URL code with a logo saved and exported (PNG and SVG decoded), a
 * dynamic code whose destination is changed and then followed on the public
 * listener, a Wi-Fi form whose live preview decodes to the right payload, a
 * server validation message shown next to its field, undo/redo and presets.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { encodePayload } from '../../src-shared/payloads';
import { WifiContent } from '../../src-shared/schemas/content';
import type { QrCode } from '../../src-shared/schemas/qrcodes';
import { decodeImage } from '../../src-server/render/decoder';
import { openExport } from '../helpers/open-export';
import { navigate, screenshot, seriousA11yViolations, UiHarness } from '../helpers/ui';

const SVG_DATA_URL = 'data:image/svg+xml;charset=utf-8,';

/** The text a reader finds in the preview <img> (an SVG data: URL drawn by the shared engine). */
async function decodePreview(page: Page): Promise<string | undefined> {
  const src = await page.getByTestId('designer-preview').getAttribute('src');
  if (!src?.startsWith(SVG_DATA_URL)) assert.fail(`the preview is an SVG data URL, not ${src?.slice(0, 40)}`);
  const svg = Buffer.from(decodeURIComponent(src.slice(SVG_DATA_URL.length)));
  return (await decodeImage(await openExport(svg, 'svg')))[0]?.text;
}

const previewSrc = (page: Page) => page.getByTestId('designer-preview').getAttribute('src');

/** Waits until the preview differs from `before` and returns it. */
async function nextPreview(page: Page, before: string | null): Promise<string> {
  await page.waitForFunction(
    (prev) => {
      const img = document.querySelector('[data-testid="designer-preview"]');
      return img !== null && img.getAttribute('src') !== prev;
    },
    before,
    { timeout: 5000 },
  );
  return (await previewSrc(page))!;
}

/** The visible message under the field a control belongs to (from its aria-describedby). */
async function fieldError(page: Page, control: ReturnType<Page['getByRole']>): Promise<string> {
  await page.waitForFunction((el) => el?.getAttribute('aria-invalid') === 'true', await control.elementHandle(), {
    timeout: 5000,
  });
  const ids = ((await control.getAttribute('aria-describedby')) ?? '').split(' ').filter((id) => id.endsWith('-error'));
  assert.equal(ids.length, 1, 'the control is described by one error message');
  return page.locator(`[id="${ids[0]}"]`).innerText();
}

/** A screenshot of the whole page from its top (the sticky preview and sidebar then sit where they belong). */
async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, name);
}

async function getCode(h: UiHarness, id: string): Promise<QrCode> {
  const res = await h.api(`/api/v1/qrcodes/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as QrCode;
}

/** Waits for a control to hold a value (React renders after the key press resolves). */
async function valueOf(control: ReturnType<Page['getByRole']>, expected: string): Promise<string> {
  const deadline = Date.now() + 5000;
  let value = await control.inputValue();
  while (value !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    value = await control.inputValue();
  }
  return value;
}

const idFromUrl = (url: string) => /\/codes\/([^/]+)\/edit$/.exec(new URL(url).pathname)?.[1];

describe('designer page', () => {
  let h: UiHarness;

  before(async () => {
    h = await UiHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('creates a URL code with custom colours and a logo, saves it, and exports PNG and SVG that decode to the URL', async () => {
    const ui = await h.open({ theme: 'light', path: '/create' });
    const { page } = ui;
    const url = 'https://example.com/menu?table=12';

    await page.getByRole('textbox', { name: 'Web address' }).fill(url);
    await page.getByRole('textbox', { name: 'Dots', exact: true }).fill('#1A237E');
    await page.getByRole('textbox', { name: 'Background', exact: true }).fill('#FFF8E1');
    await page.getByRole('textbox', { name: 'Name' }).fill('Café menu');

    // A logo: a small PNG made here, uploaded through the Logo section.
    const logo = await sharp({
      create: { width: 64, height: 64, channels: 4, background: { r: 200, g: 40, b: 40, alpha: 1 } },
    })
      .png()
      .toBuffer();
    await page.locator('summary', { hasText: 'Logo' }).click();
    await page.getByLabel('Upload a logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: logo });
    await page.getByRole('img', { name: 'Current logo' }).waitFor();
    await page.getByRole('slider', { name: 'Logo size' }).waitFor();
    assert.equal(await decodePreview(page), url, 'the live preview (with its logo) reads back as the URL');
    await page.getByTestId('designer-scan-badge').waitFor({ timeout: 15_000 });
    await shot(page, 'designer-new-light');
    assert.deepEqual(await seriousA11yViolations(page), []);

    await page.getByRole('button', { name: 'Create code' }).click();
    await page.waitForURL(/\/codes\/[^/]+\/edit$/);
    const id = idFromUrl(page.url());
    assert.ok(id);
    await page.getByRole('heading', { level: 1, name: 'Edit “Café menu”' }).waitFor();

    const saved = await getCode(h, id);
    assert.equal(saved.type, 'url');
    assert.equal(saved.content, url);
    assert.equal(saved.design.foregroundColor, '#1A237E');
    assert.equal(saved.design.backgroundColor, '#FFF8E1');
    assert.ok(saved.design.logo?.assetId, 'the design names the uploaded logo');
    assert.equal(saved.design.errorCorrection, 'H', 'a logo raised error correction to H');
    assert.equal(saved.name, 'Café menu');

    await page.getByTestId('designer-scan-badge').waitFor({ timeout: 15_000 });
    await shot(page, 'designer-edit-light');
    assert.deepEqual(await seriousA11yViolations(page), []);

    // Export PNG (the default format) through the dialog.
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Export' });
    await dialog.waitFor();
    await shot(page, 'designer-export-light');
    assert.deepEqual(await seriousA11yViolations(page), []);
    const [pngDownload] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download PNG' }).click(),
    ]);
    assert.equal(pngDownload.suggestedFilename(), 'Café menu.png');
    const png = fs.readFileSync((await pngDownload.path())!);
    assert.equal((await sharp(png).metadata()).format, 'png');
    assert.equal((await decodeImage(png))[0]?.text, url);
    await dialog.waitFor({ state: 'hidden' });

    // And SVG.
    await page.getByRole('button', { name: 'Export…' }).click();
    await dialog.getByRole('radio', { name: /^SVG/ }).check();
    const [svgDownload] = await Promise.all([
      page.waitForEvent('download'),
      dialog.getByRole('button', { name: 'Download SVG' }).click(),
    ]);
    assert.equal(svgDownload.suggestedFilename(), 'Café menu.svg');
    const svg = fs.readFileSync((await svgDownload.path())!);
    assert.match(svg.subarray(0, 200).toString(), /<svg|<\?xml/);
    assert.equal((await decodeImage(await openExport(svg, 'svg')))[0]?.text, url);

    ui.assertClean();
    await ui.context.close();
  });

  it('makes a dynamic code, changes its destination, and the short link redirects to the new one', async () => {
    const ui = await h.open({ theme: 'dark', path: '/create' });
    const { page } = ui;

    await page.getByRole('textbox', { name: 'Web address' }).fill('https://example.com/first');
    await page.getByRole('radio', { name: /^Dynamic/ }).check();
    await page.getByRole('textbox', { name: 'Destination URL' }).waitFor();
    await page.getByText('The short link is made when you create the code.').waitFor();
    await page.getByTestId('designer-scan-badge').waitFor({ timeout: 15_000 });
    await shot(page, 'designer-new-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);

    await page.getByRole('button', { name: 'Create code' }).click();
    await page.waitForURL(/\/codes\/[^/]+\/edit$/);
    const id = idFromUrl(page.url())!;
    const created = await getCode(h, id);
    assert.equal(created.kind, 'dynamic');
    assert.ok(created.shortToken && created.shortUrl);
    assert.equal(await page.getByTestId('designer-short-url').innerText(), created.shortUrl);
    assert.equal(await decodePreview(page), created.shortUrl, 'the preview encodes the short link');

    // Change where it leads, in the UI.
    const destination = page.getByRole('textbox', { name: 'Destination URL' });
    assert.equal(await destination.inputValue(), 'https://example.com/first');
    await destination.fill('https://example.com/second?from=qr');
    await page.getByText('Unsaved changes').waitFor();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByRole('button', { name: 'Saved' }).waitFor();
    await page.getByTestId('designer-scan-badge').waitFor({ timeout: 15_000 });
    await shot(page, 'designer-edit-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);

    const updated = await getCode(h, id);
    assert.equal(updated.content, 'https://example.com/second?from=qr');
    assert.equal(updated.shortUrl, created.shortUrl, 'the printed code does not change');

    const res = await fetch(`${h.publicUrl}/r/${created.shortToken}`, {
      redirect: 'manual',
      headers: { 'User-Agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148 Safari/604.1' },
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://example.com/second?from=qr');

    // The scan shows in the code's analytics.
    await page.getByRole('navigation').getByRole('link', { name: 'Analytics' }).click();
    await page.getByRole('heading', { level: 1 }).waitFor();
    await navigate(page, `/analytics/${id}`);
    await page.waitForFunction(() => document.querySelector('[data-testid="kpi-scans"]')?.textContent === '1');
    ui.assertClean();
    await ui.context.close();

    // A read-only key sees the code and can export it, but cannot change it or create one.
    const keyRes = await h.api('/api/v1/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'viewer', scopes: ['read'] }),
    });
    assert.equal(keyRes.status, 201);
    const readKey = ((await keyRes.json()) as { key: string }).key;
    const viewer = await h.open({ theme: 'dark', signIn: false });
    await viewer.page.goto(`${h.apiUrl}/#key=${readKey}`);
    await viewer.page.getByTestId('connected').waitFor();
    await navigate(viewer.page, `/codes/${id}/edit`);
    await viewer.page.getByText('Your key can only view').waitFor();
    const readOnlyDestination = viewer.page.getByRole('textbox', { name: 'Destination URL' });
    assert.equal(await readOnlyDestination.inputValue(), 'https://example.com/second?from=qr');
    assert.ok(await readOnlyDestination.isDisabled());
    assert.equal(await viewer.page.getByRole('button', { name: /Save|Saved/ }).count(), 0);
    assert.ok(await viewer.page.getByRole('button', { name: 'Export…' }).isEnabled());
    await navigate(viewer.page, '/create');
    await viewer.page.getByRole('heading', { name: 'Your key can only view codes' }).waitFor();
    viewer.assertClean();
    await viewer.context.close();
  });

  it('fills a Wi-Fi form whose preview decodes to the WIFI: payload, and shows a server refusal at its field', async () => {
    const ui = await h.open({ theme: 'light', path: '/create' });
    const { page } = ui;

    await page.getByRole('radio', { name: /^Wi-Fi/ }).check();
    await page.getByRole('textbox', { name: 'Network name (SSID)' }).fill('Café Guest');
    const password = page.getByLabel('Password', { exact: true });
    await password.fill('croissant;42');
    assert.equal(await password.getAttribute('type'), 'password');
    await page.getByRole('button', { name: 'Show password' }).click();
    assert.equal(await password.getAttribute('type'), 'text');
    await page.getByRole('checkbox', { name: /Hidden network/ }).check();

    const expected = encodePayload(
      'wifi',
      WifiContent.parse({ ssid: 'Café Guest', password: 'croissant;42', encryption: 'WPA', hidden: true }),
    );
    assert.match(expected, /^WIFI:/);
    await page.waitForFunction(() => document.querySelector('[data-testid="designer-preview"]') !== null);
    assert.equal(await decodePreview(page), expected);

    // How long from a keystroke to the new preview (reported, not asserted).
    const ms = await page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const img = document.querySelector('[data-testid="designer-preview"]')!;
          const input = document.querySelector<HTMLInputElement>('input[name="content.ssid"]')!;
          const observer = new MutationObserver(() => {
            observer.disconnect();
            resolve(performance.now() - started);
          });
          observer.observe(img, { attributes: true, attributeFilter: ['src'] });
          const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
          const started = performance.now();
          setter.call(input, `${input.value}!`);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        }),
    );
    const engineMs = await page.getByTestId('designer-preview').getAttribute('data-render-ms');
    console.log(`# designer preview: ${ms.toFixed(1)} ms from a keystroke to the new image (engine ${engineMs} ms)`);

    // Too much for a QR code: the preview says so instead of drawing.
    await page.getByRole('radio', { name: /^Text/ }).check();
    await page.getByRole('textbox', { name: 'Text' }).fill('é'.repeat(1500));
    await page.getByRole('alert').filter({ hasText: 'Too much content for a QR code' }).waitFor();
    assert.equal(await page.getByTestId('designer-preview').count(), 0);

    // A payment with a wrong IBAN check digit: the server refuses it and the message sits under the IBAN field.
    await page.getByRole('radio', { name: /^SEPA payment/ }).check();
    await page.getByRole('textbox', { name: 'Beneficiary name' }).fill('Café des 2 Moulins');
    const iban = page.getByRole('textbox', { name: 'IBAN' });
    await iban.fill('FR76 3000 6000 0112 3456 7890 188');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/qrcodes') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Create code' }).click(),
    ]);
    assert.equal(response.status(), 400);
    const body = (await response.json()) as { error: { details: { path: string; message: string }[] } };
    const detail = body.error.details.find((d) => d.path === 'content.iban');
    assert.ok(detail, 'the server names the IBAN field');
    assert.equal(await fieldError(page, iban), detail.message);
    assert.ok(await page.getByRole('alert').filter({ hasText: 'The code was not saved' }).isVisible());
    assert.match(new URL(page.url()).pathname, /^\/create$/, 'nothing was created');

    // Fixing the field clears the message, and the code saves.
    await iban.fill('FR76 3000 6000 0112 3456 7890 189');
    assert.equal(await iban.getAttribute('aria-invalid'), null);
    await page.getByRole('button', { name: 'Create code' }).click();
    await page.waitForURL(/\/codes\/[^/]+\/edit$/);
    const payment = await getCode(h, idFromUrl(page.url())!);
    assert.equal(payment.type, 'payment');
    assert.match(payment.payload, /^BCD\n/);

    ui.assertClean();
    await ui.context.close();
  });

  it('undoes and redoes a colour change, applies a built-in preset, and asks before leaving unsaved work', async () => {
    const ui = await h.open({ theme: 'light', path: '/create' });
    const { page } = ui;

    await page.getByRole('textbox', { name: 'Web address' }).fill('https://example.com/undo');
    const black = await nextPreview(page, null);
    const dots = page.getByRole('textbox', { name: 'Dots', exact: true });
    await dots.fill('#B71C1C');
    const red = await nextPreview(page, black);
    assert.match(decodeURIComponent(red), /#B71C1C/i);

    await page.keyboard.press('Control+z');
    assert.equal(await valueOf(dots, '#000000'), '#000000');
    assert.equal(await nextPreview(page, red), black, 'undo brings back the same image');
    await page.keyboard.press('Control+Shift+z');
    assert.equal(await valueOf(dots, '#B71C1C'), '#B71C1C');
    assert.equal(await nextPreview(page, black), red, 'redo brings the colour back');
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    assert.equal(await valueOf(dots, '#000000'), '#000000');
    await page.keyboard.press('Control+y');
    assert.equal(await valueOf(dots, '#B71C1C'), '#B71C1C');

    // Typing is one step, not one per letter.
    const name = page.getByRole('textbox', { name: 'Name' });
    await name.pressSequentially('Menu', { delay: 30 });
    await page.keyboard.press('Control+z');
    assert.equal(await valueOf(name, ''), '');
    assert.equal(await valueOf(dots, '#B71C1C'), '#B71C1C', 'only the typing was undone');

    // A built-in preset changes the preview (and the colour fields).
    const before = await previewSrc(page);
    const ocean = page.getByRole('button', { name: 'Ocean gradient' });
    await ocean.click();
    assert.equal(await ocean.getAttribute('aria-pressed'), 'true');
    const oceanSrc = await nextPreview(page, before);
    assert.match(decodeURIComponent(oceanSrc), /#1D6FA3/i, 'the gradient of the preset is drawn');
    assert.equal(await valueOf(dots, '#0B3C5D'), '#0B3C5D');

    // The design saved as a preset of one's own, then deleted.
    await page.getByRole('button', { name: 'Save as preset' }).click();
    const saveDialog = page.getByRole('dialog', { name: 'Save this design as a preset' });
    await saveDialog.getByRole('textbox', { name: 'Preset name' }).fill('Ocean, my way');
    await saveDialog.getByRole('button', { name: 'Save preset' }).click();
    await saveDialog.waitFor({ state: 'hidden' });
    await page.getByRole('button', { name: 'Ocean, my way', exact: true }).waitFor();
    const presets = (await (await h.api('/api/v1/design-presets')).json()) as {
      data: { name: string; builtIn: boolean; design: { foregroundColor: string } }[];
    };
    const mine = presets.data.find((p) => !p.builtIn);
    assert.equal(mine?.name, 'Ocean, my way');
    assert.equal(mine?.design.foregroundColor, '#0B3C5D');
    await page.getByRole('button', { name: 'Delete the preset “Ocean, my way”' }).click();
    await page.getByRole('dialog', { name: 'Delete this preset?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Ocean, my way', exact: true }).waitFor({ state: 'detached' });

    // Leaving with unsaved work asks first; staying keeps everything.
    await page.getByRole('link', { name: 'Library' }).click();
    const ask = page.getByRole('dialog', { name: 'Leave without saving?' });
    await ask.waitFor();
    await ask.getByRole('button', { name: 'Cancel' }).click();
    assert.match(new URL(page.url()).pathname, /^\/create$/);
    assert.equal(await valueOf(dots, '#0B3C5D'), '#0B3C5D');

    ui.assertClean();
    await ui.context.close();
  });
});
