import { usageError } from '../CliError';
import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandContext, type CommandSpec } from '../Command';
import { formatBytes } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';

const USAGE = ['eviction show CLUSTER', 'eviction apply CLUSTER POLICY [--method auto|config-set|arm] [--reserved-mb N] [--force]'];

interface PolicyView {
  clusterId: string;
  mode: string;
  policy: string | null;
  consistent: boolean;
  nodes: Array<{ node: string; role: string; policy: string; usedMemoryBytes: number | null; maxmemoryBytes: number | null }>;
  unreachable: string[];
  validPolicies: string[];
}

export const evictionCommand: CommandSpec = {
  usage: USAGE,
  description: '`show`: maxmemory-policy of every node. `apply`: sets a policy on every master and replica (CONFIG SET, verified with CONFIG GET) or through Azure Resource Manager for Azure caches; audited as Eviction.PolicyApplied. Get a recommendation with `rcm analyze CLUSTER`.',
  subcommands: ['show', 'apply'],
  options: {
    method: { type: 'string', valueName: '<method>', description: 'auto (default), config-set or arm' },
    'reserved-mb': { type: 'string', valueName: '<mb>', description: 'also set maxmemory-reserved (Azure caches)' },
    force: { type: 'boolean', description: 'apply an allkeys-* policy although protected or persistent namespaces exist' },
  },
  examples: ['rcm eviction show main', 'rcm eviction apply main allkeys-lfu'],
  async run(ctx) {
    const sub = ctx.positionals[0] ?? '';
    if (sub === 'show') return show(ctx);
    if (sub === 'apply') return apply(ctx);
    throw usageError(sub === '' ? 'missing sub-command' : `unknown sub-command 'eviction ${sub}'`, `Usage: ${USAGE.map((u) => `rcm ${u}`).join(' | ')}`);
  },
};

const path = (cluster: string): string => `/api/clusters/${encodeURIComponent(cluster)}/eviction-policy`;

async function show(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[0] ?? '');
  noExtraPositionals(ctx, 2, USAGE[0] ?? '');
  const view = await ctx.api().get<PolicyView>(path(cluster));
  if (ctx.json) return printJson(ctx, view);
  if (ctx.out.isTTY) ctx.out.line(`${ctx.out.color.bold(cluster)}: ${view.policy ?? ctx.out.color.yellow('mixed')}${view.consistent ? '' : ctx.out.color.yellow(' (nodes disagree)')}`);
  printTable(
    ctx.out,
    [{ header: 'NODE' }, { header: 'ROLE' }, { header: 'POLICY' }, { header: 'USED', align: 'right' }, { header: 'MAXMEMORY', align: 'right' }],
    view.nodes.map((n) => [n.node, n.role, n.policy, formatBytes(n.usedMemoryBytes), n.maxmemoryBytes ? formatBytes(n.maxmemoryBytes) : 'no limit']),
  );
  for (const u of view.unreachable) ctx.out.err(`unreachable: ${u}`);
  return 0;
}

async function apply(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[1] ?? '');
  const policy = positional(ctx, 2, 'POLICY', USAGE[1] ?? '');
  noExtraPositionals(ctx, 3, USAGE[1] ?? '');
  const method = stringFlag(ctx.flags, 'method') ?? 'auto';
  if (!['auto', 'config-set', 'arm'].includes(method)) throw usageError(`--method must be auto, config-set or arm, not '${method}'`);
  const reserved = numberFlag(ctx.flags, 'reserved-mb', { min: 0, integer: true });
  const api = ctx.api();
  const view = await api.get<PolicyView>(path(cluster));
  if (!view.validPolicies.includes(policy)) throw usageError(`'${policy}' is not a maxmemory-policy`, `valid: ${view.validPolicies.join(', ')}`);
  await confirm(ctx, [`This sets maxmemory-policy ${policy} on ${view.nodes.length} node(s) of cluster '${cluster}' (now: ${view.policy ?? 'mixed'}), method ${method}.`], `Apply ${policy} to cluster '${cluster}'?`);
  const answer = await api.call<Record<string, unknown>>('PUT', path(cluster), { body: { policy, method, ...(reserved !== undefined ? { maxmemoryReservedMb: reserved } : {}), ...(ctx.flags.force === true ? { force: true } : {}) } });
  if (ctx.json) return printJson(ctx, answer.body);
  ctx.out.line(`Applied ${policy} to cluster ${cluster}${typeof answer.body['method'] === 'string' ? ` via ${answer.body['method']}` : ''}.`);
  return 0;
}
