import type { SlotPlan } from '../../shared/admin/slots/planReshard';
import { usageError } from '../CliError';
import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'reshard CLUSTER --to NODE (--slots N | --range A-B...) [--from NODE...] [--dry-run] [--force] [--no-wait]';

/** The plan as the API shows it (`planView`): pairs with their slots as ranges. */
type PlanView = Omit<SlotPlan, 'pairs'> & { pairs: Array<{ from: { id: string; address: string }; to: { id: string; address: string }; slots: string; slotCount: number; keys: number; estimatedBytes: number }> };

export const reshardCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Moves slots to a master, like `redis-cli --cluster reshard`: a count taken from the sources in proportion to what they own (--slots), or explicit ranges (--range). Always shows the plan first (pairs, keys, bytes, big keys, risks, expected duration), then asks naming the cluster; runs as a resumable, lossless `slots` job with the progress bar. --dry-run shows the plan only. Data-loss risks need --force and an admin key.',
  options: {
    to: { type: 'string', valueName: '<node>', description: 'target master: node id or host:port' },
    from: { type: 'string', multiple: true, valueName: '<node>', description: 'source master (repeat; default: every other master)' },
    slots: { type: 'string', valueName: '<n>', description: 'how many slots to move' },
    range: { type: 'string', multiple: true, valueName: '<a-b>', description: 'an explicit slot range to move (repeat)' },
    'dry-run': { type: 'boolean', description: 'show the plan, move nothing' },
    force: { type: 'boolean', description: 'accept the plan\'s data-loss risks (admin only)' },
    ...jobOptions,
  },
  examples: ['rcm reshard main --to 10.0.0.7:6379 --slots 1000 --dry-run', 'rcm reshard main --to 10.0.0.7:6379 --range 0-99 --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const to = stringFlag(ctx.flags, 'to');
    if (to === undefined) throw usageError('missing --to NODE', `Usage: rcm ${USAGE}`);
    const slots = numberFlag(ctx.flags, 'slots', { min: 1, max: 16384, integer: true });
    const ranges = ((ctx.flags.range as string[] | undefined) ?? []).map((r) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(r);
      if (!m) throw usageError(`--range '${r}' is not A-B (e.g. 0-99) or a single slot`);
      return [Number(m[1]), Number(m[2] ?? m[1])] as [number, number];
    });
    if ((slots === undefined) === (ranges.length === 0)) throw usageError('give exactly one of --slots N or --range A-B', `Usage: rcm ${USAGE}`);
    const from = ctx.flags.from as string[] | undefined;
    const body = { to, ...(from?.length ? { from } : {}), ...(slots !== undefined ? { slots } : { ranges }), ...(ctx.flags.force === true ? { force: true } : {}) };
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/reshard`;
    const plan = (await api.call<PlanView>('POST', path, { body: { ...body, dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    if (!ctx.json) {
      printTable(
        ctx.out,
        [{ header: 'FROM' }, { header: 'TO' }, { header: 'SLOTS' }, { header: 'COUNT', align: 'right' }, { header: 'KEYS', align: 'right' }, { header: 'BYTES', align: 'right' }],
        plan.pairs.map((p) => [p.from.address, p.to.address, p.slots, formatCount(p.slotCount), formatCount(p.keys), formatBytes(p.estimatedBytes)]),
      );
      ctx.out.line(`Plan: ${formatCount(plan.slotCount)} slot(s), ${formatCount(plan.keys)} keys, ~${formatBytes(plan.estimatedBytes)}, ${plan.bigKeys.length} big key(s) sampled, about ${formatDuration(plan.expectedDurationSeconds)}.`);
      for (const r of plan.risks) ctx.out.line(`  ${ctx.out.color.yellow(r.dataLoss ? 'risk (data loss)' : 'risk')} ${r.code}: ${r.message}`);
    }
    if (ctx.flags['dry-run'] === true) return 0;
    const target = plan.pairs[0]?.to.address ?? to;
    await confirm(ctx, [], `Move ${formatCount(plan.slotCount)} slot(s) to ${target} on cluster '${cluster}'?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `reshard ${cluster} -> ${target}`, { total: plan.slotCount }, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: moved ${formatCount(p['slotsMoved'] ?? 0)} of ${formatCount(plan.slotCount)} slot(s), ${formatCount(p['keysMoved'] ?? 0)} keys.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
