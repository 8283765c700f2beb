import { get } from '../api';
import type { AppContext, View } from '../app';
import { empty, h } from '../dom';
import { formatTime } from '../format';
import type { Health, HealthFinding } from '../types';

/** Where the product itself can act on a finding: the section of the console that does it. */
const actions: Record<string, { label: string; section: 'analysis' | 'topology' | 'alerts' }> = {
  maxmemory_not_set: { label: 'Run an analysis for a memory and eviction-policy recommendation', section: 'analysis' },
  memory_headroom_low: { label: 'See memory by namespace and the eviction recommendation', section: 'analysis' },
  node_failed: { label: 'See the failed node in the topology', section: 'topology' },
  node_pfail: { label: 'See the node in the topology', section: 'topology' },
  node_unreachable: { label: 'See the node in the topology', section: 'topology' },
  master_without_replica: { label: 'See replication in the topology', section: 'topology' },
  replica_link_down: { label: 'See replication in the topology', section: 'topology' },
  slots_not_covered: { label: 'See slot coverage in the topology', section: 'topology' },
  slot_multiple_owners: { label: 'See slot owners in the topology', section: 'topology' },
};

const order = { error: 0, warning: 1, info: 2 };

/** Health findings: severity, message, evidence, the fix in words, and the action where the product can act. */
export class HealthSection implements View {
  readonly el = h('section', { class: 'section health', 'aria-label': 'Health findings' });

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const health = await get<Health>(`/clusters/${this.clusterId}/health`);
    const findings = [...health.findings].sort((a, b) => order[a.severity] - order[b.severity]);
    this.el.replaceChildren(
      h('p', { class: 'summary' }, h('span', { class: `pill ${health.verdict}` }, health.verdict), ` checked ${formatTime(health.checkedAt)} · ${findings.length} finding(s)`),
      findings.length === 0 ? empty('No findings: every check passed.') : h('ul', { class: 'findings' }, ...findings.map((f) => this.finding(f))),
    );
  }

  private finding(f: HealthFinding): HTMLElement {
    const action = actions[f.code];
    return h(
      'li',
      { class: `finding ${f.severity}`, 'data-code': f.code },
      h('div', { class: 'finding-head' }, h('span', { class: `pill ${f.severity}` }, f.severity), h('code', {}, f.code)),
      h('p', {}, f.message),
      f.evidence ? h('details', {}, h('summary', {}, 'Evidence'), h('pre', {}, JSON.stringify(f.evidence, null, 2))) : null,
      f.fix ? h('p', { class: 'fix' }, h('strong', {}, 'Fix: '), f.fix) : null,
      action ? h('button', { type: 'button', onclick: () => this.ctx.go({ view: 'cluster', clusterId: this.clusterId, section: action.section }) }, action.label) : null,
    );
  }

  destroy(): void {}
}
