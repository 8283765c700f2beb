import { get } from '../api';
import type { View } from '../app';
import { ChartGroup, lineColor, TimeChart, type LineSpec } from '../charts';
import { h } from '../dom';
import { formatBytes, formatMaxmemory, formatUnit } from '../format';
import { alignSeries, combine, lastValue, type AlignedData, type MetricSeries } from '../series';

interface MetricsAnswer {
  from: string;
  to: string;
  series: MetricSeries[];
  nodes: Array<{ node: string; role: string }>;
}

/** The charts of the overview: per node, plus the cluster-wide value the tile above shows. */
const charts: Array<{ metric: string; title: string; unit: string; tile: 'sum' | 'mean' | 'max' }> = [
  { metric: 'ops_per_sec', title: 'Operations/s', unit: '{command}/s', tile: 'sum' },
  { metric: 'hit_ratio', title: 'Hit ratio (per interval)', unit: '1', tile: 'mean' },
  { metric: 'used_memory_bytes', title: 'Memory used', unit: 'By', tile: 'sum' },
  { metric: 'evictions_per_sec', title: 'Evictions/s', unit: '{key}/s', tile: 'sum' },
  { metric: 'rtt_ms', title: 'PING round trip', unit: 'ms', tile: 'max' },
  { metric: 'net_in_bytes_per_sec', title: 'Network in', unit: 'By/s', tile: 'sum' },
];

export const ranges: Record<string, number> = { '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '24h': 86_400_000 };

/**
 * Overview: one tile and one chart per metric, all charts on one time axis (the chosen window), hover values,
 * drag to zoom all. A tile is the chart's own last point combined over nodes, so tile and chart always agree.
 */
export class OverviewSection implements View {
  readonly el = h('section', { class: 'section overview', 'aria-label': 'Overview' });
  private readonly group = new ChartGroup();
  private readonly tiles = h('div', { class: 'tiles' });
  private readonly grid = h('div', { class: 'charts' });
  private readonly charts = new Map<string, TimeChart>();
  private range = '1h';

  constructor(private readonly clusterId: string) {
    const picker = h('div', { class: 'range', role: 'group', 'aria-label': 'time range' });
    for (const name of Object.keys(ranges)) {
      picker.append(
        h('button', { type: 'button', 'aria-pressed': name === this.range ? 'true' : 'false', onclick: () => this.pick(name, picker) }, name),
      );
    }
    picker.append(h('small', { class: 'hint' }, 'drag a chart to zoom, double-click to reset'));
    this.el.append(picker, this.tiles, this.grid);
  }

  private pick(name: string, picker: HTMLElement): void {
    this.range = name;
    for (const b of picker.querySelectorAll('button')) b.setAttribute('aria-pressed', b.textContent === name ? 'true' : 'false');
    this.group.reset();
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const to = Date.now();
    const from = to - (ranges[this.range] ?? 3_600_000);
    const metrics = [...charts.map((c) => c.metric), 'maxmemory_bytes'].join(',');
    const answer = await get<MetricsAnswer>(`/clusters/${this.clusterId}/metrics?metrics=${metrics}&from=${from}&to=${to}&maxPoints=240`);
    const data = alignSeries(answer.series);
    const times = data[0];
    const ys = (metric: string) => answer.series.map((s, i) => ({ s, y: data[i + 1] ?? [] })).filter((x) => x.s.metric === metric);
    this.group.setWindow(from / 1000, Math.max(to / 1000, (times[times.length - 1] ?? 0) + 1));
    const maxByNode = ys('maxmemory_bytes');
    const limits = maxByNode.map((m) => lastValue(m.y));
    const anyUnlimited = limits.some((v) => v === 0);
    const tiles: HTMLElement[] = [];
    for (const c of charts) {
      const nodes = ys(c.metric);
      const cluster = combine(nodes.map((n) => n.y), c.tile);
      const last = lastValue(cluster);
      let text = formatUnit(last, c.unit);
      if (c.metric === 'used_memory_bytes') text = `${formatBytes(last)} / ${anyUnlimited ? 'no limit' : formatMaxmemory(limits.reduce<number>((a, b) => a + (b ?? 0), 0))}`;
      tiles.push(h('div', { class: 'tile', 'data-metric': c.metric }, h('span', { class: 'tile-label' }, c.title), h('strong', {}, text)));
      this.chart(c, nodes, maxByNode, data, anyUnlimited);
    }
    this.tiles.replaceChildren(...tiles);
  }

  private chart(c: (typeof charts)[number], nodes: Array<{ s: MetricSeries; y: Array<number | null> }>, maxByNode: Array<{ s: MetricSeries; y: Array<number | null> }>, data: AlignedData, anyUnlimited: boolean): void {
    let chart = this.charts.get(c.metric);
    if (!chart) {
      const holder = h('div', { class: 'plot' });
      const note = h('figcaption', {}, c.title);
      this.grid.append(h('figure', { class: 'chart', 'data-metric': c.metric }, note, holder));
      chart = new TimeChart(holder, this.group, c.unit);
      this.charts.set(c.metric, chart);
    }
    const lines: LineSpec[] = nodes.map((n, i) => ({ label: `${n.s.node} (${n.s.role})`, color: lineColor(i) }));
    const columns: AlignedData = [data[0], ...nodes.map((n) => n.y)];
    if (c.metric === 'used_memory_bytes') {
      // maxmemory drawn only where a node has a limit: an unset maxmemory is "no limit", never a line at 0 B.
      maxByNode.forEach((m, i) => {
        if ((lastValue(m.y) ?? 0) > 0) {
          lines.push({ label: `maxmemory ${m.s.node}`, color: lineColor(i), dash: [6, 4] });
          columns.push(m.y.map((v) => (v === 0 ? null : v)));
        }
      });
      const figure = chart.el.parentElement;
      const caption = figure?.querySelector('figcaption');
      if (caption) caption.textContent = `${c.title}${anyUnlimited ? ' — maxmemory: no limit' : ''}`;
    }
    if (nodes.length === 0) {
      chart.el.replaceChildren(h('p', { class: 'empty' }, 'no data in this window'));
      return;
    }
    chart.update(lines, columns);
  }

  destroy(): void {
    for (const c of this.charts.values()) c.destroy();
  }
}
