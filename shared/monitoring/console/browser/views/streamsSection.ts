import { ApiProblem, get } from '../api';
import type { AppContext, View } from '../app';
import { empty, h, table } from '../dom';
import { formatBytes, formatCount, formatDuration, formatTime } from '../format';
import { permission } from '../permissions';
import type { Job } from '../types';
import { StreamDetail, streamJobs } from './streamDetail';

interface StreamRow { node: string; key: string; namespace: string | null; length: number; memoryBytes: number | null; groups: number; consumers: number; pending: number; maxLag: number | null; oldestPendingIdleMs: number | null; capped: boolean }
interface QueueRow { node: string; key: string; namespace: string | null; length: number; memoryBytes: number | null }
interface Pubsub { channels: number; patterns: number; subscriberClients: number; maxOmemBytes: number; outputBufferLimitBytes: number | null; maxLimitRatio: number | null }
interface StreamsAnswer {
  at: string;
  nodes: Array<{ node: string; complete: boolean; truncated: boolean; error?: string | null; streams: number; queues: number; pubsub: Pubsub | null }>;
  streams: StreamRow[];
  streamsTotal: number;
  queues: QueueRow[];
  queuesTotal: number;
}

const idle = (ms: number | null): string => (ms === null ? '–' : formatDuration(ms / 1000));
const orNone = (n: number | null): string => (n === null ? '–' : formatCount(n));

/**
 * Streams, lists used as queues and Pub/Sub per node and namespace, as the last monitor tick found them. "Manage"
 * opens one stream's groups and consumers with the #19 actions (claim stuck entries, trim, remove a consumer), each
 * a job through `POST …/stream-actions`; the stream jobs of the cluster are listed with their progress.
 */
export class StreamsSection implements View {
  readonly el = h('section', { class: 'section streams', 'aria-label': 'Streams' });
  private readonly list = h('div', { class: 'stream-list' });
  private readonly detail: StreamDetail;
  private readonly jobs = h('div', { class: 'stream-jobs' });

  constructor(
    private readonly ctx: AppContext,
    private readonly clusterId: string,
  ) {
    this.detail = new StreamDetail(ctx, clusterId);
    this.el.append(this.list, this.detail.el, this.jobs);
  }

  async refresh(): Promise<void> {
    const [, jobs] = await Promise.all([this.refreshList(), get<{ items: Job[] }>(`/clusters/${this.clusterId}/jobs?limit=50`), this.detail.refresh()]);
    this.jobs.replaceChildren(...streamJobs(jobs.items, Date.now()));
  }

  private async refreshList(): Promise<void> {
    let answer: StreamsAnswer;
    try {
      answer = await get<StreamsAnswer>(`/clusters/${this.clusterId}/streams`);
    } catch (error) {
      if (!(error instanceof ApiProblem && error.code === 'messaging_not_collected')) throw error;
      this.list.replaceChildren(empty('No messaging snapshot yet: the monitor tick writes it (MONITOR_MESSAGING=on).'));
      return;
    }
    const incomplete = answer.nodes.filter((n) => !n.complete || n.truncated || n.error);
    const manage = permission(this.ctx.role, 'streamAction');
    this.list.replaceChildren(
      h('p', {}, `${answer.streamsTotal} stream(s), ${answer.queuesTotal} queue(s), seen ${formatTime(answer.at)}`, incomplete.length ? ` · discovery not complete on ${incomplete.map((n) => n.node).join(', ')}` : ''),
      h('h3', {}, 'Streams'),
      answer.streams.length === 0
        ? empty('No stream found.')
        : table(
            'Streams',
            ['Namespace', 'Node', 'Key', 'Length', 'Groups', 'Consumers', 'Pending', 'Lag', 'Oldest pending idle', 'Memory', 'Trimmed', 'Actions'],
            answer.streams.map((s) => [
              s.namespace ?? '–',
              s.node,
              h('code', { class: 'key' }, s.key),
              formatCount(s.length),
              String(s.groups),
              String(s.consumers),
              s.pending > 0 ? h('span', { class: 'pill warning' }, formatCount(s.pending)) : '0',
              orNone(s.maxLag),
              idle(s.oldestPendingIdleMs),
              formatBytes(s.memoryBytes),
              s.capped ? 'yes' : 'never',
              // Reading the groups is for everyone; the actions inside say what the role may do.
              h('button', { type: 'button', 'data-action': 'manage-stream', 'data-key': s.key, 'aria-pressed': this.detail.key === s.key ? 'true' : 'false', onclick: () => void this.detail.open(s.key) }, manage.allowed ? 'Manage' : 'Groups'),
            ]),
            [3, 4, 5, 6, 7, 8, 9],
          ),
      h('h3', {}, 'Queues (lists without TTL)'),
      answer.queues.length === 0
        ? empty('No queue found.')
        : table('Queues', ['Namespace', 'Node', 'Key', 'Length', 'Memory'], answer.queues.map((q) => [q.namespace ?? '–', q.node, h('code', { class: 'key' }, q.key), formatCount(q.length), formatBytes(q.memoryBytes)]), [3, 4]),
      h('h3', {}, 'Pub/Sub'),
      table(
        'Pub/Sub per node',
        ['Node', 'Channels', 'Patterns', 'Subscribers', 'Largest output buffer', 'Buffer limit', 'Of limit'],
        answer.nodes.map((n) => {
          const p = n.pubsub;
          const ratio = p?.maxLimitRatio ?? null;
          const share = ratio === null ? '–' : `${(ratio * 100).toFixed(1)} %`;
          return [n.node, orNone(p?.channels ?? null), orNone(p?.patterns ?? null), orNone(p?.subscriberClients ?? null), p ? formatBytes(p.maxOmemBytes) : '–', p?.outputBufferLimitBytes ? formatBytes(p.outputBufferLimitBytes) : 'none', ratio !== null && ratio >= 0.8 ? h('span', { class: 'pill error' }, share) : share];
        }),
        [1, 2, 3, 4, 5, 6],
      ),
    );
  }

  destroy(): void {}
}
