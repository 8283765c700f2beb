import { noExtraPositionals, positional, printJson, type CommandSpec } from '../Command';
import { formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'fix CLUSTER [--dry-run] [--force] [--no-wait]';

/** One problem of the fix plan as the API shows it: its repair, or why it is refused. */
interface FixProblemView {
  problem: string;
  slots: string;
  slotCount: number;
  action: 'move' | 'settle' | 'refused';
  owner?: { id: string; address: string };
  from?: { id: string; address: string };
  detail?: string;
  reason?: string;
  manualSteps?: string;
  keys?: number;
  keysToMove?: number;
  keysAtRisk?: number | null;
  forced?: boolean;
}

/** The fix plan (`POST …/slots/fix` with `dryRun`). */
interface FixView {
  problems: FixProblemView[];
  steps: number;
  slotCount: number;
  keys: number;
  keysToMove: number;
  expectedDurationSeconds: number;
  unfixable: Array<{ slots: string; problem: string; reason: string; manualSteps: string }>;
}

export const fixCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Repairs every slot problem health reports, like `redis-cli --cluster fix` and beyond it: open slots in any combination, uncovered slots, slots with several owners, keys left outside their owner, views that disagree. Always shows the plan first (each problem, its repair — move: finished forward; settle: one owner, every key moved to it — keys to move, and the problems it refuses with the reason and the manual steps), then asks naming the cluster; runs as a resumable `slots` job with the progress bar. A plan with refused problems changes nothing. A down master\'s slots are refused unless --force is given with an admin key (its keys are lost if it comes back). --dry-run shows the plan only.',
  options: {
    'dry-run': { type: 'boolean', description: 'show the plan, change nothing' },
    force: { type: 'boolean', description: 'admin: reassign the slots of a master that is down' },
    ...jobOptions,
  },
  examples: ['rcm fix main --dry-run', 'rcm fix main --yes', 'rcm fix main --force --dry-run'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/fix`;
    const force = ctx.flags['force'] === true;
    const plan = (await api.call<FixView>('POST', path, { body: { dryRun: true, ...(force ? { force } : {}) } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    if (!ctx.json) {
      printTable(
        ctx.out,
        [{ header: 'PROBLEM' }, { header: 'SLOTS' }, { header: 'COUNT', align: 'right' }, { header: 'REPAIR' }, { header: 'OWNER' }, { header: 'KEYS TO MOVE', align: 'right' }],
        plan.problems.map((p) => [
          p.problem,
          p.slots,
          formatCount(p.slotCount),
          p.action === 'refused' ? ctx.out.color.red('refused') : p.action === 'move' ? `move from ${p.from?.address ?? '?'}` : p.forced ? ctx.out.color.red('settle (forced)') : 'settle',
          p.owner?.address ?? '-',
          p.action === 'refused' ? '-' : formatCount(p.keysToMove ?? 0),
        ]),
      );
      for (const p of plan.problems) if (p.forced) ctx.out.line(`  ${ctx.out.color.red('at risk')} slots ${p.slots}: ${p.keysAtRisk === null || p.keysAtRisk === undefined ? 'an unknown number of' : formatCount(p.keysAtRisk)} key(s) of the down master are lost if it comes back.`);
      ctx.out.line(`Plan: repair ${formatCount(plan.slotCount)} slot(s) in ${formatCount(plan.steps)} step(s), ${formatCount(plan.keys)} keys (${formatCount(plan.keysToMove)} to move), about ${formatDuration(plan.expectedDurationSeconds)}.`);
      for (const u of plan.unfixable) ctx.out.line(`  ${ctx.out.color.red('refused')} slots ${u.slots} (${u.problem}): ${u.reason}. ${u.manualSteps}`);
    }
    if (ctx.flags['dry-run'] === true) return plan.unfixable.length > 0 ? 1 : 0;
    // With refused problems the API changes nothing (409 cannot_fix); asking first would only ask for a refusal.
    if (plan.unfixable.length === 0) await confirm(ctx, [], `Repair ${formatCount(plan.slotCount)} slot(s) on cluster '${cluster}'${force ? ' (force: a down master\'s slots are reassigned)' : ''}?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body: force ? { force } : {} })).body;
    return startedJob(ctx, accepted, `fix ${cluster}`, { total: plan.slotCount }, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: repaired ${formatCount(p['slotsRepaired'] ?? 0)} of ${formatCount(plan.slotCount)} slot(s), ${formatCount(p['keysMoved'] ?? 0)} keys moved.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
