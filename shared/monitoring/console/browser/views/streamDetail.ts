import { ApiProblem, call, get, problemText } from '../api';
import type { AppContext } from '../app';
import { confirmAction, formDialog } from '../dialog';
import { actionButton, empty, h, table } from '../dom';
import { formatCount, formatDuration, formatTime } from '../format';
import { permission } from '../permissions';
import { actionKey, streamPath } from '../streamKey';
import type { Job } from '../types';
import { progressBar } from './jobsSection';

interface Consumer { name: string; pending: number; idleMs: number }
interface Group { name: string; pending: number; lag: number | null; entriesRead: number | null; oldestPendingId: string | null; oldestPendingIdleMs: number | null; consumers: Consumer[] }
interface StreamInfo { key: string; node: string; at: string; length: number; firstId: string | null; lastId: string; groups: Group[] }

const idle = (ms: number | null): string => (ms === null ? '–' : formatDuration(ms / 1000));
/** A finished stream job stays listed this long (with its end state), so the operator sees how it ended. */
const recentMs = 10 * 60_000;

/** The `stream-action` jobs of the cluster, running and recently finished, each with its bar and counts. */
export function streamJobs(jobs: readonly Job[], now: number): HTMLElement[] {
  const shown = jobs.filter((j) => j.kind === 'stream-action' && (j.status === 'queued' || j.status === 'running' || (j.finishedAt !== undefined && now - Date.parse(j.finishedAt) < recentMs)));
  if (shown.length === 0) return [];
  return [
    h('h3', {}, 'Stream jobs'),
    h(
      'ul',
      { class: 'running' },
      ...shown.map((j) => {
        const params = (j as Job & { params?: Record<string, unknown> }).params ?? {};
        const counts = Object.entries(j.progress).filter(([name]) => name !== 'total').map(([name, n]) => `${name} ${formatCount(n)}`).join(' · ');
        return h(
          'li',
          { class: 'job', 'data-job': j.id },
          h('div', { class: 'job-head' }, h('strong', {}, `${String(params['action'] ?? 'stream action')}${params['dryRun'] === true ? ' (dry run)' : ''}`), ' ', h('code', {}, j.id), ' ', h('span', { class: `pill ${j.status === 'succeeded' ? 'ok' : j.status === 'failed' ? 'error' : ''}`, title: j.error?.message ?? null }, j.status), ` by ${j.createdBy.id}`),
          progressBar(j, now),
          h('p', { class: 'counts' }, counts || 'no counts yet', j.error ? ` · ${j.error.code}: ${j.error.message}` : ''),
        );
      }),
    ),
  ];
}

/**
 * One stream's groups and consumers (as the last monitor tick saw them) with the actions of issue #19. Every action
 * is confirmed in a dialog naming the cluster and the stream; trim (entries are deleted) asks for the cluster id to be
 * typed; a consumer with pending entries cannot be removed (the button says why); the API re-checks everything live.
 */
export class StreamDetail {
  readonly el = h('div', { class: 'stream-detail' });
  key: string | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {}

  async open(key: string): Promise<void> {
    this.key = this.key === key ? null : key;
    if (this.key === null) this.el.replaceChildren();
    else await this.refresh().catch((error: unknown) => this.ctx.notify('error', ...problemText(error)));
    this.ctx.refreshSoon();
  }

  async refresh(): Promise<void> {
    const key = this.key;
    if (key === null) return;
    let info: StreamInfo;
    try {
      info = await get<StreamInfo>(streamPath(this.clusterId, key));
    } catch (error) {
      if (!(error instanceof ApiProblem && error.code === 'stream_not_found')) throw error;
      this.el.replaceChildren(h('h3', {}, 'Stream ', h('code', { class: 'key' }, key)), empty('This stream is not in the last messaging snapshot any more.'));
      return;
    }
    if (this.key !== key) return;
    const may = permission(this.ctx.role, 'streamAction');
    const consumers = info.groups.flatMap((g) => g.consumers.map((c) => ({ group: g.name, ...c })));
    this.el.replaceChildren(
      h('h3', { id: 'stream-detail-title' }, 'Stream ', h('code', { class: 'key' }, info.key), ` on ${info.node}`),
      h('p', { class: 'summary' }, `${formatCount(info.length)} entries, ${info.firstId ?? '–'} … ${info.lastId}; groups and consumers as seen at ${formatTime(info.at)} (actions check the live stream).`),
      h('div', { class: 'actions' }, actionButton('Trim…', may, () => void this.trim(info), { 'data-action': 'trim-stream', class: 'danger' })),
      info.groups.length === 0
        ? empty('No consumer group.')
        : table(
            'Consumer groups',
            ['Group', 'Pending', 'Lag', 'Entries read', 'Oldest pending', 'Oldest pending idle', 'Consumers', 'Actions'],
            info.groups.map((g) => [
              g.name,
              formatCount(g.pending),
              g.lag === null ? '–' : formatCount(g.lag),
              g.entriesRead === null ? '–' : formatCount(g.entriesRead),
              g.oldestPendingId ?? '–',
              idle(g.oldestPendingIdleMs),
              String(g.consumers.length),
              actionButton('Claim stuck…', may, () => void this.claim(info, g), { 'data-action': 'claim', 'data-group': g.name }),
            ]),
            [1, 2, 3, 5, 6],
          ),
      consumers.length === 0
        ? empty('No consumer.')
        : table(
            'Consumers',
            ['Group', 'Consumer', 'Pending', 'Idle', 'Actions'],
            consumers.map((c) => {
              const allowed = !may.allowed ? may : c.pending > 0 ? { allowed: false as const, reason: `holds ${formatCount(c.pending)} pending entries: claim them first` } : may;
              return [c.group, c.name, formatCount(c.pending), idle(c.idleMs), actionButton('Remove…', allowed, () => void this.removeConsumer(info, c.group, c.name), { 'data-action': 'remove-consumer', 'data-group': c.group, 'data-consumer': c.name })];
            }),
            [2, 3],
          ),
    );
  }

