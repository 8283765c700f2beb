import type { HotkeysReport } from '../../shared/monitoring/hotkeys/hotkeysReport';
import { noExtraPositionals, numberFlag, positional, printJson, stringFlag, type CommandContext, type CommandSpec } from '../Command';
import { usageError } from '../CliError';
import { followJob, reportOutcome } from '../jobs/followJob';
import { formatBytes, formatCount, formatPercent, formatRate } from '../output/format';
import { printTable } from '../output/table';
import { jobOptions, printAcceptedOr, type AcceptedJob } from './jobStart';

const USAGE = 'hotkeys CLUSTER [--duration SECONDS] [--method auto|monitor|lfu] [--top N] [--no-wait]';

type ReportBody = HotkeysReport & { jobId: string; status: string };

function printReport(ctx: CommandContext, report: ReportBody, top: number): void {
  const { color } = ctx.out;
  if (ctx.out.isTTY) {
    for (const n of report.nodes) {
      ctx.out.line(`${color.bold(n.node)} ${n.method}: ${n.windows} windows, ${n.monitoredSeconds.toFixed(1)} s monitored, ${formatBytes(n.bytesRead)} read (max ${formatBytes(n.maxWindowBytes)} of ${formatBytes(n.maxBytesPerWindow)} per window), ${formatCount(n.commands)} commands sampled, ${n.opsPerSec === null ? 'ops/s unknown' : `${formatRate(n.opsPerSec)} ops/s`}, error bound ${formatCount(n.errorBound)}`);
    }
    ctx.out.line('');
  }
  printTable(
    ctx.out,
    [{ header: 'KEY' }, { header: 'NODE' }, { header: 'SLOT', align: 'right' }, { header: 'NAMESPACE' }, { header: 'SHARE', align: 'right' }, { header: 'OPS/S', align: 'right' }, { header: 'READS', align: 'right' }, { header: 'LFU', align: 'right' }],
    report.keys.slice(0, top).map((k) => {
      const hits = (k.reads ?? 0) + (k.writes ?? 0);
      return [
        k.keyEncoding === 'base64' ? `b64:${k.key}` : k.key,
        k.node,
        String(k.slot),
        k.namespace ?? '-',
        k.share === null ? '-' : `${formatPercent(k.share)} (${formatPercent(k.shareLow)}-${formatPercent(k.shareHigh)})`,
        k.opsPerSec === null ? '-' : formatRate(k.opsPerSec),
        hits > 0 ? formatPercent((k.reads ?? 0) / hits) : '-',
        k.lfuFreq === null ? '-' : String(k.lfuFreq),
      ];
    }),
  );
  if (report.findings.length === 0) return;
  ctx.out.line('');
  for (const f of report.findings) {
    ctx.out.line(`${color.yellow('[WARNING]')} ${f.code}: ${f.message}`);
    for (const a of f.advice) ctx.out.line(`  - ${a}`);
  }
}

export const hotkeysCommand: CommandSpec = {
  usage: [USAGE],
  description: 'Hot-key radar as a job: short, duty-cycled MONITOR windows with a byte cap on every master (or OBJECT FREQ under an LFU policy), then the hottest keys with their node, slot, namespace, share of the node and ops/s with bounds, and hot_key/hot_node findings with what to do.',
  options: {
    duration: { type: 'string', valueName: '<seconds>', description: 'how long the radar runs, 5-600 (default 60)' },
    method: { type: 'string', valueName: '<m>', description: 'auto (default: OBJECT FREQ under LFU, else MONITOR), monitor or lfu' },
    top: { type: 'string', valueName: '<n>', description: 'keys to show (default 20)' },
    ...jobOptions,
  },
  examples: ['rcm hotkeys main', 'rcm hotkeys main --duration 120 --json | jq .findings'],
  async run(ctx) {
    const cluster = positional(ctx, 0, 'CLUSTER', USAGE);
    noExtraPositionals(ctx, 1, USAGE);
    const durationSeconds = numberFlag(ctx.flags, 'duration', { min: 5, max: 600, integer: true });
    const top = numberFlag(ctx.flags, 'top', { min: 1, max: 500, integer: true }) ?? 20;
    const method = stringFlag(ctx.flags, 'method');
    if (method !== undefined && !['auto', 'monitor', 'lfu'].includes(method)) throw usageError(`--method must be auto, monitor or lfu, not '${method}'`);
    const api = ctx.api();
    const path = `/api/clusters/${encodeURIComponent(cluster)}/hotkeys`;
    const body = { ...(durationSeconds ? { durationSeconds } : {}), ...(method ? { method } : {}), topK: Math.max(top, 50) };
    const accepted = (await api.call<AcceptedJob>('POST', path, { body })).body;
    const early = printAcceptedOr(ctx, accepted);
    if (early !== undefined) return early;
    const outcome = await followJob(ctx, accepted.jobId, `hotkeys ${cluster}`);
    if (outcome.kind !== 'final' || outcome.job.status !== 'succeeded') return reportOutcome(ctx, outcome, (job) => [`Job ${job.id} ${job.status}${job.error ? `: ${job.error.code}: ${job.error.message}` : ''}.`]);
    const report = await api.get<ReportBody>(`${path}/${encodeURIComponent(accepted.jobId)}`);
    if (ctx.json) return printJson(ctx, report);
    printReport(ctx, report, top);
    return 0;
  },
};
