import type { PubsubInfo, StreamInfo } from '../../shared/monitoring/messaging/MessagingSnapshot';
import { noExtraPositionals, positional, printJson, stringFlag, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration, formatTime } from '../output/format';
import { printTable } from '../output/table';

const USAGE = 'streams CLUSTER [KEY] [--namespace NS]';

interface StreamRow { node: string; key: string; namespace: string | null; length: number; groups: number; consumers: number; pending: number; maxLag: number | null; oldestPendingIdleMs: number | null; capped: boolean; memoryBytes: number | null }
interface QueueRow { node: string; key: string; namespace: string | null; length: number; memoryBytes: number | null }
interface StreamsView {
  clusterId: string;
  at: string;
  nodes: Array<{ node: string; complete: boolean; truncated: boolean; error?: string | null; streams: number; queues: number; pubsub: PubsubInfo | null }>;
  streams: StreamRow[];
  streamsTotal: number;
  queues: QueueRow[];
  queuesTotal: number;
}
type StreamView = StreamInfo & { clusterId: string; node: string; at: string };

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : formatDuration(v / 1000));
const count = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : formatCount(v));

export const streamsCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Streams and lists used as queues per node as the last monitor tick found them (busiest first: pending, lag, length), with consumer groups, consumers, pending entries, lag and the idle time of the oldest pending entry, and Pub/Sub subscribers against the output-buffer limit. With KEY: that stream\'s groups and consumers. Piped: one tab-separated row per stream or queue (first column `stream` or `queue`); --json has everything, Pub/Sub included.',
  options: {
    namespace: { type: 'string', valueName: '<ns>', description: 'only keys of this namespace' },
  },
  examples: ['rcm streams main', 'rcm streams main orders:events', "rcm streams main --json | jq '.streams[] | select(.pending > 0)'"],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const key = ctx.positionals[1];
    noExtraPositionals(ctx, 2, USAGE);
    const { color } = ctx.out;
    const base = `/api/clusters/${encodeURIComponent(cluster)}/streams`;
    // base64url: any key, also one with '/' or '?', reaches the route unchanged.
    if (key !== undefined) {
      const s = await ctx.api().get<StreamView>(`${base}/${Buffer.from(key).toString('base64url')}?keyEncoding=base64`);
      if (ctx.json) return printJson(ctx, s);
      if (ctx.out.isTTY) ctx.out.line(`${color.bold(s.key)} on ${s.node}: length ${formatCount(s.length)}, ${formatBytes(s.memoryBytes)}, ids ${s.firstId ?? '-'} .. ${s.lastId}, ${s.capped ? 'capped' : color.yellow('never trimmed')}, seen ${formatTime(s.at)}`);
      const rows = s.groups.flatMap((g) => {
        const group = [g.name, count(g.pending), count(g.lag), count(g.entriesRead), g.oldestPendingId ?? '-', ms(g.oldestPendingIdleMs)];
        return g.consumers.length === 0 ? [[...group, '-', '-', '-']] : g.consumers.map((c) => [...group, c.name, count(c.pending), ms(c.idleMs)]);
      });
      printTable(
        ctx.out,
        [{ header: 'GROUP' }, { header: 'PENDING', align: 'right' }, { header: 'LAG', align: 'right' }, { header: 'READ', align: 'right' }, { header: 'OLDEST PENDING' }, { header: 'ITS IDLE', align: 'right' }, { header: 'CONSUMER' }, { header: 'C.PENDING', align: 'right' }, { header: 'C.IDLE', align: 'right' }],
        rows,
      );
      if (rows.length === 0 && ctx.out.isTTY) ctx.out.line('No consumer groups.');
      return 0;
    }
    const ns = stringFlag(ctx.flags, 'namespace');
    const view = await ctx.api().get<StreamsView>(`${base}${ns ? `?namespace=${encodeURIComponent(ns)}` : ''}`);
    if (ctx.json) return printJson(ctx, view);
    if (ctx.out.isTTY) ctx.out.line(`${color.bold(view.clusterId)}: ${view.streamsTotal} stream(s), ${view.queuesTotal} queue(s), seen ${formatTime(view.at)}${view.nodes.some((n) => !n.complete) ? color.yellow(' (discovery not complete yet)') : ''}`);
    printTable(
      ctx.out,
      [{ header: 'TYPE' }, { header: 'NODE' }, { header: 'KEY' }, { header: 'NAMESPACE' }, { header: 'LENGTH', align: 'right' }, { header: 'GROUPS', align: 'right' }, { header: 'CONSUMERS', align: 'right' }, { header: 'PENDING', align: 'right' }, { header: 'LAG', align: 'right' }, { header: 'OLDEST PENDING', align: 'right' }, { header: 'MEMORY', align: 'right' }, { header: 'CAPPED' }],
      [
        ...view.streams.map((s) => ['stream', s.node, s.key, s.namespace ?? '-', formatCount(s.length), String(s.groups), String(s.consumers), s.pending ? color.yellow(formatCount(s.pending)) : '0', count(s.maxLag), ms(s.oldestPendingIdleMs), formatBytes(s.memoryBytes), s.capped ? 'yes' : 'no']),
        ...view.queues.map((q) => ['queue', q.node, q.key, q.namespace ?? '-', formatCount(q.length), '-', '-', '-', '-', '-', formatBytes(q.memoryBytes), '-']),
      ],
    );
    if (!ctx.out.isTTY) return 0;
    if (view.streams.length + view.queues.length === 0) ctx.out.line('No streams or queues found.');
    ctx.out.line('');
    printTable(
      ctx.out,
      [{ header: 'NODE' }, { header: 'CHANNELS', align: 'right' }, { header: 'PATTERNS', align: 'right' }, { header: 'SUBSCRIBERS', align: 'right' }, { header: 'MAX OUTPUT BUFFER', align: 'right' }, { header: 'LIMIT', align: 'right' }, { header: 'OF LIMIT', align: 'right' }],
      view.nodes.map((n) => {
        const p = n.pubsub;
        const ratio = p?.maxLimitRatio ?? null;
        const share = ratio === null ? '-' : `${(ratio * 100).toFixed(1)} %`;
        return [n.node, count(p?.channels), count(p?.patterns), count(p?.subscriberClients), formatBytes(p?.maxOmemBytes), p?.outputBufferLimitBytes ? formatBytes(p.outputBufferLimitBytes) : 'none', ratio !== null && ratio >= 0.8 ? color.red(share) : share];
      }),
    );
    return 0;
  },
};
