/**
 * What the tray shows (src-main/core/tray-view.ts) and the application menu's
 * structure (src-main/core/menu-template.ts), without Electron.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { menuTemplate, type MenuSpec } from '../../src-main/core/menu-template';
import { MAX_TOOLTIP, trayView, type TunnelView } from '../../src-main/core/tray-view';

const RUNNING = { state: 'running', apiUrl: 'http://127.0.0.1:4780', publicUrl: 'http://127.0.0.1:4781' } as const;
const tunnel = (over: Partial<TunnelView>): TunnelView => ({
  provider: 'cloudflared',
  state: 'stopped',
  publicUrl: null,
  message: null,
  ...over,
});
const labels = (view: ReturnType<typeof trayView>) => view.items.map((i) => (i.kind === 'separator' ? '---' : i.label));

describe('trayView', () => {
  test('starting: Open, the state, Quit', () => {
    const view = trayView({ state: 'starting' });
    assert.deepEqual(labels(view), ['Open qrdesk', '---', 'Server starting…', '---', 'Quit qrdesk']);
    assert.equal(view.tooltip, 'qrdesk: server starting…');
  });

  test('running with no tunnel: the local URLs, copyable', () => {
    const view = trayView(RUNNING, tunnel({ provider: 'none' }));
    assert.deepEqual(labels(view), [
      'Open qrdesk',
      '---',
      'Server running',
      'API: http://127.0.0.1:4780',
      'Public: http://127.0.0.1:4781',
      'No tunnel (phones need one: Settings > Tunnel)',
      '---',
      'Quit qrdesk',
    ]);
    const copies = view.items.filter((i) => i.kind === 'copy').map((i) => i.value);
    assert.deepEqual(copies, ['http://127.0.0.1:4780', 'http://127.0.0.1:4781']);
    assert.equal(view.tooltip, 'qrdesk: server running\nhttp://127.0.0.1:4781');
  });

  test('tunnel up: its public URL is the one shown and copied', () => {
    const view = trayView(RUNNING, tunnel({ state: 'up', publicUrl: 'https://cafe.trycloudflare.com' }));
    assert.ok(labels(view).includes('Public: https://cafe.trycloudflare.com'));
    assert.ok(labels(view).includes('Tunnel (cloudflared) up'));
    assert.match(view.tooltip, /tunnel up\nhttps:\/\/cafe\.trycloudflare\.com$/);
  });

  test('tunnel down or in error: the local URL, and why, on one line', () => {
    const down = trayView(
      RUNNING,
      tunnel({ state: 'down', publicUrl: 'https://stale.example', message: 'connection lost\nretrying\u0007' }),
    );
    assert.ok(labels(down).includes('Public: http://127.0.0.1:4781'), 'a stale tunnel URL is not offered');
    assert.ok(labels(down).includes('Tunnel (cloudflared) reconnecting…: connection lost retrying'));
    const error = trayView(RUNNING, tunnel({ provider: 'ngrok', state: 'error', message: 'authtoken refused' }));
    assert.ok(labels(error).includes('Tunnel (ngrok) needs attention: authtoken refused'));
  });

  test('the server failed: says so, offers no URLs', () => {
    const view = trayView({ state: 'failed', message: 'port 4780 (API listener) is already in use' });
    assert.deepEqual(labels(view), [
      'Open qrdesk',
      '---',
      'Server not running: port 4780 (API listener) is already in use',
      '---',
      'Quit qrdesk',
    ]);
    assert.equal(view.items.filter((i) => i.kind === 'copy').length, 0);
  });

  test('long URLs and messages are cut: tooltip within the Windows limit, menu lines readable', () => {
    const long = `https://${'a'.repeat(300)}.example`;
    const view = trayView(RUNNING, tunnel({ state: 'up', publicUrl: long, message: 'x'.repeat(500) }));
    assert.ok(view.tooltip.length <= MAX_TOOLTIP, `${view.tooltip.length}`);
    for (const item of view.items) if (item.kind !== 'separator') assert.ok(item.label.length <= 90, item.label);
    const copy = view.items.find((i) => i.kind === 'copy' && i.label.startsWith('Public'));
    assert.equal(copy?.kind === 'copy' && copy.value, long, 'the copied URL is whole');
  });
});

describe('menuTemplate', () => {
  const calls: string[] = [];
  const actions = {
    exportCurrent: () => calls.push('export'),
    openApiDocs: () => calls.push('docs'),
    showDataFolder: () => calls.push('data'),
  };
  const find = (items: MenuSpec[], pred: (i: MenuSpec) => boolean): MenuSpec | undefined => {
    for (const item of items) {
      if (pred(item)) return item;
      const inner = item.submenu && find(item.submenu, pred);
      if (inner) return inner;
    }
    return undefined;
  };

  test('macOS: the app menu first, then File, Edit, View, Window, Help', () => {
    const menu = menuTemplate({ platform: 'darwin', appName: 'qrdesk', devTools: false }, actions);
    assert.deepEqual(
      menu.map((m) => m.label ?? m.role),
      ['qrdesk', '&File', 'editMenu', '&View', 'windowMenu', '&Help'],
    );
    assert.deepEqual(
      menu[0]!.submenu!.filter((i) => i.role).map((i) => i.role),
      ['about', 'services', 'hide', 'hideOthers', 'unhide', 'quit'],
    );
    assert.equal(find(menu, (i) => i.role === 'close')?.role, 'close');
  });

  test('Windows and Linux: no app menu; File ends with Exit, Help has About', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const menu = menuTemplate({ platform, appName: 'qrdesk', devTools: false }, actions);
      assert.deepEqual(
        menu.map((m) => m.label ?? m.role),
        ['&File', 'editMenu', '&View', 'windowMenu', '&Help'],
      );
      assert.equal(menu[0]!.submenu!.at(-1)!.role, 'quit');
      assert.ok(find(menu[4]!.submenu!, (i) => i.role === 'about'));
    }
  });

  test('File > Export… with its shortcut, and the Help items, call their actions', () => {
    calls.length = 0;
    const menu = menuTemplate({ platform: 'linux', appName: 'qrdesk', devTools: false }, actions);
    const exportItem = find(menu, (i) => i.id === 'export')!;
    assert.equal(exportItem.label, 'Export…');
    assert.equal(exportItem.accelerator, 'CmdOrCtrl+E');
    exportItem.click!();
    find(menu, (i) => i.label === 'API reference')!.click!();
    find(menu, (i) => i.label === 'Show data folder')!.click!();
    assert.deepEqual(calls, ['export', 'docs', 'data']);
  });

  test('developer tools only in unpackaged builds', () => {
    const packaged = menuTemplate({ platform: 'linux', appName: 'qrdesk', devTools: false }, actions);
    assert.equal(
      find(packaged, (i) => i.role === 'toggleDevTools'),
      undefined,
    );
    const dev = menuTemplate({ platform: 'linux', appName: 'qrdesk', devTools: true }, actions);
    assert.ok(find(dev, (i) => i.role === 'toggleDevTools'));
  });
});
