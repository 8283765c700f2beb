import { noExtraPositionals, numberFlag, positional, type CommandContext, type CommandSpec } from '../Command';
import { formatTime } from '../output/format';
import { printTable } from '../output/table';

const USAGE = 'events CLUSTER [--limit N] [--follow]';

interface AuditEvent {
  id: string;
  type: string;
  version: number;
  time: string;
  principal: { id: string; kind: string; role: string };
  correlationId: string;
  subject: string;
  data: unknown;
}

/** The interesting part of an event's data in one short line (the namespace, job, counts...). */
function gist(e: AuditEvent): string {
  const d = (typeof e.data === 'object' && e.data !== null ? e.data : {}) as Record<string, unknown>;
  const parts: string[] = [];
  for (const k of ['namespace', 'jobId', 'kind', 'status', 'policy', 'previous', 'applied', 'current', 'recommended', 'method', 'deletedCount', 'written', 'rule', 'severity']) {
    const v = d[k];
    if (v !== undefined && v !== null && typeof v !== 'object') parts.push(`${k}=${String(v)}`);
  }
  return parts.join(' ');
}

const shortType = (t: string): string => t.replace(/^RedisClusterManager\./, '');

export const eventsCommand: CommandSpec = {
  usage: [USAGE],
  description: 'The audit log of a cluster (every change with who made it, when, and its correlation id), oldest of the last N first. --follow keeps reading new events every 2 s until Ctrl-C; with --json it prints one JSON event per line (NDJSON).',
  options: {
    limit: { type: 'string', valueName: '<n>', description: 'how many of the newest events (default 20, at most 200)' },
    follow: { type: 'boolean', short: 'f', description: 'keep printing new events as they are recorded' },
  },
  examples: ['rcm events main', 'rcm events main --follow', "rcm events main --json | jq '.[] | select(.type | endswith(\"Invalidated\"))'"],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const limit = numberFlag(ctx.flags, 'limit', { min: 1, max: 200, integer: true }) ?? 20;
    const follow = ctx.flags.follow === true;
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/events`;
    const page = async (n: number): Promise<AuditEvent[]> => (await api.get<{ items: AuditEvent[] }>(path, { query: { limit: n } })).items.slice().reverse();
    const first = await page(limit);
    if (ctx.json && !follow) {
      ctx.out.line(JSON.stringify(first, null, 2));
      return 0;
    }
    const print = (events: AuditEvent[], header: boolean): void => {
      if (ctx.json) {
        for (const e of events) ctx.out.line(JSON.stringify(e));
        return;
      }
      if (follow && !header) {
        // Appended lines cannot be re-aligned with the first page; keep them the same shape.
        for (const e of events) ctx.out.line([formatTime(e.time), String(e.version), shortType(e.type), e.principal.id, gist(e)].join(ctx.out.isTTY ? '  ' : '\t'));
        return;
      }
      printTable(ctx.out, [{ header: 'TIME' }, { header: 'VERSION', align: 'right' }, { header: 'EVENT' }, { header: 'BY' }, { header: 'DETAILS' }], events.map((e) => [formatTime(e.time), String(e.version), ctx.out.color.bold(shortType(e.type)), e.principal.id, gist(e)]));
    };
    print(first, true);
    if (!follow) return 0;
    return followEvents(ctx, page, first.at(-1)?.version ?? 0, (events) => print(events, false));
  },
};

async function followEvents(ctx: CommandContext, page: (n: number) => Promise<AuditEvent[]>, from: number, print: (events: AuditEvent[]) => void): Promise<number> {
  let last = from;
  let stop = false;
  const onSigint = (): void => {
    stop = true;
  };
  process.on('SIGINT', onSigint);
  try {
    while (!stop) {
      await new Promise((r) => setTimeout(r, 2000));
      if (stop) break;
      const fresh = (await page(200)).filter((e) => e.version > last);
      if (fresh.length) {
        print(fresh);
        last = fresh.at(-1)?.version ?? last;
      }
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (ctx.out.errIsTTY) ctx.out.err('');
  return 0;
}
