import { hostname } from 'node:os';
import { SpanStatusCode, trace, type Link } from '@opentelemetry/api';
import { randomBytes } from 'node:crypto';
import type { DomainEvent } from '../events/catalogue';
import type { ControlPlane } from '../controlPlane';
import { isDomainError } from '../store/DomainError';
import { FencedJob } from './FencedJob';
import { isChunkFailed, type ChunkOutcome, type JobChunkContext, type JobKindLoader } from './JobKind';
import { finalStatuses, type JobRecord, type JobStatus } from './JobRecord';
import type { JobSettings } from './jobSettings';
import type { JobStore } from './JobStore';
import { isLeaseLostError } from './LeaseLostError';
import { statusOf } from '../store/statusOf';
import { activeTraceparent } from '../telemetry/activeTraceparent';
import { withSpan } from '../telemetry/withSpan';

const withTrace = (traceparent: string | undefined) => (traceparent ? { traceparent } : {});

/** This process as a lease owner: unique per process, readable in the job row. */
export const processOwner = `${hostname().slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;

export interface JobRunnerDeps {
  store: JobStore;
  cp: Pick<ControlPlane, 'clusters' | 'streams'>;
  settings: JobSettings;
  /** The job kinds this release runs, by name (wired by the composition root, `shared/app/jobKinds.ts`). */
  kinds: JobKindLoader;
  /** @default processOwner */
  owner?: string;
  /** @default console.log */
  log?: (message: string) => void;
  /** Spans of other traces the chunk's span links to (the sweeper's invocation, when it resumes a job). */
  spanLinks?: Link[];
}

/** How one call went: `ran` a chunk (and whether the job is now final), or why it did nothing. */
export type ChunkRunResult =
  | { outcome: 'ran'; status: JobStatus; chunk: number }
  | { outcome: 'busy' | 'finished' | 'missing' | 'lease_lost' };

/**
 * Runs one bounded chunk of a job: takes the lease (conditional write; `busy` when someone holds a live one),
 * runs the kind for at most the chunk budget, then either finishes the job (recording its completion events and
 * `Job.Finished`) or frees the lease and records `Job.ChunkCompleted`, which the job runner function consumes to
 * run the next chunk. A kind that reports `{ status: 'failed' }` fails the job in the same chunk (its events and
 * `Job.Finished` first); a thrown error is a failed chunk, retried by the sweeper up to `maxFailedChunks`. A crash leaves the lease to expire; the sweeper then calls this again and the kind resumes
 * from its last checkpoint. Safe to call concurrently and repeatedly for the same job: across processes the lease
 * decides, within one process a call while a chunk of the job runs here under a live lease is `busy`.
 */
export async function runJobChunk(jobId: string, deps: JobRunnerDeps): Promise<ChunkRunResult> {
  const owner = deps.owner ?? processOwner;
  const mine = `${owner}\n${jobId}`;
  chunksRunningHere.set(mine, (chunksRunningHere.get(mine) ?? 0) + 1);
  try {
    return await runUnlessBusy(jobId, owner, mine, deps);
  } finally {
    const left = (chunksRunningHere.get(mine) ?? 1) - 1;
    if (left > 0) chunksRunningHere.set(mine, left);
    else chunksRunningHere.delete(mine);
  }
}

/** Calls of runJobChunk in progress in this process, by owner and job (this one included). */
const chunksRunningHere = new Map<string, number>();

async function runUnlessBusy(jobId: string, owner: string, mine: string, deps: JobRunnerDeps): Promise<ChunkRunResult> {
  const log = deps.log ?? ((m: string) => console.log(m));
  const loaded = await deps.store.load(jobId);
  if (!loaded) return { outcome: 'missing' };
  const { job } = loaded;
  if (finalStatuses.includes(job.status)) return { outcome: 'finished' };
  const now = Date.now();
  // A live lease of another owner is busy. A live lease of this very owner is ours to retry after a failed chunk,
  // but not while another call here still runs that chunk: a second call (a duplicate or forged job event, the
  // sweeper at a hand-off) would take the lease from under it after it had already changed Redis. Once a chunk has
  // freed the lease (expiresAt 0, before it records Job.ChunkCompleted) the next chunk may start here at once, while
  // the call that freed it is still recording its events.
  if (job.lease.expiresAt > now && (job.lease.owner !== owner || (chunksRunningHere.get(mine) ?? 0) > 1)) return { outcome: 'busy' };
  // One span per chunk actually run (busy/finished calls above are not chunks); its events carry its traceparent,
  // so the chunk the next one is triggered by continues the same trace.
  const attributes = { 'rcm.job.id': job.id, 'rcm.job.kind': job.kind, 'rcm.cluster.id': job.clusterId, 'rcm.job.chunk': job.chunks + 1 };
  return withSpan(
    `job.chunk ${job.kind}`,
    attributes,
    async (span) => {
      const result = await runLeasedChunk(job, loaded, now, owner, log, deps);
      span.setAttribute('rcm.job.outcome', result.outcome === 'ran' ? result.status : result.outcome);
      return result;
    },
    deps.spanLinks,
  );
}

async function runLeasedChunk(
  job: JobRecord,
  loaded: NonNullable<Awaited<ReturnType<JobStore['load']>>>,
  now: number,
  owner: string,
  log: (message: string) => void,
  deps: JobRunnerDeps,
): Promise<ChunkRunResult> {
  const jobId = job.id;
  // A chunk that ended cleanly freed the lease (expiresAt 0) in its last write: the gap since is the hand-off.
  const handoffMs = job.chunks > 0 && job.lease.expiresAt === 0 && job.failedChunks === 0 ? Math.max(0, now - Date.parse(job.updatedAt)) : null;
  const leased: JobRecord = {
    ...job,
    ...(handoffMs === null
      ? {}
      : { handoffs: { count: (job.handoffs?.count ?? 0) + 1, totalMs: (job.handoffs?.totalMs ?? 0) + handoffMs, maxMs: Math.max(job.handoffs?.maxMs ?? 0, handoffMs), lastMs: handoffMs } }),
    status: 'running',
    startedAt: job.startedAt ?? new Date(now).toISOString(),
    chunks: job.chunks + 1,
    lease: { owner, token: job.lease.token + 1, expiresAt: now + deps.settings.chunkBudgetMs + deps.settings.leaseGraceMs },
    updatedAt: new Date(now).toISOString(),
    // This chunk's span: if the holder dies, the sweeper resumes the job under it.
    ...withTrace(activeTraceparent() ?? job.traceparent),
  };
  // Read while the lease is written (reads only; a lost lease discards them): one round trip less before the work.
  const clusterRead = deps.cp.clusters.get(job.clusterId).then(
    (cluster) => ({ cluster }),
    (error: unknown) => ({ error }),
  );
  const kindLoad = deps.kinds(job.kind).then(
    (kind) => ({ kind }),
    (error: unknown) => ({ error }),
  );
  let etag: string;
  try {
    etag = await deps.store.write(leased, loaded.etag);
  } catch (error) {
    if (statusOf(error) === 412) return { outcome: 'busy' };
    throw error;
  }
  const fence = new FencedJob(deps.store, leased, etag, loaded.cursors);
  const finish = (status: Exclude<JobStatus, 'queued' | 'running'>, extra: Partial<JobRecord> = {}, events: DomainEvent[] = []) =>
    finishJob(fence, deps, status, extra, events);

  try {
    if (leased.cancelRequested) return await finish('cancelled');
    const loadedKind = await kindLoad;
    if ('error' in loadedKind) throw loadedKind.error;
    const kind = loadedKind.kind;
    if (!kind) return await finish('failed', { error: { code: 'unknown_job_kind', message: `no job kind '${job.kind}' in this release` } });
    const read = await clusterRead;
    if ('error' in read) {
      const error = read.error;
      if (isDomainError(error) && error.code === 'cluster_not_found') return await finish('failed', { error: { code: error.code, message: error.message } });
      throw error;
    }
    const cluster = read.cluster;
    const deadline = now + deps.settings.chunkBudgetMs;
    const ctx: JobChunkContext = {
      job: leased,
      cursors: loaded.cursors,
      cluster,
      // The workers pass the whole control plane; a test's narrower deps leave it out.
      ...('settings' in deps.cp ? { cp: deps.cp as ControlPlane } : {}),
      deadline,
      shouldStop: () => Date.now() >= deadline || fence.cancelRequested || fence.leaseLost,
      checkpoint: (cursors) => fence.checkpoint(cursors),
      log: (message) => log(`job ${jobId} chunk ${leased.chunks}: ${message}`),
    };
    let outcome: ChunkOutcome;
    try {
      outcome = await kind.runChunk(ctx);
      await fence.flush();
    } catch (error) {
      if (isLeaseLostError(error)) throw error;
      await fence.flush().catch(() => undefined);
      return await failedChunk(fence, deps, error, log);
    }
    if (isChunkFailed(outcome)) {
      log(`job ${jobId} chunk ${leased.chunks} failed for good (${outcome.code}): ${outcome.reason}`);
      return await finish('failed', { error: { code: outcome.code, message: outcome.reason.slice(0, 1000) }, ...(outcome.result ? { result: outcome.result } : {}) }, outcome.events ?? []);
    }
    if (fence.cancelRequested && !outcome.done) return await finish('cancelled');
    if (!outcome.done) {
      await fence.update((j) => {
        j.lease = { ...j.lease, expiresAt: 0 };
        j.failedChunks = 0;
      });
      await deps.cp.streams.record(job.clusterId, changeContext(job), [
        { type: 'RedisClusterManager.Job.ChunkCompleted', data: { ...subjectOf(job), chunk: leased.chunks, progress: fence.job.progress } },
      ]);
      return { outcome: 'ran', status: 'running', chunk: leased.chunks };
    }
    const result = outcome.result ?? {};
    const events = kind.completionEvents?.({ ...fence.job, result, finishedAt: new Date().toISOString() }, fence.allCursors()) ?? [];
    return await finish('succeeded', { result }, events);
  } catch (error) {
    if (isLeaseLostError(error)) {
      log(`job ${jobId}: ${error.message}; stopped`);
      return { outcome: 'lease_lost' };
    }
    throw error;
  }
}

async function failedChunk(fence: FencedJob, deps: JobRunnerDeps, error: unknown, log: (m: string) => void): Promise<ChunkRunResult> {
  const code = isDomainError(error) ? error.code : 'chunk_failed';
  const message = isDomainError(error) ? error.message : error instanceof Error ? `${error.name}: ${error.message.slice(0, 300)}` : 'unknown error';
  log(`job ${fence.job.id} chunk ${fence.job.chunks} failed (${code}): ${message}`);
  trace.getActiveSpan()?.setStatus({ code: SpanStatusCode.ERROR, message: `${code}: ${message}`.slice(0, 300) });
  if (fence.job.failedChunks + 1 >= deps.settings.maxFailedChunks) {
    return finishJob(fence, deps, 'failed', { error: { code, message }, failedChunks: fence.job.failedChunks + 1 }, []);
  }
  // No continuation event: the lease expires and the sweeper retries, which spaces retries of a sick cluster out.
  await fence.update((j) => {
    j.failedChunks += 1;
    j.error = { code, message };
  });
  return { outcome: 'ran', status: 'running', chunk: fence.job.chunks };
}

/**
 * Records the completion events and `Job.Finished` first, then marks the job final: a crash in between re-runs
 * the last (idempotent) chunk and records them again, so delivery is at least once (subscribers dedupe by job id).
 */
async function finishJob(fence: FencedJob, deps: JobRunnerDeps, status: Exclude<JobStatus, 'queued' | 'running'>, extra: Partial<JobRecord>, events: DomainEvent[]): Promise<ChunkRunResult> {
  const job = fence.job;
  const finishedAt = new Date();
  const durationMs = Math.max(0, finishedAt.getTime() - Date.parse(job.startedAt ?? job.createdAt));
  const error = extra.error ?? job.error;
  const finished: DomainEvent = {
    type: 'RedisClusterManager.Job.Finished',
    data: { ...subjectOf(job), status, progress: job.progress, chunks: job.chunks, durationMs, ...(status === 'failed' && error ? { error } : {}) },
  };
  await deps.cp.streams.record(job.clusterId, changeContext(job), [...events, finished]);
  await fence.update((j) => {
    Object.assign(j, extra);
    j.status = status;
    j.finishedAt = finishedAt.toISOString();
    j.lease = { ...j.lease, expiresAt: 0 };
    if (status !== 'failed') delete j.error;
  });
  return { outcome: 'ran', status, chunk: job.chunks };
}

export function subjectOf(job: JobRecord): { clusterId: string; namespace?: string; jobId: string; kind: string } {
  return { clusterId: job.clusterId, ...(job.namespace ? { namespace: job.namespace } : {}), jobId: job.id, kind: job.kind };
}

/** Job events are recorded as the job's creator, correlated by the job id. */
export function changeContext(job: JobRecord) {
  return { principal: job.createdBy, correlationId: job.id };
}
