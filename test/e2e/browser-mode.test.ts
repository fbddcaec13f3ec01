import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { projectRoot } from '../../src-server/paths';
import { ensureUiKey } from '../../src-server/services/ui-key';
import { launchChromium } from '../helpers/browser';
import { startTestServer, type TestServer } from '../helpers/server';

const ARTIFACTS = path.join(projectRoot(), 'test-results', 'e2e');

// The UI in a real Chromium against the real server, as `qrdesk serve` runs it.
describe('browser mode', () => {
  let server: TestServer;
  let browser: Browser;
  let uiKey: string;

  before(async () => {
    const uiDir = path.join(projectRoot(), 'out', 'renderer');
    assert.ok(fs.existsSync(path.join(uiDir, 'index.html')), 'the renderer is built (npm test runs the build first)');
    server = await startTestServer({ uiDir });
    uiKey = ensureUiKey(server.dataDir, server.services.apiKeys).key;
    browser = await launchChromium();
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens the printed #key= URL, connects with the UI key and drops the key from the address bar', async () => {
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (r) => failed.push(r.url()));
    page.on('request', (r) => {
      if (!r.url().startsWith(server.apiUrl)) failed.push(`external: ${r.url()}`);
    });
    await page.goto(`${server.apiUrl}/#key=${uiKey}`);
    await page.getByTestId('connected').waitFor();
    assert.match(await page.getByTestId('connected').innerText(), /qrdesk UI/);
    assert.equal(new URL(page.url()).hash, '');
    await page.screenshot({ path: path.join(ARTIFACTS, 'connected.png') });
    assert.deepEqual(failed, []);
    await page.close();
  });

  it('shows the API message when the key is wrong', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.apiUrl}/#key=qrd_${'x'.repeat(54)}`);
    await page.getByTestId('error').waitFor();
    assert.match(await page.getByTestId('error').innerText(), /not valid/);
    await page.close();
  });

  it('renders the offline API reference at /docs with no request leaving the machine', async () => {
    const page = await browser.newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(server.apiUrl)) external.push(r.url());
    });
    await page.goto(`${server.apiUrl}/docs`);
    await page.getByText('qrdesk local API').first().waitFor();
    await page.getByText('/api/v1/api-keys').first().waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'docs.png'), fullPage: false });
    assert.deepEqual(external, []);
    await page.close();
  });
});
