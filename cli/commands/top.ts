import type { Topology, TopologyNode } from '../../shared/platform/topology/buildTopology';
import { noExtraPositionals, numberFlag, positional, type CommandContext, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatPercent, formatTime } from '../output/format';
import { printTable } from '../output/table';

const USAGE = 'top CLUSTER [--interval SECONDS] [--count N]';

type NodeStats = NonNullable<TopologyNode['metrics']>['stats'];

/** One row of `top`: the node now, and what changed since the previous refresh. */
export interface TopRow {
  node: string;
  role: string;
  keys: number | null;
  usedBytes: number | null;
  clients: number | null;
  blocked: number | null;
  /** Commands per second since the previous refresh (redis-cli --stat's "requests" delta, per second). */
  opsPerSec: number | null;
  /** Hit ratio since the previous refresh. */
  hitRatio: number | null;
  connectionsPerSec: number | null;
  state: string;
}

// Optional chaining: an older API without `stats` still gives keys and memory.
const statsOf = (n: TopologyNode): NodeStats | undefined => n.metrics?.stats;

/** Rows from two successive topologies `seconds` apart (pure: the rates are deltas, as redis-cli --stat's). */
export function topRows(now: Topology, before: Topology | undefined, seconds: number): TopRow[] {
  return now.nodes.map((n) => {
    const s = statsOf(n);
    const prev = before?.nodes.find((p) => p.address === n.address);
    const p = prev ? statsOf(prev) : undefined;
    const delta = (f: keyof NodeStats): number | null => {
      const a = s?.[f];
      const b = p?.[f];
      return typeof a === 'number' && typeof b === 'number' && a >= b && seconds > 0 ? (a - b) / seconds : null;
    };
    const hits = delta('keyspaceHits');
    const misses = delta('keyspaceMisses');
    // Our own INFO calls count as commands; one refresh costs each node 3 commands (CLUSTER NODES, CLUSTER INFO, INFO).
    const ops = delta('commandsProcessed');
    return {
      node: n.address,
      role: n.role,
      keys: n.metrics?.keys ?? null,
      usedBytes: n.metrics?.memory.usedBytes ?? null,
      clients: s?.connectedClients ?? null,
      blocked: s?.blockedClients ?? null,
      opsPerSec: ops,
      hitRatio: hits !== null && misses !== null && hits + misses > 0 ? hits / (hits + misses) : null,
      connectionsPerSec: delta('connectionsReceived'),
      state: !n.reachable ? `unreachable (${n.unreachableReason ?? '?'})` : n.failState !== 'ok' ? n.failState : 'ok',
    };
  });
}

function cells(r: TopRow): string[] {
  return [r.node, r.role, formatCount(r.keys), formatBytes(r.usedBytes), formatCount(r.clients), formatCount(r.blocked), r.opsPerSec === null ? '-' : formatCount(r.opsPerSec), r.hitRatio === null ? '-' : formatPercent(r.hitRatio), r.connectionsPerSec === null ? '-' : formatCount(r.connectionsPerSec), r.state];
}

const COLUMNS = [
  { header: 'NODE' },
  { header: 'ROLE' },
  { header: 'KEYS', align: 'right' as const },
  { header: 'MEM', align: 'right' as const },
  { header: 'CLIENTS', align: 'right' as const },
  { header: 'BLOCKED', align: 'right' as const },
  { header: 'OPS/S', align: 'right' as const },
  { header: 'HIT%', align: 'right' as const },
  { header: 'CONN/S', align: 'right' as const },
  { header: 'STATE' },
];

export const topCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Live per-node stats of every node, refreshed every second like `redis-cli --stat` (keys, memory, clients, blocked, commands/s, hit ratio, connections/s), read through the admin API\'s topology route. On a terminal the table redraws in place; piped, one line per node per refresh (tab-separated, with a time column). --count stops after N refreshes; Ctrl-C stops.',
  options: {
    interval: { type: 'string', short: 'i', valueName: '<seconds>', description: 'refresh interval (default 1, at least 0.5)' },
    count: { type: 'string', short: 'n', valueName: '<n>', description: 'stop after this many refreshes (default: until Ctrl-C)' },
  },
  examples: ['rcm top main', 'rcm top main --count 10 --json > samples.ndjson'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const interval = numberFlag(ctx.flags, 'interval', { min: 0.5, max: 3600 }) ?? 1;
    const count = numberFlag(ctx.flags, 'count', { min: 1, integer: true });
    return runTop(ctx, cluster, interval, count);
  },
};

async function runTop(ctx: CommandContext, cluster: string, interval: number, count: number | undefined): Promise<number> {
  const api = ctx.api();
  const path = `/api/clusters/${encodeURIComponent(cluster)}/topology`;
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  const redraw = ctx.out.isTTY && !ctx.json;
  let before: { topology: Topology; at: number } | undefined;
  try {
    for (let i = 0; !stop && (count === undefined || i <= count); i++) {
      const started = Date.now();
      const topology = await api.get<Topology>(path);
      const at = Date.now();
      // The first reading only primes the deltas (redis-cli --stat also needs two INFOs for a rate).
      if (before) {
        const rows = topRows(topology, before.topology, (at - before.at) / 1000);
        if (ctx.json) {
          ctx.out.line(JSON.stringify({ at: new Date(at).toISOString(), clusterId: cluster, nodes: rows }));
        } else if (redraw) {
          ctx.out.line('\x1b[H\x1b[2J' + ctx.out.color.bold(`rcm top ${cluster}`) + `  ${formatTime(new Date(at).toISOString())}  every ${interval}s  (Ctrl-C to quit)`);
          printTable(ctx.out, COLUMNS, rows.map(cells));
        } else {
          for (const r of rows) ctx.out.line([new Date(at).toISOString(), ...cells(r)].join('\t'));
        }
      }
      before = { topology, at };
      if (count !== undefined && i >= count) break;
      const wait = Math.max(0, interval * 1000 - (Date.now() - started));
      await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  return 0;
}
