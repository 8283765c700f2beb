import { call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { confirmAction, formDialog } from '../dialog';
import { actionButton, empty, h } from '../dom';
import { formatBytes, formatCount, formatDuration, formatMaxmemory } from '../format';
import { permission } from '../permissions';
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

/** The dry run of `POST …/slots/reshard`, as far as the console shows it. */
interface SlotPlan {
  slotCount: number;
  keys: number;
  estimatedBytes: number;
  expectedDurationSeconds: number;
  pairs: Array<{ from: { address: string; id: string }; to: { address: string; id: string }; slots: string; slotCount: number }>;
  risks: Array<{ code: string; message: string; dataLoss: boolean }>;
}

/** Topology: masters with their slot bars and their replicas with replication lag; failed nodes marked; reshard. */
export class TopologySection implements View {
  readonly el = h('section', { class: 'section topology', 'aria-label': 'Topology' });
  private masters: TopologyNode[] = [];

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const topology = await get<{ mode: string; nodes: TopologyNode[] }>(`/clusters/${this.clusterId}/topology`);
    const masters = topology.nodes.filter((n) => n.role === 'master');
    const replicasOf = (id: string) => topology.nodes.filter((n) => n.role !== 'master' && n.masterId === id);
    const orphans = topology.nodes.filter((n) => n.role !== 'master' && !masters.some((m) => m.id === n.masterId));
    const covered = masters.reduce((s, m) => s + m.slotCount, 0);
    this.masters = masters;
    this.el.replaceChildren(
      h('p', { class: 'summary' }, `${topology.nodes.length} node(s), ${masters.length} master(s)`, topology.mode === 'cluster' ? ` · ${covered} of ${totalSlots} slots assigned` : ''),
      topology.mode === 'cluster' && masters.length > 1 ? h('div', { class: 'toolbar' }, actionButton('Reshard…', permission(this.ctx.role, 'reshard'), () => void this.reshard(), { 'data-action': 'reshard' })) : '',
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

  /** Target and count, then the dry-run plan, then a typed confirmation naming the cluster, then the job. */
  private async reshard(): Promise<void> {
    const target = h('select', { name: 'to', id: 'reshard-to' }, ...this.masters.map((m) => h('option', { value: m.id }, `${m.address} (${m.slotCount} slots)`)));
    const values = await formDialog(
      `Reshard ${this.clusterId}`,
      [
        h('label', { class: 'field', for: 'reshard-to' }, h('span', {}, 'Move slots to'), target),
        h('label', { class: 'field', for: 'reshard-slots' }, h('span', {}, 'Number of slots (taken from the other masters in proportion, like redis-cli --cluster reshard)'), h('input', { id: 'reshard-slots', name: 'slots', type: 'number', min: 1, max: totalSlots, required: true, value: 100 })),
      ],
      'Plan (dry run)',
    );
    if (!values) return;
    const body = { to: String(values.get('to')), slots: Number(values.get('slots')) };
    let plan: SlotPlan;
    try {
      plan = (await call<SlotPlan>('POST', `/clusters/${this.clusterId}/slots/reshard`, { ...body, dryRun: true })).json;
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
      return;
    }
    const dataLoss = plan.risks.some((r) => r.dataLoss);
    const ok = await confirmAction({
      title: `Reshard ${this.clusterId}?`,
      body: [
        h('p', { class: 'plan', 'data-slots': plan.slotCount }, `Dry run: ${plan.slotCount} slot(s), about ${formatCount(plan.keys)} key(s) and ${formatBytes(plan.estimatedBytes)}, expected ${formatDuration(plan.expectedDurationSeconds)}.`),
        h('ul', {}, ...plan.pairs.map((p) => h('li', {}, `${p.slotCount} slot(s) ${p.slots}: ${p.from.address} → ${p.to.address}`))),
        plan.risks.length ? h('ul', { class: 'warnings' }, ...plan.risks.map((r) => h('li', {}, r.message))) : 'No risk found in the plan.',
        dataLoss ? 'The plan has data-loss risks: it runs only with force, as admin.' : '',
      ],
      confirmLabel: `Reshard ${this.clusterId}`,
      typeToConfirm: this.clusterId,
      danger: true,
    });
    if (!ok) return;
    try {
      await call('POST', `/clusters/${this.clusterId}/slots/reshard`, { ...body, ...(dataLoss ? { force: true } : {}) });
      this.ctx.notify('ok', `Reshard of ${this.clusterId} started`);
      this.ctx.go({ view: 'cluster', clusterId: this.clusterId, section: 'jobs' });
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
  }

  destroy(): void {}
}
