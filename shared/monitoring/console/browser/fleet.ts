/**
 * The fleet overview's rows: one per cluster, from its registration, health, latest readings, alerts and jobs.
 * Pure, unit-tested; the view only draws what this returns.
 */

/** Health verdict as the overview shows it; `unreachable` when the health check itself failed. */
export type Verdict = 'ok' | 'warning' | 'error' | 'unreachable' | 'unknown';

/** The subset of one node's latest reading (`latest.readings[]` of the metrics API) the overview uses. */
export interface LatestReading {
  node: string;
  reachable: boolean;
  opsPerSec: number | null;
  hitRatio: number | null;
  hitsDelta?: number | null;
  missesDelta?: number | null;
  usedMemoryBytes: number | null;
  maxmemoryBytes: number | null;
}

export interface FleetRow {
  id: string;
  name: string;
  mode: string;
  verdict: Verdict;
  nodesUp: number | null;
  nodesTotal: number | null;
  memoryUsed: number | null;
  /** Sum of the nodes' maxmemory; 0 when any node has no limit ("no limit"), null without readings. */
  memoryMax: number | null;
  /** Lookups-weighted over the nodes that had lookups in the last interval; null when none had. */
  hitRatio: number | null;
  opsPerSec: number | null;
  firingAlerts: number;
  runningJobs: number;
}

const verdictRank: Record<Verdict, number> = { error: 0, unreachable: 1, warning: 2, unknown: 3, ok: 4 };

/** Sums the readings of a cluster's nodes (unreachable nodes count in the total, not in the values). */
export function summarizeReadings(readings: readonly LatestReading[]): Pick<FleetRow, 'nodesUp' | 'nodesTotal' | 'memoryUsed' | 'memoryMax' | 'hitRatio' | 'opsPerSec'> {
  if (readings.length === 0) return { nodesUp: null, nodesTotal: null, memoryUsed: null, memoryMax: null, hitRatio: null, opsPerSec: null };
  const up = readings.filter((r) => r.reachable);
  const sum = (pick: (r: LatestReading) => number | null) => {
    const values = up.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  };
  const anyUnlimited = up.some((r) => r.maxmemoryBytes === 0);
  let hits = 0;
  let lookups = 0;
  for (const r of up) {
    const h = r.hitsDelta ?? null;
    const m = r.missesDelta ?? null;
    if (h !== null && m !== null && h + m > 0) {
      hits += h;
      lookups += h + m;
    }
  }
  return {
    nodesUp: up.length,
    nodesTotal: readings.length,
    memoryUsed: sum((r) => r.usedMemoryBytes),
    memoryMax: anyUnlimited ? 0 : sum((r) => r.maxmemoryBytes),
    hitRatio: lookups > 0 ? hits / lookups : null,
    opsPerSec: sum((r) => r.opsPerSec),
  };
}

/** Columns the overview sorts by. */
export const sortKeys = ['name', 'verdict', 'nodes', 'memory', 'hitRatio', 'opsPerSec', 'alerts', 'jobs'] as const;
export type SortKey = (typeof sortKeys)[number];

/** `"-memory"` → memory, descending; an unknown key sorts by verdict (worst first). */
export function parseSort(value: string | undefined): { key: SortKey; descending: boolean } {
  const descending = value?.startsWith('-') ?? false;
  const key = (value ?? '').replace(/^-/, '');
  return (sortKeys as readonly string[]).includes(key) ? { key: key as SortKey, descending } : { key: 'verdict', descending: false };
}

function sortValue(row: FleetRow, key: SortKey): number | string | null {
  switch (key) {
    case 'name':
      return row.name.toLowerCase();
    case 'verdict':
      return verdictRank[row.verdict];
    case 'nodes':
      return row.nodesTotal === null || row.nodesUp === null ? null : row.nodesUp / Math.max(1, row.nodesTotal);
    case 'memory':
      return row.memoryUsed;
    case 'hitRatio':
      return row.hitRatio;
    case 'opsPerSec':
      return row.opsPerSec;
    case 'alerts':
      return row.firingAlerts;
    case 'jobs':
      return row.runningJobs;
  }
}

/** Rows sorted by a column; unknown values (no data) always last, ties by name so the order is stable. */
export function sortRows(rows: readonly FleetRow[], key: SortKey, descending: boolean): FleetRow[] {
  return [...rows].sort((a, b) => {
    const x = sortValue(a, key);
    const y = sortValue(b, key);
    if (x === null && y !== null) return 1;
    if (y === null && x !== null) return -1;
    if (x !== null && y !== null && x !== y) return (x < y ? -1 : 1) * (descending ? -1 : 1);
    return a.name.localeCompare(b.name);
  });
}
