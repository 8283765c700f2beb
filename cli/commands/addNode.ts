import type { AddNodePlan } from '../../shared/admin/slots/planAddNode';
import { noExtraPositionals, positional, printJson, stringFlag, type CommandSpec } from '../Command';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'add-node CLUSTER HOST:PORT [--replica-of NODE] [--dry-run] [--no-wait]';

export const addNodeCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Adds an empty cluster node, like `redis-cli --cluster add-node`: as a master without slots, or with --replica-of as a replica of that master. The manager first checks the node (it answers, runs in cluster mode, holds no key, knows no other cluster) and shows the plan (the node it meets, the master it follows, risks), then asks naming the cluster; runs as a resumable `nodes` job (MEET, every node knows it, REPLICATE, verify) with the progress bar. --dry-run shows the plan only.',
  options: {
    'replica-of': { type: 'string', valueName: '<node>', description: 'the master to follow: node id or host:port (default: join as an empty master)' },
    'dry-run': { type: 'boolean', description: 'check the node and show the plan, change nothing' },
    ...jobOptions,
  },
  examples: ['rcm add-node main 10.0.0.9:6379 --dry-run', 'rcm add-node main 10.0.0.9:6379 --replica-of 10.0.0.5:6379 --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const address = positional(ctx, 1, 'HOST:PORT', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    const replicaOf = stringFlag(ctx.flags, 'replica-of');
    const body = { address, ...(replicaOf !== undefined ? { replicaOf } : {}) };
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/add-node`;
    const plan = (await api.call<AddNodePlan>('POST', path, { body: { ...body, dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    if (!ctx.json) {
      ctx.out.line(`Plan: add ${plan.node.address} (node ${plan.node.id}) as ${plan.replicaOf ? `a replica of ${plan.replicaOf.address}` : 'an empty master'}, meeting ${plan.meet.address}; ${plan.nodesToLearn} node(s) must learn it.`);
      for (const [i, step] of plan.steps.entries()) ctx.out.line(`  ${i + 1}. ${step}`);
      for (const r of plan.risks) ctx.out.line(`  ${ctx.out.color.yellow(r.dataLoss ? 'risk (data loss)' : 'risk')} ${r.code}: ${r.message}`);
    }
    if (ctx.flags['dry-run'] === true) return 0;
    await confirm(ctx, [], `Add ${plan.node.address} to cluster '${cluster}' as ${plan.replicaOf ? `a replica of ${plan.replicaOf.address}` : 'a master'}?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `add-node ${cluster} ${plan.node.address}`, { total: plan.steps.length }, (job) => {
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)}: ${plan.node.address} ${job.status === 'succeeded' ? `joined cluster '${cluster}' as ${plan.role}` : 'did not join'}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
