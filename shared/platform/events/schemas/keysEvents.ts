import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

/**
 * `RedisClusterManager.Keys.Invalidated`: an invalidation job finished (SCAN + UNLINK over the whole cluster).
 * Warming subscribes to re-warm the namespace. Dry runs are not published.
 */
export const keysInvalidatedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema.optional(),
  pattern: z.string().min(1).max(256),
  jobId: z.string().min(1).max(128),
  deletedCount: z.int().min(0),
  scannedCount: z.int().min(0),
  completedAt: z.iso.datetime(),
  /** Per master (shard): keys deleted and SCAN restarts (failovers). */
  nodes: z
    .array(z.strictObject({ node: z.string().max(300), deletedCount: z.int().min(0), scannedCount: z.int().min(0), restarts: z.int().min(0) }))
    .max(1000)
    .optional(),
  durationMs: z.int().min(0).optional(),
  /** True when the job stopped at its maximum key count before the namespace was empty. */
  limitReached: z.boolean().optional(),
});
