import type { RebalanceSummary } from '../../shared/admin/slots/planRebalance';
import type { SlotPlan } from '../../shared/admin/slots/planReshard';
import { usageError } from '../CliError';
import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'rebalance CLUSTER [--weight-by slots|keys|memory|ops] [--weight NODE=W...] [--threshold PCT] [--dry-run] [--force] [--no-wait]';
const WEIGHT_BY = ['slots', 'keys', 'memory', 'ops'] as const;

/** The rebalance plan as the API shows it: the moves, and every master's share before and after. */
type RebalanceView = Omit<SlotPlan, 'pairs'> & {
  pairs: Array<{ from: { id: string; address: string }; to: { id: string; address: string }; slots: string; slotCount: number; keys: number; estimatedBytes: number }>;
  rebalance: RebalanceSummary;
};

export const rebalanceCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Moves slots so every master carries its weighted share, like `redis-cli --cluster rebalance` (--weight is its --cluster-weight, --threshold its --cluster-threshold, default 2 %), but balancing slots, keys, memory or ops/s (--weight-by, default slots). Always shows the plan first (moves, every master before → after its target, the spread max/mean), then asks naming the cluster; runs as a resumable, lossless `slots` job with the progress bar. Within the threshold nothing moves (exit 0). Data-loss risks need --force and an admin key.',
  options: {
    'weight-by': { type: 'string', valueName: '<what>', description: 'slots (default), keys, memory or ops (needs the monitor history)' },
    weight: { type: 'string', multiple: true, valueName: '<node=w>', description: 'relative weight of a master: node id or host:port = number (repeat; others 1; 0 drains it)' },
    threshold: { type: 'string', valueName: '<pct>', description: 'percent a master may be off its share before anything moves (default 2)' },
    'dry-run': { type: 'boolean', description: 'show the plan, move nothing' },
    force: { type: 'boolean', description: "accept the plan's data-loss risks (admin only)" },
    ...jobOptions,
  },
  examples: ['rcm rebalance main --dry-run', 'rcm rebalance main --weight-by keys --threshold 5 --yes', 'rcm rebalance main --weight 10.0.0.7:6379=2 --weight 10.0.0.8:6379=0'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const weightBy = stringFlag(ctx.flags, 'weight-by') ?? 'slots';
    if (!(WEIGHT_BY as readonly string[]).includes(weightBy)) throw usageError(`--weight-by must be one of ${WEIGHT_BY.join(', ')}, not '${weightBy}'`);
    const weights: Record<string, number> = {};
    for (const w of (ctx.flags.weight as string[] | undefined) ?? []) {
      const m = /^(\S+)=(\d+(?:\.\d+)?)$/.exec(w);
      if (!m) throw usageError(`--weight '${w}' is not NODE=WEIGHT (e.g. 10.0.0.7:6379=2)`);
      weights[m[1] as string] = Number(m[2]);
    }
    const threshold = numberFlag(ctx.flags, 'threshold', { min: 0, max: 1000 });
    const body = { weightBy, ...(Object.keys(weights).length > 0 ? { weights } : {}), ...(threshold !== undefined ? { threshold } : {}), ...(ctx.flags.force === true ? { force: true } : {}) };
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/slots/rebalance`;
    const plan = (await api.call<RebalanceView>('POST', path, { body: { ...body, dryRun: true } })).body;
    if (ctx.json && ctx.flags['dry-run'] === true) return printJson(ctx, plan);
    const r = plan.rebalance;
    const amount = (n: number): string => (r.unit === 'bytes' ? formatBytes(n) : r.unit === 'ops/s' ? `${formatCount(Math.round(n))}/s` : formatCount(Math.round(n)));
    if (!ctx.json) {
      printTable(
        ctx.out,
        [{ header: 'MASTER' }, { header: 'WEIGHT', align: 'right' }, { header: 'BEFORE', align: 'right' }, { header: 'TARGET', align: 'right' }, { header: 'AFTER', align: 'right' }, { header: 'OFF', align: 'right' }, { header: 'SLOTS', align: 'right' }],
        r.masters.map((m) => [m.address, String(m.weight), amount(m.before), amount(m.target), amount(m.after), m.offByPercentBefore === null ? 'drain' : `${m.offByPercentBefore.toFixed(2)}%`, `${formatCount(m.slotsBefore)}→${formatCount(m.slotsAfter)}`]),
      );
      ctx.out.line(`Spread by ${r.weightBy} (max/mean of ${r.unit}): ${r.spreadBefore ?? 'n/a'} → ${r.spreadAfter ?? 'n/a'}. Basis: ${r.basis}.`);
    }
    if (plan.slotCount === 0) {
      if (!ctx.json) ctx.out.line(r.withinThreshold ? `No rebalancing needed: every master is within the ${r.thresholdPercent} % threshold.` : 'No slot can move closer to the targets (the remaining imbalance is in slots heavier than what is left to balance).');
      return ctx.json ? printJson(ctx, plan) : 0;
    }
    if (!ctx.json) {
      printTable(
        ctx.out,
        [{ header: 'FROM' }, { header: 'TO' }, { header: 'SLOTS' }, { header: 'COUNT', align: 'right' }, { header: 'KEYS', align: 'right' }, { header: 'BYTES', align: 'right' }],
        plan.pairs.map((p) => [p.from.address, p.to.address, p.slots, formatCount(p.slotCount), formatCount(p.keys), formatBytes(p.estimatedBytes)]),
      );
      ctx.out.line(`Plan: ${formatCount(plan.slotCount)} slot(s), ${formatCount(plan.keys)} keys, ~${formatBytes(plan.estimatedBytes)}, ${plan.bigKeys.length} big key(s) sampled, about ${formatDuration(plan.expectedDurationSeconds)}.`);
      for (const risk of plan.risks) ctx.out.line(`  ${ctx.out.color.yellow(risk.dataLoss ? 'risk (data loss)' : 'risk')} ${risk.code}: ${risk.message}`);
    }
    if (ctx.flags['dry-run'] === true) return 0;
    await confirm(ctx, [], `Rebalance cluster '${cluster}' by ${r.weightBy}, moving ${formatCount(plan.slotCount)} slot(s)?`);
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `rebalance ${cluster}`, { total: plan.slotCount }, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: moved ${formatCount(p['slotsMoved'] ?? 0)} of ${formatCount(plan.slotCount)} slot(s), ${formatCount(p['keysMoved'] ?? 0)} keys.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
