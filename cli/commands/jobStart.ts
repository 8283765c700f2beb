import { usageError } from '../CliError';
import type { CommandContext, OptionSpec } from '../Command';
import { followJob, genericSummary, printAccepted, reportOutcome } from '../jobs/followJob';
import type { ProgressHint } from '../jobs/jobProgress';
import type { JobView } from '../../shared/platform/jobs/JobService';

/** The 202 body of every job-starting route (`acceptedJob` in shared/platform/jobs/jobRoutes.ts). */
export interface AcceptedJob {
  jobId: string;
  kind: string;
  status: string;
  href: string;
}

/** Flags of every job-starting command. */
export const jobOptions: Record<string, OptionSpec> = {
  'no-wait': { type: 'boolean', description: 'print the job URL and return instead of following it' },
};

/**
 * `--rate`: keys per second per node, or `unlimited` (null for the API). Refuses anything else by name.
 */
export function rateFlag(ctx: CommandContext): number | null | undefined {
  const raw = ctx.flags.rate;
  if (typeof raw !== 'string') return undefined;
  if (raw === 'unlimited' || raw === '0') return null;
  const n = Number(raw.replace(/k$/i, '000'));
  if (!Number.isInteger(n) || n < 1) throw usageError(`--rate must be keys per second per node (e.g. 5000, 20k) or 'unlimited', not '${raw}'`);
  return n;
}

/** After a 202: `--no-wait` prints the URL; otherwise follow with the bar and print the summary. */
export async function startedJob(ctx: CommandContext, accepted: AcceptedJob, label: string, hint: ProgressHint, summary?: (job: JobView) => string[]): Promise<number> {
  if (ctx.flags['no-wait'] === true) return printAccepted(ctx, accepted);
  const outcome = await followJob(ctx, accepted.jobId, label, hint);
  return reportOutcome(ctx, outcome, summary ?? ((job) => genericSummary(ctx, job)));
}

/** `--no-wait`: prints the accepted job and returns its exit code; otherwise undefined (the caller follows). */
export function printAcceptedOr(ctx: CommandContext, accepted: AcceptedJob): number | undefined {
  return ctx.flags['no-wait'] === true ? printAccepted(ctx, accepted) : undefined;
}
