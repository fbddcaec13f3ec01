import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { navigate, screenshot, seriousA11yViolations, UI_ARTIFACTS, UiHarness } from '../helpers/ui';

const run = promisify(execFile);

/** Runs a snippet copied from the page in a POSIX shell, as a user pasting it would. */
async function paste(snippet: string, key: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', snippet], { env: { ...process.env, QRDESK_KEY: key }, timeout: 15_000 });
  return stdout;
}

describe('UI: Settings and Developers', () => {
  let h: UiHarness;

  before(async () => {
    h = await UiHarness.start();
  });
  after(async () => {
    await h?.stop();
  });

  it('creates a key that works over plain HTTP, shows it once, lists it by prefix and revokes it', async () => {
    const ui = await h.open({ theme: 'light', path: '/settings' });
    const { page } = ui;
    const keys = page.locator('#settings-api-keys');
    await keys.getByRole('heading', { name: 'API keys' }).waitFor();

    // The window's own key is flagged and cannot be revoked from here.
    const own = keys.getByRole('row').filter({ hasText: 'qrdesk UI' });
    await own.waitFor();
    assert.match(await own.innerText(), /This window/);
    assert.equal(await own.getByRole('button', { name: /Revoke/ }).count(), 0);

    await keys.getByRole('button', { name: 'Create key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.waitFor();
    await dialog.getByLabel('Name').fill('script');
    assert.equal(await dialog.getByRole('checkbox', { name: /^read/ }).isChecked(), true);
    assert.equal(await dialog.getByRole('checkbox', { name: /^write/ }).isChecked(), true);
    assert.equal(await dialog.getByRole('checkbox', { name: /^admin/ }).isChecked(), false);
    await dialog.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: 'Key “script” created' });
    const keyInput = shown.getByLabel('Your new API key');
    await keyInput.waitFor();
    const key = await keyInput.inputValue();
    assert.match(key, /^qrd_[\w-]{40,}$/);
    assert.match(await shown.innerText(), /you will not see it again/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), key);
    await screenshot(page, 'settings-new-key-light');
    await shown.getByRole('button', { name: 'I have copied it' }).click();
    await shown.waitFor({ state: 'hidden' });
    assert.equal(await page.getByText(key).count(), 0, 'the secret is gone from the page');

    // The key works from a script, with exactly the scopes chosen.
    const auth = { Authorization: `Bearer ${key}` };
    const verify = await fetch(`${h.apiUrl}/api/v1/auth/verify`, { headers: auth });
    assert.equal(verify.status, 200);
    const who = (await verify.json()) as { name: string; prefix: string; scopes: string[] };
    assert.equal(who.name, 'script');
    assert.deepEqual(who.scopes, ['read', 'write']);
    const created = await fetch(`${h.apiUrl}/api/v1/qrcodes`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'text', content: 'made by script' }),
    });
    assert.equal(created.status, 201);
    const forbidden = await fetch(`${h.apiUrl}/api/v1/settings`, { headers: auth });
    assert.equal(forbidden.status, 403);
    assert.equal(((await forbidden.json()) as { error: { code: string } }).error.code, 'FORBIDDEN');

    // Listed by name and prefix, then revoked after confirming.
    const row = keys.getByRole('row').filter({ hasText: 'script' });
    await row.waitFor();
    assert.ok(key.startsWith(who.prefix));
    assert.match(await row.innerText(), new RegExp(who.prefix));
    assert.match(await row.innerText(), /Active/);
    await row.getByRole('button', { name: 'Revoke the key “script”' }).click();
    const confirmDialog = page.getByRole('dialog', { name: 'Revoke the key “script”?' });
    await confirmDialog.getByRole('button', { name: 'Revoke key' }).click();
    await row.getByText(/Revoked/).waitFor();
    const revoked = await fetch(`${h.apiUrl}/api/v1/auth/verify`, { headers: auth });
    assert.equal(revoked.status, 401);
    assert.equal(((await revoked.json()) as { error: { code: string } }).error.code, 'API_KEY_REVOKED');

    ui.assertClean();
    await ui.context.close();
  });

  it('edits the public base URL, trust proxy and city database with the API’s messages next to the fields', async () => {
    const ui = await h.open({ theme: 'light', path: '/settings' });
    const { page } = ui;
    const section = page.locator('#settings-public-address');
    const input = section.getByLabel('Base URL of new dynamic codes');
    await input.waitFor();
    assert.equal(await input.inputValue(), h.publicUrl, 'starts at the public listener');

    // Refused: the API's own message, next to the field.
    const bad = 'ftp://qr.example.com';
    const refusal = await h.api('/api/v1/settings', { method: 'PATCH', body: JSON.stringify({ publicBaseUrl: bad }) });
    const expected = ((await refusal.json()) as { error: { details: { message: string }[] } }).error.details[0]!
      .message;
    await input.fill(bad);
    await section.getByRole('button', { name: 'Save' }).first().click();
    await section.locator('.field-error').first().waitFor();
    const describedBy = await input.getAttribute('aria-describedby');
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    const errorId = describedBy!.split(' ').find((id) => id.endsWith('-error'))!;
    assert.equal(await page.locator(`[id="${errorId}"]`).innerText(), expected);

    // Accepted: saved on the server, and the warning about printed codes is in view.
    await input.fill('https://qr.example.com/');
    await section.getByRole('button', { name: 'Save' }).first().click();
    await page.getByText('Saved: new dynamic codes will use this base URL.').waitFor();
    const settings = (await (await h.api('/api/v1/settings')).json()) as { publicBaseUrl: string };
    assert.equal(settings.publicBaseUrl, 'https://qr.example.com');
    assert.equal(await input.inputValue(), 'https://qr.example.com');
    const warning = page.getByTestId('printed-codes-warning');
    assert.ok(await warning.isVisible());
    assert.match(await warning.innerText(), /Printed codes keep their address/);
    const dynamic = await h.api('/api/v1/qrcodes', {
      method: 'POST',
      body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/menu' }),
    });
    assert.match(((await dynamic.json()) as { shortUrl: string }).shortUrl, /^https:\/\/qr\.example\.com\/r\//);

    // Trust proxy.
    await section.getByRole('radio', { name: /X-Forwarded-For/ }).check();
    await section.locator('form').nth(1).getByRole('button', { name: 'Save' }).click();
    await assertEventually(async () => {
      const s = (await (await h.api('/api/v1/settings')).json()) as { trustProxy: string };
      assert.equal(s.trustProxy, 'x-forwarded-for');
    });

    // A city database that does not open is refused, with the reason next to the field.
    const city = section.getByLabel('Path of a city database (.mmdb)');
    await city.fill('/nowhere/GeoLite2-City.mmdb');
    await section.locator('form').nth(2).getByRole('button', { name: 'Save' }).click();
    await section.getByText(/Cannot open the city database \/nowhere\/GeoLite2-City\.mmdb/).waitFor();
    assert.equal(await city.getAttribute('aria-invalid'), 'true');
    const after = (await (await h.api('/api/v1/settings')).json()) as { geoCityDbPath: string | null };
    assert.equal(after.geoCityDbPath, null, 'nothing saved');

    ui.assertClean();
    await ui.context.close();
  });

  it('shows the tunnel state, keeps tokens write-only, and shows the server facts', async () => {
    const ui = await h.open({ theme: 'light', path: '/settings' });
    const { page } = ui;
    const tunnel = page.locator('#settings-tunnel');
    await tunnel.getByTestId('tunnel-state').waitFor();
    assert.equal(await tunnel.getByTestId('tunnel-state').innerText(), 'stopped');
    assert.match(await tunnel.getByTestId('tunnel-status').innerText(), /Provider\s+None/);
    assert.equal(await tunnel.getByRole('button', { name: 'Start' }).isDisabled(), true, 'no provider to start');

    // ngrok: a malformed token is refused next to its field; a good one is stored and never shown back.
    await tunnel.getByLabel('Provider').selectOption('ngrok');
    const token = tunnel.getByLabel(/ngrok authtoken/);
    await token.fill('two words');
    await tunnel.getByLabel('Reserved domain').fill('qr-cafe.ngrok.app');
    await tunnel.getByRole('button', { name: 'Save tunnel settings' }).click();
    await tunnel.getByText('ngrokAuthtoken must be printable ASCII without spaces').waitFor();
    assert.equal(await token.getAttribute('aria-invalid'), 'true');
    assert.equal(await tunnel.getByTestId('ngrokAuthtoken-state').innerText(), 'not set');
    await token.fill('2abcDEF_secret-token');
    await tunnel.getByRole('button', { name: 'Save tunnel settings' }).click();
    await page.getByText('Tunnel settings saved.').waitFor();
    await tunnel.getByTestId('ngrokAuthtoken-state').filter({ hasText: /^set$/ }).waitFor();
    assert.equal(await tunnel.getByLabel(/ngrok authtoken/).inputValue(), '', 'the token is not displayed back');
    assert.equal(await page.getByText('2abcDEF_secret-token').count(), 0);
    const status = (await (await h.api('/api/v1/tunnel')).json()) as {
      state: string;
      config: { provider: string; ngrokDomain: string; hasNgrokAuthtoken: boolean };
    };
    assert.equal(status.state, 'stopped');
    assert.deepEqual(
      [status.config.provider, status.config.ngrokDomain, status.config.hasNgrokAuthtoken],
      ['ngrok', 'qr-cafe.ngrok.app', true],
    );
    assert.match(await tunnel.getByTestId('tunnel-status').innerText(), /Provider\s+ngrok/);
    // A custom domain that reaches the public listener: Start brings it up, with its URL, check and warning.
    await tunnel.getByLabel('Provider').selectOption('custom-domain');
    await tunnel.getByLabel('URL of your proxy').fill(h.publicUrl);
    await tunnel.getByRole('button', { name: 'Save tunnel settings' }).click();
    await tunnel.getByTestId('tunnel-status').getByText('Custom domain (your own reverse proxy)').waitFor();
    await tunnel.getByRole('button', { name: 'Start' }).click();
    await tunnel.getByTestId('tunnel-state').filter({ hasText: /^up$/ }).waitFor();
    const up = await tunnel.getByTestId('tunnel-status').innerText();
    assert.ok(up.includes(h.publicUrl), up);
    assert.match(up, /Reached/);
    // The dynamic code made earlier encodes https://qr.example.com, not the tunnel's URL.
    assert.match(up, /Some codes use another address\.[\s\S]*https:\/\/qr\.example\.com/);
    // The tunnel's URL is now the base URL of new codes, and the form above shows it.
    await page.locator('#settings-public-address').getByText(`Now: ${h.publicUrl}`).waitFor();
    await tunnel.screenshot({ path: path.join(UI_ARTIFACTS, 'settings-tunnel-up-light.png') });
    await tunnel.getByRole('button', { name: 'Stop' }).click();
    await tunnel
      .getByTestId('tunnel-state')
      .filter({ hasText: /^stopped$/ })
      .waitFor();
    assert.equal(((await (await h.api('/api/v1/tunnel')).json()) as { state: string }).state, 'stopped');

    // Back to none, so the page shows what the test expects of a fresh server.
    await tunnel.getByLabel('Provider').selectOption('none');
    await tunnel.getByRole('button', { name: 'Save tunnel settings' }).click();
    await tunnel.getByTestId('tunnel-status').getByText('None', { exact: true }).waitFor();
    assert.equal(await tunnel.getByTestId('tunnel-state').innerText(), 'stopped');

    // About: the data directory and the version, as the server says.
    const info = (await (await h.api('/api/v1/server')).json()) as { dataDir: string; version: string };
    const about = page.locator('#settings-about');
    await about.getByTestId('data-dir').waitFor();
    assert.equal(await about.getByTestId('data-dir').innerText(), info.dataDir);
    assert.equal(info.dataDir, h.banner.dataDir);
    assert.match(await about.getByTestId('server-version').innerText(), new RegExp(`qrdesk ${info.version}`));
    assert.match(await about.innerText(), /MIT/);

    await page.evaluate(() => {
      document.querySelectorAll<HTMLElement>('.toast button').forEach((b) => b.click());
      window.scrollTo(0, 0);
    });
    await screenshot(page, 'settings-light');
    assert.deepEqual(await seriousA11yViolations(page), []);
    ui.assertClean();
    await ui.context.close();
  });

  it('adds a webhook, shows its secret once, sends a signed test delivery and deletes it', async () => {
    const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const ui = await h.open({ theme: 'light', path: '/settings' });
      const { page } = ui;
      const section = page.locator('#settings-webhooks');
      await section.getByRole('heading', { name: 'No webhooks' }).waitFor();
      await section.getByRole('button', { name: 'Add webhook' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a webhook' });
      await dialog.getByLabel('URL', { exact: true }).fill('not a url');
      await dialog.getByRole('button', { name: 'Add webhook' }).click();
      await dialog.locator('.field-error').waitFor();
      await dialog.getByLabel('URL', { exact: true }).fill(url);
      await dialog.getByRole('checkbox', { name: /qrcode\.created/ }).check();
      await dialog.getByRole('button', { name: 'Add webhook' }).click();
      const shown = page.getByRole('dialog', { name: 'Webhook added' });
      const secret = await shown.getByLabel('Signing secret').inputValue();
      assert.match(secret, /^whsec_/);
      await shown.getByRole('button', { name: 'I have copied it' }).click();
      await shown.waitFor({ state: 'hidden' });

      const row = section.getByRole('row').filter({ hasText: url });
      assert.match(await row.innerText(), /scan\.created[\s\S]*qrcode\.created[\s\S]*Enabled/);
      await row.getByRole('button', { name: `Send a test delivery to ${url}` }).click();
      await row.getByTestId('webhook-test-result').filter({ hasText: 'Test: delivered (HTTP 204).' }).waitFor();
      assert.equal(received.length, 1);
      const delivery = received[0]!;
      const event = JSON.parse(delivery.body) as { event: string };
      assert.equal(event.event, 'webhook.test');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(delivery.headers['qrdesk-signature']))!;
      assert.equal(v1, createHmac('sha256', secret).update(`${t}.${delivery.body}`).digest('hex'));

      await row.getByRole('button', { name: `Delete the webhook ${url}` }).click();
      await page
        .getByRole('dialog', { name: 'Delete this webhook?' })
        .getByRole('button', { name: 'Delete webhook' })
        .click();
      await section.getByRole('heading', { name: 'No webhooks' }).waitFor();
      const list = (await (await h.api('/api/v1/webhooks')).json()) as { data: unknown[] };
      assert.deepEqual(list.data, []);
      ui.assertClean();
      await ui.context.close();
    } finally {
      receiver.close();
    }
  });

  it('shows developers a base URL and curl examples that work when pasted', async () => {
    const ui = await h.open({ theme: 'light', path: '/developers' });
    const { page } = ui;
    await page.getByRole('heading', { name: 'Developers', level: 1 }).waitFor();
    assert.equal(await page.getByTestId('api-base-url').innerText(), `${h.apiUrl}/api/v1`);

    const docs = page.getByRole('link', { name: /API reference/ });
    assert.equal(await docs.getAttribute('href'), `${h.apiUrl}/docs`);
    assert.equal(await docs.getAttribute('target'), '_blank');
    assert.match((await docs.getAttribute('rel')) ?? '', /noopener/);
    assert.equal(await page.getByRole('link', { name: /OpenAPI/ }).getAttribute('href'), `${h.apiUrl}/openapi.json`);
    assert.match(await page.getByTestId('cli-example').innerText(), /qrdesk keys create .*--data-dir/);

    const verify = await page.getByTestId('curl-verify').innerText();
    const create = await page.getByTestId('curl-create').innerText();
    assert.ok(verify.includes(`${h.apiUrl}/api/v1/auth/verify`), verify);
    assert.ok(create.includes(`${h.apiUrl}/api/v1/qrcodes`), create);

    // Pasted into a shell with a write key, they do what they say.
    const made = (await (
      await h.api('/api/v1/api-keys', { method: 'POST', body: JSON.stringify({ name: 'pasted', scopes: ['write'] }) })
    ).json()) as { key: string };
    assert.equal((JSON.parse(await paste(verify, made.key)) as { name: string }).name, 'pasted');
    const code = JSON.parse(await paste(create, made.key)) as { id: string; payload: string };
    assert.equal(code.payload, 'https://example.com');
    const listed = JSON.parse(await paste(await page.getByTestId('curl-list').innerText(), made.key)) as {
      data: { id: string }[];
    };
    assert.ok(listed.data.some((c) => c.id === code.id));

    await screenshot(page, 'developers-light');
    assert.deepEqual(await seriousA11yViolations(page), []);

    // The Settings link lands on the API keys section.
    await page.getByRole('link', { name: 'Settings → API keys' }).click();
    await page.locator('#settings-api-keys').getByRole('heading', { name: 'API keys' }).waitFor();
    assert.equal(new URL(page.url()).hash, '#settings-api-keys');
    ui.assertClean();
    await ui.context.close();
  });

  it('schedules automatic backups, shows a refused value next to its field, and backs up now with progress', async () => {
    const ui = await h.open({ theme: 'light', path: '/settings' });
    const { page } = ui;
    const section = page.locator('#settings-backups');
    await section.getByRole('heading', { name: 'Backups', level: 2, exact: true }).waitFor();
    const schedule = section.getByTestId('backups-schedule');
    await schedule.filter({ hasText: 'Now: a backup every 24 hours, keeping the newest 7.' }).waitFor();
    const auto = section.getByRole('checkbox', { name: /Back up automatically/ });
    const hours = section.getByLabel('Hours between backups', { exact: true });
    const keep = section.getByLabel('Automatic backups to keep', { exact: true });
    const save = section.getByRole('button', { name: 'Save' });
    assert.equal(await auto.isChecked(), true);
    assert.equal(await hours.inputValue(), '24');
    assert.equal(await keep.inputValue(), '7');
    assert.equal(await save.isDisabled(), true, 'nothing to save yet');

    // Refused: the API's own message next to the field it names, and nothing stored (one request for both).
    const refusal = await h.api('/api/v1/settings', {
      method: 'PATCH',
      body: JSON.stringify({ backupIntervalHours: 12, backupRetention: 0 }),
    });
    assert.equal(refusal.status, 400);
    const details = ((await refusal.json()) as { error: { details: { path: string; message: string }[] } }).error
      .details;
    const expected = details.find((d) => d.path === 'backupRetention')!.message;
    await hours.fill('12');
    await keep.fill('0');
    await save.click();
    await section.locator('.field-error').waitFor();
    assert.equal(await keep.getAttribute('aria-invalid'), 'true');
    assert.equal(await hours.getAttribute('aria-invalid'), null, 'the hours were fine');
    const errorId = (await keep.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    assert.equal(await page.locator(`[id="${errorId}"]`).innerText(), expected);
    let stored = (await (await h.api('/api/v1/settings')).json()) as {
      backupIntervalHours: number;
      backupRetention: number;
    };
    assert.deepEqual([stored.backupIntervalHours, stored.backupRetention], [24, 7], 'nothing stored');

    // Accepted: every 12 hours, keeping 3.
    await keep.fill('3');
    assert.equal(await section.locator('.field-error').count(), 0, 'the message goes once the value is edited');
    await save.click();
    await page.getByText('Saved: automatic backups follow the new schedule.').waitFor();
    await schedule.filter({ hasText: 'Now: a backup every 12 hours, keeping the newest 3.' }).waitFor();
    stored = (await (await h.api('/api/v1/settings')).json()) as typeof stored;
    assert.deepEqual([stored.backupIntervalHours, stored.backupRetention], [12, 3]);

    // Off is an interval of 0; turned on again, the form offers the same numbers.
    await auto.uncheck();
    assert.equal(await hours.count(), 0, 'no numbers while off');
    await save.click();
    await schedule.filter({ hasText: 'Now: off.' }).waitFor();
    stored = (await (await h.api('/api/v1/settings')).json()) as typeof stored;
    assert.deepEqual([stored.backupIntervalHours, stored.backupRetention], [0, 3]);
    await auto.check();
    assert.equal(await hours.inputValue(), '12');
    assert.equal(await keep.inputValue(), '3');
    await save.click();
    await schedule.filter({ hasText: 'Now: a backup every 12 hours, keeping the newest 3.' }).waitFor();
    stored = (await (await h.api('/api/v1/settings')).json()) as typeof stored;
    assert.deepEqual([stored.backupIntervalHours, stored.backupRetention], [12, 3]);

    // Where the backups are, and how to restore one or move elsewhere.
    await section.getByTestId('backups-folder').waitFor();
    assert.equal(await section.getByTestId('backups-folder').innerText(), path.join(h.banner.dataDir, 'backups'));
    const text = await section.innerText();
    assert.match(text, /quit qrdesk[^.]*then run qrdesk restore FILE/);
    assert.match(text, /qrdesk export library\.json --scans[^.]*qrdesk import library\.json/);

    // Back up now: progress while the server works (the request is held back a little so it can be seen),
    // then a toast with the counts the API answered and the new backup first in the list.
    const before = ((await (await h.api('/api/v1/backups')).json()) as { data: { name: string }[] }).data;
    // Something to count: a dynamic code and one scan of it.
    const code = (await (
      await h.api('/api/v1/qrcodes', {
        method: 'POST',
        body: JSON.stringify({ type: 'url', kind: 'dynamic', content: 'https://example.com/backed-up' }),
      })
    ).json()) as { shortToken: string };
    const scanned = await fetch(`${h.publicUrl}/r/${code.shortToken}`, { redirect: 'manual' });
    assert.equal(scanned.status, 302);
    await page.route('**/api/v1/backups', async (route) => {
      if (route.request().method() === 'POST') await new Promise((r) => setTimeout(r, 600));
      await route.continue();
    });
    const answered = page.waitForResponse(
      (res) => res.url().endsWith('/api/v1/backups') && res.request().method() === 'POST',
    );
    await section.getByRole('button', { name: 'Back up now' }).click();
    await section.getByRole('progressbar', { name: 'Backing up the database' }).waitFor();
    assert.equal(await section.getByRole('button', { name: 'Backing up…' }).isDisabled(), true);
    const response = await answered;
    assert.equal(response.status(), 201);
    const made = (await response.json()) as { name: string; kind: string; codes: number; scans: number };
    assert.equal(made.kind, 'manual');
    assert.ok(made.codes >= 1 && made.scans >= 1, 'the code and its scan are in it');
    const codes = `${made.codes} code${made.codes === 1 ? '' : 's'}`;
    const scans = `${made.scans} scan${made.scans === 1 ? '' : 's'}`;
    await page.getByText(`Backed up ${codes} and ${scans} to ${made.name}.`).waitFor();
    await section.getByRole('progressbar').waitFor({ state: 'detached' });
    const listed = ((await (await h.api('/api/v1/backups')).json()) as { data: { name: string; kind: string }[] }).data;
    assert.equal(listed.length, before.length + 1);
    assert.equal(listed[0]!.name, made.name, 'newest first');
    assert.equal(listed[0]!.kind, 'manual');
    const rows = section.getByTestId('backups-table').locator('tbody tr');
    await rows.first().filter({ hasText: made.name }).waitFor();
    assert.equal(await rows.count(), listed.length);
    assert.match(await rows.first().innerText(), /manual[\s\S]*\d{4}[\s\S]*\d+(\.\d)? (kB|MB)/);
    assert.match(
      await section.getByTestId('backups-summary').innerText(),
      new RegExp(`^${listed.length} backups?, .* in all, newest first\\.$`),
    );
    await page.unroute('**/api/v1/backups');

    await page.evaluate(() => document.querySelectorAll<HTMLElement>('.toast button').forEach((b) => b.click()));
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: path.join(UI_ARTIFACTS, 'settings-backups-light.png') });
    assert.deepEqual(await seriousA11yViolations(page), []);
    ui.assertClean();
    await ui.context.close();

    const dark = await h.open({ theme: 'dark', path: '/settings' });
    const darkSection = dark.page.locator('#settings-backups');
    await darkSection.getByTestId('backups-table').getByText(made.name).waitFor();
    await darkSection.getByTestId('backups-schedule').filter({ hasText: 'every 12 hours' }).waitFor();
    await darkSection.scrollIntoViewIfNeeded();
    await darkSection.screenshot({ path: path.join(UI_ARTIFACTS, 'settings-backups-dark.png') });
    assert.deepEqual(await seriousA11yViolations(dark.page), []);
    dark.assertClean();
    await dark.context.close();
  });

  it('explains, to a key without the admin scope, what it cannot change', async () => {
    const made = (await (
      await h.api('/api/v1/api-keys', {
        method: 'POST',
        body: JSON.stringify({ name: 'helper', scopes: ['read', 'write'] }),
      })
    ).json()) as { key: string };
    const ui = await h.open({ theme: 'light', signIn: false });
    const { page } = ui;
    await page.goto(`${h.apiUrl}/#key=${made.key}`);
    await page.getByTestId('connected').waitFor();
    await navigate(page, '/settings');
    const keys = page.locator('#settings-api-keys');
    await keys
      .getByText(/Managing API keys needs a key with the admin scope; this window's key has: read, write/)
      .waitFor();
    assert.equal(await page.getByRole('button', { name: 'Create key' }).count(), 0);
    assert.equal(await page.getByRole('table').count(), 0);
    // The tunnel's state needs only read; changing it needs admin.
    await page.getByTestId('tunnel-state').filter({ hasText: 'stopped' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Start' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Save tunnel settings' }).count(), 0);
    assert.match(await page.locator('#settings-about').innerText(), /needs a key with the admin scope/);
    await screenshot(page, 'settings-not-admin-light');
    ui.assertClean();
    await ui.context.close();
  });

  it('passes axe in the dark theme and reads well in French', async () => {
    const ui = await h.open({ theme: 'dark', path: '/settings' });
    const { page } = ui;
    await page.locator('#settings-api-keys').getByRole('row').filter({ hasText: 'qrdesk UI' }).waitFor();
    await page.getByTestId('data-dir').waitFor();
    await page.getByTestId('tunnel-state').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'settings-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);
    await navigate(page, '/developers');
    await page.getByTestId('api-base-url').waitFor();
    await screenshot(page, 'developers-dark');
    assert.deepEqual(await seriousA11yViolations(page), []);
    ui.assertClean();
    await ui.context.close();

    const fr = await h.open({ theme: 'light', language: 'fr', path: '/settings' });
    await fr.page.getByRole('heading', { name: 'Réglages', level: 1 }).waitFor();
    await fr.page.getByTestId('data-dir').waitFor();
    await fr.page.getByTestId('tunnel-state').filter({ hasText: 'arrêté' }).waitFor();
    await fr.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(fr.page, 'settings-fr-light');
    const untranslated = /\b(keys|address|tunnel|webhooks|backups|about|base|try|conventions)\.[a-zA-Z]+/;
    assert.doesNotMatch(await fr.page.locator('main').innerText(), untranslated);
    await navigate(fr.page, '/developers');
    await fr.page.getByRole('heading', { name: 'Développeurs', level: 1 }).waitFor();
    assert.doesNotMatch(await fr.page.locator('main').innerText(), untranslated);
    fr.assertClean();
    await fr.context.close();
  });
});

async function assertEventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
