import { parseCloudEvent } from '../platform/events/cloudEventSchema';
import { runJobChunk } from '../platform/jobs/runJobChunk';
import { jobWorkerRuntime } from './jobKinds';

/** Minimal invocation context (an `InvocationContext` fits). */
interface EventInvocation {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/**
 * The job runner's work for one event: validate, dedupe on the event id, run one chunk of the job it names.
 * Malformed or foreign events are logged and dropped (retrying cannot fix them). Chunk errors are handled by the
 * machinery (the job records them); only storage failures propagate, so Event Grid retries.
 */
export async function runJobEvent(raw: unknown, context: EventInvocation): Promise<void> {
  const parsed = parseCloudEvent(raw);
  if (!parsed.ok) {
    context.warn(`jobRunner: ${parsed.problem}`);
    return;
  }
  const event = parsed.event;
  if (event.type !== 'RedisClusterManager.Job.Queued' && event.type !== 'RedisClusterManager.Job.ChunkCompleted') {
    context.warn(`jobRunner: event ${event.id} of type ${event.type} is not for the job runner; ignored`);
    return;
  }
  const jobId = event.data.jobId;
  const rt = await jobWorkerRuntime();
  await rt.cp.dedupe.once('job-runner', event.id, async () => {
    const result = await runJobChunk(jobId, { ...rt, log: (m) => context.log(m) });
    context.log(`jobRunner: event ${event.id} job ${jobId}: ${result.outcome}${result.outcome === 'ran' ? ` chunk ${result.chunk} -> ${result.status}` : ''}`);
  });
}
