import uPlot from 'uplot';
import { formatTick, formatUnit, noData } from './format';
import type { AlignedData } from './series';

/**
 * Time charts on uPlot (why uPlot: docs/monitoring.md, "Console"). Every chart of a view belongs to one
 * `ChartGroup`: one x range for all (the requested window, not each chart's own data extent), one cursor (hover
 * shows every chart's values at the same time), and a drag-to-zoom on any chart zooms all; double-click resets.
 */
export class ChartGroup {
  readonly key = `g${Math.random().toString(36).slice(2)}`;
  private readonly charts = new Set<TimeChart>();
  private zoom: { min: number; max: number } | null = null;
  private window: { min: number; max: number } = { min: 0, max: 1 };
  private applying = false;

  /** The requested time window (seconds); charts show it unless the user zoomed in. */
  setWindow(min: number, max: number): void {
    this.window = { min, max };
    this.apply();
  }

  get range(): { min: number; max: number } {
    return this.zoom ?? this.window;
  }

  add(chart: TimeChart): void {
    this.charts.add(chart);
  }

  remove(chart: TimeChart): void {
    this.charts.delete(chart);
  }

  /** A user zoom on one chart (uPlot already set its scale): the others follow. */
  zoomed(min: number, max: number): void {
    if (this.applying) return;
    this.zoom = { min, max };
    this.apply();
  }

  reset(): void {
    this.zoom = null;
    this.apply();
  }

  private apply(): void {
    this.applying = true;
    try {
      for (const chart of this.charts) chart.showRange(this.range);
    } finally {
      this.applying = false;
    }
  }
}

export interface LineSpec {
  label: string;
  color: string;
  dash?: number[];
}

const palette = ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#8b5cf6', '#eab308', '#06b6d4', '#84cc16', '#ec4899', '#64748b'];

/** The colour of the n-th line (stable per position, so a node keeps its colour across refreshes). */
export function lineColor(n: number): string {
  return palette[n % palette.length] ?? '#3b82f6';
}

/** One time chart: created once, then fed new data on every refresh without being rebuilt (no flicker). */
export class TimeChart {
  private plot: uPlot | null = null;
  private signature = '';
  private readonly observer: ResizeObserver;

  constructor(
    readonly el: HTMLElement,
    private readonly group: ChartGroup,
    private readonly unit: string,
    private readonly height = 180,
  ) {
    group.add(this);
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(el);
  }

  /** New data; the chart is rebuilt only when the set of lines changed (a node came or went). */
  update(lines: readonly LineSpec[], data: AlignedData): void {
    const signature = lines.map((l) => l.label).join('|');
    if (!this.plot || signature !== this.signature) {
      this.plot?.destroy();
      this.signature = signature;
      this.plot = new uPlot(this.options(lines), data as uPlot.AlignedData, this.el);
    } else {
      this.plot.setData(data as uPlot.AlignedData, false);
    }
    this.showRange(this.group.range);
  }

  showRange(range: { min: number; max: number }): void {
    this.plot?.setScale('x', range);
  }

  destroy(): void {
    this.observer.disconnect();
    this.group.remove(this);
    this.plot?.destroy();
    this.plot = null;
  }

  private width(): number {
    return Math.max(240, Math.floor(this.el.clientWidth || 300));
  }

  private resize(): void {
    if (this.plot && Math.abs(this.plot.width - this.width()) > 2) this.plot.setSize({ width: this.width(), height: this.height });
  }

  private options(lines: readonly LineSpec[]): uPlot.Options {
    const unit = this.unit;
    const group = this.group;
    const value = (_u: uPlot, v: number | null) => (v === null || v === undefined ? noData : formatUnit(v, unit));
    return {
      width: this.width(),
      height: this.height,
      cursor: {
        sync: { key: group.key },
        drag: { x: true, y: false, setScale: true },
        bind: {
          dblclick: () => () => {
            group.reset();
            return null;
          },
        },
      },
      legend: { live: true },
      scales: { x: { time: true }, y: { range: (_u, min, max) => (unit === '1' ? [0, 1] : [Math.min(0, min), max > 0 ? max * 1.1 : 1]) } },
      axes: [
        { stroke: '#94a3b8', grid: { stroke: '#33415555' }, ticks: { stroke: '#33415555' } },
        { stroke: '#94a3b8', grid: { stroke: '#33415555' }, ticks: { stroke: '#33415555' }, size: 78, values: (_u, ticks) => ticks.map((t) => formatTick(t, unit)) },
      ],
      series: [{ value: (_u, v) => (v === null ? noData : new Date(v * 1000).toLocaleTimeString()) }, ...lines.map((l) => ({ label: l.label, stroke: l.color, width: 1.5, value, spanGaps: false, ...(l.dash ? { dash: l.dash } : {}) }))],
      hooks: {
        setSelect: [
          (u: uPlot) => {
            if (u.select.width > 4) group.zoomed(u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x'));
          },
        ],
      },
    };
  }
}
