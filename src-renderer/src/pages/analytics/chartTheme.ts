import { useEffect, useState } from 'react';

/** The design tokens the charts draw with, resolved to colours (SVG attributes cannot read CSS variables). */
export interface ChartTheme {
  accent: string;
  accentSoft: string;
  text: string;
  muted: string;
  border: string;
  surface: string;
  surface2: string;
  success: string;
}

function readTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    accent: v('--accent', '#4338ca'),
    accentSoft: v('--accent-soft', '#e7e6fb'),
    text: v('--text', '#1a1d23'),
    muted: v('--muted', '#555c69'),
    border: v('--border', '#d5d9e0'),
    surface: v('--surface', '#ffffff'),
    surface2: v('--surface-2', '#eef0f4'),
    success: v('--success', '#136c3a'),
  };
}

/** The chart colours of the current theme; follows light/dark switches (<html data-theme>). */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(readTheme);
  useEffect(() => {
    const observer = new MutationObserver(() => setTheme(readTheme()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m) return null;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** A colour between two `#rrggbb` tokens (0 = a, 1 = b), in sRGB like CSS gradients. */
export function mixColor(a: string, b: string, amount: number): string {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return amount < 0.5 ? a : b;
  const t = Math.min(1, Math.max(0, amount));
  return `#${ca
    .map((x, i) => Math.round(x + (cb[i]! - x) * t))
    .map((x) => x.toString(16).padStart(2, '0'))
    .join('')}`;
}
