/**
 * The library page in Debian's Chromium against a real `qrdesk serve`: codes
 * seeded through the API show with thumbnails that scan, search and filters
 * narrow the list (and live in the address bar), the list view, folders and
 * bulk moves, the trash, infinite scroll, and a read-only key.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { decodeImage } from '../../src-server/render/decoder';
import { openExport } from '../helpers/open-export';
import { navigate, screenshot, seriousA11yViolations, UiHarness, type UiPage } from '../helpers/ui';

interface Code {
  id: string;
  name: string;
  payload: string;
  folderId: string | null;
  deletedAt: string | null;
  isFavorite: boolean;
}

const SVG_PREFIX = 'data:image/svg+xml;charset=utf-8,';

describe('library page', () => {
  let h: UiHarness;
  let ui: UiPage;
  const codes: Record<string, Code> = {};

  const create = async (body: object): Promise<Code> => {
    const res = await h.api('/api/v1/qrcodes', { method: 'POST', body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.clone().text());
    return (await res.json()) as Code;
  };
  const getCode = async (id: string): Promise<Code> => {
    const res = await h.api(`/api/v1/qrcodes/${id}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Code;
  };
  const items = (page: Page) => page.getByTestId('library-item');
  const card = (page: Page, name: string) => page.getByRole('listitem', { name, exact: true });
  /** Waits until exactly these codes are listed (in any order). */
  const expectListed = async (page: Page, names: string[]) => {
    await page.waitForFunction(
      (expected) => {
        const shown = [...document.querySelectorAll('[data-testid="library-item"]')].map(
          (el) => el.getAttribute('aria-label') ?? el.querySelector('th')?.firstChild?.textContent ?? '',
        );
        return shown.length === expected.length && expected.every((n) => shown.includes(n));
      },
      names,
      { timeout: 10_000 },
    );
  };
  const checkA11y = async (page: Page, what: string) => {
    assert.deepEqual(await seriousA11yViolations(page), [], `no serious a11y violation: ${what}`);
  };

  before(async () => {
    h = await UiHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('greets a new library with a way to create the first code', async () => {
    ui = await h.open({ theme: 'light', path: '/library' });
    const { page } = ui;
    await page.getByRole('heading', { name: 'No QR codes yet' }).waitFor();
    const cta = page.getByRole('link', { name: 'Create a QR code' });
    assert.equal(await cta.getAttribute('href'), '/create');
    assert.equal(await page.getByRole('link', { name: 'New code' }).getAttribute('href'), '/create');
    await screenshot(page, 'library-empty-light');
    await checkA11y(page, 'empty library');
  });

  it('lists saved codes with thumbnails that scan back to their payload', async () => {
    codes.menu = await create({ type: 'url', content: 'https://example.com/menu', name: 'Menu' });
    codes.wifi = await create({
      type: 'wifi',
      content: { ssid: 'Café guest', password: 'croissant42', encryption: 'WPA' },
      name: 'Guest Wi-Fi',
    });
    codes.dessert = await create({
      type: 'text',
      content: 'Crème brûlée du jour',
      name: 'Dessert',
      design: { foregroundColor: '#7A1F3D', dotStyle: 'rounded', cornerSquareStyle: 'extra-rounded' },
    });
    codes.promo = await create({
      type: 'url',
      kind: 'dynamic',
      content: 'https://example.com/promo',
      name: 'Promo',
      isFavorite: true,
      tags: ['spring'],
    });

    const { page } = ui;
    await page.reload();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
    await page.getByRole('status').filter({ hasText: '4 codes' }).waitFor();

    // The thumbnail is drawn in the browser by the shared engine: it must scan as the code's payload.
    for (const code of [codes.menu, codes.dessert]) {
      const img = page.getByRole('img', { name: `QR code for ${code!.name}` });
      await img.and(page.locator('img')).waitFor();
      const src = (await img.getAttribute('src'))!;
      assert.ok(src.startsWith(SVG_PREFIX), 'the thumbnail is an SVG data URL');
      const svg = Buffer.from(decodeURIComponent(src.slice(SVG_PREFIX.length)), 'utf8');
      const decoded = await decodeImage(await openExport(svg, 'svg'));
      assert.equal(decoded[0]?.text, code!.payload, `the thumbnail of ${code!.name} scans`);
    }

    // Badges: kind, status, scan count, favourite.
    const promo = card(page, 'Promo');
    await promo.getByText('Dynamic').waitFor();
    await promo.getByText('Active').waitFor();
    await promo.getByText('0 scans').waitFor();
    assert.equal(await promo.getByRole('button', { name: 'Favourite: Promo' }).getAttribute('aria-pressed'), 'true');
    await card(page, 'Menu').getByText('Not tracked').waitFor();

    await page.evaluate(() => document.fonts.ready);
    await screenshot(page, 'library-grid-light');
    await checkA11y(page, 'grid, light');
    // The smallest window the app supports.
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'library-grid-small-light');
    await page.setViewportSize({ width: 1280, height: 800 });

    const dark = await h.open({ theme: 'dark', path: '/library' });
    await expectListed(dark.page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
    await dark.page.getByRole('img', { name: 'QR code for Dessert' }).and(dark.page.locator('img')).waitFor();
    await screenshot(dark.page, 'library-grid-dark');
    await checkA11y(dark.page, 'grid, dark');
    dark.assertClean();
    await dark.context.close();
  });

  it('searches and filters, keeping both in the address bar', async () => {
    const { page } = ui;
    await page.getByRole('searchbox', { name: 'Search codes' }).fill('menu');
    await expectListed(page, ['Menu']);
    assert.equal(new URL(page.url()).searchParams.get('q'), 'menu');
    await page.reload();
    await expectListed(page, ['Menu']);
    assert.equal(await page.getByRole('searchbox', { name: 'Search codes' }).inputValue(), 'menu');

    // Content is searched too (the text code's content), not only names.
    await page.getByRole('searchbox', { name: 'Search codes' }).fill('brûlée');
    await expectListed(page, ['Dessert']);

    await page.getByRole('button', { name: 'Clear filters' }).first().click();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
    assert.equal(await page.getByRole('searchbox', { name: 'Search codes' }).inputValue(), '');

    await page.getByLabel('Type').selectOption('wifi');
    await expectListed(page, ['Guest Wi-Fi']);
    assert.equal(new URL(page.url()).searchParams.get('type'), 'wifi');
    await page.goBack();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);

    await page.getByLabel('Kind').selectOption('dynamic');
    await expectListed(page, ['Promo']);
    await page.getByLabel('Kind').selectOption('');
    await page.getByRole('checkbox', { name: 'Favourites only' }).check();
    await expectListed(page, ['Promo']);
    await page.getByRole('checkbox', { name: 'Favourites only' }).uncheck();
    await page.getByRole('combobox', { name: 'Tag' }).fill('spring');
    await page.getByRole('combobox', { name: 'Tag' }).press('Enter');
    await expectListed(page, ['Promo']);

    await page.getByRole('searchbox', { name: 'Search codes' }).fill('nothing like this');
    await page.getByRole('heading', { name: 'No codes match' }).waitFor();
    await page.getByRole('main').getByRole('button', { name: 'Clear filters' }).last().click();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
  });

  it('switches to the list view, which is remembered', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'List' }).click();
    const table = page.getByRole('table');
    await table.waitFor();
    await table.getByRole('rowheader', { name: 'Guest Wi-Fi' }).waitFor();
    assert.equal(await table.getByRole('row').count(), 5, 'a header row and four codes');
    await table.getByRole('img', { name: 'QR code for Menu' }).and(page.locator('img')).waitFor();
    await screenshot(page, 'library-list-light');
    await checkA11y(page, 'list, light');
    await page.setViewportSize({ width: 1024, height: 700 });
    await screenshot(page, 'library-list-small-light');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.reload();
    await page.getByRole('table').waitFor();
    assert.equal(await page.getByRole('button', { name: 'List' }).getAttribute('aria-pressed'), 'true');

    const dark = await h.open({ theme: 'dark', path: '/library' });
    await dark.page.getByRole('button', { name: 'List' }).click();
    await dark.page.getByRole('table').getByRole('rowheader', { name: 'Promo' }).waitFor();
    await dark.page.getByRole('img', { name: 'QR code for Promo' }).and(dark.page.locator('img')).waitFor();
    await screenshot(dark.page, 'library-list-dark');
    await checkA11y(dark.page, 'list, dark');
    dark.assertClean();
    await dark.context.close();

    await page.getByRole('button', { name: 'Grid' }).click();
    await page.getByRole('list', { name: 'Codes in All codes' }).waitFor();
  });

  it('creates a folder and moves two selected codes into it', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'New folder' }).click();
    const dialog = page.getByRole('dialog', { name: 'New folder' });
    await dialog.getByRole('textbox', { name: 'Folder name' }).fill('Counter signs');
    await dialog.getByRole('button', { name: 'Create folder' }).click();
    await dialog.waitFor({ state: 'detached' });
    const sidebar = page.getByRole('navigation', { name: 'Library sections' });
    await sidebar.getByRole('button', { name: /^Counter signs/ }).waitFor();

    await page.getByRole('checkbox', { name: 'Select Menu' }).check();
    await page.getByRole('checkbox', { name: 'Select Dessert' }).check();
    await page.getByText('2 selected').waitFor();
    await page.getByRole('button', { name: 'Move to folder…' }).click();
    const move = page.getByRole('dialog', { name: 'Move 2 codes to a folder' });
    await move.getByRole('combobox', { name: 'Folder' }).selectOption({ label: 'Counter signs' });
    await screenshot(page, 'library-move-light');
    await move.getByRole('button', { name: 'Move' }).click();
    await page.getByText('2 codes moved to “Counter signs”.').waitFor();

    const folders = (await (await h.api('/api/v1/folders')).json()) as { data: { id: string; name: string }[] };
    const folder = folders.data.find((f) => f.name === 'Counter signs');
    assert.ok(folder, 'the folder exists in the API');
    assert.equal((await getCode(codes.menu!.id)).folderId, folder.id);
    assert.equal((await getCode(codes.dessert!.id)).folderId, folder.id);
    assert.equal((await getCode(codes.wifi!.id)).folderId, null);

    // The folder's count and content.
    await sidebar.getByRole('button', { name: 'Counter signs 2 codes' }).click();
    await expectListed(page, ['Menu', 'Dessert']);
    assert.equal(new URL(page.url()).searchParams.get('folder'), folder.id);
    await sidebar.getByRole('button', { name: /^All codes/ }).click();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
  });

  it('moves a code to the trash and restores it', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Move Guest Wi-Fi to the trash' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Move this code to the trash?' });
    await confirmDialog.getByRole('button', { name: 'Move to trash' }).click();
    await expectListed(page, ['Menu', 'Dessert', 'Promo']);
    assert.ok((await getCode(codes.wifi!.id)).deletedAt, 'the code is in the trash');

    const sidebar = page.getByRole('navigation', { name: 'Library sections' });
    await sidebar.getByRole('button', { name: /^Trash/ }).click();
    await expectListed(page, ['Guest Wi-Fi']);
    await page.getByText(/Deleted on/).waitFor();
    await screenshot(page, 'library-trash-light');
    await checkA11y(page, 'trash');

    await page.getByRole('button', { name: 'Restore Guest Wi-Fi' }).click();
    await page.getByRole('heading', { name: 'The trash is empty' }).waitFor();
    assert.equal((await getCode(codes.wifi!.id)).deletedAt, null, 'the code is back in the library');
    await sidebar.getByRole('button', { name: /^All codes/ }).click();
    await expectListed(page, ['Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
  });

  it('duplicates a code and toggles a favourite', async () => {
    const { page } = ui;
    await page.getByRole('button', { name: 'Duplicate Menu' }).click();
    await expectListed(page, ['Menu (copy)', 'Menu', 'Guest Wi-Fi', 'Dessert', 'Promo']);
    const list = (await (await h.api('/api/v1/qrcodes?q=menu')).json()) as { data: Code[] };
    const copy = list.data.find((c) => c.name === 'Menu (copy)');
    assert.ok(copy);
    assert.equal(copy.payload, codes.menu!.payload);
    assert.notEqual(copy.id, codes.menu!.id);

    await page.getByRole('button', { name: 'Favourite: Menu', exact: true }).click();
    await page.waitForFunction(
      () => document.querySelector('[aria-label="Favourite: Menu"]')?.getAttribute('aria-pressed') === 'true',
    );
    assert.equal((await getCode(codes.menu!.id)).isFavorite, true);
  });

  it('selects a range with shift-click and reports the codes a bulk change could not change', async () => {
    const hoarder = await create({
      type: 'text',
      content: 'Tagged to the brim',
      name: 'Tag hoarder',
      tags: Array.from({ length: 20 }, (_, i) => `t${i}`),
    });
    const { page } = ui;
    await page.reload();
    await card(page, 'Tag hoarder').waitFor();
    // Newest first: Tag hoarder, Menu (copy), Promo, ...
    await page.getByRole('checkbox', { name: 'Select Tag hoarder' }).check();
    await page.getByRole('checkbox', { name: 'Select Promo' }).click({ modifiers: ['Shift'] });
    await page.getByText('3 selected').waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Select Menu (copy)' }).isChecked(), true);

    await page.getByRole('button', { name: 'Add tag…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a tag to 3 codes' });
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    await dialog.getByText('Enter a tag.').waitFor();
    await dialog.getByRole('combobox', { name: 'Tag' }).fill('summer');
    await dialog.getByRole('button', { name: 'Add tag' }).click();
    const failures = page.getByRole('alert').filter({ hasText: 'Some codes could not be changed' });
    await failures.waitFor();
    assert.match(await failures.innerText(), /Tag hoarder.*20 tags/s);
    await page.getByText('Tag “summer” added to 2 codes.').waitFor();
    assert.deepEqual(((await getCode(codes.promo!.id)) as unknown as { tags: string[] }).tags, ['spring', 'summer']);
    assert.equal(((await getCode(hoarder.id)) as unknown as { tags: string[] }).tags.length, 20);
    await page.getByText('1 selected').waitFor();
    assert.equal(await page.getByRole('checkbox', { name: 'Select Tag hoarder' }).isChecked(), true);
    await failures.getByRole('button', { name: 'Dismiss' }).click();
    await page.getByRole('button', { name: 'Clear the selection' }).click();
  });

  it('loads the next page as the user scrolls, with a Load more button as well', async () => {
    const bulk = Array.from({ length: 60 }, (_, i) => ({
      type: 'text',
      content: `Label ${i + 1}`,
      name: `Shelf label ${String(i + 1).padStart(2, '0')}`,
    }));
    const res = await h.api('/api/v1/qrcodes/bulk', { method: 'POST', body: JSON.stringify({ items: bulk }) });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { created: number }).created, 60);

    const { page } = ui;
    await page.reload();
    await page.getByRole('status').filter({ hasText: '66 codes' }).waitFor();
    assert.equal(await items(page).count(), 50, 'the first page');
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    await page.getByRole('button', { name: 'Load more' }).scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-item"]').length === 66);
    await page.getByRole('button', { name: 'Load more' }).waitFor({ state: 'detached' });
    await card(page, 'Menu').waitFor();

    // Select all loaded, then the bulk action bar names the count.
    await page.getByRole('checkbox', { name: 'Select all 66 loaded codes' }).check();
    await page.getByText('66 selected').waitFor();
    await page.getByRole('button', { name: 'Clear the selection' }).click();

    // The Load more button alone (keyboard users) also loads the next page.
    await page.getByRole('searchbox', { name: 'Search codes' }).fill('Shelf label');
    await page.getByRole('status').filter({ hasText: '60 codes' }).waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.getByRole('button', { name: 'Load more' }).focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="library-item"]').length === 60);
  });

  it('speaks French', async () => {
    const fr = await h.open({ theme: 'light', language: 'fr', path: '/library?type=url' });
    await fr.page.getByRole('heading', { name: 'Bibliothèque', level: 1 }).waitFor();
    await fr.page.getByRole('status').filter({ hasText: '3 codes' }).waitFor();
    await fr.page.getByRole('button', { name: /^Tous les codes/ }).waitFor();
    await fr.page.getByRole('img', { name: 'Code QR de Promo' }).and(fr.page.locator('img')).waitFor();
    await screenshot(fr.page, 'library-french-light');
    fr.assertClean();
    await fr.context.close();
  });

  it('hides every write action from a read-only key', async () => {
    const res = await h.api('/api/v1/api-keys', {
      method: 'POST',
      body: JSON.stringify({ name: 'viewer', scopes: ['read'] }),
    });
    assert.equal(res.status, 201, await res.clone().text());
    const { key } = (await res.json()) as { key: string };
    const viewer = await h.open({ signIn: false });
    await viewer.page.goto(`${h.apiUrl}/#key=${key}`);
    await viewer.page.getByTestId('connected').waitFor();
    await navigate(viewer.page, '/library?q=Menu');
    await expectListed(viewer.page, ['Menu (copy)', 'Menu']);
    assert.equal(await viewer.page.getByRole('link', { name: 'New code' }).count(), 0);
    assert.equal(await viewer.page.getByRole('checkbox', { name: /^Select/ }).count(), 0);
    assert.equal(await viewer.page.getByRole('button', { name: /trash|Duplicate|New folder/ }).count(), 0);
    await card(viewer.page, 'Menu').getByRole('img', { name: 'Favourite' }).waitFor();
    await viewer.page.getByRole('link', { name: 'Analytics for Menu', exact: true }).waitFor();
    viewer.assertClean();
    await viewer.context.close();
  });

  it('renames a folder and deletes it, leaving its codes in the library', async () => {
    const { page } = ui;
    const sidebar = page.getByRole('navigation', { name: 'Library sections' });
    await sidebar.getByRole('button', { name: 'Rename folder Counter signs' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename folder' });
    await rename.getByRole('textbox', { name: 'Folder name' }).fill('  ');
    await rename.getByRole('button', { name: 'Rename' }).click();
    // The API's refusal shows next to the field, and the dialog stays open.
    await rename.locator('.field-error').waitFor();
    await rename.getByRole('textbox', { name: 'Folder name' }).fill('Till signs');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await rename.waitFor({ state: 'detached' });
    await sidebar.getByRole('button', { name: /^Till signs/ }).click();
    await expectListed(page, ['Menu (copy)', 'Menu', 'Dessert']);

    await sidebar.getByRole('button', { name: 'Delete folder Till signs' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Delete the folder “Till signs”?' });
    await confirmDialog.getByText('Its 3 codes stay in the library, in no folder.').waitFor();
    await confirmDialog.getByRole('button', { name: 'Delete folder' }).click();
    await page.getByRole('heading', { name: 'All codes', level: 2 }).waitFor();
    await sidebar.getByText('No folders yet.').waitFor();
    const folders = (await (await h.api('/api/v1/folders')).json()) as { data: unknown[] };
    assert.equal(folders.data.length, 0);
    assert.equal((await getCode(codes.menu!.id)).folderId, null);
    assert.equal((await getCode(codes.menu!.id)).deletedAt, null);
  });

  it('logged no console error and reached nothing outside the app', () => {
    ui.assertClean();
  });
});
