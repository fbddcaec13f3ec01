import { textTable } from '../../../src-server/cli/text-table';
import fs from 'node:fs';

/** One measured number, optionally checked against a DESIGN.md target. */
export interface Metric {
  what: string;
  value: number;
  unit: string;
  /** The target, e.g. { op: '<=', value: 1500 }. */
  target?: { op: '<=' | '>='; value: number };
}

/** A reference tool measured in the same run, with how qrdesk compares to it. */
export interface PeerComparison {
  what: string;
  peer: string;
  peerValue: number;
  oursValue: number;
  unit: string;
  /** ours / peer. */
  ratio: number;
}

export interface BenchResult {
  bench: string;
  metrics: Metric[];
  peers: PeerComparison[];
  notes: string[];
}

export const meets = (m: Metric): boolean | undefined =>
  m.target === undefined ? undefined : m.target.op === '<=' ? m.value <= m.target.value : m.value >= m.target.value;

export const verdict = (m: Metric): string => {
  const ok = meets(m);
  return ok === undefined ? '' : ok ? 'PASS' : 'FAIL';
};

/** Nearest-rank percentile (p in 0..100) of a non-empty sample. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

export function formatMetrics(result: BenchResult): string {
  const rows: string[][] = [['measure', 'value', 'target', 'result']];
  for (const m of result.metrics) {
    rows.push([
      m.what,
      `${m.value} ${m.unit}`,
      m.target ? `${m.target.op} ${m.target.value} ${m.unit}` : '-',
      verdict(m) || '-',
    ]);
  }
  let out = textTable(rows);
  if (result.peers.length) {
    const peerRows: string[][] = [['compared with', 'peer', 'qrdesk', 'ratio (qrdesk / peer)']];
    for (const p of result.peers) {
      peerRows.push([`${p.what}: ${p.peer}`, `${p.peerValue} ${p.unit}`, `${p.oursValue} ${p.unit}`, `${p.ratio}x`]);
    }
    out += `\n\n${textTable(peerRows)}`;
  }
  return out;
}

/** Environment variable through which run.ts asks a bench script for its machine-readable result. */
export const RESULT_FILE_ENV = 'QRDESK_BENCH_RESULT_FILE';

/** Prints the result and, when run by run.ts, hands it over as JSON. */
export function report(result: BenchResult): void {
  process.stdout.write(`\n${formatMetrics(result)}\n`);
  for (const note of result.notes) process.stdout.write(`note: ${note}\n`);
  const file = process.env[RESULT_FILE_ENV];
  if (file) fs.writeFileSync(file, JSON.stringify(result, null, 2));
}
