import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { makeTempDir, removeDir, ROOT, spawnServe, type Banner, type ServeProcess } from './cli';

/** Screenshots of the UI, kept as test artifacts (CI uploads test-results/). */
export const UI_ARTIFACTS = path.join(ROOT, 'test-results', 'e2e', 'ui');

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface UiPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, page errors and requests to any other origin, so far. */
  problems(): string[];
  /** Fails the test if the page logged an error or reached outside the app's origin. */
  assertClean(): void;
}

export interface UiOptions {
  theme?: 'light' | 'dark';
  language?: 'en' | 'fr';
  /** Sign in through the printed `#key=` URL (default true). */
  signIn?: boolean;
  /** Where to go after signing in, e.g. `/library`. */
  path?: string;
}

/**
 * A real `qrdesk serve` (child process, any free ports, a temporary data
 * folder) and Debian's Chromium, as a new user would run them.
 */
export class UiHarness {
  private constructor(
    readonly serve: ServeProcess,
    readonly banner: Banner,
    readonly browser: Browser,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<UiHarness> {
    const uiDir = process.env.QRDESK_UI_DIR || path.join(ROOT, 'out', 'renderer');
    assert.ok(fs.existsSync(path.join(uiDir, 'index.html')), 'the renderer is built (npm test builds it first)');
    const dataDir = makeTempDir('qrdesk-ui-');
    const serve = spawnServe(['--data-dir', dataDir, '--port', '0', '--public-port', '0'], {
      env: { QRDESK_UI_DIR: process.env.QRDESK_UI_DIR },
    });
    const banner = await serve.ready;
    const browser = await launchChromium();
    fs.mkdirSync(UI_ARTIFACTS, { recursive: true });
    return new UiHarness(serve, banner, browser, dataDir);
  }

  get apiUrl(): string {
    return this.banner.apiUrl;
  }

  get publicUrl(): string {
    return this.banner.publicUrl;
  }

  get uiKey(): string {
    return this.banner.uiKey;
  }

  /** A fetch against the API with the UI key (or another key). */
  api(pathname: string, init: RequestInit = {}, key = this.uiKey): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${key}`);
    if (init.body && typeof init.body === 'string') headers.set('Content-Type', 'application/json');
    return fetch(`${this.apiUrl}${pathname}`, { ...init, headers });
  }

  async open(options: UiOptions = {}): Promise<UiPage> {
    const theme = options.theme ?? 'light';
    const context = await this.browser.newContext({
      colorScheme: theme,
      viewport: { width: 1280, height: 800 },
      acceptDownloads: true,
      locale: options.language === 'fr' ? 'fr-FR' : 'en-GB',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.apiUrl });
    // The UI keeps theme and language in localStorage; set them before the first script runs.
    await context.addInitScript(
      ([t, l]) => {
        if (!localStorage.getItem('qrdesk.preferences')) {
          localStorage.setItem('qrdesk.preferences', JSON.stringify({ state: { theme: t, language: l }, version: 0 }));
        }
      },
      [theme, options.language ?? 'en'] as const,
    );
    const page = await context.newPage();
    const problems: string[] = [];
    const origin = new URL(this.apiUrl).origin;
    page.on('console', (msg) => {
      // Chromium logs every 4xx/5xx answer as "Failed to load resource"; those are judged below by URL.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) {
        problems.push(`console: ${msg.text()}`);
      }
    });
    page.on('response', (res) => {
      const url = new URL(res.url());
      // An API 4xx is the app showing the user a refusal (a validation message); anything else failing is a defect.
      const apiRefusal = url.pathname.startsWith('/api/') && res.status() < 500;
      if (res.status() >= 400 && !apiRefusal) problems.push(`HTTP ${res.status()}: ${url.pathname}`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      const url = req.url();
      if (!url.startsWith(`${origin}/`) && !url.startsWith('data:') && !url.startsWith('blob:')) {
        problems.push(`request outside the app: ${url}`);
      }
    });
    if (options.signIn !== false) {
      await page.goto(`${this.apiUrl}/#key=${this.uiKey}`);
      await page.getByTestId('connected').waitFor();
      if (options.path) await navigate(page, options.path);
    }
    return {
      page,
      context,
      problems: () => [...problems],
      assertClean: () => assert.deepEqual(problems, [], 'no console error and no request outside the app'),
    };
  }

  async stop(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    await this.serve.stop('SIGTERM');
    removeDir(this.dataDir);
  }
}

/** Client-side navigation through the sidebar's links when there is one, else a full load. */
export async function navigate(page: Page, pathname: string): Promise<void> {
  await page.evaluate((p) => {
    history.pushState(null, '', p);
    dispatchEvent(new PopStateEvent('popstate'));
  }, pathname);
  await page.locator('main h1').first().waitFor();
}

/** Runs axe-core in the page; returns the serious and critical violations, described. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  // Evaluated over the debugging protocol: the page's CSP (no inline scripts) stays on.
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(
            ctx: Document,
            opts: object,
          ): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.slice(0, 5).join(', ')})`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(UI_ARTIFACTS, `${name}.png`), fullPage: true });
}
