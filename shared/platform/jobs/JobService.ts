import { randomBytes } from 'node:crypto';
import type { ChangeContext } from '../registry/ClusterStreams';
import { conflict, notFound } from '../store/DomainError';
import { statusOf } from '../store/statusOf';
import { finalStatuses, type CursorRecord, type JobRecord } from './JobRecord';
import { jobProgress, type JobEstimate, type JobProgressFields } from './jobProgress';
import { jobPacing, paceOf, type JobPacing } from './jobPacing';
import type { JobRuntime } from './jobRuntime';
import { activeTraceparent } from '../telemetry/activeTraceparent';

const withTrace = (traceparent: string | undefined) => (traceparent ? { traceparent } : {});

/** A new job id: time-ordered, URL- and partition-key-safe. */
export function newJobId(kind: string): string {
  return `${kind}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}

export interface NewJob {
  kind: string;
  clusterId: string;
  namespace?: string;
  params: Record<string, unknown>;
  /** A deterministic id makes creation idempotent (scheduled jobs); @default newJobId(kind) */
  id?: string;
  /** What the job's percentage and ETA are measured in; @default none (counts only) */
  estimate?: JobEstimate;
}

/**
 * A job as the API shows it: the row plus each cursor's progress (kind state left out: it may hold key names), and
 * percent/rate/ETA from its estimate; `progress.total` is the total the percentage counts against, when known.
 */
export interface JobView extends Omit<JobRecord, 'lease'>, JobProgressFields {
  lease: { owner: string | null; expiresAt: string | null; token: number };
  nodes: Array<{ id: string; done: boolean; counts: CursorRecord['counts']; node?: unknown; restarts?: unknown; pace?: unknown }>;
  /** Keyspace jobs (invalidation, TTL hygiene): the rate now, what bounds it, the latency guard's back-offs (docs/jobs.md, Pacing). */
  pacing?: JobPacing;
}

/** Creating, reading and cancelling jobs (the API side of the machinery; `runJobChunk` is the worker side). */
export class JobService {
  constructor(private readonly rt: JobRuntime) {}

  /**
   * Stores a queued job and records `Job.Queued` (audited; the job runner starts it on delivery, the sweeper if the
   * event is late). Returns `created: false` when a job with that id already exists.
   */
  async create(spec: NewJob, change: ChangeContext): Promise<{ job: JobRecord; created: boolean }> {
    const now = new Date().toISOString();
    const job: JobRecord = {
      id: spec.id ?? newJobId(spec.kind),
      kind: spec.kind,
      clusterId: spec.clusterId,
      ...(spec.namespace ? { namespace: spec.namespace } : {}),
      params: spec.params,
      ...(spec.estimate ? { estimate: spec.estimate } : {}),
      status: 'queued',
      progress: {},
      createdBy: change.principal,
      createdAt: now,
      updatedAt: now,
      chunks: 0,
      failedChunks: 0,
      cancelRequested: false,
      lease: { owner: null, token: 0, expiresAt: 0 },
      ...withTrace(activeTraceparent()),
    };
    if (!(await this.rt.store.create(job))) return { job: (await this.rt.store.get(job.id))?.job ?? job, created: false };
    await this.rt.cp.streams.record(job.clusterId, { principal: change.principal, correlationId: change.correlationId }, [
      { type: 'RedisClusterManager.Job.Queued', data: { clusterId: job.clusterId, ...(job.namespace ? { namespace: job.namespace } : {}), jobId: job.id, kind: job.kind } },
    ]);
    return { job, created: true };
  }

  async get(jobId: string): Promise<JobView> {
    const loaded = await this.rt.store.load(jobId);
    if (!loaded) throw notFound('job_not_found', `job '${jobId}' does not exist`);
    return toView(loaded.job, loaded.cursors);
  }

  async list(clusterId: string, limit: number): Promise<JobView[]> {
    return (await this.rt.store.list({ clusterId, limit })).map((job) => toView(job, []));
  }

  /**
   * Cancels: a job nobody runs right now is cancelled at once; a running chunk sees the flag at its next checkpoint
   * (its conditional write fails, it re-reads the row) and stops there. 409 when the job already finished.
   */
  async cancel(jobId: string, change: ChangeContext): Promise<JobView> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const current = await this.rt.store.get(jobId);
      if (!current) throw notFound('job_not_found', `job '${jobId}' does not exist`);
      const { job, etag } = current;
      if (finalStatuses.includes(job.status)) throw conflict('job_finished', `job '${jobId}' already ${job.status}`);
      const idle = job.lease.expiresAt <= Date.now();
      if (!idle) {
        // A chunk holds the lease and checkpoints often: set the flag in one unconditional write instead of racing
        // its checkpoints; it stops at its next one (its conditional write fails, it re-reads the row).
        await this.rt.store.requestCancel(jobId).catch((error: unknown) => {
          throw statusOf(error) === 404 ? notFound('job_not_found', `job '${jobId}' does not exist`) : error;
        });
        return this.get(jobId);
      }
      const next: JobRecord = { ...job, cancelRequested: true, updatedAt: new Date().toISOString() };
      if (idle) Object.assign(next, { status: 'cancelled', finishedAt: next.updatedAt });
      try {
        await this.rt.store.write(next, etag);
      } catch (error) {
        if (statusOf(error) === 412) continue;
        throw error;
      }
      if (idle) {
        await this.rt.cp.streams.record(job.clusterId, change, [
          {
            type: 'RedisClusterManager.Job.Finished',
            data: { clusterId: job.clusterId, ...(job.namespace ? { namespace: job.namespace } : {}), jobId, kind: job.kind, status: 'cancelled', progress: job.progress, chunks: job.chunks, durationMs: 0 },
          },
        ]);
      }
      return this.get(jobId);
    }
    throw conflict('concurrency_conflict', `job '${jobId}' is changing; retry`);
  }
}

function toView(job: JobRecord, cursors: readonly CursorRecord[]): JobView {
  const fields = jobProgress(job, job.progress);
  const pacing = jobPacing(cursors);
  return {
    ...job,
    ...fields,
    progress: fields.measure?.total != null ? { ...job.progress, total: fields.measure.total } : job.progress,
    lease: { owner: job.lease.owner, token: job.lease.token, expiresAt: job.lease.expiresAt > 0 ? new Date(job.lease.expiresAt).toISOString() : null },
    nodes: cursors.map((c) => ({ id: c.id, done: c.done, counts: c.counts, node: c.state['address'], restarts: c.state['restarts'], ...(paceOf(c) ? { pace: paceOf(c) } : {}) })),
    ...(pacing ? { pacing } : {}),
  };
}
