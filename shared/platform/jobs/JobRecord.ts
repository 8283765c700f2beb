import type { Principal } from '../auth/Principal';

/** `queued` → `running` → one of the final states; `running` covers the gaps between chunks. */
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export const finalStatuses: readonly JobStatus[] = ['succeeded', 'failed', 'cancelled'];

/** Counters a job kind keeps (keys scanned, deleted, ...); summed over cursors for the job's progress. */
export type Counts = Record<string, number>;

/** One long-running job: the `job` row of its partition in the `<prefix>jobs` table. */
export interface JobRecord {
  id: string;
  /** Which `JobKind` runs it (`invalidate`, `ttl-hygiene`, ...). */
  kind: string;
  clusterId: string;
  namespace?: string;
  /** The kind's parameters, validated by its schema when the job was created. */
  params: Record<string, unknown>;
  status: JobStatus;
  /** Sum of every cursor's counts at the last checkpoint. */
  progress: Counts;
  createdBy: Principal;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Chunks started so far (one per lease taken). */
  chunks: number;
  /** Consecutive chunks that ended in an error; the job fails after `maxFailedChunks`. */
  failedChunks: number;
  /**
   * Chunk hand-offs: from a chunk freeing its lease (`Job.ChunkCompleted` recorded) to the next chunk's lease, as
   * measured by the next holder (absent until the first hand-off). Shows what continuing through events costs.
   */
  handoffs?: { count: number; totalMs: number; maxMs: number; lastMs: number };
  cancelRequested: boolean;
  /** What the kind reported when the job finished (e.g. `limitReached`). */
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  /** What its percentage and ETA are measured in (absent: the API shows counts only). */
  estimate?: JobEstimate;
  lease: JobLease;
  /**
   * The trace the job belongs to (W3C traceparent): the request that created it, then the chunk last leased. A chunk
   * the sweeper resumes continues it, so a crashed job's trace goes on where it stopped.
   */
  traceparent?: string;
}

/**
 * Who runs the job now. `token` grows by one per lease taken (the fencing token); `expiresAt` (ms since epoch)
 * 0 = free. A holder past `expiresAt` may be alive but slow: its writes fail because every write is conditional on
 * the ETag of the row it last wrote.
 */
export interface JobLease {
  owner: string | null;
  token: number;
  expiresAt: number;
}

/** Per-node (per-shard) progress of a job: a `c-<id>` row next to the job row. */
export interface CursorRecord {
  id: string;
  /** Kind-specific resumable state (SCAN cursor, node id, pending batch...), JSON. */
  state: Record<string, unknown>;
  counts: Counts;
  done: boolean;
}

/**
 * What a job's percentage is measured in, set by whoever creates the job (it knows the work best): `counter` is the
 * progress count that grows toward the total; the total is either fixed at creation (`total`, e.g. the sampled
 * estimate of matching keys) or another progress count the kind keeps up to date (`totalCounter`, e.g. the DBSIZE
 * each analysis cursor records).
 */
export interface JobEstimate {
  counter: string;
  total?: number;
  totalCounter?: string;
  /** False when the total is an estimate (sampled, or DBSIZE of a keyspace that changes while the job runs). */
  exact: boolean;
  /** In words, for the operator: "sampled estimate ±120 (95 %)", "DBSIZE of every master at the start". */
  basis: string;
}
