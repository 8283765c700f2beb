import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

/** Which slot operation a saga runs. */
export const slotOperationSchema = z.enum(['reshard', 'rebalance', 'fix', 'remove-node']);

const pairSchema = z.strictObject({
  from: z.string().min(1).max(64),
  to: z.string().min(1).max(64),
  /** Inclusive ranges, `0-99,200` style. */
  slots: z.string().max(20_000),
  slotCount: z.int().min(0).max(16384),
});

/**
 * `RedisClusterManager.Cluster.SlotMigrationStarted`: a slot saga (reshard, rebalance, fix, remove-node) was
 * accepted and queued; `plannedKeys`/`plannedBytes` are the dry-run plan's figures (COUNTKEYSINSLOT, sampled MEMORY USAGE).
 */
export const slotMigrationStartedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  operation: slotOperationSchema,
  pairs: z.array(pairSchema).max(1000),
  plannedKeys: z.int().min(0),
  plannedBytes: z.int().min(0),
});

/**
 * `RedisClusterManager.Cluster.Resharded`: a slot saga finished; every moved slot is STABLE on its new owner.
 * `keysMoved` counts MIGRATE replies (a lower bound when the job was resumed after a crash: `resumed`);
 * `keysInMovedSlots` is CLUSTER COUNTKEYSINSLOT on the new owners at the end (exact).
 */
export const reshardedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  operation: slotOperationSchema,
  slotsMoved: z.int().min(0).max(16384),
  keysMoved: z.int().min(0),
  keysInMovedSlots: z.int().min(0),
  bytesMoved: z.int().min(0),
  bigKeys: z.int().min(0),
  busyKeysResolved: z.int().min(0),
  resumed: z.boolean(),
  durationMs: z.int().min(0),
  completedAt: z.iso.datetime(),
  pairs: z.array(pairSchema.extend({ keysMoved: z.int().min(0) })).max(1000),
});
