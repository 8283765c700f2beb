import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

const jobId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,127}$/, 'must be a job id');
const counts = z.record(z.string().max(64), z.int().min(0));

/** `RedisClusterManager.Job.Queued`: a job was created; the job runner starts its first chunk. */
export const jobQueuedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId,
  kind: z.string().min(1).max(64),
});

/**
 * `RedisClusterManager.Job.ChunkCompleted`: one bounded chunk ended and the job is not done; the job runner
 * continues it (the job's lease decides who; the sweeper timer is the fallback when this event is lost).
 */
export const jobChunkCompletedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId,
  kind: z.string().min(1).max(64),
  chunk: z.int().min(1),
  progress: counts,
});

/** `RedisClusterManager.Job.Finished`: the job reached a final state. */
export const jobFinishedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  jobId,
  kind: z.string().min(1).max(64),
  status: z.enum(['succeeded', 'failed', 'cancelled']),
  progress: counts,
  chunks: z.int().min(0),
  durationMs: z.int().min(0),
  error: z.strictObject({ code: z.string().max(64), message: z.string().max(1024) }).optional(),
});
