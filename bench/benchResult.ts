import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';

/** One benchmark outcome, side by side with its peer. `ratio` > 1 always means we are better. */
export interface BenchResult {
  scenario: string;
  /** What is measured, e.g. 'cold start: import app with all functions registered'. */
  what: string;
  ours: number;
  peer: number;
  /** What the peer is, e.g. '@azure/functions alone' or 'redis-cli --pipe'. */
  peerName: string;
  unit: string;
  /** Oriented so that > 1 is better for us: peer/ours for times, ours/peer for rates. */
  ratio: number;
  /** Target from the issue, when it names one, and whether it was met. */
  target?: { ratio: number; met: boolean };
  details?: Record<string, unknown>;
}

/** Where results go: `bench/results/<scenario>.json` (relative to the repo root). */
export const resultsDir = join(__dirname, '..', '..', 'bench', 'results');

/** Writes the result file and prints the one-line summary every scenario prints. */
export function report(result: BenchResult): void {
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${result.scenario}.json`);
  // The 1-minute load average says whether this was a quiet run (below ~1 on this 2-core box) or a shared one.
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100 };
  writeFileSync(file, JSON.stringify({ ...result, machine, measuredAt: new Date().toISOString() }, null, 2) + '\n');
  const target = result.target ? ` (target ≥ ${result.target.ratio}×: ${result.target.met ? 'met' : 'NOT met'})` : '';
  console.log(
    `${result.scenario}: ours ${fmt(result.ours)} ${result.unit} vs ${result.peerName} ${fmt(result.peer)} ${result.unit} → ratio ${result.ratio.toFixed(2)}×${target}`,
  );
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
