import { ApiProblem, get } from '../api';
import type { View } from '../app';
import { empty, h, table } from '../dom';
import { formatBytes, formatCount, formatDuration, formatTime } from '../format';

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

/** Streams, lists used as queues and Pub/Sub per node and namespace, as the last monitor tick found them. */
export class StreamsSection implements View {
  readonly el = h('section', { class: 'section streams', 'aria-label': 'Streams' });

  constructor(private readonly clusterId: string) {}

  async refresh(): Promise<void> {
    let answer: StreamsAnswer;
    try {
      answer = await get<StreamsAnswer>(`/clusters/${this.clusterId}/streams`);
    } catch (error) {
      if (!(error instanceof ApiProblem && error.code === 'messaging_not_collected')) throw error;
      this.el.replaceChildren(empty('No messaging snapshot yet: the monitor tick writes it (MONITOR_MESSAGING=on).'));
      return;
    }
    const incomplete = answer.nodes.filter((n) => !n.complete || n.truncated || n.error);
    this.el.replaceChildren(
      h('p', {}, `${answer.streamsTotal} stream(s), ${answer.queuesTotal} queue(s), seen ${formatTime(answer.at)}`, incomplete.length ? ` · discovery not complete on ${incomplete.map((n) => n.node).join(', ')}` : ''),
      h('h3', {}, 'Streams'),
      answer.streams.length === 0
        ? empty('No stream found.')
        : table(
            'Streams',
            ['Namespace', 'Node', 'Key', 'Length', 'Groups', 'Consumers', 'Pending', 'Lag', 'Oldest pending idle', 'Memory', 'Trimmed'],
            answer.streams.map((s) => [s.namespace ?? '–', s.node, h('code', { class: 'key' }, s.key), formatCount(s.length), String(s.groups), String(s.consumers), s.pending > 0 ? h('span', { class: 'pill warning' }, formatCount(s.pending)) : '0', orNone(s.maxLag), idle(s.oldestPendingIdleMs), formatBytes(s.memoryBytes), s.capped ? 'yes' : 'never']),
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
