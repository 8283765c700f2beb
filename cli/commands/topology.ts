import type { Topology, TopologyNode } from '../../shared/platform/topology/buildTopology';
import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatTime } from '../output/format';
import type { Output } from '../output/Output';
import { printTable } from '../output/table';

const USAGE = 'topology CLUSTER';

/** Slot ranges as redis-cli prints them: `0-5460,5462` ('-' for none). */
export function formatSlots(ranges: ReadonlyArray<readonly [number, number]>): string {
  if (ranges.length === 0) return '-';
  return ranges.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(',');
}

function state(out: Output, n: TopologyNode): string {
  if (!n.reachable) return out.color.red(`unreachable (${n.unreachableReason ?? '?'})`);
  if (n.failState === 'fail') return out.color.red('fail');
  if (n.failState === 'pfail') return out.color.yellow('pfail');
  if (n.clusterState && n.clusterState !== 'ok') return out.color.red(`cluster ${n.clusterState}`);
  return out.color.green('ok');
}

export const topologyCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Every node of the cluster as the manager sees it: role, address, id, slots, keys, memory, link and failure state, replication. Read live from the nodes (CLUSTER NODES, CLUSTER INFO, INFO) by the admin API.',
  options: {},
  examples: ['rcm topology main', 'rcm topology main --json | jq \'.nodes[] | select(.role=="master") | .address\''],
  async run(ctx) {
    const id = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const t = await ctx.api().get<Topology>(`/api/clusters/${encodeURIComponent(id)}/topology`);
    if (ctx.json) return printJson(ctx, t);
    const { color } = ctx.out;
    if (ctx.out.isTTY) ctx.out.line(`${color.bold(t.clusterId)} (${t.mode}), ${t.nodes.length} node(s), seen from ${t.observedFrom} at ${formatTime(t.collectedAt)}`);
    const short = (nodeId: string | null): string => (nodeId ? nodeId.slice(0, 8) : '-');
    printTable(
      ctx.out,
      [{ header: 'ROLE' }, { header: 'ADDRESS' }, { header: 'ID' }, { header: 'SLOTS' }, { header: 'KEYS', align: 'right' }, { header: 'MEMORY', align: 'right' }, { header: 'MAXMEMORY', align: 'right' }, { header: 'LINK' }, { header: 'STATE' }, { header: 'REPLICATION' }],
      t.nodes.map((n) => {
        const m = n.metrics;
        const open = [...n.migrating.map((s) => `${s.slot}->${short(s.to)}`), ...n.importing.map((s) => `${s.slot}<-${short(s.from)}`)];
        const slots = n.role === 'master' ? `${formatSlots(n.slots)} (${n.slotCount})${open.length ? color.yellow(` [${open.join(' ')}]`) : ''}` : '-';
        const replication =
          n.role === 'replica'
            ? `of ${short(n.masterId)}, link ${m?.replication.masterLinkStatus === 'down' ? color.red('down') : (m?.replication.masterLinkStatus ?? '?')}`
            : `${m?.replication.connectedReplicas ?? '?'} replica(s)`;
        return [
          n.role === 'master' ? color.bold('master') : 'replica',
          n.address,
          short(n.id),
          slots,
          formatCount(m?.keys),
          formatBytes(m?.memory.usedBytes),
          m?.memory.maxmemoryBytes ? formatBytes(m.memory.maxmemoryBytes) : 'no limit',
          n.linkState ?? '-',
          state(ctx.out, n),
          replication,
        ];
      }),
    );
    return 0;
  },
};
