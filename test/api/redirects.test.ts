/**
 * The public redirect endpoint (`/r/:token`) over real HTTP on the public
 * listener: every page state, the password form and its cookie, the hosted
 * pages of dynamic text/vCard/event codes and their downloads, HEAD and bots,
 * the captured scan fields and the trustProxy setting.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server';
import { createCode, patchCode, rawRequest, sendJson, type QrCodeBody } from './support';

const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const ANDROID =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.6478.122 Mobile Safari/537.36';

/** One request to the public listener, never following redirects, as a phone unless told otherwise. */
function visit(
  ts: TestServer,
  pathname: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Response> {
  return fetch(ts.publicUrl + pathname, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: { 'User-Agent': IPHONE, ...init.headers },
    body: init.body,
  });
}

interface ScanDbRow {
  qr_code_id: string;
  country: string | null;
  device: string;
  os: string | null;
  browser: string | null;
  referrer: string | null;
  language: string | null;
  is_bot: number;
  is_unique: number;
}

const scansOf = (ts: TestServer, id: string): ScanDbRow[] =>
  ts.store.db.prepare('SELECT * FROM scans WHERE qr_code_id = ? ORDER BY id').all(id) as ScanDbRow[];

const scanCountOf = (ts: TestServer, id: string): number =>
  (ts.store.db.prepare('SELECT scan_count FROM qr_codes WHERE id = ?').get(id) as { scan_count: number }).scan_count;

/** Asserts a small self-contained HTML page with the CSP, and returns its text. */
async function expectPage(res: Response, status: number, lang: 'en' | 'fr' = 'en'): Promise<string> {
  const html = await res.text();
  assert.equal(res.status, status, html.slice(0, 300));
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /default-src 'none'/);
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.match(html, /^<!doctype html>/i);
  assert.ok(html.includes(`<html lang="${lang}">`), `page language ${lang}`);
  assert.ok(!/(?:src|href|action)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html), 'no external reference');
  assert.ok(!/<(?:script|link|img|iframe)\b/i.test(html), 'no script, stylesheet, image or frame');
  return html;
}

