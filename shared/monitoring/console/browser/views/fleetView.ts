import { get } from '../api';
import type { AppContext, View } from '../app';
import { h } from '../dom';
import { parseSort, sortRows, summarizeReadings, type FleetRow, type LatestReading, type SortKey, type Verdict } from '../fleet';
import { formatBytes, formatCount, formatMaxmemory, formatRatio } from '../format';
import { formatRoute } from '../route';
import type { Cluster, Health, Job } from '../types';

const columns: Array<{ key: SortKey; label: string; numeric: boolean }> = [
  { key: 'name', label: 'Cluster', numeric: false },
  { key: 'verdict', label: 'Health', numeric: false },
  { key: 'nodes', label: 'Nodes up', numeric: true },
  { key: 'memory', label: 'Memory used / max', numeric: true },
  { key: 'hitRatio', label: 'Hit ratio', numeric: true },
  { key: 'opsPerSec', label: 'Ops/s', numeric: true },
  { key: 'alerts', label: 'Firing alerts', numeric: true },
  { key: 'jobs', label: 'Running jobs', numeric: true },
];

/**
 * Health is a live check against the cache (CLUSTER NODES, INFO on every node), unlike the other columns that read
 * stored samples: re-checked at most this often per open fleet view, so a console left open does not load a fleet.
 */
const healthEveryMs = 30_000;
const healthCache = new Map<string, { at: number; health: Promise<Health> }>();

function healthOf(id: string): Promise<Health> {
  const cached = healthCache.get(id);
  if (cached && Date.now() - cached.at < healthEveryMs) return cached.health;
  const health = get<Health>(`/clusters/${id}/health`);
  healthCache.set(id, { at: Date.now(), health });
  health.catch(() => healthCache.delete(id));
  return health;
}

async function rowOf(cluster: Cluster): Promise<FleetRow> {
  // Each part on its own: one cluster that does not answer must not blank the others, nor its own other columns.
  const [health, metrics, alerts, jobs] = await Promise.allSettled([
    healthOf(cluster.id),
    get<{ latest: { readings: LatestReading[] } | null }>(`/clusters/${cluster.id}/metrics?metrics=up&maxPoints=2&from=${Date.now() - 180_000}`),
    get<{ firing: number }>(`/clusters/${cluster.id}/alerts`),
    get<{ items: Job[] }>(`/clusters/${cluster.id}/jobs?limit=50`),
  ]);
  const verdict: Verdict = health.status === 'fulfilled' ? health.value.verdict : 'unreachable';
  return {
    id: cluster.id,
    name: cluster.displayName ?? cluster.id,
    mode: cluster.mode,
    verdict,
    ...summarizeReadings(metrics.status === 'fulfilled' ? (metrics.value.latest?.readings ?? []) : []),
    firingAlerts: alerts.status === 'fulfilled' ? alerts.value.firing : 0,
    runningJobs: jobs.status === 'fulfilled' ? jobs.value.items.filter((j) => j.status === 'running' || j.status === 'queued').length : 0,
  };
}

/** The fleet overview: every registered cluster, sortable by any column, each row leading to its cluster view. */
export class FleetView implements View {
  readonly el = h('section', { class: 'view fleet', 'aria-labelledby': 'fleet-title' });
  private readonly body = h('div', { class: 'fleet-body' });
  private rows: FleetRow[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly sort: string | undefined,
  ) {
    this.el.append(h('h2', { id: 'fleet-title' }, 'Fleet'), this.body);
  }

  async refresh(): Promise<void> {
    const clusters = (await get<{ items: Cluster[] }>('/clusters')).items;
    this.rows = await Promise.all(clusters.map(rowOf));
    this.render();
  }

  destroy(): void {}

  private render(): void {
    const { key, descending } = parseSort(this.sort);
    const rows = sortRows(this.rows, key, descending);
    if (rows.length === 0) {
      this.body.replaceChildren(h('p', { class: 'empty' }, 'No cluster is registered yet: PUT /api/clusters/{id} (admin) registers one.'));
      return;
    }
    const header = columns.map((c) => {
      const active = c.key === key;
      const next = active && !descending ? `-${c.key}` : c.key;
      return h(
        'th',
        { scope: 'col', class: c.numeric ? 'num' : null, 'aria-sort': active ? (descending ? 'descending' : 'ascending') : 'none' },
        h('a', { href: formatRoute({ view: 'fleet', sort: next }), class: 'sort' }, c.label, active ? (descending ? ' ▾' : ' ▴') : ''),
      );
    });
    const unhealthy = rows.filter((r) => r.verdict === 'error' || r.verdict === 'unreachable' || r.firingAlerts > 0).length;
    this.body.replaceChildren(
      h('p', { class: 'summary' }, `${rows.length} cluster(s); ${unhealthy === 0 ? 'none needs attention' : `${unhealthy} need(s) attention`}`),
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'fleet-table' },
          h('caption', { class: 'visually-hidden' }, 'Registered clusters'),
          h('thead', {}, h('tr', {}, ...header)),
          h('tbody', {}, ...rows.map((r) => this.row(r))),
        ),
      ),
    );
  }

  private row(r: FleetRow): HTMLElement {
    const href = formatRoute({ view: 'cluster', clusterId: r.id, section: 'overview' });
    const tr = h(
      'tr',
      { 'data-cluster': r.id, class: `verdict-${r.verdict}` },
      h('th', { scope: 'row' }, h('a', { href }, r.name), h('small', { class: 'mode' }, ` ${r.mode}`)),
      h('td', {}, h('span', { class: `pill ${r.verdict}` }, r.verdict)),
      h('td', { class: 'num' }, r.nodesTotal === null ? '–' : `${r.nodesUp ?? 0}/${r.nodesTotal}`),
      h('td', { class: 'num' }, r.memoryUsed === null ? '–' : `${formatBytes(r.memoryUsed)} / ${formatMaxmemory(r.memoryMax)}`),
      h('td', { class: 'num' }, formatRatio(r.hitRatio)),
      h('td', { class: 'num' }, formatCount(r.opsPerSec)),
      h('td', { class: `num${r.firingAlerts > 0 ? ' bad' : ''}` }, String(r.firingAlerts)),
      h('td', { class: 'num' }, String(r.runningJobs)),
    );
    // The whole row leads to the cluster (the name is the keyboard-reachable link).
    tr.addEventListener('click', (e) => {
      if (!(e.target instanceof HTMLAnchorElement)) this.ctx.go({ view: 'cluster', clusterId: r.id, section: 'overview' });
    });
    return tr;
  }
}
