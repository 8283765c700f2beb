import { get } from '../api';
import type { AppContext, View } from '../app';
import { h } from '../dom';
import { formatRoute, sections, type Section } from '../route';
import type { Cluster } from '../types';
import { AlertsSection } from './alertsSection';
import { AnalysisSection } from './analysisSection';
import { AuditSection } from './auditSection';
import { HealthSection } from './healthSection';
import { JobsSection } from './jobsSection';
import { NamespacesSection } from './namespacesSection';
import { OverviewSection } from './overviewSection';
import { StreamsSection } from './streamsSection';
import { TopologySection } from './topologySection';

const titles: Record<Section, string> = { overview: 'Overview', health: 'Health', topology: 'Topology', namespaces: 'Namespaces', jobs: 'Jobs', analysis: 'Analysis', alerts: 'Alerts', streams: 'Streams', audit: 'Audit log' };

function sectionView(ctx: AppContext, clusterId: string, section: Section): View {
  switch (section) {
    case 'overview':
      return new OverviewSection(clusterId);
    case 'health':
      return new HealthSection(ctx, clusterId);
    case 'topology':
      return new TopologySection(ctx, clusterId);
    case 'namespaces':
      return new NamespacesSection(ctx, clusterId);
    case 'jobs':
      return new JobsSection(ctx, clusterId);
    case 'analysis':
      return new AnalysisSection(ctx, clusterId);
    case 'alerts':
      return new AlertsSection(ctx, clusterId);
    case 'streams':
      return new StreamsSection(ctx, clusterId);
    case 'audit':
      return new AuditSection(clusterId);
  }
}

/** One cluster: its name, a cluster switcher, the section tabs (each a link: its own URL) and the section. */
export class ClusterView implements View {
  readonly el = h('section', { class: 'view cluster', 'aria-labelledby': 'cluster-title' });
  private readonly title = h('h2', { id: 'cluster-title' });
  private readonly switcher = h('select', { id: 'cluster-switch', 'aria-label': 'switch cluster' });
  private readonly section: View;

  constructor(
    ctx: AppContext,
    private readonly clusterId: string,
    current: Section,
  ) {
    this.title.textContent = clusterId;
    this.switcher.addEventListener('change', () => ctx.go({ view: 'cluster', clusterId: this.switcher.value, section: current }));
    const tabs = h(
      'nav',
      { class: 'tabs', 'aria-label': 'cluster sections' },
      ...sections.map((s) => h('a', { href: formatRoute({ view: 'cluster', clusterId, section: s }), 'aria-current': s === current ? 'page' : null, 'data-section': s }, titles[s])),
    );
    this.section = sectionView(ctx, clusterId, current);
    this.el.append(
      h('div', { class: 'cluster-head' }, h('a', { href: '#/', class: 'back' }, '← Fleet'), this.title, this.switcher),
      tabs,
      this.section.el,
    );
  }

  async refresh(): Promise<void> {
    const [clusters] = await Promise.all([get<{ items: Cluster[] }>('/clusters'), this.section.refresh()]);
    const me = clusters.items.find((c) => c.id === this.clusterId);
    this.title.textContent = me?.displayName ? `${me.displayName} (${me.id})` : this.clusterId;
    const ids = clusters.items.map((c) => c.id).join(',');
    if (this.switcher.dataset['ids'] !== ids) {
      this.switcher.dataset['ids'] = ids;
      this.switcher.replaceChildren(...clusters.items.map((c) => h('option', { value: c.id, selected: c.id === this.clusterId }, c.displayName ?? c.id)));
    }
  }

  destroy(): void {
    this.section.destroy();
  }
}
