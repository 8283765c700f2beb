import { noExtraPositionals, positional, type CommandSpec } from '../Command';
import { formatCount, formatDuration } from '../output/format';
import { confirm } from '../prompt';
import { jobOptions, rateFlag, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'hygiene CLUSTER NS [--dry-run] [--rate KEYS/S] [--force] [--no-wait]';

export const hygieneCommand: CommandSpec = {
  usage: [USAGE],
  description: 'TTL hygiene: finds the namespace\'s keys without a TTL and gives them the namespace TTL (with its jitter, EXPIRE NX so a TTL set meanwhile is kept), as a job. --dry-run only counts them (a job too: exact, not sampled).',
  options: {
    'dry-run': { type: 'boolean', description: 'only count keys without TTL' },
    rate: { type: 'string', valueName: '<keys/s>', description: 'keys per second per node, or unlimited (default 20000)' },
    force: { type: 'boolean', description: 'allow a protected namespace (admin only)' },
    ...jobOptions,
  },
  examples: ['rcm hygiene main sessions --dry-run', 'rcm hygiene main sessions --yes'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const ns = positional(ctx, 1, 'NS', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    const dryRun = ctx.flags['dry-run'] === true;
    const rate = rateFlag(ctx);
    if (!dryRun) await confirm(ctx, [`This sets the namespace TTL on every key of namespace '${ns}' of cluster '${cluster}' that has none (keys with a TTL are not touched).`], `Run TTL hygiene on '${ns}' of cluster '${cluster}'?`);
    const body = { dryRun, ...(ctx.flags.force === true ? { force: true } : {}), ...(rate !== undefined ? { keysPerSecondPerNode: rate } : {}) };
    const accepted = (await ctx.api().call<AcceptedJob>('POST', `/api/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(ns)}/ttl-hygiene`, { body })).body;
    return startedJob(ctx, accepted, `hygiene ${cluster}/${ns}${dryRun ? ' (dry run)' : ''}`, {}, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: scanned ${formatCount(p['scanned'] ?? 0)} keys, ${formatCount(p['withoutTtl'] ?? 0)} without TTL${dryRun ? ' (dry run: none changed)' : `, TTL set on ${formatCount(p['ttlSet'] ?? 0)}`}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
