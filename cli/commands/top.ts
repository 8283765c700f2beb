import type { Topology, TopologyNode } from '../../shared/platform/topology/buildTopology';
import { noExtraPositionals, numberFlag, positional, type CommandContext, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatPercent, formatTime } from '../output/format';
import { LiveScreen } from '../output/LiveScreen';
import type { Output } from '../output/Output';
import { printTable, visibleWidth } from '../output/table';

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
    'Live per-node stats of every node, refreshed every second like `redis-cli --stat` (keys, memory, clients, blocked, commands/s, hit ratio, connections/s), read through the admin API\'s topology route. On a terminal the table redraws in place on the alternate screen (the shell\'s screen comes back on exit), fitted to the window (columns and nodes that do not fit are left out, and a resize redraws at once); q or Ctrl-C quits; piped, one line per node per refresh (tab-separated, with a time column). --count stops after N refreshes.',
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

/** Columns left out first when the terminal is too narrow for the whole table (least telling first). */
const DROP_ORDER = ['CONN/S', 'BLOCKED', 'CLIENTS', 'HIT%', 'ROLE'];

/**
 * The lines of one frame for a terminal `columns` wide and `rows` high: the header, then the table with as many
 * columns as fit (dropped in DROP_ORDER), as many node rows as fit, and a line saying how many did not.
 */
export function topFrame(out: Output, header: string, rows: readonly TopRow[], columns: number, height: number): string[] {
  let keep = COLUMNS.map((_, i) => i);
  const render = (): string[] => {
    const lines: string[] = [];
    const capture: Output = { ...out, isTTY: true, line: (text = '') => void lines.push(text) };
    printTable(capture, keep.map((i) => COLUMNS[i] as (typeof COLUMNS)[number]), rows.map((r) => keep.map((i) => cells(r)[i] ?? '')));
    return lines;
  };
  let table = render();
  for (const name of DROP_ORDER) {
    if (Math.max(...table.map(visibleWidth)) <= columns) break;
    keep = keep.filter((i) => COLUMNS[i]?.header !== name);
    table = render();
  }
  const room = Math.max(1, height - 3); // header, blank line, table header
  const nodes = table.slice(1);
  const shown = nodes.length > room ? [...nodes.slice(0, room - 1), out.color.dim(`… ${nodes.length - room + 1} more nodes: make the terminal taller`)] : nodes;
  return [header, '', table[0] ?? '', ...shown];
}

async function runTop(ctx: CommandContext, cluster: string, interval: number, count: number | undefined): Promise<number> {
  const api = ctx.api();
  const path = `/api/clusters/${encodeURIComponent(cluster)}/topology`;
  const screen = ctx.out.isTTY && !ctx.json ? new LiveScreen() : undefined;
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  if (!screen) process.on('SIGINT', onSigint);
  const header = (at: number | null, live = true): string =>
    ctx.out.color.bold(`rcm top ${cluster}`) + `  ${at === null ? 'waiting for a second reading' : formatTime(new Date(at).toISOString())}  every ${interval}s${live ? '  (q to quit)' : ''}`;
  let frame: { at: number | null; rows: TopRow[] } = { at: null, rows: [] };
  const draw = (): void => {
    if (!screen) return;
    const { columns, rows } = screen.size;
    screen.draw(topFrame(ctx.out, header(frame.at), frame.rows, columns, rows));
  };
  let before: { topology: Topology; at: number } | undefined;
  let counted = false;
  try {
    for (let i = 0; !stop && !screen?.isStopped && (count === undefined || i <= count); i++) {
      const started = Date.now();
      const topology = await api.get<Topology>(path);
      const at = Date.now();
      if (screen && i === 0) {
        // Only once the cluster answered: an error before this prints on the normal screen.
        screen.onResize = draw;
        screen.enter();
        draw();
      }
      // The first reading only primes the deltas (redis-cli --stat also needs two INFOs for a rate).
      if (before) {
        const rows = topRows(topology, before.topology, (at - before.at) / 1000);
        if (ctx.json) {
          ctx.out.line(JSON.stringify({ at: new Date(at).toISOString(), clusterId: cluster, nodes: rows }));
        } else if (screen) {
          frame = { at, rows };
          draw();
        } else {
          for (const r of rows) ctx.out.line([new Date(at).toISOString(), ...cells(r)].join('\t'));
        }
      }
      before = { topology, at };
      if (count !== undefined && i >= count) {
        counted = true;
        break;
      }
      const wait = Math.max(0, interval * 1000 - (Date.now() - started));
      if (screen) await screen.sleep(wait);
      else await new Promise((r) => setTimeout(r, wait));
    }
  } finally {
    screen?.leave();
    process.off('SIGINT', onSigint);
  }
  // --count on a terminal: the alternate screen went away with the frames, so the last one stays on the normal screen.
  if (screen && counted && frame.at !== null) for (const line of topFrame(ctx.out, header(frame.at, false), frame.rows, screen.size.columns, Number.MAX_SAFE_INTEGER)) ctx.out.line(line);
  return 0;
}
