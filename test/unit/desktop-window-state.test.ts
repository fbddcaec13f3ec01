/**
 * Window size and position across runs (src-main/core/window-state.ts): a
 * window comes back where it was while that place is on a screen, and never
 * opens off-screen, on an unplugged monitor, or from a corrupt file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import {
  DEFAULT_SIZE,
  loadWindowState,
  MIN_SIZE,
  parseWindowState,
  saveWindowState,
  WINDOW_STATE_FILE,
  windowPlacement,
  type Rect,
} from '../../src-main/core/window-state';

const PRIMARY: Rect = { x: 0, y: 0, width: 1920, height: 1040 };
const RIGHT: Rect = { x: 1920, y: 0, width: 2560, height: 1400 };
const state = (bounds: Rect, maximized = false) => ({ bounds, maximized });

describe('windowPlacement', () => {
  test('no saved state: the default size, placed by the OS', () => {
    assert.deepEqual(windowPlacement(null, [PRIMARY]), { ...DEFAULT_SIZE, maximized: false });
  });

  test('a window on a screen comes back exactly where it was', () => {
    const bounds = { x: 100, y: 80, width: 1300, height: 850 };
    assert.deepEqual(windowPlacement(state(bounds), [PRIMARY, RIGHT]), { ...bounds, maximized: false });
    const second = { x: 2100, y: 50, width: 1600, height: 1000 };
    assert.deepEqual(windowPlacement(state(second, true), [PRIMARY, RIGHT]), { ...second, maximized: true });
  });

  test('a window on a monitor that has been unplugged opens on the primary screen, its size kept', () => {
    const onRemoved = { x: 2300, y: 100, width: 1600, height: 900 };
    assert.deepEqual(windowPlacement(state(onRemoved, true), [PRIMARY]), { width: 1600, height: 900, maximized: true });
  });

  test('a window far off every screen, or with only a sliver showing, is not left there', () => {
    for (const bounds of [
      { x: -5000, y: -5000, width: 1280, height: 800 },
      { x: 30000, y: 30000, width: 1280, height: 800 },
      { x: 1890, y: 100, width: 1280, height: 800 }, // 30 px of it on the only screen
      { x: 200, y: -780, width: 1280, height: 800 }, // title bar above the screen
      { x: 200, y: 1030, width: 1280, height: 800 }, // title bar below the bottom edge
    ]) {
      const placed = windowPlacement(state(bounds), [PRIMARY]);
      assert.equal(placed.x, undefined, JSON.stringify(bounds));
      assert.equal(placed.y, undefined);
      assert.equal(placed.width, 1280);
    }
  });

  test('partly off-screen but grabbable: moved and shrunk to fit inside that screen', () => {
    const placed = windowPlacement(state({ x: 1200, y: 600, width: 1280, height: 800 }), [PRIMARY]);
    assert.deepEqual(placed, { x: 640, y: 240, width: 1280, height: 800, maximized: false });
    const huge = windowPlacement(state({ x: 10, y: 10, width: 5000, height: 4000 }), [PRIMARY]);
    assert.deepEqual(huge, { x: 0, y: 0, width: 1920, height: 1040, maximized: false });
  });

  test('screens with negative coordinates (a monitor left of the primary) work', () => {
    const left: Rect = { x: -1680, y: 0, width: 1680, height: 1010 };
    const bounds = { x: -1500, y: 100, width: 1200, height: 800 };
    assert.deepEqual(windowPlacement(state(bounds), [PRIMARY, left]), { ...bounds, maximized: false });
  });

  test('never below the minimum size, unless the screen itself is smaller', () => {
    const tiny = windowPlacement(state({ x: 10, y: 10, width: 300, height: 200 }), [PRIMARY]);
    assert.equal(tiny.width, MIN_SIZE.width);
    assert.equal(tiny.height, MIN_SIZE.height);
    const small: Rect = { x: 0, y: 0, width: 800, height: 600 };
    assert.deepEqual(windowPlacement(state({ x: 0, y: 0, width: 1280, height: 800 }), [small]), {
      x: 0,
      y: 0,
      width: 800,
      height: 600,
      maximized: false,
    });
  });

  test('no screen information at all: the defaults', () => {
    assert.deepEqual(windowPlacement(state({ x: 0, y: 0, width: 1300, height: 900 }), []), {
      ...DEFAULT_SIZE,
      maximized: false,
    });
  });
});

describe('parseWindowState', () => {
  test('a good file', () => {
    assert.deepEqual(parseWindowState('{"bounds":{"x":-10,"y":20,"width":1300,"height":900},"maximized":true}'), {
      bounds: { x: -10, y: 20, width: 1300, height: 900 },
      maximized: true,
    });
  });

  test('extra fields are dropped', () => {
    assert.deepEqual(
      parseWindowState('{"bounds":{"x":1,"y":2,"width":3,"height":4,"z":5},"maximized":false,"__proto__":{"x":1}}'),
      { bounds: { x: 1, y: 2, width: 3, height: 4 }, maximized: false },
    );
  });

  test('anything else is no state', () => {
    for (const text of [
      '',
      '{',
      'null',
      '[]',
      '"x"',
      '42',
      '{"bounds":{"x":0,"y":0,"width":1280,"height":800}}',
      '{"bounds":{"x":0,"y":0,"width":1280,"height":800},"maximized":"yes"}',
      '{"bounds":{"x":"0","y":0,"width":1280,"height":800},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":0,"height":800},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":-5,"height":800},"maximized":false}',
      '{"bounds":{"x":0.5,"y":0,"width":1280,"height":800},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":1e309,"height":800},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":99999999,"height":800},"maximized":false}',
      '{"bounds":{"x":-99999999,"y":0,"width":1280,"height":800},"maximized":false}',
      '{"bounds":{"x":0,"y":0,"width":null,"height":800},"maximized":false}',
      '{"bounds":null,"maximized":false}',
      '\u0000\u0001garbage',
    ]) {
      assert.equal(parseWindowState(text), null, text);
    }
  });
});

describe('loadWindowState and saveWindowState', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qrdesk-window-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, WINDOW_STATE_FILE);

  test('round trip, rounded to whole pixels, in a 0600 file, with no temporary file left', () => {
    saveWindowState(dir, { bounds: { x: 10.4, y: 20.6, width: 1300.2, height: 900 }, maximized: true });
    assert.deepEqual(loadWindowState(dir), { bounds: { x: 10, y: 21, width: 1300, height: 900 }, maximized: true });
    if (process.platform !== 'win32') assert.equal(fs.statSync(file()).mode & 0o777, 0o600);
    assert.deepEqual(fs.readdirSync(dir), [WINDOW_STATE_FILE]);
  });

  test('NaN or infinite bounds (a window in a strange state) are not saved', () => {
    saveWindowState(dir, { bounds: { x: 0, y: 0, width: 1280, height: 800 }, maximized: false });
    saveWindowState(dir, { bounds: { x: NaN, y: 0, width: 1280, height: 800 }, maximized: false });
    saveWindowState(dir, { bounds: { x: 0, y: 0, width: Infinity, height: 800 }, maximized: false });
    assert.deepEqual(loadWindowState(dir), { bounds: { x: 0, y: 0, width: 1280, height: 800 }, maximized: false });
  });

  test('no file, a corrupt file, a huge file, or a folder in its place: no state, no throw', () => {
    assert.equal(loadWindowState(dir), null);
    fs.writeFileSync(file(), '{"bounds":{"x":0,"y":0,"wid');
    assert.equal(loadWindowState(dir), null);
    fs.writeFileSync(
      file(),
      `{"bounds":{"x":0,"y":0,"width":1280,"height":800},"maximized":false,"pad":"${'x'.repeat(100_000)}"}`,
    );
    assert.equal(loadWindowState(dir), null);
    fs.rmSync(file());
    fs.mkdirSync(file());
    assert.equal(loadWindowState(dir), null);
    assert.equal(loadWindowState(path.join(dir, 'missing', 'deeper')), null);
  });
});
