import fs from 'node:fs';
import path from 'node:path';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is kept in `userData/window-state.json` between runs. */
export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

/** Where a window opens: a position only when it is known to be on a screen; else the OS centres it. */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1280, height: 800 } as const;
export const MIN_SIZE = { width: 1024, height: 700 } as const;
/** Larger than any screen: a bigger saved size is nonsense (or an attack on the file). */
const MAX_EDGE = 32_768;
/** How much of the window (its title bar, from the top left) must be on a screen to keep its place. */
const VISIBLE = { width: 100, height: 40 };

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isFinite(v) && Number.isInteger(v) && v >= min && v <= max;

function isRect(v: unknown): v is Rect {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    isInt(r.x, -MAX_EDGE, MAX_EDGE) &&
    isInt(r.y, -MAX_EDGE, MAX_EDGE) &&
    isInt(r.width, 1, MAX_EDGE) &&
    isInt(r.height, 1, MAX_EDGE)
  );
}

/** The saved state, or null for anything that is not exactly one (corrupt, truncated, hand-edited wrong). */
export function parseWindowState(text: string): WindowState | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null) return null;
  const { bounds, maximized } = data as Record<string, unknown>;
  if (!isRect(bounds) || typeof maximized !== 'boolean') return null;
  return { bounds: { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height }, maximized };
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), Math.max(lo, hi));

/**
 * Where to open the window, given the saved state and the work areas of the
 * screens connected now. A window whose title bar is on a screen keeps its
 * place, shrunk and moved to fit inside that screen; one on a screen that has
 * gone (a monitor unplugged) or far off every screen opens centred on the
 * primary screen at its saved size (shrunk to fit). Sizes never go below the
 * window's minimum unless the screen itself is smaller.
 */
export function windowPlacement(
  state: WindowState | null,
  workAreas: readonly Rect[],
  primary: Rect | undefined = workAreas[0],
): WindowPlacement {
  const maximized = state?.maximized ?? false;
  const wanted = state?.bounds ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const fit = (area: Rect | undefined) => ({
    width: area ? clamp(wanted.width, Math.min(MIN_SIZE.width, area.width), area.width) : DEFAULT_SIZE.width,
    height: area ? clamp(wanted.height, Math.min(MIN_SIZE.height, area.height), area.height) : DEFAULT_SIZE.height,
  });
  if (state) {
    const titleBar = {
      x: wanted.x,
      y: wanted.y,
      width: Math.min(wanted.width, VISIBLE.width * 4),
      height: VISIBLE.height,
    };
    const home = workAreas.find((area) => {
      const o = overlap(titleBar, area);
      return o.width >= Math.min(VISIBLE.width, titleBar.width) && o.height >= VISIBLE.height / 2;
    });
    if (home) {
      const size = fit(home);
      return {
        x: clamp(wanted.x, home.x, home.x + home.width - size.width),
        y: clamp(wanted.y, home.y, home.y + home.height - size.height),
        ...size,
        maximized,
      };
    }
  }
  // No saved place on a screen: the OS centres the window (on the primary screen) at this size.
  return { ...fit(primary), maximized };
}

/** The saved state, or null when there is none or it cannot be read. */
export function loadWindowState(dir: string): WindowState | null {
  try {
    const file = path.join(dir, WINDOW_STATE_FILE);
    if (fs.statSync(file).size > 64 * 1024) return null;
    return parseWindowState(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** Saves the state atomically (a crash mid-write leaves the old file); failures are only logged by the caller. */
export function saveWindowState(dir: string, state: WindowState): void {
  const { x, y, width, height } = state.bounds;
  const bounds = { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
  if (!isRect(bounds)) return;
  const file = path.join(dir, WINDOW_STATE_FILE);
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify({ bounds, maximized: state.maximized === true })}\n`, {
    mode: 0o600,
  });
  fs.renameSync(tmp, file);
}
