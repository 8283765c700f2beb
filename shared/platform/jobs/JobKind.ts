import type { ControlPlane } from '../controlPlane';
import type { ClusterResource } from '../registry/clusterSpec';
import type { DomainEvent } from '../events/catalogue';
import type { CursorRecord, JobRecord } from './JobRecord';

/** What a job kind gets for one chunk. */
export interface JobChunkContext {
  /** The job as of the lease (params, createdBy...). */
  readonly job: JobRecord;
  /** Cursor rows as last checkpointed (empty on the first chunk: plan them then). */
  readonly cursors: readonly CursorRecord[];
  /** The cluster registration (current, re-read every chunk). */
  readonly cluster: ClusterResource;
  /** The control plane the job runs under (its tables, streams), for a kind that records more than its cursors; set by `runJobChunk`. */
  readonly cp?: ControlPlane;
  /** Epoch ms by which the chunk must have returned (the lease outlives it by the grace period). */
  readonly deadline: number;
  /** True once the chunk should wrap up: out of time, cancel requested, or the lease is gone. */
  shouldStop(): boolean;
  /**
   * Persists cursor rows (upserted, fenced by the lease, group-committed with concurrent calls). Resolves once
   * durable. Throws `LeaseLostError` when another invocation took the job over: stop at once.
   */
  checkpoint(cursors: readonly CursorRecord[]): Promise<void>;
  log(message: string): void;
}

/** How a chunk ended: progress (done or not), or the job failed for good. */
export type ChunkOutcome = ChunkProgress | ChunkFailed;

export interface ChunkProgress {
  /** The work is complete; the job succeeds (a chunk that stops for time returns false). */
  done: boolean;
  /** Shown on the job and passed to `completionEvents` (e.g. `{ limitReached: true }`). */
  result?: Record<string, unknown>;
}

/**
 * The job cannot succeed, whatever a retry does (bad input, an error budget spent, a source that does not exist):
 * the runner fails the job in this chunk, with `code` and `reason` as its error, instead of retrying the chunk
 * `maxFailedChunks` times. Throwing is for transient trouble (a node down): the chunk is retried.
 */
export interface ChunkFailed {
  status: 'failed';
  /** Stable machine code, e.g. `error_budget_exceeded`. */
  code: string;
  /** What an operator reads on the job and in `Job.Finished` (no secrets). */
  reason: string;
  /** Shown on the job (counts so far, ...). */
  result?: Record<string, unknown>;
  /** Recorded with `Job.Finished` before the job row is marked failed (at least once), e.g. `Warm.Failed`. */
  events?: DomainEvent[];
}

export function isChunkFailed(outcome: ChunkOutcome): outcome is ChunkFailed {
  return 'status' in outcome && outcome.status === 'failed';
}

/**
 * One kind of long job. The machinery (`runJobChunk`) takes the lease, calls `runChunk` with a time budget,
 * continues it in later invocations until it reports `done`, and resumes it from the last checkpoint after a crash.
 * `runChunk` must therefore be resumable from `ctx.cursors` alone and idempotent for work done after the last
 * checkpoint (it may be redone).
 */
export interface JobKind {
  readonly name: string;
  runChunk(ctx: JobChunkContext): Promise<ChunkOutcome>;
  /** Events recorded (audited, published) when the job succeeded, e.g. `Keys.Invalidated`. */
  completionEvents?(job: JobRecord, cursors: readonly CursorRecord[]): DomainEvent[];
}

/** Finds a job kind by name; undefined for a name this release does not know. */
export type JobKindLoader = (name: string) => Promise<JobKind | undefined>;
