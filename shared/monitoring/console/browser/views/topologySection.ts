import { get } from '../api';
import type { View } from '../app';
import { empty, h } from '../dom';
import { formatBytes, formatCount, formatMaxmemory } from '../format';
import type { TopologyNode } from '../types';

const totalSlots = 16384;

/** A 16384-slot bar: the slot ranges a master owns, drawn to scale (CSSOM positions: the CSP allows no inline style). */
function slotBar(ranges: ReadonlyArray<[number, number]>, count: number): HTMLElement {
  const bar = h('div', { class: 'slotbar', role: 'img', 'aria-label': `${count} of ${totalSlots} slots` });
  for (const [start, end] of ranges) {
    const seg = h('span', { class: 'slots', title: `slots ${start}-${end}` });
    seg.style.left = `${(start / totalSlots) * 100}%`;
    seg.style.width = `${Math.max(0.2, ((end - start + 1) / totalSlots) * 100)}%`;
    bar.append(seg);
  }
  return bar;
}

/** Topology: masters with their slot bars and their replicas with replication lag; failed nodes marked. */
export class TopologySection implements View {
  readonly el = h('section', { class: 'section topology', 'aria-label': 'Topology' });

  constructor(private readonly clusterId: string) {}

  async refresh(): Promise<void> {
    const topology = await get<{ mode: string; nodes: TopologyNode[] }>(`/clusters/${this.clusterId}/topology`);
    const masters = topology.nodes.filter((n) => n.role === 'master');
    const replicasOf = (id: string) => topology.nodes.filter((n) => n.role !== 'master' && n.masterId === id);
    const orphans = topology.nodes.filter((n) => n.role !== 'master' && !masters.some((m) => m.id === n.masterId));
    const covered = masters.reduce((s, m) => s + m.slotCount, 0);
    this.el.replaceChildren(
      h('p', { class: 'summary' }, `${topology.nodes.length} node(s), ${masters.length} master(s)`, topology.mode === 'cluster' ? ` · ${covered} of ${totalSlots} slots assigned` : ''),
      topology.nodes.length === 0 ? empty('No node answered.') : h('div', { class: 'shards' }, ...masters.map((m) => this.shard(m, replicasOf(m.id), topology.mode === 'cluster')), ...orphans.map((n) => this.shard(n, [], false))),
    );
  }

  private shard(master: TopologyNode, replicas: TopologyNode[], clustered: boolean): HTMLElement {
    return h(
      'article',
      { class: 'shard', 'data-node': master.address },
      h('h3', {}, master.address, ' ', h('span', { class: 'pill role' }, master.role), this.state(master)),
      clustered ? slotBar(master.slots, master.slotCount) : null,
      clustered ? h('p', { class: 'muted' }, `${master.slotCount} slots`) : null,
      this.metrics(master),
      replicas.length === 0 ? h('p', { class: 'muted' }, 'no replica') : h('ul', { class: 'replicas' }, ...replicas.map((r) => h('li', {}, h('strong', {}, r.address), ' replica', this.state(r), ' · ', this.lag(master, r)))),
    );
  }

  private state(node: TopologyNode): HTMLElement | string {
    const failed = !node.reachable || node.failState !== 'ok' || node.flags.includes('fail') || node.flags.includes('fail?');
    if (!failed) return '';
    return h('span', { class: 'pill error' }, node.reachable ? node.failState || 'failing' : `unreachable${node.unreachableReason ? `: ${node.unreachableReason}` : ''}`);
  }

  private metrics(node: TopologyNode): HTMLElement | null {
    const m = node.metrics;
    if (!m) return null;
    return h('p', { class: 'muted' }, `${formatCount(m.keys)} keys · ${formatBytes(m.memory.usedBytes)} of ${formatMaxmemory(m.memory.maxmemoryBytes)} · policy ${m.memory.maxmemoryPolicy}`);
  }

  private lag(master: TopologyNode, replica: TopologyNode): string {
    const mo = master.metrics?.replication.offset;
    const ro = replica.metrics?.replication.offset;
    const link = replica.metrics?.replication.masterLinkStatus;
    if (mo === undefined || ro === undefined) return 'lag unknown';
    return `lag ${formatBytes(Math.max(0, mo - ro))}${link && link !== 'up' ? ` · link ${link}` : ''}`;
  }

  destroy(): void {}
}
