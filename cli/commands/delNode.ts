import type { RemoveNodePlan } from '../../shared/admin/slots/planRemoveNode';
import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'del-node CLUSTER NODE [--no-reset] [--force] [--dry-run] [--no-wait]';

interface DrainView {
  pairs: Array<{ from: { address: string }; to: { address: string }; slots: string; slotCount: number; keys: number; estimatedBytes: number }>;
  slotCount: number;
  keys: number;
  estimatedBytes: number;
  expectedDurationSeconds: number;
}

export const delNodeCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Removes a node, like `redis-cli --cluster del-node`, but a master with slots is drained first (its slots go to the other masters, evening out slot counts, moved losslessly as in reshard). Its replicas are re-pointed to another master, every other node (replicas too) is told to CLUSTER FORGET it at once, and it is CLUSTER RESET SOFT so it cannot gossip its way back (--no-reset to leave it). Shows the plan, asks naming the cluster, runs as a resumable `slots` job. Draining a master needs an admin key; a node that does not answer needs --force and an admin key.',
  options: {
    'no-reset': { type: 'boolean', description: 'do not CLUSTER RESET the removed node' },
    force: { type: 'boolean', description: 'accept the plan\'s data-loss risks (admin only)' },
    'dry-run': { type: 'boolean', description: 'show the plan, change nothing' },
    ...jobOptions,
  },
  examples: ['rcm del-node main 10.0.0.9:6379 --dry-run', 'rcm del-node main 3f1c…e2a0 --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const node = positional(ctx, 1, 'NODE', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    const body = { node, ...(ctx.flags['no-reset'] === true ? { reset: false } : {}), ...(ctx.flags.force === true ? { force: true } : {}) };
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/remove-node`;
    const plan = (await api.call<RemoveNodePlan>('POST', path, { body: { ...body, dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    const drain = plan.drain as DrainView | null;
    if (!ctx.json) {
      ctx.out.line(`Plan: remove ${plan.node.role} ${plan.node.address} (node ${plan.node.id}${plan.node.reachable ? '' : ', not answering'}).`);
      if (drain) {
        printTable(
          ctx.out,
          [{ header: 'FROM' }, { header: 'TO' }, { header: 'SLOTS' }, { header: 'COUNT', align: 'right' }, { header: 'KEYS', align: 'right' }, { header: 'BYTES', align: 'right' }],
          drain.pairs.map((p) => [p.from.address, p.to.address, p.slots, formatCount(p.slotCount), formatCount(p.keys), formatBytes(p.estimatedBytes)]),
        );
        ctx.out.line(`Drain: ${formatCount(drain.slotCount)} slot(s), ${formatCount(drain.keys)} keys, ~${formatBytes(drain.estimatedBytes)}, about ${formatDuration(drain.expectedDurationSeconds)}.`);
      }
      for (const [i, step] of plan.steps.entries()) ctx.out.line(`  ${i + 1}. ${step}`);
      for (const r of plan.risks) ctx.out.line(`  ${ctx.out.color.yellow(r.dataLoss ? 'risk (data loss)' : 'risk')} ${r.code}: ${r.message}`);
    }
    if (ctx.flags['dry-run'] === true) return 0;
    await confirm(ctx, [], `Remove ${plan.node.address} from cluster '${cluster}'${drain ? ` after moving its ${formatCount(drain.slotCount)} slot(s)` : ''}?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `del-node ${cluster} ${plan.node.address}`, { total: drain?.slotCount ?? 0 }, (job) => {
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)}: ${job.status === 'succeeded' ? `${plan.node.address} removed from cluster '${cluster}'` : `${plan.node.address} not removed`}${drain ? `, ${formatCount(job.progress['slotsMoved'] ?? 0)} of ${formatCount(drain.slotCount)} slot(s) moved` : ''}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
