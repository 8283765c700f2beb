import type { Counter } from './AnalysisAggregate';

/** LFU counters start at 5 (`LFU_INIT_VAL`); below that a key decayed without being read. */
const lfuInit = 5;

/** How concentrated reads are, from the access statistic the nodes keep. */
export interface AccessSkew {
  basis: 'frequency' | 'idle';
  /** Keys the numbers cover. */
  keys: number;
  /** frequency: share of estimated reads that went to the hottest 20 % of keys. */
  hottest20PercentReadShare?: number;
  /** idle: share of keys read in the last 10 minutes, and share idle for more than an hour. */
  recentShare?: number;
  staleShare?: number;
  skewed: boolean;
}

/**
 * Reads a key needed to reach LFU counter `c` (Redis increments with probability 1 / ((c - 5) · factor + 1)),
 * the expected count summed from the initial value. Decayed counters (< 5) count as no reads.
 */
export function estimatedReads(counter: number, lfuLogFactor: number): number {
  const above = Math.max(0, counter - lfuInit);
  return above + (lfuLogFactor * above * Math.max(0, above - 1)) / 2;
}

/**
 * Skew from an LFU histogram (`OBJECT FREQ` value → keys): skewed when the hottest 20 % of keys took at least
 * `paretoShare` of the reads — the access pattern where LFU keeps the hot set and LRU lets one scan evict it.
 */
export function skewFromFrequency(histogram: Record<string, Counter>, lfuLogFactor = 10, paretoShare = 0.8): AccessSkew | null {
  const rows = Object.entries(histogram)
    .map(([counter, c]) => ({ reads: estimatedReads(Number(counter), lfuLogFactor), keys: c.keys }))
    .sort((a, b) => b.reads - a.reads);
  const keys = rows.reduce((s, r) => s + r.keys, 0);
  const reads = rows.reduce((s, r) => s + r.reads * r.keys, 0);
  if (keys === 0 || reads === 0) return null;
  let budget = keys * 0.2;
  let hot = 0;
  for (const row of rows) {
    const take = Math.min(budget, row.keys);
    hot += take * row.reads;
    budget -= take;
    if (budget <= 0) break;
  }
  const share = hot / reads;
  return { basis: 'frequency', keys, hottest20PercentReadShare: share, skewed: share >= paretoShare };
}

/**
 * Skew from idle-time buckets: skewed when at most 20 % of keys were read in the last 10 minutes while at least
 * half have been idle for over an hour — a small hot set over a large cold tail.
 */
export function skewFromIdle(buckets: Record<string, Counter>): AccessSkew | null {
  const keys = Object.values(buckets).reduce((s, c) => s + c.keys, 0);
  if (keys === 0) return null;
  const k = (b: string): number => buckets[b]?.keys ?? 0;
  const recentShare = (k('lt1m') + k('1m-10m')) / keys;
  const staleShare = (k('1h-24h') + k('gt24h')) / keys;
  return { basis: 'idle', keys, recentShare, staleShare, skewed: recentShare <= 0.2 && staleShare >= 0.5 };
}
