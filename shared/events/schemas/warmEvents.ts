import { z } from 'zod';
import { resourceIdSchema } from '../../clusters/resourceId';

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

/** `RedisClusterManager.Warm.ChunkCompleted`: one bounded chunk of a warm job finished; `cursor` resumes it. */
export const warmChunkCompletedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  chunk: z.int().min(0),
  keysWritten: z.int().min(0),
  /** Skipped because Redis held fresher data (NX / version compare). */
  keysSkipped: z.int().min(0),
  cursor: z.string().max(1024).nullable(),
});

/** `RedisClusterManager.Warm.Completed`: the whole warm job finished. */
export const warmCompletedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  keysWritten: z.int().min(0),
  keysSkipped: z.int().min(0),
  durationMs: z.int().min(0),
});

/** `RedisClusterManager.Warm.Failed`: the warm job stopped; `retryable` says whether a new request may succeed. */
export const warmFailedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(1024) }),
  retryable: z.boolean(),
});
