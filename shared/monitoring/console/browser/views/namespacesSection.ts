import { call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { confirmAction, formDialog } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatBytes, formatCount, formatDuration } from '../format';
import { permission } from '../permissions';
import type { Estimate, Job, Namespace } from '../types';

interface AnalysisNamespace {
  namespace: string;
  keys: { value: number };
  memoryBytes: { value: number };
}

/** The namespaces of the last finished analysis, from the cluster's job list (no report call needed). */
export function lastAnalysis(jobs: readonly Job[]): { job: Job; namespaces: AnalysisNamespace[] } | null {
  const job = jobs.find((j) => j.kind === 'analysis' && j.status === 'succeeded');
  if (!job) return null;
  const namespaces = (job.result?.['namespaces'] as AnalysisNamespace[] | undefined) ?? [];
  return { job, namespaces };
}

/** Namespace policies with keys and memory from the last analysis; edit TTL/jitter/priority; invalidate with a dry run first. */
export class NamespacesSection implements View {
  readonly el = h('section', { class: 'section namespaces', 'aria-label': 'Namespaces' });

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const [namespaces, jobs] = await Promise.all([get<{ items: Namespace[] }>(`/clusters/${this.clusterId}/namespaces`), get<{ items: Job[] }>(`/clusters/${this.clusterId}/jobs?limit=50`)]);
    const analysis = lastAnalysis(jobs.items);
    const measured = new Map((analysis?.namespaces ?? []).map((n) => [n.namespace, n]));
    const rows = namespaces.items.map((n) => {
      const m = measured.get(n.namespace);
      return [
        h('strong', {}, n.namespace),
        h('code', {}, n.keyPattern),
        n.ttlSeconds === null ? 'none' : `${formatDuration(n.ttlSeconds)}${n.ttlJitterPercent ? ` ±${n.ttlJitterPercent} %` : ''}`,
        String(n.priority),
        n.protected ? h('span', { class: 'pill warning' }, 'protected') : 'no',
        m ? `≈ ${formatCount(Math.round(m.keys.value))}` : '–',
        m ? `≈ ${formatBytes(m.memoryBytes.value)}` : '–',
        h(
          'span',
          { class: 'actions' },
          actionButton('Edit', permission(this.ctx.role, 'editNamespace'), () => void this.edit(n), { 'data-action': 'edit', 'data-ns': n.namespace }),
          actionButton('Invalidate…', permission(this.ctx.role, n.protected ? 'forceInvalidate' : 'invalidate'), () => void this.invalidate(n), { 'data-action': 'invalidate', 'data-ns': n.namespace, class: 'danger' }),
        ),
      ];
    });
    this.el.replaceChildren(
      h('p', { class: 'summary' }, analysis ? `Keys and memory from the analysis of ${analysis.job.finishedAt ?? ''}` : 'Keys and memory appear after an analysis (Analysis tab).'),
      rows.length === 0 ? empty('No namespace policy yet.') : table('Namespace policies', ['Namespace', 'Pattern', 'TTL', 'Priority', 'Protected', 'Keys', 'Memory', 'Actions'], rows, [3, 5, 6]),
    );
  }

  private async edit(n: Namespace): Promise<void> {
    const canProtect = permission(this.ctx.role, 'changeProtection');
    const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
    const values = await formDialog(
      `Edit namespace ${n.namespace} on ${this.clusterId}`,
      [
        field('TTL (seconds, empty = none)', h('input', { name: 'ttlSeconds', type: 'number', min: 1, max: 31536000, value: n.ttlSeconds ?? '' })),
        field('TTL jitter (%)', h('input', { name: 'ttlJitterPercent', type: 'number', min: 0, max: 50, required: true, value: n.ttlJitterPercent })),
        field('Priority (0-100)', h('input', { name: 'priority', type: 'number', min: 0, max: 100, required: true, value: n.priority })),
        field('Protected', h('input', { name: 'protected', type: 'checkbox', checked: n.protected, disabled: !canProtect.allowed, title: canProtect.allowed ? null : canProtect.reason }), canProtect.allowed ? undefined : canProtect.reason),
      ],
      'Save',
    );
    if (!values) return;
    const { clusterId: _c, namespace: _n, version, updatedAt: _u, updatedBy: _b, ...spec } = n;
    const ttl = String(values.get('ttlSeconds') ?? '');
    const body = {
      ...spec,
      ttlSeconds: ttl === '' ? null : Number(ttl),
      ttlJitterPercent: Number(values.get('ttlJitterPercent')),
      priority: Number(values.get('priority')),
      protected: canProtect.allowed ? values.get('protected') !== null : n.protected,
    };
    try {
      await call('PUT', `/clusters/${this.clusterId}/namespaces/${n.namespace}`, body, { 'if-match': `"${version}"` });
      this.ctx.notify('ok', `Namespace ${n.namespace} saved`);
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  /** Dry run first (the sampled estimate), then a confirmation naming the cluster, then the job. */
  private async invalidate(n: Namespace): Promise<void> {
    const force = n.protected;
    let estimate: Estimate;
    try {
      estimate = (await call<Estimate>('POST', `/clusters/${this.clusterId}/namespaces/${n.namespace}/invalidate`, { dryRun: true, force })).json;
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
      return;
    }
    const count = `${formatCount(estimate.estimatedKeys)}${estimate.margin95 > 0 ? ` ± ${formatCount(estimate.margin95)}` : ''}`;
    // Pacing as the API takes it (its defaults filled in): the operator can slow a job for a busy cache, or lift the
    // latency guard where PING is slow for reasons of its own (a loaded host), without leaving the console.
    const rate = h('input', { id: 'pace-rate', type: 'number', min: 1, value: 20000 });
    const guard = h('input', { id: 'pace-guard', type: 'number', min: 0.1, step: 0.1, value: 2, placeholder: 'off' });
    const pacing = h(
      'details',
      { class: 'pacing' },
      h('summary', {}, 'Pacing'),
      h('label', { class: 'field', for: 'pace-rate' }, h('span', {}, 'Keys per second on each master'), rate),
      h('label', { class: 'field', for: 'pace-guard' }, h('span', {}, 'Latency guard: back off above this PING (ms; empty = off)'), guard),
    );
    const ok = await confirmAction({
      title: `Invalidate ${n.namespace} on ${this.clusterId}?`,
      body: [
        h('p', { class: 'estimate', 'data-estimate': estimate.estimatedKeys, 'data-margin': estimate.margin95 }, `Dry run: about ${count} key(s) match `, h('code', {}, n.keyPattern), ` (${estimate.method === 'exact-scan' ? 'counted exactly' : 'sampled estimate, 95 % bound'}).`),
        `They are deleted with throttled SCAN + UNLINK on every master of ${this.clusterId}. This cannot be undone.`,
        force ? 'This namespace is protected: the invalidation is forced (admin).' : '',
        pacing,
      ],
      confirmLabel: `Invalidate on ${this.clusterId}`,
      typeToConfirm: this.clusterId,
      danger: true,
    });
    if (!ok) return;
    try {
      const body = { force, keysPerSecondPerNode: rate.value === '' ? null : Number(rate.value), latencyGuard: guard.value === '' ? null : { maxLatencyMs: Number(guard.value) } };
      const job = (await call<{ jobId: string }>('POST', `/clusters/${this.clusterId}/namespaces/${n.namespace}/invalidate`, body)).json;
      this.ctx.notify('ok', `Invalidation started`, job.jobId);
      this.ctx.go({ view: 'cluster', clusterId: this.clusterId, section: 'jobs' });
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
  }

  destroy(): void {}
}
