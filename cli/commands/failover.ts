import type { FailoverPlan } from '../../shared/admin/slots/planFailover';
import { usageError } from '../CliError';
import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatBytes, formatCount } from '../output/format';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'failover CLUSTER REPLICA [--force|--takeover] [--dry-run] [--no-wait]';

export const failoverCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Promotes a replica with CLUSTER FAILOVER, the way `redis-cli -h REPLICA cluster failover` does, but shows the plan first (its replication lag behind the master, whether the master answers, risks), asks naming the cluster, and waits as a `nodes` job until the replica reports master and every node agrees. The default mode loses no acknowledged write. --force (CLUSTER FAILOVER FORCE: master down) and --takeover (no vote either) may lose writes the replica has not received: they need an admin key.',
  options: {
    force: { type: 'boolean', description: 'CLUSTER FAILOVER FORCE, without the master (admin only)' },
    takeover: { type: 'boolean', description: 'CLUSTER FAILOVER TAKEOVER, without the master or a vote (admin only)' },
    'dry-run': { type: 'boolean', description: 'show the plan, change nothing' },
    ...jobOptions,
  },
  examples: ['rcm failover main 10.0.0.6:6379 --dry-run', 'rcm failover main 10.0.0.6:6379 --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const replica = positional(ctx, 1, 'REPLICA', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    if (ctx.flags.force === true && ctx.flags.takeover === true) throw usageError('give at most one of --force or --takeover', `Usage: rcm ${USAGE}`);
    const mode = ctx.flags.takeover === true ? 'takeover' : ctx.flags.force === true ? 'force' : 'default';
    const body = { replica, mode, ...(mode !== 'default' ? { force: true } : {}) };
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/failover`;
    const plan = (await api.call<FailoverPlan>('POST', path, { body: { ...body, dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    if (!ctx.json) {
      const lag = plan.replicationLagBytes === null ? 'unknown' : formatBytes(plan.replicationLagBytes);
      ctx.out.line(`Plan: promote ${plan.replica.address} (${mode}) over ${plan.master.address} (${plan.master.reachable ? 'answers' : ctx.out.color.red('does not answer')}), ${formatCount(plan.slots)} slot(s), replication lag ${lag}.`);
      for (const [i, step] of plan.steps.entries()) ctx.out.line(`  ${i + 1}. ${step}`);
      for (const r of plan.risks) ctx.out.line(`  ${ctx.out.color.yellow(r.dataLoss ? 'risk (data loss)' : 'risk')} ${r.code}: ${r.message}`);
    }
    if (ctx.flags['dry-run'] === true) return 0;
    await confirm(ctx, [], `Fail over ${plan.master.address} to ${plan.replica.address} (${mode}) on cluster '${cluster}'?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `failover ${cluster} ${plan.replica.address}`, { total: plan.steps.length }, (job) => {
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)}: ${job.status === 'succeeded' ? `${plan.replica.address} is the master of ${formatCount(plan.slots)} slot(s)` : `${plan.replica.address} was not promoted`}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