describe('public redirect endpoint /r/:token', () => {
  let ts: TestServer;
  let admin: string;
  const dynamicUrl = (extra: Record<string, unknown> = {}) =>
    createCode(ts, admin, { type: 'url', kind: 'dynamic', content: 'https://example.com/landing?a=1', ...extra });

  before(async () => {
    ts = await startTestServer();
    admin = ts.createKey();
  });
  after(async () => {
    await ts.stop();
  });

  describe('page states', () => {
    test('an active code is a 302 to its destination with no-store (never 301), counted once', async () => {
      const code = await dynamicUrl();
      const res = await visit(ts, `/r/${code.shortToken}`);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'https://example.com/landing?a=1');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(scanCountOf(ts, code.id), 1);
      assert.equal(scansOf(ts, code.id).length, 1);
      // The API shows the count too.
      const fromApi = (await (await ts.api(`/api/v1/qrcodes/${code.id}`, { key: admin })).json()) as QrCodeBody;
      assert.equal(fromApi.scanCount, 1);
      assert.ok(fromApi.lastScannedAt);
    });

    test('the redirect is not served on the API listener', async () => {
      const code = await dynamicUrl();
      const res = await fetch(`${ts.apiUrl}/r/${code.shortToken}`, { redirect: 'manual' });
      assert.notEqual(res.status, 302);
      await res.arrayBuffer();
      assert.equal(scanCountOf(ts, code.id), 0);
    });

    test('an unknown token is a 404 page, in English by default and French for fr-FR', async () => {
      const en = await expectPage(await visit(ts, '/r/no-such-token'), 404, 'en');
      assert.match(en, /Code not found/);
      const fr = await expectPage(
        await visit(ts, '/r/no-such-token', { headers: { 'Accept-Language': 'fr-FR,fr;q=0.9,en;q=0.8' } }),
        404,
        'fr',
      );
      assert.match(fr, /Code introuvable/);
      // English preferred over French stays English; an unknown language falls back to English.
      await expectPage(await visit(ts, '/r/no-such-token', { headers: { 'Accept-Language': 'en,fr;q=0.5' } }), 404);
      await expectPage(await visit(ts, '/r/no-such-token', { headers: { 'Accept-Language': 'de-DE' } }), 404);
    });

    test('the token from the URL is escaped: a <script> token gets a 404 page without raw markup', async () => {
      for (const token of ['%3Cscript%3Ealert(1)%3C%2Fscript%3E', '%22%3E%3Cimg%20src%3Dx%3E', '%27onload%3D1']) {
        for (const method of ['GET', 'POST']) {
          const res = await visit(ts, `/r/${token}`, {
            method,
            headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
            body: method === 'POST' ? 'password=x' : undefined,
          });
          const html = await expectPage(res, 404);
          assert.ok(!html.includes('<script'), 'no raw <script>');
          assert.ok(!html.includes('<img'), 'no raw <img>');
        }
      }
    });

    test('a static code has no public page (404)', async () => {
      const code = await createCode(ts, admin, { type: 'url', content: 'https://static.example' });
      assert.equal(code.shortToken, null);
      // Static codes have no token; a made-up one is unknown.
      await expectPage(await visit(ts, `/r/${code.id}`), 404);
    });

    test('a trashed code is 404, restored it redirects again, permanently deleted it is 404', async () => {
      const code = await dynamicUrl();
      const path = `/r/${code.shortToken}`;
      assert.equal((await ts.api(`/api/v1/qrcodes/${code.id}`, { key: admin, method: 'DELETE' })).status, 200);
      await expectPage(await visit(ts, path), 404);
      assert.equal((await ts.api(`/api/v1/qrcodes/${code.id}/restore`, { key: admin, method: 'POST' })).status, 200);
      assert.equal((await visit(ts, path)).status, 302);
      const del = await ts.api(`/api/v1/qrcodes/${code.id}?permanent=true`, { key: admin, method: 'DELETE' });
      assert.equal(del.status, 200, await del.text());
      await expectPage(await visit(ts, path), 404);
      assert.equal((await visit(ts, path, { method: 'HEAD' })).status, 404);
      assert.equal(scansOf(ts, code.id).length, 0, 'its scans went with it');
    });

    test('a paused code is a 503 "temporarily unavailable" page, not counted; resumed it redirects', async () => {
      const code = await dynamicUrl({ status: 'paused' });
      const html = await expectPage(await visit(ts, `/r/${code.shortToken}`), 503);
      assert.match(html, /Temporarily unavailable/);
      const fr = await expectPage(
        await visit(ts, `/r/${code.shortToken}`, { headers: { 'Accept-Language': 'fr-FR' } }),
        503,
        'fr',
      );
      assert.match(fr, /Momentanément indisponible/);
      assert.equal(scansOf(ts, code.id).length, 0);
      assert.equal((await patchCode(ts, admin, code.id, { status: 'active' })).status, 200);
      assert.equal((await visit(ts, `/r/${code.shortToken}`)).status, 302);
    });

    test('a code past its expiresAt is a 410 page, not counted', async () => {
      const code = await dynamicUrl({ protection: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() } });
      assert.equal((await visit(ts, `/r/${code.shortToken}`)).status, 302, 'not expired yet');
      const past = new Date(Date.now() - 1000).toISOString();
      assert.equal((await patchCode(ts, admin, code.id, { protection: { expiresAt: past } })).status, 200);
      const html = await expectPage(await visit(ts, `/r/${code.shortToken}`), 410);
      assert.match(html, /expired/);
      assert.equal(scanCountOf(ts, code.id), 1);
      assert.equal(scansOf(ts, code.id).length, 1);
    });

    test('a code that reached maxScans is a 410 page; bots and HEAD do not use up the limit', async () => {
      const code = await dynamicUrl({ protection: { maxScans: 2 } });
      const path = `/r/${code.shortToken}`;
      assert.equal((await visit(ts, path, { headers: { 'User-Agent': 'Googlebot/2.1' } })).status, 302);
      assert.equal((await visit(ts, path, { method: 'HEAD' })).status, 302);
      assert.equal((await visit(ts, path)).status, 302);
      assert.equal((await visit(ts, path, { headers: { 'User-Agent': ANDROID } })).status, 302);
      await expectPage(await visit(ts, path), 410);
      const fr = await expectPage(await visit(ts, path, { headers: { 'Accept-Language': 'fr' } }), 410, 'fr');
      assert.match(fr, /Code inactif/);
      assert.equal(scanCountOf(ts, code.id), 2);
      // Raising the limit reopens the code.
      assert.equal((await patchCode(ts, admin, code.id, { protection: { maxScans: 3 } })).status, 200);
      assert.equal((await visit(ts, path)).status, 302);
      await expectPage(await visit(ts, path), 410);
    });

    test('a destination is redirected to as stored, and the Location is absolute http(s)', async () => {
      const code = await dynamicUrl({ content: 'http://plain.example/x?q=%C3%A9&b=2#frag' });
      const res = await visit(ts, `/r/${code.shortToken}`);
      assert.equal(res.status, 302);
      assert.match(res.headers.get('location') ?? '', /^http:\/\/plain\.example\/x\?q=%C3%A9&b=2/);
    });
  });

  describe('password protection', () => {
    const PASSWORD = 'Sésame 7f3a';
    const form = (password: string) => `password=${encodeURIComponent(password)}`;
    const post = (token: string, body: string, headers: Record<string, string> = {}) =>
      visit(ts, `/r/${token}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    /** The cookie pair (name=value) from a Set-Cookie header. */
    const cookiePair = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0]!;

    test('GET shows the form (200, not counted); wrong → 401; right → 303 with a cookie; then 302 and counted', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const token = code.shortToken!;
      const formPage = await expectPage(await visit(ts, `/r/${token}`), 200);
      assert.match(formPage, /<input[^>]*type="password"/);
      assert.match(formPage, new RegExp(`<form method="post" action="/r/${token}"`));
      const frForm = await expectPage(
        await visit(ts, `/r/${token}`, { headers: { 'Accept-Language': 'fr-FR' } }),
        200,
        'fr',
      );
      assert.match(frForm, /Mot de passe requis/);
      // HEAD of a locked code does not redirect either.
      assert.equal((await visit(ts, `/r/${token}`, { method: 'HEAD' })).headers.get('location'), null);
      assert.equal(scansOf(ts, code.id).length, 0);

      const wrong = await post(token, form('not it'));
      const wrongHtml = await expectPage(wrong, 401);
      assert.match(wrongHtml, /Wrong password/);
      assert.equal(wrong.headers.get('set-cookie'), null);

      const right = await post(token, form(PASSWORD));
      assert.equal(right.status, 303);
      assert.equal(right.headers.get('location'), `/r/${token}`);
      const setCookie = right.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /httponly/i);
      assert.match(setCookie, new RegExp(`path=/r/${token}(;|$)`, 'i'));
      assert.match(setCookie, /samesite=lax/i);
      assert.equal(scansOf(ts, code.id).length, 0, 'the POST is not the scan');

      const next = await visit(ts, `/r/${token}`, { headers: { Cookie: cookiePair(right) } });
      assert.equal(next.status, 302);
      assert.equal(next.headers.get('location'), 'https://example.com/landing?a=1');
      assert.equal(next.headers.get('cache-control'), 'no-store');
      assert.equal(scanCountOf(ts, code.id), 1);
      // Without the cookie, the form again.
      await expectPage(await visit(ts, `/r/${token}`), 200);
      assert.equal(scanCountOf(ts, code.id), 1);
    });

    test('the cookie of one code does not open another', async () => {
      const a = await dynamicUrl({ protection: { password: PASSWORD } });
      const b = await dynamicUrl({ protection: { password: PASSWORD } });
      const right = await post(a.shortToken!, form(PASSWORD));
      const value = cookiePair(right).split('=')[1]!;
      const res = await visit(ts, `/r/${b.shortToken}`, { headers: { Cookie: `qrd_unlock_${b.shortToken}=${value}` } });
      await expectPage(res, 200);
      assert.equal(scansOf(ts, b.id).length, 0);
    });

    test('a forged or modified cookie is not accepted', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const token = code.shortToken!;
      const right = await post(token, form(PASSWORD));
      const [name, value] = cookiePair(right).split('=') as [string, string];
      const [expires, mac] = value.split('.') as [string, string];
      const flip = (s: string) => s.slice(0, -1) + (s.endsWith('A') ? 'B' : 'A');
      for (const forged of [
        `${expires}.${flip(mac)}`,
        `${Number(expires) + 3600}.${mac}`,
        `${expires}.`,
        `${expires}`,
        `9999999999.${mac}`,
        '',
        `${expires}.${mac}x`,
        `${expires}.${mac.slice(1)}`,
      ]) {
        const res = await visit(ts, `/r/${token}`, { headers: { Cookie: `${name}=${forged}` } });
        await expectPage(res, 200);
      }
      assert.equal(scansOf(ts, code.id).length, 0);
      // The genuine one still works.
      assert.equal((await visit(ts, `/r/${token}`, { headers: { Cookie: `${name}=${value}` } })).status, 302);
    });

    test('changing the password invalidates existing cookies; removing it opens the code', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const token = code.shortToken!;
      const cookie = cookiePair(await post(token, form(PASSWORD)));
      assert.equal((await visit(ts, `/r/${token}`, { headers: { Cookie: cookie } })).status, 302);
      assert.equal((await patchCode(ts, admin, code.id, { protection: { password: 'another one' } })).status, 200);
      await expectPage(await visit(ts, `/r/${token}`, { headers: { Cookie: cookie } }), 200);
      await expectPage(await post(token, form(PASSWORD)), 401);
      assert.equal((await post(token, form('another one'))).status, 303);
      assert.equal((await patchCode(ts, admin, code.id, { protection: { password: null } })).status, 200);
      assert.equal((await visit(ts, `/r/${token}`)).status, 302);
      assert.equal(scanCountOf(ts, code.id), 2);
    });

    test('after 5 wrong attempts: 429 with Retry-After, even with the right password', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const token = code.shortToken!;
      for (let i = 0; i < 5; i++) await expectPage(await post(token, form(`wrong ${i}`)), 401);
      for (const attempt of [PASSWORD, 'wrong again']) {
        const res = await post(token, form(attempt));
        const html = await expectPage(res, 429);
        assert.match(html, /Too many attempts/);
        const retryAfter = Number(res.headers.get('retry-after'));
        assert.ok(Number.isInteger(retryAfter) && retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
        assert.equal(res.headers.get('set-cookie'), null);
      }
      const fr = await expectPage(await post(token, form(PASSWORD), { 'Accept-Language': 'fr-FR' }), 429, 'fr');
      assert.match(fr, /Trop de tentatives/);
      // The limit is per code: another code with the same password still accepts it.
      const other = await dynamicUrl({ protection: { password: PASSWORD } });
      assert.equal((await post(other.shortToken!, form(PASSWORD))).status, 303);
    });

    test('a right password clears earlier wrong attempts', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const token = code.shortToken!;
      for (let i = 0; i < 4; i++) await expectPage(await post(token, form('nope')), 401);
      assert.equal((await post(token, form(PASSWORD))).status, 303);
      // A fifth wrong one in all: without the reset, the next attempt would be refused.
      await expectPage(await post(token, form('nope')), 401);
      assert.equal((await post(token, form(PASSWORD))).status, 303);
    });

    test('an oversized form body is refused without locking anyone out; POST to an open code is a 303', async () => {
      const code = await dynamicUrl({ protection: { password: PASSWORD } });
      const res = await post(code.shortToken!, `password=${'x'.repeat(10_000)}`);
      assert.equal(res.status, 413);
      await res.text();
      const open = await dynamicUrl();
      const toOpen = await post(open.shortToken!, form('whatever'));
      assert.equal(toOpen.status, 303);
      assert.equal(toOpen.headers.get('location'), `/r/${open.shortToken}`);
      assert.equal(scansOf(ts, open.id).length, 0);
    });
  });

  describe('dynamic text, vCard and event codes', () => {
    test('a text code opens a hosted page with its escaped content, counted as a scan', async () => {
      const content = 'Hello <script>alert("x")</script> & \'friends\'\nline two';
      const code = await createCode(ts, admin, { type: 'text', kind: 'dynamic', name: 'Menu <b>', content });
      const html = await expectPage(await visit(ts, `/r/${code.shortToken}`), 200);
      assert.ok(html.includes('Hello &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;friends&#39;'));
      assert.ok(html.includes('Menu &lt;b&gt;'));
      assert.ok(!html.includes('<script>'));
      assert.equal(scanCountOf(ts, code.id), 1);
      // No downloads for a text code.
      await expectPage(await visit(ts, `/r/${code.shortToken}/contact.vcf`), 404);
      await expectPage(await visit(ts, `/r/${code.shortToken}/event.ics`), 404);
    });

    test('a vCard code: the page links to contact.vcf; the download is a vCard, not counted', async () => {
      const code = await createCode(ts, admin, {
        type: 'vcard',
        kind: 'dynamic',
        content: { firstName: 'Ada <x>', lastName: 'Lovelace', emails: ['ada@example.com'] },
      });
      const token = code.shortToken!;
      const html = await expectPage(await visit(ts, `/r/${token}`), 200);
      assert.ok(html.includes(`href="/r/${token}/contact.vcf"`));
      assert.match(html, /Add to contacts/);
      assert.ok(html.includes('Ada &lt;x&gt;'));
      assert.ok(!html.includes('Ada <x>'));
      const fr = await expectPage(
        await visit(ts, `/r/${token}`, { headers: { 'Accept-Language': 'fr-FR' } }),
        200,
        'fr',
      );
      assert.match(fr, /Ajouter aux contacts/);
      assert.equal(scanCountOf(ts, code.id), 2);

      const vcf = await visit(ts, `/r/${token}/contact.vcf`);
      assert.equal(vcf.status, 200);
      assert.match(vcf.headers.get('content-type') ?? '', /^text\/vcard/);
      assert.equal(vcf.headers.get('content-disposition'), 'attachment; filename="contact.vcf"');
      const body = await vcf.text();
      assert.match(body, /^BEGIN:VCARD\r?\n/);
      assert.match(body, /Lovelace/);
      assert.match(body, /END:VCARD/);
      assert.equal(scanCountOf(ts, code.id), 2, 'the download is not a scan');
      assert.equal(scansOf(ts, code.id).length, 2);
      await expectPage(await visit(ts, `/r/${token}/event.ics`), 404);
    });

    test('an event code: the page links to event.ics; the download is iCalendar, not counted', async () => {
      const code = await createCode(ts, admin, {
        type: 'event',
        kind: 'dynamic',
        content: { title: 'Launch & party', start: '2026-11-21T19:30:00+01:00', location: 'Paris' },
      });
      const token = code.shortToken!;
      const html = await expectPage(await visit(ts, `/r/${token}`), 200);
      assert.ok(html.includes(`href="/r/${token}/event.ics"`));
      assert.match(html, /Add to calendar/);
      assert.ok(html.includes('Launch &amp; party'));
      assert.equal(scanCountOf(ts, code.id), 1);
      const ics = await visit(ts, `/r/${token}/event.ics`);
      assert.equal(ics.status, 200);
      assert.match(ics.headers.get('content-type') ?? '', /^text\/calendar/);
      assert.equal(ics.headers.get('content-disposition'), 'attachment; filename="event.ics"');
      const body = await ics.text();
      assert.match(body, /BEGIN:VCALENDAR/);
      assert.match(body, /BEGIN:VEVENT/);
      assert.match(body, /Launch/);
      assert.equal(scanCountOf(ts, code.id), 1);
      assert.equal(scansOf(ts, code.id).length, 1);
      await expectPage(await visit(ts, `/r/${token}/contact.vcf`), 404);
    });

    test('downloads follow the code state: paused → 503, password → the form', async () => {
      const paused = await createCode(ts, admin, {
        type: 'vcard',
        kind: 'dynamic',
        status: 'paused',
        content: { firstName: 'P' },
      });
      await expectPage(await visit(ts, `/r/${paused.shortToken}/contact.vcf`), 503);
      const locked = await createCode(ts, admin, {
        type: 'vcard',
        kind: 'dynamic',
        protection: { password: 'secret1' },
        content: { firstName: 'L' },
      });
      const res = await visit(ts, `/r/${locked.shortToken}/contact.vcf`);
      const html = await expectPage(res, 200);
      assert.match(html, /type="password"/);
      assert.ok(!html.includes('BEGIN:VCARD'));
    });
  });

  describe('scan capture', () => {
    test('HEAD gets the same status and Location as GET but records no scan', async () => {
      const code = await dynamicUrl();
      const head = await visit(ts, `/r/${code.shortToken}`, { method: 'HEAD' });
      assert.equal(head.status, 302);
      assert.equal(head.headers.get('location'), 'https://example.com/landing?a=1');
      assert.equal(head.headers.get('cache-control'), 'no-store');
      assert.equal(scansOf(ts, code.id).length, 0);
      const get = await visit(ts, `/r/${code.shortToken}`);
      assert.equal(get.status, head.status);
      assert.equal(get.headers.get('location'), head.headers.get('location'));
      assert.equal(scansOf(ts, code.id).length, 1);
      // HEAD of states other than open mirrors GET too.
      assert.equal((await visit(ts, '/r/nope-nope', { method: 'HEAD' })).status, 404);
    });

    test('bots (Googlebot, facebookexternalhit, curl, no or empty UA) are redirected, stored as bots, not counted', async () => {
      const code = await dynamicUrl();
      const token = code.shortToken!;
      for (const ua of [
        'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
        'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
        'curl/8.5.0',
        'node',
      ]) {
        const res = await visit(ts, `/r/${token}`, { headers: { 'User-Agent': ua } });
        assert.equal(res.status, 302, ua);
        assert.equal(res.headers.get('location'), 'https://example.com/landing?a=1');
      }
      // No User-Agent at all, and an empty one (node:http adds none by itself).
      for (const headers of [{}, { 'User-Agent': '' }] as Record<string, string>[]) {
        const res = await rawRequest(ts.publicUrl, `/r/${token}`, { headers });
        assert.equal(res.status, 302);
      }
      const rows = scansOf(ts, code.id);
      assert.equal(rows.length, 6);
      assert.ok(rows.every((r) => r.is_bot === 1 && r.is_unique === 0));
      assert.equal(scanCountOf(ts, code.id), 0);
      const row = ts.store.db.prepare('SELECT last_scanned_at FROM qr_codes WHERE id = ?').get(code.id) as {
        last_scanned_at: number | null;
      };
      assert.equal(row.last_scanned_at, null);
      const api = (await (await ts.api(`/api/v1/qrcodes/${code.id}`, { key: admin })).json()) as QrCodeBody;
      assert.equal(api.scanCount, 0);
    });

    test('an iPhone from Instagram in French: device, OS, browser, language and referrer domain', async () => {
      const code = await dynamicUrl();
      const res = await visit(ts, `/r/${code.shortToken}`, {
        headers: { 'Accept-Language': 'fr-FR,fr;q=0.9', Referer: 'https://www.instagram.com/p/x?y=1' },
      });
      assert.equal(res.status, 302);
      const [row] = scansOf(ts, code.id);
      assert.ok(row);
      assert.equal(row.device, 'mobile');
      assert.equal(row.os, 'iOS');
      assert.equal(row.browser, 'Mobile Safari');
      assert.equal(row.language, 'fr-FR');
      assert.equal(row.referrer, 'instagram.com');
      assert.equal(row.is_bot, 0);
      assert.equal(row.is_unique, 1);
      assert.equal(row.country, null, '127.0.0.1 has no country');
    });

    test('uniqueness: the same visitor twice is unique once; another UA is a new visitor; rollups match', async () => {
      const code = await dynamicUrl();
      const path = `/r/${code.shortToken}`;
      assert.equal((await visit(ts, path)).status, 302);
      assert.equal((await visit(ts, path)).status, 302);
      assert.equal((await visit(ts, path, { headers: { 'User-Agent': ANDROID } })).status, 302);
      assert.equal((await visit(ts, path, { headers: { 'User-Agent': 'curl/8.5.0' } })).status, 302);
      assert.deepEqual(
        scansOf(ts, code.id).map((r) => [r.is_unique, r.is_bot]),
        [
          [1, 0],
          [0, 0],
          [1, 0],
          [0, 1],
        ],
      );
      // The same visitor on another code is unique there.
      const other = await dynamicUrl();
      assert.equal((await visit(ts, `/r/${other.shortToken}`)).status, 302);
      assert.equal(scansOf(ts, other.id)[0]?.is_unique, 1);

      const total = ts.store.db
        .prepare(
          `SELECT SUM(scans) AS scans, SUM(unique_scans) AS uniques, SUM(bot_scans) AS bots
           FROM scan_rollups WHERE qr_code_id = ? AND dimension = 'total' AND value = ''`,
        )
        .get(code.id) as { scans: number; uniques: number; bots: number };
      assert.deepEqual({ ...total }, { scans: 3, uniques: 2, bots: 1 });
      assert.equal(scanCountOf(ts, code.id), 3);
      // Each dimension's values add up to the human total (device is never null).
      const devices = ts.store.db
        .prepare(
          `SELECT value, SUM(scans) AS scans, SUM(bot_scans) AS bots FROM scan_rollups
           WHERE qr_code_id = ? AND dimension = 'device' GROUP BY value ORDER BY value`,
        )
        .all(code.id) as { value: string; scans: number; bots: number }[];
      assert.equal(
        devices.reduce((s, d) => s + d.scans, 0),
        3,
      );
      assert.equal(
        devices.reduce((s, d) => s + d.bots, 0),
        1,
      );
      assert.equal(devices.find((d) => d.value === 'mobile')?.scans, 3);
    });

    test('rollup totals equal the scans rows across all codes', async () => {
      const fromScans = ts.store.db
        .prepare(
          `SELECT qr_code_id, SUM(1 - is_bot) AS scans, SUM(is_unique) AS uniques, SUM(is_bot) AS bots
           FROM scans GROUP BY qr_code_id ORDER BY qr_code_id`,
        )
        .all();
      const fromRollups = ts.store.db
        .prepare(
          `SELECT qr_code_id, SUM(scans) AS scans, SUM(unique_scans) AS uniques, SUM(bot_scans) AS bots
           FROM scan_rollups WHERE dimension = 'total' GROUP BY qr_code_id ORDER BY qr_code_id`,
        )
        .all();
      assert.ok(fromScans.length > 5);
      assert.deepEqual(fromRollups, fromScans);
      const counts = ts.store.db
        .prepare(
          `SELECT COUNT(*) AS n FROM qr_codes c
           WHERE c.scan_count != (SELECT COUNT(*) FROM scans s WHERE s.qr_code_id = c.id AND s.is_bot = 0)`,
        )
        .get() as { n: number };
      assert.equal(counts.n, 0, 'scan_count equals the human scans of every code');
    });

    test('trustProxy: none ignores forwarded headers; x-forwarded-for and cloudflare are believed', async () => {
      const setTrust = async (trustProxy: string) => {
        const res = await sendJson(ts, admin, '/api/v1/settings', { trustProxy }, { method: 'PATCH' });
        assert.equal(res.status, 200, await res.text());
      };
      const code = await dynamicUrl();
      const path = `/r/${code.shortToken}`;
      const lastCountry = () => scansOf(ts, code.id).at(-1)?.country;
      try {
        assert.equal((await visit(ts, path, { headers: { 'X-Forwarded-For': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), null);
        assert.equal((await visit(ts, path, { headers: { 'CF-Connecting-IP': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), null);

        await setTrust('x-forwarded-for');
        assert.equal((await visit(ts, path, { headers: { 'X-Forwarded-For': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), 'US');
        // Only the right-most entry (the one our proxy appended) is believed.
        assert.equal((await visit(ts, path, { headers: { 'X-Forwarded-For': '8.8.8.8, 10.0.0.1' } })).status, 302);
        assert.equal(lastCountry(), null);
        assert.equal((await visit(ts, path, { headers: { 'CF-Connecting-IP': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), null, 'x-forwarded-for mode ignores CF-Connecting-IP');

        await setTrust('cloudflare');
        assert.equal((await visit(ts, path, { headers: { 'CF-Connecting-IP': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), 'US');
        assert.equal((await visit(ts, path, { headers: { 'X-Forwarded-For': '8.8.8.8' } })).status, 302);
        assert.equal(lastCountry(), null, 'cloudflare mode ignores X-Forwarded-For');

        // Different forwarded addresses are different visitors once believed.
        const before = scansOf(ts, code.id).filter((r) => r.is_unique).length;
        assert.equal((await visit(ts, path, { headers: { 'CF-Connecting-IP': '1.1.1.1' } })).status, 302);
        assert.equal(scansOf(ts, code.id).filter((r) => r.is_unique).length, before + 1);
      } finally {
        await setTrust('none');
      }
      assert.equal((await visit(ts, path, { headers: { 'X-Forwarded-For': '8.8.8.8' } })).status, 302);
      assert.equal(lastCountry(), null);
    });
  });
});
