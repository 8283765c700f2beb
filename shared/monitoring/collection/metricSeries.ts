import { historyColumns } from './historyColumns';
import type { HistoryRow } from './MonitorStore';

/** One line of a chart: a metric of a node over time, `[ms since epoch, value | null]` points, oldest first. */
export interface MetricSeries {
  metric: string;
  unit: string;
  label: string;
  node: string;
  role: 'master' | 'replica';
  shard: string;
  points: [number, number | null][];
}

export interface SeriesOptions {
  /** Only this node (`host:port`). */
  node?: string;
  /** Only these metrics (`historyColumns` names). */
  metrics?: readonly string[];
  /** Rows beyond this are averaged in equal buckets. */
  maxPoints: number;
}

/**
 * Turns history rows into chart-ready series: one per metric and node, gaps (node unreachable, no data) as `null`,
 * downsampled by bucket averages when there are more rows than `maxPoints`. Pure.
 */
export function buildSeries(rows: readonly HistoryRow[], options: SeriesOptions): MetricSeries[] {
  const columns = historyColumns.map((c, index) => ({ ...c, index })).filter((c) => !options.metrics || options.metrics.includes(c.metric));
  const places = new Map<string, { role: 'master' | 'replica'; shard: string }>();
  for (const row of rows) for (const n of row.nodes) if (!options.node || n.node === options.node) places.set(n.node, { role: n.role, shard: n.shard });
  const bucket = Math.max(1, Math.ceil(rows.length / Math.max(1, options.maxPoints)));
  const series: MetricSeries[] = [];
  for (const [node, place] of [...places].sort(([a], [b]) => a.localeCompare(b))) {
    for (const column of columns) {
      const points: [number, number | null][] = [];
      for (let i = 0; i < rows.length; i += bucket) {
        const slice = rows.slice(i, i + bucket);
        const values = slice.map((r) => r.nodes.find((n) => n.node === node)?.values[column.index]).filter((v): v is number => typeof v === 'number');
        const at = slice[slice.length - 1]?.at ?? 0;
        points.push([at, values.length ? values.reduce((a, b) => a + b, 0) / values.length : null]);
      }
      series.push({ metric: column.metric, unit: column.unit, label: column.label, node, role: place.role, shard: place.shard, points });
    }
  }
  return series;
}
