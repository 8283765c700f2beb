import type { SlotPlan } from '../../shared/admin/slots/planReshard';
import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'fix CLUSTER [--dry-run] [--no-wait]';

/** The fix plan as the API shows it: the moves that finish open slots, and the slots fix refuses (with why). */
type FixView = Omit<SlotPlan, 'pairs'> & {
  pairs: Array<{ from: { id: string; address: string }; to: { id: string; address: string }; slots: string; slotCount: number; keys: number; estimatedBytes: number }>;
  unfixable: Array<{ slot: number; reason: string; manualSteps: string }>;
};

export const fixCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Finishes open slots, like `redis-cli --cluster fix`: every slot left MIGRATING or IMPORTING is moved forward to the node it was going to, without losing a key. Always shows the plan first (moves, keys, bytes, and the slots it refuses with the reason and the manual steps), then asks naming the cluster; runs as a resumable `slots` job with the progress bar. A plan with refused slots changes nothing. --dry-run shows the plan only.',
  options: {
    'dry-run': { type: 'boolean', description: 'show the plan, change nothing' },
    ...jobOptions,
  },
  examples: ['rcm fix main --dry-run', 'rcm fix main --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/fix`;
    const plan = (await api.call<FixView>('POST', path, { body: { dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    if (!ctx.json) {
      printTable(
        ctx.out,
        [{ header: 'FROM' }, { header: 'TO' }, { header: 'SLOTS' }, { header: 'COUNT', align: 'right' }, { header: 'KEYS', align: 'right' }, { header: 'BYTES', align: 'right' }],
        plan.pairs.map((p) => [p.from.address, p.to.address, p.slots, formatCount(p.slotCount), formatCount(p.keys), formatBytes(p.estimatedBytes)]),
      );
      ctx.out.line(`Plan: finish ${formatCount(plan.slotCount)} open slot(s), ${formatCount(plan.keys)} keys, ~${formatBytes(plan.estimatedBytes)}, about ${formatDuration(plan.expectedDurationSeconds)}.`);
      for (const u of plan.unfixable) ctx.out.line(`  ${ctx.out.color.red('refused')} slot ${u.slot}: ${u.reason}. ${u.manualSteps}`);
    }
    if (ctx.flags['dry-run'] === true) return plan.unfixable.length > 0 ? 1 : 0;
    // With refused slots the API changes nothing (409 cannot_fix); asking first would only ask for a refusal.
    if (plan.unfixable.length === 0) await confirm(ctx, [], `Finish ${formatCount(plan.slotCount)} open slot(s) on cluster '${cluster}'?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body: {} })).body;
    return startedJob(ctx, accepted, `fix ${cluster}`, { total: plan.slotCount }, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: finished ${formatCount(p['slotsMoved'] ?? 0)} of ${formatCount(plan.slotCount)} open slot(s), ${formatCount(p['keysMoved'] ?? 0)} keys moved.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
