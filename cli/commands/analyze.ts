import type { AnalysisSummary, NamespaceReport } from '../../shared/eviction/analysis/analysisReport';
import type { Recommendation } from '../../shared/eviction/policy/recommendPolicy';
import type { JobView } from '../../shared/platform/jobs/JobService';
import { noExtraPositionals, numberFlag, positional, printJson, type CommandContext, type CommandSpec } from '../Command';
import { followJob, reportOutcome } from '../jobs/followJob';
import { formatBytes, formatCount, formatPercent } from '../output/format';
import { printTable } from '../output/table';
import { jobOptions, printAcceptedOr, type AcceptedJob } from './jobStart';

const USAGE = 'analyze CLUSTER [--exact] [--samples N] [--no-wait]';

interface AnalysisReportBody {
  jobId: string;
  mode: 'exact' | 'sampled';
  complete: boolean;
  summary: AnalysisSummary;
  recommendation?: Recommendation;
  unreachable: string[];
}

/** TTL buckets folded into four columns (share of the namespace's keys). */
const ttlColumns: Array<[string, string[]]> = [
  ['NO TTL', ['none']],
  ['<1H', ['lt1h']],
  ['1H-24H', ['1h-4h', '4h-12h', '12h-24h']],
  ['>1D', ['1d-7d', '7d-30d', 'gt30d']],
];

function estimate(e: { value: number; errorBound95: number | null }, format: (n: number) => string): string {
  return e.errorBound95 === null ? format(e.value) : `${format(e.value)} ±${format(e.errorBound95)}`;
}

function printReport(ctx: CommandContext, report: AnalysisReportBody, recommendation: Recommendation | undefined): void {
  const { color } = ctx.out;
  const s = report.summary;
  if (ctx.out.isTTY) ctx.out.line(`${color.bold(`${s.mode} analysis`)}: ${formatCount(s.keysProbed)} keys probed, ${estimate(s.totals.keys, formatCount)} keys, ${estimate(s.totals.memoryBytes, formatBytes)} in keys${report.complete ? '' : color.yellow(' (incomplete: some nodes were unreachable)')}`);
  const share = (ns: NamespaceReport, buckets: string[]): string => {
    const total = ns.keys.value > 0 ? Object.values(ns.ttl).reduce((a, c) => a + c.keys, 0) : 0;
    const keys = buckets.reduce((a, b) => a + (ns.ttl[b]?.keys ?? 0), 0);
    return total > 0 ? formatPercent(keys / total) : '-';
  };
  printTable(
    ctx.out,
    [{ header: 'NAMESPACE' }, { header: 'KEYS', align: 'right' }, { header: 'MEMORY', align: 'right' }, { header: 'SHARE', align: 'right' }, ...ttlColumns.map(([h]) => ({ header: h, align: 'right' as const })), { header: 'LARGEST KEYS' }],
    s.namespaces.map((ns) => [
      ns.configured ? color.bold(ns.namespace) : ns.namespace,
      estimate(ns.keys, formatCount),
      estimate(ns.memoryBytes, formatBytes),
      formatPercent(ns.memoryShare),
      ...ttlColumns.map(([, b]) => share(ns, b)),
      ns.topKeys.slice(0, 3).map((k) => `${k.key} (${formatBytes(k.memoryBytes)})`).join(', '),
    ]),
  );
  if (!recommendation) return;
  ctx.out.line('');
  const change = recommendation.recommended !== recommendation.current;
  ctx.out.line(`${color.bold('Recommendation:')} ${change ? color.yellow(recommendation.recommended) : color.green(recommendation.recommended)} (current: ${recommendation.current})${change ? `  apply: rcm eviction apply ${ctx.positionals[0] ?? ''} ${recommendation.recommended}` : ''}`);
  for (const r of recommendation.reasons) ctx.out.line(`  - ${r.message}`);
  for (const w of recommendation.warnings) ctx.out.line(`  ${color.yellow('!')} ${w.message}`);
  if (recommendation.maxmemoryReserved) ctx.out.line(`  - maxmemory-reserved: ${recommendation.maxmemoryReserved.recommendedMb} MB (${recommendation.maxmemoryReserved.reason.message})`);
}

export const analyzeCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Memory analysis by namespace as a job: keys, memory, share, TTL distribution and largest keys per namespace (sampled with 95 % error bounds, or --exact with a full SCAN), then the eviction-policy recommendation with its reasons.',
  options: {
    exact: { type: 'boolean', description: 'SCAN every key instead of sampling (slower, no error bounds)' },
    samples: { type: 'string', valueName: '<n>', description: 'sampled mode: how many keys to sample (default 20000)' },
    ...jobOptions,
  },
  examples: ['rcm analyze main', 'rcm analyze main --exact --json | jq .summary.namespaces[0]'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const samples = numberFlag(ctx.flags, 'samples', { min: 100, max: 100_000, integer: true });
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/analysis`;
    const accepted = (await api.call<AcceptedJob>('POST', path, { body: { mode: ctx.flags.exact === true ? 'exact' : 'sampled', ...(samples ? { samples } : {}) } })).body;
    const early = printAcceptedOr(ctx, accepted);
    if (early !== undefined) return early;
    const outcome = await followJob(ctx, accepted.jobId, `analyze ${cluster}`);
    if (outcome.kind !== 'final' || outcome.job.status !== 'succeeded') return reportOutcome(ctx, outcome, (job) => [`Job ${job.id} ${job.status}${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}.`]);
    const report = await api.get<AnalysisReportBody>(`${path}/${encodeURIComponent(accepted.jobId)}`);
    const recommendation = report.recommendation ?? ((outcome.job as JobView).result?.['recommendation'] as Recommendation | undefined);
    if (ctx.json) return printJson(ctx, { ...report, recommendation: recommendation ?? null });
    printReport(ctx, report, recommendation);
    return 0;
  },
};
