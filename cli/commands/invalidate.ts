import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandSpec } from '../Command';
import { formatCount, formatDuration } from '../output/format';
import { printTable } from '../output/table';
import { confirm } from '../prompt';
import { jobOptions, rateFlag, startedJob, type AcceptedJob } from './jobStart';

const USAGE = 'invalidate CLUSTER NS [--pattern GLOB] [--dry-run] [--rate KEYS/S] [--max-keys N] [--force] [--no-wait]';

/** The dry-run answer of the invalidate route (`estimateMatches`). */
interface Estimate {
  dryRun: true;
  pattern: string;
  estimatedKeys: number;
  margin95: number;
  method: string;
  sampled: number;
  nodes: Array<{ node: string; dbsize: number; sampled: number; matched: number; estimatedKeys: number }>;
}

export const invalidateCommand: CommandSpec = {
  usage: [USAGE],
  description:
    'Deletes the keys of a namespace (its key pattern, or a narrower --pattern inside it) with a throttled, resumable SCAN + UNLINK on every master, as a job. First shows how many keys will go (a sampled estimate, exact on small nodes) and asks, naming the cluster. --dry-run only estimates. Protected namespaces need --force and an admin key.',
  options: {
    pattern: { type: 'string', valueName: '<glob>', description: 'a narrower pattern inside the namespace (e.g. user:42:*)' },
    'dry-run': { type: 'boolean', description: 'only estimate how many keys match; nothing is deleted' },
    rate: { type: 'string', valueName: '<keys/s>', description: 'keys per second per node, or unlimited (default 20000)' },
    'max-keys': { type: 'string', valueName: '<n>', description: 'stop after this many keys (default 10,000,000)' },
    force: { type: 'boolean', description: 'allow a protected or match-everything namespace (admin only)' },
    ...jobOptions,
  },
  examples: ['rcm invalidate main users --dry-run', 'rcm invalidate main users --rate 5000', 'rcm invalidate main users --pattern "user:42:*" --yes --no-wait'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    const ns = positional(ctx, 1, 'NS', USAGE);
    noExtraPositionals(ctx, 2, USAGE);
    const pattern = stringFlag(ctx.flags, 'pattern');
    const rate = rateFlag(ctx);
    const maxKeys = numberFlag(ctx.flags, 'max-keys', { min: 1, integer: true });
    const force = ctx.flags.force === true;
    const path = `/api/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(ns)}/invalidate`;
    const api = ctx.api();
    const common = { ...(pattern ? { pattern } : {}), ...(force ? { force } : {}) };
    const estimate = (await api.call<Estimate>('POST', path, { body: { ...common, dryRun: true } })).body;
    if (ctx.flags['dry-run'] === true) {
      if (ctx.json) return printJson(ctx, estimate);
      ctx.out.line(`~${formatCount(estimate.estimatedKeys)} keys match '${estimate.pattern}' in namespace ${ns} of cluster ${cluster}${estimate.margin95 ? ` (±${formatCount(estimate.margin95)} at 95 %)` : ''}, ${estimate.method}. Nothing was deleted.`);
      printTable(
        ctx.out,
        [{ header: 'NODE' }, { header: 'DBSIZE', align: 'right' }, { header: 'SAMPLED', align: 'right' }, { header: 'MATCHED', align: 'right' }, { header: 'ESTIMATE', align: 'right' }],
        estimate.nodes.map((n) => [n.node, formatCount(n.dbsize), formatCount(n.sampled), formatCount(n.matched), formatCount(n.estimatedKeys)]),
      );
      return 0;
    }
    const pace = rate === null ? 'unthrottled' : `at most ${formatCount(rate ?? 20000)} keys/s per node`;
    const seconds = rate === null ? null : estimate.estimatedKeys / ((rate ?? 20000) * Math.max(1, estimate.nodes.length));
    await confirm(
      ctx,
      [
        `This UNLINKs ~${formatCount(estimate.estimatedKeys)} keys matching '${estimate.pattern}' (namespace ${ns}) on ${estimate.nodes.length} master(s) of cluster '${cluster}', ${pace}${seconds !== null ? ` (about ${formatDuration(Math.max(1, seconds))})` : ''}.`,
        'Deleted keys are gone (the warm plan, if any, can refill them).',
      ],
      `Invalidate namespace '${ns}' on cluster '${cluster}'?`,
    );
    const body = { ...common, ...(rate !== undefined ? { keysPerSecondPerNode: rate } : {}), ...(maxKeys !== undefined ? { maxKeys } : {}) };
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    return startedJob(ctx, accepted, `invalidate ${cluster}/${ns}`, { total: estimate.estimatedKeys }, (job) => {
      const p = job.progress;
      const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
      const lines = [`Job ${job.id} ${job.status === 'succeeded' ? ctx.out.color.green(job.status) : ctx.out.color.red(job.status)} in ${formatDuration(seconds)}: deleted ${formatCount(p['deleted'] ?? 0)} keys (scanned ${formatCount(p['scanned'] ?? 0)}) on ${job.nodes.length} node(s)${job.result?.['limitReached'] === true ? ', stopped at --max-keys' : ''}.`];
      if (job.error) lines.push(`error ${job.error.code}: ${job.error.message}`);
      return lines;
    });
  },
};
