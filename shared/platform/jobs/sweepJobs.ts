import { trace } from '@opentelemetry/api';
import { continueTrace } from '../telemetry/continueTrace';
import { runJobChunk, type ChunkRunResult, type JobRunnerDeps } from './runJobChunk';

export interface SweepResult {
  /** Unfinished jobs seen. */
  active: number;
  /** Jobs whose lease had expired and that this sweep ran a chunk of. */
  resumed: Array<{ jobId: string; result: ChunkRunResult }>;
}

/**
 * The timer's half of continuation: every unfinished job whose lease has expired (a crashed or timed-out holder,
 * a lost `ChunkCompleted`/`Queued` event) gets one chunk, up to `parallel` jobs at a time. Taking the lease is
 * conditional, so a sweep racing the event-driven runner (or another instance's sweep) runs nothing twice. Each
 * resumed chunk continues the job's own trace (its span links to the sweep's invocation).
 * @param parallel @default 4
 */
export async function sweepJobs(deps: JobRunnerDeps, parallel = 4): Promise<SweepResult> {
  // The `~active` index, not a scan of every job ever kept: the cost follows the running jobs, not the table.
  const active = await deps.store.active();
  const now = Date.now();
  const due = active.filter((job) => job.lease.expiresAt <= now);
  const resumed: SweepResult['resumed'] = [];
  const sweep = trace.getActiveSpan()?.spanContext();
  const chunkDeps: JobRunnerDeps = sweep ? { ...deps, spanLinks: [{ context: sweep }] } : deps;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < due.length) {
      const job = due[next++];
      if (!job) break;
      try {
        resumed.push({ jobId: job.id, result: await continueTrace(job.traceparent, () => runJobChunk(job.id, chunkDeps)) });
      } catch (error) {
        (deps.log ?? console.error)(`sweep: job ${job.id} chunk failed to run: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, due.length) }, worker));
  return { active: active.length, resumed };
}
