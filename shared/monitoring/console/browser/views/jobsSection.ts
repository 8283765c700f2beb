import { call, get, problemText } from '../api';
import type { AppContext, View } from '../app';
import { confirmAction } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatDuration, formatTime } from '../format';
import { permission } from '../permissions';
import { jobDurationSeconds, progressModel } from '../progress';
import type { Job } from '../types';

const active = (j: Job) => j.status === 'queued' || j.status === 'running';
/** A job that finished this recently stays with the running ones (bar at its end state), so it does not just vanish. */
const recentMs = 120_000;
const recent = (j: Job, now: number) => !active(j) && j.finishedAt !== undefined && now - Date.parse(j.finishedAt) < recentMs;

/** A real progress bar: `role="progressbar"` with `aria-valuenow`, or indeterminate (no valuenow) without a total. */
export function progressBar(job: Job, now: number): HTMLElement {
  const model = progressModel(job, now);
  const bar = h('div', {
    class: `progress${model.percent === null ? ' indeterminate' : ''}`,
    role: 'progressbar',
    'aria-label': `${job.kind} ${job.id}`,
    'aria-valuemin': 0,
    'aria-valuemax': 100,
    'aria-valuenow': model.percent,
    'aria-valuetext': model.percent === null ? model.label : `${model.percent} %, ${model.label}`,
  });
  const fill = h('span', { class: 'fill' });
  fill.style.width = `${model.percent ?? 0}%`;
  bar.append(fill);
  return h(
    'div',
    { class: 'job-progress' },
    bar,
    h('p', { class: 'progress-text' }, h('strong', { class: 'percent' }, model.percent === null ? '…' : `${model.percent} %`), ` · ${model.label} · ${model.rate}`, model.eta ? ` · ${model.eta}` : '', model.estimated ? ' (total is an estimate)' : ''),
  );
}

/** Jobs: running ones with progress, rate, ETA and cancel; the history with outcome and duration. */
export class JobsSection implements View {
  readonly el = h('section', { class: 'section jobs', 'aria-label': 'Jobs' });

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async refresh(): Promise<void> {
    const jobs = (await get<{ items: Job[] }>(`/clusters/${this.clusterId}/jobs?limit=50`)).items;
    const now = Date.now();
    const running = jobs.filter(active);
    const shown = jobs.filter((j) => active(j) || recent(j, now));
    const history = jobs.filter((j) => !active(j));
    this.el.replaceChildren(
      h('h3', {}, `Running (${running.length})`),
      shown.length === 0 ? empty('No job is running.') : h('ul', { class: 'running' }, ...shown.map((j) => this.running(j, now))),
      h('h3', {}, 'History'),
      history.length === 0
        ? empty('No finished job yet.')
        : table(
            'Finished jobs',
            ['Job', 'Kind', 'Namespace', 'Outcome', 'Started', 'Duration', 'By', 'Progress'],
            history.map((j) => [
              h('code', {}, j.id),
              j.kind,
              j.namespace ?? '–',
              h('span', { class: `pill ${j.status === 'succeeded' ? 'ok' : j.status === 'failed' ? 'error' : 'warning'}`, title: j.error?.message ?? null }, j.status),
              formatTime(j.startedAt ?? j.createdAt),
              formatDuration(jobDurationSeconds(j, now)),
              j.createdBy.id,
              progressModel(j, now).label,
            ]),
          ),
    );
  }

  private running(job: Job, now: number): HTMLElement {
    return h(
      'li',
      { class: 'job', 'data-job': job.id },
      h('div', { class: 'job-head' }, h('strong', {}, `${job.kind}${job.namespace ? ` · ${job.namespace}` : ''}`), ' ', h('code', {}, job.id), ' ', h('span', { class: `pill ${job.status === 'succeeded' ? 'ok' : job.status === 'failed' ? 'error' : ''}` }, job.cancelRequested && active(job) ? 'cancelling' : job.status), ` by ${job.createdBy.id}`),
      progressBar(job, now),
      job.cancelRequested || !active(job) ? null : actionButton('Cancel', permission(this.ctx.role, 'cancelJob'), () => void this.cancel(job), { 'data-action': 'cancel', 'data-job': job.id }),
    );
  }

  private async cancel(job: Job): Promise<void> {
    const ok = await confirmAction({ title: `Cancel ${job.kind} on ${this.clusterId}?`, body: [`Job ${job.id} stops at its next checkpoint; what it did so far stays done.`], confirmLabel: `Cancel job on ${this.clusterId}` });
    if (!ok) return;
    try {
      await call('POST', `/jobs/${job.id}/cancel`);
      this.ctx.notify('ok', 'Cancel requested', job.id);
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }

  destroy(): void {}
}