  private async claim(info: StreamInfo, group: Group): Promise<void> {
    const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
    const live = group.consumers.find((c) => c.pending === 0) ?? group.consumers[0];
    const values = await formDialog(
      `Claim stuck entries of ${group.name}`,
      [
        field('To consumer', h('input', { name: 'consumer', id: 'claim-consumer', required: true, maxlength: 512, value: live?.name ?? '' }), 'created by Redis if it does not exist'),
        field('Idle for at least (ms)', h('input', { name: 'minIdleMs', id: 'claim-min-idle', type: 'number', min: 0, max: 2592000000, required: true, value: 60000 })),
        field('Dry run (count only, claim nothing)', h('input', { name: 'dryRun', id: 'claim-dry-run', type: 'checkbox' })),
      ],
      'Next',
    );
    if (!values) return;
    const consumer = String(values.get('consumer') ?? '');
    const minIdleMs = Number(values.get('minIdleMs'));
    const dryRun = values.get('dryRun') !== null;
    const ok = await confirmAction({
      title: `${dryRun ? 'Dry-run a claim' : 'Claim entries'} on stream ${info.key} of ${this.clusterId}?`,
      body: [`Entries of group ${group.name} not delivered for ${formatDuration(minIdleMs / 1000)} or more ${dryRun ? 'are counted, nothing changes' : `are handed to consumer ${consumer} (XAUTOCLAIM), paced`}. ${formatCount(group.pending)} entries were pending at the last tick.`],
      confirmLabel: `${dryRun ? 'Dry run' : 'Claim'} on ${this.clusterId}`,
    });
    if (ok) await this.start({ action: 'claim', ...actionKey(info.key), group: group.name, consumer, minIdleMs, dryRun }, 'Claim');
  }

  private async trim(info: StreamInfo): Promise<void> {
    const field = (label: string, input: HTMLElement, hint?: string) => h('label', { class: 'field' }, h('span', {}, label), input, hint ? h('small', {}, hint) : null);
    const force = permission(this.ctx.role, 'forceTrim');
    const values = await formDialog(
      `Trim stream ${info.key}`,
      [
        field('Keep at most (newest entries)', h('input', { name: 'maxLen', id: 'trim-maxlen', type: 'number', min: 0 }), 'or give a minimum id below'),
        field('Or remove entries below id', h('input', { name: 'minId', id: 'trim-minid', pattern: '\\d{1,20}(-\\d{1,20})?', placeholder: '1700000000000-0' })),
        field('Dry run (count only, delete nothing)', h('input', { name: 'dryRun', id: 'trim-dry-run', type: 'checkbox' })),
        field('Force: also entries groups still need (they are lost)', h('input', { name: 'force', id: 'trim-force', type: 'checkbox', disabled: !force.allowed, title: force.allowed ? null : force.reason }), force.allowed ? 'without it the trim stops below the oldest pending or undelivered entry of every group' : force.reason),
      ],
      'Next',
    );
    if (!values) return;
    const maxLen = String(values.get('maxLen') ?? '');
    const minId = String(values.get('minId') ?? '');
    if ((maxLen === '') === (minId === '')) {
      this.ctx.notify('error', 'Nothing trimmed', 'give exactly one of "keep at most" and "remove entries below id"');
      return;
    }
    const dryRun = values.get('dryRun') !== null;
    const forced = force.allowed && values.get('force') !== null;
    const ok = await confirmAction({
      title: `${dryRun ? 'Dry-run a trim of' : 'Trim'} stream ${info.key} on ${this.clusterId}?`,
      body: [
        `${maxLen !== '' ? `Keeps the newest ${formatCount(Number(maxLen))} entries` : `Removes entries below ${minId}`} of ${formatCount(info.length)}${dryRun ? ' (counted only)' : ''}. ${forced ? 'Forced: entries consumer groups have not processed are deleted too.' : 'Entries any group still needs are kept.'}`,
        dryRun ? '' : 'Deleted entries cannot be brought back.',
      ],
      confirmLabel: `${dryRun ? 'Dry run' : 'Trim'} on ${this.clusterId}`,
      ...(dryRun ? {} : { typeToConfirm: this.clusterId, danger: true }),
    });
    if (ok) await this.start({ action: 'trim', ...actionKey(info.key), ...(maxLen !== '' ? { maxLen: Number(maxLen) } : { minId }), dryRun, force: forced }, 'Trim');
  }

  private async removeConsumer(info: StreamInfo, group: string, consumer: string): Promise<void> {
    const ok = await confirmAction({
      title: `Remove consumer ${consumer} from ${group} on stream ${info.key} of ${this.clusterId}?`,
      body: ['Removed only if its pending list is empty (checked atomically when the job runs).'],
      confirmLabel: `Remove on ${this.clusterId}`,
    });
    if (ok) await this.start({ action: 'remove-consumer', ...actionKey(info.key), group, consumer }, 'Remove consumer');
  }

  private async start(body: Record<string, unknown>, what: string): Promise<void> {
    try {
      const job = (await call<{ jobId: string }>('POST', `/clusters/${this.clusterId}/stream-actions`, body)).json;
      this.ctx.notify('ok', `${what} started`, job.jobId);
    } catch (error) {
      this.ctx.notify('error', ...problemText(error));
    }
    this.ctx.refreshSoon();
  }
}
