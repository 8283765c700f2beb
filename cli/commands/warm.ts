import { noExtraPositionals, positional, type CommandSpec } from '../Command';
import { formatBytes, formatCount, formatDuration } from '../output/format';
import { confirm } from '../prompt';
import { jobOptions, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'warm CLUSTER NS [--dry-run] [--force] [--no-wait]';

export const warmCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Runs the namespace\'s warm plan (its source: a blob, an HTTP URL or another Redis) as a job: writes with NX or version checks, so fresher data is never overwritten, and applies the namespace TTL with jitter. --dry-run reads and checks the source and writes nothing.',
  options: {
    'dry-run': { type: 'boolean', description: 'read and check the source, write nothing' },
    force: { type: 'boolean', description: 'allow an overwriting plan whose keys may belong to a protected namespace (admin only)' },
    ...jobOptions,
  },
  examples: ['rcm warm main users', 'rcm warm main users --dry-run --json'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const ns = positional(ctx, 1, 'NS', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    const dryRun = ctx.flags['dry-run'] === true;
    if (!dryRun) await confirm(ctx, [`This writes the warm plan's records of namespace '${ns}' into cluster '${cluster}' (keys Redis already holds are left alone).`], `Warm namespace '${ns}' on cluster '${cluster}'?`);
    const accepted = (await ctx.api().call<AcceptedJob>('POST', `/api/clusters/${encodeURIComponent(cluster)}/warm`, { body: { namespace: ns, dryRun, ...(ctx.flags.force === true ? { force: true } : {}) } })).body;
    return startedJob(ctx, accepted, `warm ${cluster}/${ns}${dryRun ? ' (dry run)' : ''}`, {}, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: read ${formatCount(p['read'] ?? 0)} records, wrote ${formatCount(p['written'] ?? 0)} keys (${formatBytes(p['bytes'] ?? 0)}), skipped ${formatCount(p['skipped'] ?? 0)}, failed ${formatCount(p['failed'] ?? 0)}${dryRun ? ' (dry run: nothing written)' : ''}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
