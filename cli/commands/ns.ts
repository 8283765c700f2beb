import { readFileSync } from 'node:fs';
import type { NamespacePolicyResource } from '../../shared/platform/registry/namespacePolicy';
import { usageError } from '../CliError';
import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandContext, type CommandSpec } from '../Command';
import { formatDuration, formatTime } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';

const USAGE = ['ns ls CLUSTER', 'ns show CLUSTER NS', 'ns set CLUSTER NS --pattern GLOB [--ttl SECONDS] [--jitter PCT] [--priority N] [--protected] [--warm-plan FILE]', 'ns rm CLUSTER NS'];

export const nsCommand: CommandSpec = {
  usage: USAGE,
  description: 'Namespace policies: key pattern, TTL (+ jitter), priority, protected flag, retention and warm plan. `set` creates or replaces a policy (flags not given keep their current value on a replace); `rm` removes the policy, never the keys.',
  subcommands: ['ls', 'show', 'set', 'rm'],
  options: {
    pattern: { type: 'string', valueName: '<glob>', description: 'key pattern (Redis glob), e.g. user:*' },
    ttl: { type: 'string', valueName: '<seconds>', description: 'TTL for the namespace\'s keys (none = no TTL)' },
    jitter: { type: 'string', valueName: '<pct>', description: 'TTL jitter, 0-50 % (default 0)' },
    priority: { type: 'string', valueName: '<0-100>', description: 'higher = keep longer under memory pressure (default 50)' },
    protected: { type: 'boolean', description: 'invalidation and TTL hygiene need --force (and an admin key)' },
    unprotected: { type: 'boolean', description: 'clear the protected flag' },
    retention: { type: 'string', valueName: '<cache|persistent>', description: 'persistent keys must never be evicted' },
    'warm-plan': { type: 'string', valueName: '<file>', description: 'the warm plan as JSON (WarmPlan in the OpenAPI document); - reads stdin; none clears it' },
  },
  examples: ['rcm ns ls main', 'rcm ns set main users --pattern "user:*" --ttl 3600 --jitter 10', 'rcm ns rm main users --yes'],
  async run(ctx) {
    const sub = ctx.positionals[0] ?? '';
    if (sub === 'ls' || sub === 'list') return list(ctx);
    if (sub === 'show') return show(ctx);
    if (sub === 'set') return set(ctx);
    if (sub === 'rm' || sub === 'remove') return remove(ctx);
    throw usageError(sub === '' ? 'missing sub-command' : `unknown sub-command 'ns ${sub}'`, `Usage: ${USAGE.map((u) => `rcm ${u}`).join(' | ')}`);
  },
};

const nsPath = (cluster: string, ns?: string): string => `/api/clusters/${encodeURIComponent(cluster)}/namespaces${ns === undefined ? '' : `/${encodeURIComponent(ns)}`}`;
const ttlText = (p: NamespacePolicyResource): string => (p.ttlSeconds === null ? 'none' : `${formatDuration(p.ttlSeconds)}${p.ttlJitterPercent ? ` ±${p.ttlJitterPercent}%` : ''}`);

async function list(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[0] ?? '');
  noExtraPositionals(ctx, 2, USAGE[0] ?? '');
  const { items } = await ctx.api().get<{ items: NamespacePolicyResource[] }>(nsPath(cluster));
  if (ctx.json) return printJson(ctx, items);
  printTable(
    ctx.out,
    [{ header: 'NAMESPACE' }, { header: 'PATTERN' }, { header: 'TTL' }, { header: 'PRIORITY', align: 'right' }, { header: 'PROTECTED' }, { header: 'WARM PLAN' }, { header: 'UPDATED' }],
    items.map((p) => [ctx.out.color.bold(p.namespace), p.keyPattern, ttlText(p), String(p.priority), p.protected ? ctx.out.color.yellow('yes') : 'no', p.warmPlan ? p.warmPlan.source.kind : '-', formatTime(p.updatedAt)]),
  );
  if (items.length === 0 && ctx.out.isTTY) ctx.out.err(`No namespaces on ${cluster}. Add one: rcm ns set ${cluster} <ns> --pattern '<prefix>:*'`);
  return 0;
}

