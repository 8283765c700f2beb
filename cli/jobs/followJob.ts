import type { JobView } from '../../shared/platform/jobs/JobService';
import { exitCodes } from '../CliError';
import type { CommandContext } from '../Command';
import { formatCount, formatDuration } from '../output/format';
import { jobProgress, type ProgressHint } from './jobProgress';
import { RateMeter, renderBar } from './renderBar';

/** How a watch ended. */
export type FollowOutcome = { kind: 'final'; job: JobView } | { kind: 'detached'; job: JobView };

const FINAL = new Set(['succeeded', 'failed', 'cancelled']);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Reads one key from the terminal in raw mode (Ctrl-C and Ctrl-D count as 'd': detach is the safe answer). */
function readKey(): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    stdin.setRawMode(true);
    stdin.resume();
    stdin.once('data', (data: Buffer) => {
      stdin.setRawMode(false);
      stdin.pause();
      const key = data.toString('utf8').toLowerCase();
      resolve(key === '\u0003' || key === '\u0004' ? 'd' : key.slice(0, 1));
    });
  });
}

/**
 * Watches a job until it ends, drawing a progress bar on a terminal (stderr, so stdout keeps only the
 * summary): percentage, counts, rate and ETA. Ctrl-C asks whether to cancel the job or detach (the job goes
 * on either way unless cancelled); without a terminal Ctrl-C detaches.
 */
export async function followJob(ctx: CommandContext, jobId: string, label: string, hint: ProgressHint = {}): Promise<FollowOutcome> {
  const api = ctx.api();
  const tty = ctx.out.errIsTTY && !ctx.json;
  const interactive = tty && process.stdin.isTTY === true;
  const meter = new RateMeter();
  let interrupted = false;
  let prompting = false;
  let lastLine = '';
  let lastPlainAt = 0;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  const clear = (): void => {
    if (tty && lastLine !== '') ctx.out.errRaw('\r\x1b[2K');
  };
  try {
    for (;;) {
      const job = await api.get<JobView>(`/api/jobs/${encodeURIComponent(jobId)}`);
      const progress = jobProgress(job, hint);
      const final = FINAL.has(job.status);
      const rate = meter.add(progress.done);
      if (final && job.status === 'succeeded' && progress.total !== null) progress.done = Math.max(progress.done, progress.total);
      const line = renderBar(progress, final ? null : rate, ctx.out.columns, label);
      if (tty) {
        clear();
        ctx.out.errRaw(line);
        lastLine = line;
      } else if (!ctx.json && (Date.now() - lastPlainAt > 5000 || final)) {
        ctx.out.err(line);
        lastPlainAt = Date.now();
      }
      if (final) {
        if (tty) ctx.out.errRaw('\n');
        return { kind: 'final', job };
      }
      if (interrupted && !prompting) {
        interrupted = false;
        if (!interactive) {
          if (tty) ctx.out.errRaw('\n');
          return { kind: 'detached', job };
        }
        prompting = true;
        ctx.out.errRaw('\n');
        ctx.out.errRaw(`${ctx.out.errColor.bold(`Job ${job.id} is still ${job.status} on cluster '${job.clusterId}'.`)} [c] cancel it, [d] detach (it goes on), [r] resume watching: `);
        const key = await readKey();
        ctx.out.errRaw(`${key}\n`);
        prompting = false;
        lastLine = '';
        if (key === 'c') {
          const answer = await api.call<JobView>('POST', `/api/jobs/${encodeURIComponent(job.id)}/cancel`, { accept: [409] });
          ctx.out.err(answer.status === 409 ? 'The job had already finished.' : `Cancel requested${answer.status === 202 ? ': the running chunk stops at its next checkpoint' : ''}.`);
        } else if (key !== 'r') {
          return { kind: 'detached', job };
        }
      }
      await sleep(interrupted ? 0 : tty ? 400 : 1000);
    }
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/** Prints how a watch ended and returns the exit code: 0 succeeded, 1 failed or cancelled, 0 detached. */
export function reportOutcome(ctx: CommandContext, outcome: FollowOutcome, summary: (job: JobView) => string[]): number {
  const { job } = outcome;
  if (ctx.json) {
    ctx.out.line(JSON.stringify(job, null, 2));
  } else if (outcome.kind === 'detached') {
    ctx.out.err(`Detached. Job ${job.id} goes on; follow it with: rcm jobs watch ${job.id}  (cancel: rcm jobs cancel ${job.id})`);
  } else {
    for (const line of summary(job)) ctx.out.line(line);
  }
  if (outcome.kind === 'detached') return exitCodes.ok;
  return job.status === 'succeeded' ? exitCodes.ok : exitCodes.failure;
}

/** The common summary: status, duration, the job's counts, its result or error. */
export function genericSummary(ctx: CommandContext, job: JobView): string[] {
  const { color } = ctx.out;
  const seconds = job.startedAt && job.finishedAt ? (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000 : null;
  const status = job.status === 'succeeded' ? color.green(job.status) : color.red(job.status);
  const counts = Object.entries(job.progress).map(([k, v]) => `${k} ${formatCount(v)}`).join(', ');
  const lines = [`Job ${job.id} ${status} in ${formatDuration(seconds)}${counts ? `: ${counts}` : ''}.`];
  if (job.error) lines.push(`${color.red('error')} ${job.error.code}: ${job.error.message}`);
  const result = Object.entries(job.result ?? {}).filter(([, v]) => typeof v !== 'object' || v === null);
  if (result.length) lines.push(`result: ${result.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  return lines;
}

/** The `--no-wait` answer: the job id and where to read it. */
export function printAccepted(ctx: CommandContext, accepted: { jobId: string; href: string; kind: string; status: string }): number {
  if (ctx.json) {
    ctx.out.line(JSON.stringify({ ...accepted, url: ctx.api().url(accepted.href) }, null, 2));
    return exitCodes.ok;
  }
  ctx.out.line(`Job ${accepted.jobId} ${accepted.status}: ${ctx.api().url(accepted.href)}`);
  ctx.out.err(`Follow it with: rcm jobs watch ${accepted.jobId}`);
  return exitCodes.ok;
}
