import type { JobView } from '../../shared/platform/jobs/JobService';
import { usageError } from '../CliError';
import { noExtraPositionals, numberFlag, positional, printJson, type CommandContext, type CommandSpec } from '../Command';
import { followJob, genericSummary, reportOutcome } from '../jobs/followJob';
import { jobProgress } from '../jobs/jobProgress';
import { formatCount, formatPercent, formatTime } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';

const USAGE = ['jobs ls CLUSTER [--limit N]', 'jobs show JOB', 'jobs watch JOB', 'jobs cancel JOB'];

export const jobsCommand: CommandSpec = {
  usage: USAGE,
  description: 'Jobs (invalidation, TTL hygiene, warming, analysis): `ls` a cluster\'s jobs, newest first; `show` one; `watch` one with the progress bar until it ends (Ctrl-C: cancel or detach); `cancel` one (at once when idle, else at its next checkpoint).',
  subcommands: ['ls', 'show', 'watch', 'cancel'],
  options: {
    limit: { type: 'string', valueName: '<n>', description: 'ls: how many (default 20, at most 200)' },
  },
  examples: ['rcm jobs ls main', 'rcm jobs watch invalidate-mx4e0t10-421adc8439', 'rcm jobs cancel invalidate-mx4e0t10-421adc8439 --yes'],
  async run(ctx) {
    const sub = ctx.positionals[0] ?? '';
    if (sub === 'ls' || sub === 'list') return list(ctx);
    if (sub === 'show') return show(ctx);
    if (sub === 'watch') return watch(ctx);
    if (sub === 'cancel') return cancel(ctx);
    throw usageError(sub === '' ? 'missing sub-command' : `unknown sub-command 'jobs ${sub}'`, `Usage: ${USAGE.map((u) => `rcm ${u}`).join(' | ')}`);
  },
};

function statusText(ctx: CommandContext, status: string): string {
  const c = ctx.out.color;
  return status === 'succeeded' ? c.green(status) : status === 'failed' || status === 'cancelled' ? c.red(status) : c.yellow(status);
}

async function list(ctx: CommandContext): Promise<number> {
  const cluster = positional(ctx, 1, 'CLUSTER', USAGE[0] ?? '');
  noExtraPositionals(ctx, 2, USAGE[0] ?? '');
  const limit = numberFlag(ctx.flags, 'limit', { min: 1, max: 200, integer: true }) ?? 20;
  const { items } = await ctx.api().get<{ items: JobView[] }>(`/api/clusters/${encodeURIComponent(cluster)}/jobs`, { query: { limit } });
  if (ctx.json) return printJson(ctx, items);
  printTable(
    ctx.out,
    [{ header: 'JOB' }, { header: 'KIND' }, { header: 'NAMESPACE' }, { header: 'STATUS' }, { header: 'PROGRESS', align: 'right' }, { header: 'CREATED' }, { header: 'BY' }],
    items.map((j) => {
      const p = jobProgress(j);
      const progress = p.total ? `${formatPercent(Math.min(1, p.done / p.total))}` : `${formatCount(p.done)} ${p.unit}`;
      return [j.id, j.kind, j.namespace ?? '-', statusText(ctx, j.status), progress, formatTime(j.createdAt), j.createdBy.id];
    }),
  );
  return 0;
}

async function show(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'JOB', USAGE[1] ?? '');
  noExtraPositionals(ctx, 2, USAGE[1] ?? '');
  const job = await ctx.api().get<JobView>(`/api/jobs/${encodeURIComponent(id)}`);
  if (ctx.json) return printJson(ctx, job);
  ctx.out.line(`${ctx.out.color.bold(job.id)}  ${job.kind} on ${job.clusterId}${job.namespace ? `/${job.namespace}` : ''}: ${statusText(ctx, job.status)}, ${job.chunks} chunk(s), created ${formatTime(job.createdAt)} by ${job.createdBy.id}`);
  for (const line of genericSummary(ctx, job).slice(1)) ctx.out.line(line);
  const counters = [...new Set(job.nodes.flatMap((n) => Object.keys(n.counts)))];
  printTable(
    ctx.out,
    [{ header: 'CURSOR' }, { header: 'NODE' }, { header: 'DONE' }, ...counters.map((c) => ({ header: c.toUpperCase(), align: 'right' as const }))],
    job.nodes.map((n) => {
      const node = n.node as { host?: string; port?: number } | string | undefined;
      const address = typeof node === 'string' ? node : node?.host ? `${node.host}:${node.port ?? ''}` : '-';
      return [n.id, address, n.done ? 'yes' : 'no', ...counters.map((c) => formatCount(n.counts[c] ?? 0))];
    }),
  );
  return job.status === 'failed' ? 1 : 0;
}

async function watch(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'JOB', USAGE[2] ?? '');
  noExtraPositionals(ctx, 2, USAGE[2] ?? '');
  const outcome = await followJob(ctx, id, id);
  return reportOutcome(ctx, outcome, (job) => genericSummary(ctx, job));
}

async function cancel(ctx: CommandContext): Promise<number> {
  const id = positional(ctx, 1, 'JOB', USAGE[3] ?? '');
  noExtraPositionals(ctx, 2, USAGE[3] ?? '');
  const api = ctx.api();
  const job = await api.get<JobView>(`/api/jobs/${encodeURIComponent(id)}`);
  await confirm(ctx, [`Job ${job.id} (${job.kind}${job.namespace ? ` of namespace ${job.namespace}` : ''}) on cluster '${job.clusterId}' is ${job.status}; work done so far stays done.`], `Cancel job ${job.id} on cluster '${job.clusterId}'?`);
  const answer = await api.call<JobView>('POST', `/api/jobs/${encodeURIComponent(id)}/cancel`);
  if (ctx.json) return printJson(ctx, answer.body);
  ctx.out.line(answer.status === 200 ? `Cancelled job ${id}.` : `Cancel requested: job ${id} stops at its next checkpoint (rcm jobs watch ${id}).`);
  return 0;
}
