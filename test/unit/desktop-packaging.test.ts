/**
 * The desktop packaging, checked without Electron (which cannot be downloaded
 * here): electron-builder's configuration against its own schema, the files it
 * names, the icons, and the built main process and preload.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../helpers/cli';

const require = createRequire(path.join(ROOT, 'package.json'));
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string;
  productName: string;
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
};

interface FileSet {
  from: string;
  to: string;
  filter?: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  asar: boolean;
  asarUnpack: string[];
  extraResources: FileSet[];
  npmRebuild: boolean;
  electronFuses: Record<string, boolean>;
  linux: { target: string[]; icon: string };
  mac: { target: string; icon: string };
  win: { target: string; icon: string };
}

async function loadConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
    getConfig(dir: string, file: string | null, extra: unknown): Promise<unknown>;
    validateConfiguration(config: unknown, logger: unknown): Promise<void>;
  };
  const { DebugLogger, log } = require('builder-util') as {
    DebugLogger: new (enabled: boolean) => unknown;
    log: { stream: NodeJS.WritableStream };
  };
  // electron-builder logs to stdout, which node:test reads as its own protocol from a test file.
  log.stream = process.stderr;
  const config = await getConfig(ROOT, null, null);
  // Throws with electron-builder's own message for an unknown or misplaced option.
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

/** Width and height from a PNG's IHDR. */
function pngSize(bytes: Buffer): [number, number] {
  assert.equal(bytes.subarray(1, 4).toString('latin1'), 'PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder configuration', () => {
  test('is valid for electron-builder, with the app id, name and per-OS targets', async () => {
    const config = await loadConfig();
    assert.equal(config.appId, 'app.qrdesk.desktop');
    assert.equal(config.productName, pkg.productName);
    assert.deepEqual(config.linux.target, ['AppImage', 'deb']);
    assert.equal(config.mac.target, 'dmg');
    assert.equal(config.win.target, 'nsis');
    assert.equal(config.asar, true);
    assert.equal(config.npmRebuild, false, 'the N-API prebuilds load in Electron as they are');
    assert.equal(config.electronFuses.runAsNode, false);
    assert.equal(config.electronFuses.onlyLoadAppFromAsar, true);
  });

  test('an invalid option is caught by the same validation', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await assert.rejects(
      validateConfiguration({ appId: 'x', linux: { tagret: 'deb' } }, new DebugLogger(false)),
      /Invalid configuration object[\s\S]*configuration\.linux/,
    );
  });

  test('native modules and wasm are unpacked from the asar archive, and are installed', async () => {
    const { asarUnpack } = await loadConfig();
    for (const module of ['better-sqlite3', 'sharp', '@img', '@ngrok']) {
      assert.ok(asarUnpack.includes(`node_modules/${module}/**`), module);
      assert.ok(fs.existsSync(path.join(ROOT, 'node_modules', module)), `${module} is installed`);
    }
    assert.ok(
      fs.readdirSync(path.join(ROOT, 'node_modules/@img')).some((d) => d.startsWith('sharp-')),
      "sharp's binary",
    );
    const betterSqlite = path.join(ROOT, 'node_modules/better-sqlite3/prebuilds');
    assert.ok(fs.readdirSync(betterSqlite).some((f) => f.startsWith(`${process.platform}-`) && f.endsWith('.node')));
    assert.ok(asarUnpack.includes('node_modules/zxing-wasm/dist/**/*.wasm'));
    assert.ok(fs.existsSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')));
  });

  test('resources go beside the archive, and exist', async () => {
    const { extraResources } = await loadConfig();
    const to = Object.fromEntries(extraResources.map((r) => [r.to, r]));
    assert.deepEqual(Object.keys(to).sort(), ['fonts', 'geo', 'icons']);
    for (const r of extraResources)
      assert.ok(fs.existsSync(path.join(ROOT, r.from)), `${r.from} (npm test builds geo)`);
    assert.ok(fs.existsSync(path.join(ROOT, 'resources/geo/geo-whois-asn-country.mmdb')));
    assert.deepEqual(to.icons!.filter, ['512x512.png', 'tray/**']);
    // The server finds them there when main says so (src-main/index.ts sets it when packaged).
    const paths = fs.readFileSync(path.join(ROOT, 'src-server/paths.ts'), 'utf8');
    assert.match(paths, /process\.env\.QRDESK_RESOURCES_DIR \|\|/);
    const main = fs.readFileSync(path.join(ROOT, 'src-main/index.ts'), 'utf8');
    assert.match(main, /if \(app\.isPackaged\) process\.env\.QRDESK_RESOURCES_DIR = resourcesDir;/);
  });

  test('npm run dist builds then packages; electron and electron-builder are pinned dev dependencies', () => {
    assert.match(pkg.scripts.dist ?? '', /electron-vite build.*&& electron-builder/);
    assert.equal(pkg.main, 'out/main/index.js');
    assert.ok(pkg.devDependencies.electron && pkg.devDependencies['electron-builder']);
  });
});

describe('icons', () => {
  const icons = path.join(ROOT, 'resources', 'icons');

  test('one PNG per size from 16 to 1024, each its size', async () => {
    const { linux } = await loadConfig();
    assert.equal(linux.icon, 'resources/icons');
    for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
      assert.deepEqual(pngSize(fs.readFileSync(path.join(icons, `${size}x${size}.png`))), [size, size]);
    }
  });

  test('a Windows .ico up to 256 px and a macOS .icns up to 1024 px', async () => {
    const { mac, win } = await loadConfig();
    const ico = fs.readFileSync(path.join(ROOT, win.icon));
    assert.deepEqual([ico.readUInt16LE(0), ico.readUInt16LE(2)], [0, 1]);
    const count = ico.readUInt16LE(4);
    const sizes = Array.from({ length: count }, (_, i) => ico.readUInt8(6 + i * 16) || 256);
    assert.ok(sizes.includes(16) && sizes.includes(256), String(sizes));
    for (let i = 0; i < count; i++) {
      const offset = ico.readUInt32LE(6 + i * 16 + 12);
      assert.equal(ico.subarray(offset + 1, offset + 4).toString('latin1'), 'PNG');
    }
    const icns = fs.readFileSync(path.join(ROOT, mac.icon));
    assert.equal(icns.subarray(0, 4).toString('latin1'), 'icns');
    assert.equal(icns.readUInt32BE(4), icns.length);
    const types: string[] = [];
    for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4))
      types.push(icns.subarray(at, at + 4).toString('latin1'));
    assert.ok(types.includes('ic10') && types.includes('icp4'), String(types));
  });

  test('tray icons at 1x and 2x, with a macOS template variant', () => {
    for (const name of ['tray', 'trayTemplate']) {
      assert.deepEqual(pngSize(fs.readFileSync(path.join(icons, 'tray', `${name}.png`))), [16, 16]);
      assert.deepEqual(pngSize(fs.readFileSync(path.join(icons, 'tray', `${name}@2x.png`))), [32, 32]);
    }
  });
});

describe('the built desktop app (npm test builds it first)', () => {
  const out = path.join(ROOT, 'out');
  const built = fs.existsSync(path.join(out, 'main', 'index.js'));

  test(
    'every main-process file parses as an ES module, the batch worker included',
    { skip: !built && 'not built' },
    () => {
      const files = fs.readdirSync(path.join(out, 'main')).filter((f) => f.endsWith('.js'));
      assert.ok(files.includes('index.js') && files.includes('render-worker.js'), String(files));
      for (const file of files) {
        // A syntax error here (such as a `require` declared twice by a build shim) would stop the app at launch.
        execFileSync(process.execPath, ['--check', path.join(out, 'main', file)], { stdio: 'pipe' });
      }
    },
  );

  test(
    'the preload is CommonJS that loads nothing but electron (a sandboxed preload can load nothing else)',
    {
      skip: !built && 'not built',
    },
    () => {
      const preload = fs.readFileSync(path.join(out, 'preload', 'index.cjs'), 'utf8');
      const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
      assert.deepEqual(required, ['electron']);
      assert.doesNotMatch(preload, /^import /m);
    },
  );
});
