import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export interface Finding {
  id: string;
  severity: string;
  confidence: string;
  file: string;
  line: number;
  manualReview: boolean;
  description: string;
}

export interface ScanResult {
  findings: Finding[];
  /** Files the tool could not parse (a finding could hide there). */
  errors: { file: string; message: string; tolerable: boolean }[];
  checks: number;
}

interface RawIssue {
  id: string;
  severity: { name: string };
  confidence: { name: string };
  file: string;
  location: { line: number };
  manualReview?: boolean;
  description: string;
}

type Runner = (
  options: Record<string, unknown>,
  forCli: boolean,
) => Promise<{ issues: RawIssue[]; errors: ScanResult['errors']; globalChecks: number; atomicChecks: number }>;

/**
 * Runs Electronegativity's scanner in this process, offline, over `dirs`
 * (copied into one temporary tree, so its global checks see main and
 * renderer together). Its CLI cannot be used: it loads whatever `commander`
 * is installed (ours is a newer major) and fetches translations and Electron's
 * release list over the network; here the translations are its bundled
 * English ones and the release-list check is left out.
 */
export async function scanElectronApp(
  root: string,
  dirs: readonly string[],
  electronVersion: string,
): Promise<ScanResult> {
  const require = createRequire(path.join(root, 'package.json'));
  const dist = path.join(path.dirname(require.resolve('@doyensec/electronegativity/package.json')), 'dist');
  const fromTool = createRequire(path.join(dist, 'runner.js'));
  const i18n = fromTool('i18n') as { configure(o: Record<string, unknown>): void };
  const i18nModule = path.join(dist, 'locales', 'i18n.js');
  // Its i18n setup downloads a translation file first; this one only reads the English it ships.
  require.cache[i18nModule] = {
    id: i18nModule,
    filename: i18nModule,
    loaded: true,
    exports: {
      __esModule: true,
      default: async () =>
        i18n.configure({
          locales: ['en-US'],
          defaultLocale: 'en-US',
          directory: path.join(dist, 'locales'),
          updateFiles: false,
          objectNotation: true,
          retryInDefaultLocale: true,
          register: globalThis,
        }),
    },
  } as unknown as NodeJS.Module;
  const run = fromTool('./runner.js') as Runner;

  const input = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-electronegativity-'));
  try {
    for (const dir of dirs) fs.cpSync(path.join(root, dir), path.join(input, dir), { recursive: true });
    const result = await run(
      {
        input,
        customScan: [],
        excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
        isRelative: true,
        electronVersionOverride: electronVersion,
        parserPlugins: [],
      },
      false,
    );
    return {
      checks: result.globalChecks + result.atomicChecks,
      errors: result.errors,
      findings: result.issues.map((issue) => ({
        id: issue.id,
        severity: issue.severity.name,
        confidence: issue.confidence.name,
        file: issue.file.split(path.sep).join('/'),
        line: issue.location.line,
        manualReview: Boolean(issue.manualReview),
        description: issue.description,
      })),
    };
  } finally {
    fs.rmSync(input, { recursive: true, force: true });
  }
}
