import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

const warmReason = z.enum(['schedule', 'invalidation', 'azure-maintenance', 'manual']);

/** `RedisClusterManager.Warm.Requested`: start (or continue) warming a namespace from its warm plan. */
export const warmRequestedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  warmPlan: z.string().min(1).max(256),
  reason: warmReason,
  jobId: z.string().min(1).max(128),
  /** Id of the event that caused this request (e.g. a Keys.Invalidated), for tracing chains. */
  causationId: z.string().max(128).optional(),
});

/**
 * `RedisClusterManager.Warm.TriggerCoalesced`: an event that would start a warm (Azure maintenance) started none: the
 * namespace's event-triggered warm `jobId` is queued/running (`in-flight`) or finished within the cool-down
 * (`cool-down`), so the event was folded into it. Recorded for the first 10 events per job, then every 100th.
 */
export const warmTriggerCoalescedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  /** Id of the coalesced event. */
  causationId: z.string().min(1).max(128),
  eventType: z.string().min(1).max(128),
  reason: z.enum(['in-flight', 'cool-down']),
  /** Events coalesced into `jobId` so far, this one included (absent when a flood kept the count from being written). */
  coalesced: z.int().min(1).optional(),
});

/** A record that could not be warmed: its line (files, HTTP) or key (Redis sources), a stable code and the reason. */
const warmRecordError = z.strictObject({
  line: z.int().min(1).optional(),
  key: z.string().max(256).optional(),
  code: z.string().max(64),
  message: z.string().max(512),
});

/** `RedisClusterManager.Warm.ChunkCompleted`: one bounded chunk of a warm job finished; `cursor` resumes it. */
export const warmChunkCompletedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId: z.string().min(1).max(128),
  chunk: z.int().min(0),
  /** Totals of the job so far (not of this chunk alone). */
  keysWritten: z.int().min(0),
  /** Skipped because Redis held fresher data (NX / version compare). */
  keysSkipped: z.int().min(0),
  keysFailed: z.int().min(0).optional(),
  cursor: z.string().max(1024).nullable(),
});

/**
 * `RedisClusterManager.Warm.Completed`: the whole warm job finished; every write counted was acknowledged. The
 * warming area always sets every field; the ones added after the first contract are optional for compatibility.
 */
export const warmCompletedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId: z.string().min(1).max(128),
  keysWritten: z.int().min(0),
  keysSkipped: z.int().min(0),
  /**
   * Found already present where a holder that died mid-piece may have written them: the keys written are between
   * `keysWritten` and `keysWritten + keysUncounted`. Absent or 0 when no holder died mid-piece.
   */
  keysUncounted: z.int().min(0).optional(),
  /** Records that failed (malformed, oversized, outside the namespace, refused by Redis), within the error budget. */
  keysFailed: z.int().min(0).optional(),
  recordsRead: z.int().min(0).optional(),
  bytesWritten: z.int().min(0).optional(),
  durationMs: z.int().min(0),
  dryRun: z.boolean().optional(),
  /** Stopped at the plan's maxKeys. */
  limitReached: z.boolean().optional(),
  /** The first failed records (at most 20). */
  errors: z.array(warmRecordError).max(20).optional(),
});

/** `RedisClusterManager.Warm.Failed`: the warm job stopped; `retryable` says whether a new request may succeed. */
export const warmFailedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId: z.string().min(1).max(128),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(1024) }),
  retryable: z.boolean(),
  /** What was acknowledged before it stopped (kept, not rolled back; NX makes a later run skip it). */
  keysWritten: z.int().min(0).optional(),
  keysFailed: z.int().min(0).optional(),
  errors: z.array(warmRecordError).max(20).optional(),
});
