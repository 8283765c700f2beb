/**
 * Series alignment for the charts: the metrics API answers one `points` list per metric and node; uPlot wants one
 * shared x axis with a y array per line. Pure, unit-tested.
 */

/** One series as `GET /api/clusters/{id}/metrics` answers it. */
export interface MetricSeries {
  metric: string;
  unit: string;
  label: string;
  node: string;
  role: string;
  shard: string;
  points: Array<[number, number | null]>;
}

/** uPlot's data: x (seconds since epoch) then one y array per line; null = a gap. */
export type AlignedData = [number[], ...Array<Array<number | null>>];

/**
 * Puts every series on one time axis: the union of their timestamps (ms), sorted, given in seconds; a series
 * without a point at a time gets null there (drawn as a gap, never as 0).
 */
export function alignSeries(series: ReadonlyArray<Pick<MetricSeries, 'points'>>): AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const ys = series.map((s) => {
    const y: Array<number | null> = new Array<number | null>(times.length).fill(null);
    for (const [t, v] of s.points) y[index.get(t) ?? 0] = v;
    return y;
  });
  return [times.map((t) => t / 1000), ...ys];
}

/**
 * The x range every chart of a view shares, in seconds: from the requested start to the latest point (or `to`),
 * so charts whose nodes answered at different times still line up.
 */
export function sharedRange(fromMs: number, toMs: number, data: AlignedData): [number, number] {
  const last = data[0].length > 0 ? (data[0][data[0].length - 1] ?? toMs / 1000) : toMs / 1000;
  return [fromMs / 1000, Math.max(last, fromMs / 1000 + 60)];
}

/** The last non-null value of a y array: what a tile shows, so the tile agrees with the chart's last point. */
export function lastValue(values: ReadonlyArray<number | null>): number | null {
  for (let i = values.length - 1; i >= 0; i -= 1) {
    const v = values[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}

/**
 * A cluster-wide series from per-node ones at the same times: `sum` (ops/s, memory) or `mean` of the nodes that
 * have a value (hit ratio); null where no node has one.
 */
export function combine(ys: ReadonlyArray<ReadonlyArray<number | null>>, how: 'sum' | 'mean' | 'max'): Array<number | null> {
  const length = Math.max(0, ...ys.map((y) => y.length));
  const out: Array<number | null> = [];
  for (let i = 0; i < length; i += 1) {
    const values = ys.map((y) => y[i]).filter((v): v is number => v !== null && v !== undefined);
    if (values.length === 0) out.push(null);
    else if (how === 'sum') out.push(values.reduce((a, b) => a + b, 0));
    else if (how === 'max') out.push(Math.max(...values));
    else out.push(values.reduce((a, b) => a + b, 0) / values.length);
  }
  return out;
}
