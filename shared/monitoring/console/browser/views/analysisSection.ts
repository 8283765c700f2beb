import { ApiProblem, call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { confirmAction } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatBytes, formatCount, formatDuration, formatRatio, formatTime } from '../format';
import { permission } from '../permissions';
import type { AnalysisReport, Job } from '../types';
import { progressBar } from './jobsSection';

const ttlBuckets = ['none', 'lt1h', '1h-4h', '4h-12h', '12h-24h', '1d-7d', '7d-30d', 'gt30d'];

/** Horizontal bars, one per namespace, to scale (an accessible chart: every bar has its number written next to it). */
function barChart(title: string, items: Array<{ label: string; value: number; text: string }>): HTMLElement {
  const max = Math.max(1, ...items.map((i) => i.value));
  return h(
    'figure',
    { class: 'bars' },
    h('figcaption', {}, title),
    h(
      'ul',
      {},
      ...items.map((i) => {
        const fill = h('span', { class: 'bar' });
        fill.style.width = `${Math.max(0.5, (i.value / max) * 100)}%`;
        return h('li', {}, h('span', { class: 'bar-label' }, i.label), h('span', { class: 'bar-track' }, fill), h('span', { class: 'bar-value' }, i.text));
      }),
    ),
  );
}

/** Analysis: run one, follow it, read the last report (by namespace, TTL buckets, largest keys) and apply its recommendation. */
export class AnalysisSection implements View {
  readonly el = h('section', { class: 'section analysis', 'aria-label': 'Analysis' });
  private report: AnalysisReport | null = null;
  /** Kept across refreshes (the toolbar is rebuilt each time). */
  private mode: 'sampled' | 'exact' = 'sampled';

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const jobs = (await get<{ items: Job[] }>(`/clusters/${this.clusterId}/jobs?limit=50`)).items.filter((j) => j.kind === 'analysis');
    const running = jobs.find((j) => j.status === 'queued' || j.status === 'running');
    const last = jobs.find((j) => j.status === 'succeeded');
    if (last && this.report?.jobId !== last.id) this.report = await get<AnalysisReport>(`/clusters/${this.clusterId}/analysis/${last.id}`);
    const policy = await get<{ policy: string | null; consistent: boolean }>(`/clusters/${this.clusterId}/eviction-policy`).catch(() => null);
    this.el.replaceChildren(
      h('div', { class: 'toolbar' }, this.modePicker(), actionButton('Run analysis', permission(this.ctx.role, 'runAnalysis'), () => void this.run(), { 'data-action': 'run-analysis', disabled: running !== undefined })),
      ...(running ? [h('div', { class: 'job', 'data-job': running.id }, h('p', {}, `Analysis ${running.id} running`), progressBar(running, Date.now()))] : []),
      this.report ? this.renderReport(this.report, policy?.policy ?? null) : empty('No analysis yet: run one to see memory and keys by namespace and an eviction-policy recommendation.'),
    );
  }

  private renderReport(r: AnalysisReport, currentPolicy: string | null): HTMLElement {
    const ns = [...r.summary.namespaces].sort((a, b) => b.memoryBytes.value - a.memoryBytes.value);
    const rec = r.recommendation;
    const applied = currentPolicy === rec.recommended;
    return h(
      'div',
      { class: 'report' },
      h('p', { class: 'summary' }, `${r.mode} analysis ${r.jobId}, finished ${formatTime(r.completedAt)}: ≈ ${formatCount(Math.round(r.summary.totals.keys.value))} keys, ≈ ${formatBytes(r.summary.totals.memoryBytes.value)} (${formatCount(r.summary.keysProbed)} keys probed)`),
      h(
        'article',
        { class: 'recommendation' },
        h('h3', {}, 'Eviction policy'),
        h('p', {}, 'Current: ', h('code', {}, currentPolicy ?? rec.current ?? 'unknown'), ' → recommended: ', h('code', { class: 'recommended' }, rec.recommended), applied ? h('span', { class: 'pill ok' }, ' applied') : ''),
        h('ul', { class: 'reasons' }, ...rec.reasons.map((x) => h('li', {}, x.message))),
        rec.warnings.length ? h('ul', { class: 'warnings' }, ...rec.warnings.map((x) => h('li', {}, x.message))) : null,
        applied ? null : actionButton(`Apply ${rec.recommended}`, permission(this.ctx.role, 'applyPolicy'), () => void this.apply(rec.recommended), { 'data-action': 'apply-policy', class: 'primary' }),
      ),
      h(
        'div',
        { class: 'two' },
        barChart('Memory by namespace', ns.map((n) => ({ label: n.namespace, value: n.memoryBytes.value, text: `${formatBytes(n.memoryBytes.value)} (${formatRatio(n.memoryShare)})` }))),
        barChart('Keys by namespace', ns.map((n) => ({ label: n.namespace, value: n.keys.value, text: `≈ ${formatCount(Math.round(n.keys.value))}` }))),
      ),
      h('h3', {}, 'TTL buckets (keys)'),
      table('Keys by TTL bucket and namespace', ['Namespace', ...ttlBuckets], ns.map((n) => [n.namespace, ...ttlBuckets.map((b) => formatCount(Math.round(n.ttl[b]?.keys ?? 0)))]), ttlBuckets.map((_, i) => i + 1)),
      h('h3', {}, 'Largest keys'),
      table('Largest keys', ['Key', 'Type', 'Memory', 'TTL', 'Node'], r.summary.topKeys.map((k) => [h('code', { class: 'key' }, k.key), k.type, formatBytes(k.memoryBytes), k.ttlMs === null ? 'none' : formatDuration(k.ttlMs / 1000), k.node]), [2]),
    );
  }

  private modePicker(): HTMLElement {
    const select = h(
      'select',
      { id: 'analysis-mode' },
      h('option', { value: 'sampled', selected: this.mode === 'sampled' }, 'sampled (fast, 95 % bounds)'),
      h('option', { value: 'exact', selected: this.mode === 'exact' }, 'exact (SCAN every key)'),
    );
    select.addEventListener('change', () => {
      this.mode = select.value === 'exact' ? 'exact' : 'sampled';
    });
    return h('label', { for: 'analysis-mode', class: 'field inline' }, h('span', {}, 'Mode'), select);
  }

  private async run(): Promise<void> {
    try {
      await call('POST', `/clusters/${this.clusterId}/analysis`, { mode: this.mode });
      this.ctx.notify('ok', 'Analysis started');
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  private async apply(policy: string): Promise<void> {
    const ok = await confirmAction({
      title: `Apply ${policy} on ${this.clusterId}?`,
      body: [`CONFIG SET maxmemory-policy ${policy} on every master and replica of ${this.clusterId} (verified with CONFIG GET), or through Azure Resource Manager for Azure caches.`],
      confirmLabel: `Apply on ${this.clusterId}`,
    });
    if (!ok) return;
    try {
      await this.put(policy, false);
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
      // Refused because protected namespaces could lose keys: say so, and let an admin accept it explicitly.
      if (error instanceof ApiProblem && error.code === 'protected_namespaces') {
        const force = await confirmAction({
          title: `Force ${policy} on ${this.clusterId}?`,
          body: [error.detail, 'Forcing accepts that keys of those namespaces may be evicted.'],
          confirmLabel: `Force on ${this.clusterId}`,
          typeToConfirm: this.clusterId,
          danger: true,
        });
        if (force) await this.put(policy, true).catch((e: unknown) => this.ctx.notify('error', ...problemText(e)));
      }
    }
    this.ctx.refreshSoon();
  }

  private async put(policy: string, force: boolean): Promise<void> {
    await call('PUT', `/clusters/${this.clusterId}/eviction-policy`, { policy, ...(force ? { force: true } : {}) });
    this.ctx.notify('ok', `maxmemory-policy ${policy} applied on ${this.clusterId}${force ? ' (forced)' : ''}`);
  }

  destroy(): void {}
}
