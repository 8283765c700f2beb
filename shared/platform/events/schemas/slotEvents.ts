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

/**
 * `RedisClusterManager.Cluster.Fixed`: one repair of a fix job is done (one per repair step; a job with more than 45
 * steps sums the rest into a last event with `problem: 'several'`). `problem` is what health reported (`open_slot`,
 * `slots_not_covered`, `slot_multiple_owners`, `keys_in_unowned_slot`, `owner_down`, `config_disagreement`); `repair`
 * is `move` (finished forward) or `settle` (owner claimed, keys moved in, every state closed and announced);
 * `forced` repairs reassigned a down master's slots (admin + force) and `keysAtRisk` counts its keys where a replica
 * could be asked (null: unknown).
 */
export const fixedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  problem: z.enum(['open_slot', 'slots_not_covered', 'slot_multiple_owners', 'keys_in_unowned_slot', 'owner_down', 'config_disagreement', 'several']),
  repair: z.enum(['move', 'settle', 'several']),
  slots: z.string().max(20_000),
  slotCount: z.int().min(0).max(16384),
  owner: z.string().min(1).max(64),
  from: z.string().min(1).max(64).optional(),
  detail: z.string().max(2000),
  plannedKeys: z.int().min(0),
  plannedKeysToMove: z.int().min(0),
  forced: z.boolean(),
  keysAtRisk: z.int().min(0).nullable(),
  resumed: z.boolean(),
  completedAt: z.iso.datetime(),
});
