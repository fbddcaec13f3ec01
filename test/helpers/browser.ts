import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium; `.ci/run` installs it (Playwright's own browser download is not reachable here). */
export const CHROMIUM_PATH = process.env.QRDESK_CHROMIUM ?? '/usr/bin/chromium';

/** `extraArgs` adds switches, e.g. `--host-resolver-rules=MAP evil.example 127.0.0.1` for a DNS-rebinding test. */
export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: run "apt-get install chromium" or set QRDESK_CHROMIUM.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
