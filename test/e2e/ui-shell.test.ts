import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { navigate, screenshot, seriousA11yViolations, UiHarness } from '../helpers/ui';

// Every page of the UI, as a new user meets it: in both themes, in English and
// French, by keyboard, with no console error, no request leaving the machine
// and no serious accessibility violation.

const PAGES = ['library', 'create', 'barcodes', 'batch', 'analytics', 'settings', 'developers'] as const;

describe('UI shell', () => {
  let h: UiHarness;

  before(async () => {
    h = await UiHarness.start();
    // Something in the library, so pages show content as well as empty states.
    const res = await h.api('/api/v1/qrcodes', {
      method: 'POST',
      body: JSON.stringify({ type: 'url', name: 'Café menu', content: 'https://example.com/menu' }),
    });
    assert.equal(res.status, 201, await res.text());
  });
  after(async () => {
    await h?.stop();
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`shows every page in the ${theme} theme with no serious accessibility violation`, async () => {
      const ui = await h.open({ theme });
      try {
        assert.equal(await ui.page.evaluate(() => document.documentElement.dataset.theme), theme);
        for (const section of PAGES) {
          await navigate(ui.page, `/${section}`);
          await ui.page.waitForLoadState('networkidle');
          await screenshot(ui.page, `page-${section}-${theme}`);
          assert.deepEqual(await seriousA11yViolations(ui.page), [], `axe on /${section} (${theme})`);
        }
        ui.assertClean();
      } finally {
        await ui.context.close();
      }
    });
  }

  it('fits a 1024×700 window: no page scrolls sideways', async () => {
    const ui = await h.open({ theme: 'light' });
    try {
      await ui.page.setViewportSize({ width: 1024, height: 700 });
      for (const section of PAGES) {
        await navigate(ui.page, `/${section}`);
        await ui.page.waitForLoadState('networkidle');
        const overflow = await ui.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 0, `/${section} is ${overflow}px wider than a 1024px window`);
      }
      await screenshot(ui.page, 'page-developers-1024');
      ui.assertClean();
    } finally {
      await ui.context.close();
    }
  });

  it('switches to French from the sidebar, and remembers it', async () => {
    const ui = await h.open({ path: '/library' });
    try {
      const { page } = ui;
      await page.getByLabel('Language').selectOption('fr');
      const nav = page.getByRole('navigation', { name: 'Navigation principale' });
      await nav.getByRole('link', { name: 'Bibliothèque' }).waitFor();
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'fr');
      for (const name of ['Créer', 'Codes-barres', 'Statistiques', 'Réglages', 'Développeurs']) {
        assert.ok(await nav.getByRole('link', { name, exact: true }).isVisible(), `nav link ${name}`);
      }
      await page.reload();
      await nav.getByRole('link', { name: 'Réglages' }).waitFor();
      await screenshot(page, 'page-library-fr');
      ui.assertClean();
    } finally {
      await ui.context.close();
    }
  });

  it('is usable by keyboard: the skip link, then the navigation, reach the pages', async () => {
    const ui = await h.open({ path: '/library' });
    try {
      const { page } = ui;
      // A fresh load leaves focus at the top of the document: Tab reaches the skip link first.
      await page.reload();
      await page.locator('main h1').first().waitFor();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Skip to content');
      // Tab to the "Settings" link and follow it with Enter.
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        if ((await page.evaluate(() => document.activeElement?.textContent?.trim())) === 'Settings') break;
      }
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/settings$/);
      await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
      // After a navigation the new page's heading has focus, so a screen reader announces it.
      await page.waitForFunction(() => document.activeElement?.tagName === 'H1');
      assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Settings');
      ui.assertClean();
    } finally {
      await ui.context.close();
    }
  });

  it('reloads a nested page in place (the server answers UI paths with the app)', async () => {
    const ui = await h.open({ path: '/analytics' });
    try {
      await ui.page.reload();
      await ui.page.locator('main h1').first().waitFor();
      assert.match(new URL(ui.page.url()).pathname, /^\/analytics$/);
      ui.assertClean();
    } finally {
      await ui.context.close();
    }
  });

  it('without a key explains how to sign in, and a pasted key signs in', async () => {
    const ui = await h.open({ signIn: false });
    try {
      const { page } = ui;
      await page.goto(`${h.apiUrl}/library`);
      await page.getByRole('heading', { name: 'Sign in to qrdesk' }).waitFor();
      assert.match(await page.locator('main').innerText(), /#key=/);
      assert.deepEqual(await seriousA11yViolations(page), []);
      await screenshot(page, 'page-sign-in-light');
      await page.getByLabel('API key').fill('qrd_' + 'x'.repeat(54));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('error').waitFor();
      assert.match(await page.getByTestId('error').innerText(), /not valid/i);
      await page.getByLabel('API key').fill(h.uiKey);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('connected').waitFor();
      ui.assertClean();
    } finally {
      await ui.context.close();
    }
  });
});