async function show(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[1] ?? '');
  const ns = positional(ctx, 2, 'NS', USAGE[1] ?? '');
  noExtraPositionals(ctx, 3, USAGE[1] ?? '');
  const p = await ctx.api().get<NamespacePolicyResource>(nsPath(cluster, ns));
  if (ctx.json) return printJson(ctx, p);
  printTable(ctx.out, [{ header: 'FIELD' }, { header: 'VALUE' }], [
    ['namespace', p.namespace],
    ['pattern', p.keyPattern],
    ['ttl', ttlText(p)],
    ['priority', String(p.priority)],
    ['protected', p.protected ? 'yes' : 'no'],
    ['retention', p.retention ?? '-'],
    ['warm plan', p.warmPlan ? JSON.stringify(p.warmPlan) : '-'],
    ['version', String(p.version)],
    ['updated', `${formatTime(p.updatedAt)} by ${p.updatedBy}`],
  ]);
  return 0;
}

function readJsonFile(flag: string, file: string): unknown {
  try {
    return JSON.parse(readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (err) {
    throw usageError(`--${flag} ${file}: ${(err as Error).message}`);
  }
}

async function set(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[2] ?? '');
  const ns = positional(ctx, 2, 'NS', USAGE[2] ?? '');
  noExtraPositionals(ctx, 3, USAGE[2] ?? '');
  const api = ctx.api();
  const existing = await api.call<NamespacePolicyResource>('GET', nsPath(cluster, ns), { accept: [404] });
  const current = existing.status === 200 ? existing.body : undefined;
  const pattern = stringFlag(ctx.flags, 'pattern') ?? current?.keyPattern;
  if (pattern === undefined) throw usageError(`missing --pattern (namespace '${ns}' is new)`, `Usage: rcm ${USAGE[2] ?? ''}`);
  if (ctx.flags.protected === true && ctx.flags.unprotected === true) throw usageError('--protected and --unprotected exclude each other');
  const ttlRaw = stringFlag(ctx.flags, 'ttl');
  const ttl = ttlRaw === 'none' ? null : numberFlag(ctx.flags, 'ttl', { min: 1, max: 31_536_000, integer: true });
  const retention = stringFlag(ctx.flags, 'retention');
  if (retention !== undefined && retention !== 'cache' && retention !== 'persistent') throw usageError(`--retention must be cache or persistent, not '${retention}'`);
  const warmFile = stringFlag(ctx.flags, 'warm-plan');
  const spec: Record<string, unknown> = {
    keyPattern: pattern,
    ttlSeconds: ttl !== undefined ? ttl : (current?.ttlSeconds ?? null),
    ttlJitterPercent: numberFlag(ctx.flags, 'jitter', { min: 0, max: 50, integer: true }) ?? current?.ttlJitterPercent ?? 0,
    priority: numberFlag(ctx.flags, 'priority', { min: 0, max: 100, integer: true }) ?? current?.priority ?? 50,
    protected: ctx.flags.protected === true ? true : ctx.flags.unprotected === true ? false : (current?.protected ?? false),
    warmPlan: warmFile === 'none' ? null : warmFile !== undefined ? readJsonFile('warm-plan', warmFile) : (current?.warmPlan ?? null),
    ...((retention ?? current?.retention) ? { retention: retention ?? current?.retention } : {}),
  };
  // Replace exactly what we read (If-Match), so a concurrent change is a conflict, not a lost update.
  const headers: Record<string, string> = current ? { 'if-match': `"${current.version}"` } : { 'if-none-match': '*' };
  const answer = await api.call<NamespacePolicyResource>('PUT', nsPath(cluster, ns), { body: spec, headers });
  if (ctx.json) return printJson(ctx, answer.body);
  const p = answer.body;
  ctx.out.line(`${answer.status === 201 ? 'Created' : 'Updated'} namespace ${ctx.out.color.bold(p.namespace)} on ${cluster}: pattern ${p.keyPattern}, TTL ${ttlText(p)}, priority ${p.priority}${p.protected ? ', protected' : ''} (version ${p.version}).`);
  return 0;
}

async function remove(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[3] ?? '');
  const ns = positional(ctx, 2, 'NS', USAGE[3] ?? '');
  noExtraPositionals(ctx, 3, USAGE[3] ?? '');
  const api = ctx.api();
  const p = await api.get<NamespacePolicyResource>(nsPath(cluster, ns));
  await confirm(ctx, [`This removes the policy of namespace '${ns}' (pattern ${p.keyPattern}) from cluster '${cluster}'. Its keys stay in Redis.`], `Remove namespace '${ns}' from cluster '${cluster}'?`);
  await api.call('DELETE', nsPath(cluster, ns), { headers: { 'if-match': `"${p.version}"` } });
  if (ctx.json) return printJson(ctx, { removed: ns, clusterId: cluster });
  ctx.out.line(`Removed namespace ${ns} from ${cluster}.`);
  return 0;
}
