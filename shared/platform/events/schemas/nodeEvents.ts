import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

const nodeIdSchema = z.string().regex(/^[0-9a-f]{40}$/);
const addressSchema = z.string().min(1).max(300);

/** `RedisClusterManager.Cluster.NodeAdded`: an add-node job finished; every node lists the new one in its role. */
export const nodeAddedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  nodeId: nodeIdSchema,
  address: addressSchema,
  role: z.enum(['master', 'replica']),
  /** The master a replica follows. */
  masterId: nodeIdSchema.optional(),
  /** Members that listed it when the join was seen complete. */
  knownBy: z.int().min(0),
  durationMs: z.int().min(0),
  completedAt: z.iso.datetime(),
});

/**
 * `RedisClusterManager.Cluster.NodeRemoved`: a remove-node job finished: the node owns no slot, no other node lists
 * it (CLUSTER FORGET on every node), its replicas follow other masters, and it was reset unless `reset` is false.
 */
export const nodeRemovedData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  nodeId: nodeIdSchema,
  address: addressSchema,
  slotsMoved: z.int().min(0).max(16384),
  replicasRepointed: z.int().min(0),
  reset: z.boolean(),
  durationMs: z.int().min(0),
  completedAt: z.iso.datetime(),
});

/** `RedisClusterManager.Cluster.FailedOver`: a failover job finished; every node lists the promoted replica as master. */
export const failedOverData = z.strictObject({
  clusterId: resourceIdSchema,
  jobId: z.string().min(1).max(128),
  promotedId: nodeIdSchema,
  formerMasterId: nodeIdSchema,
  mode: z.enum(['default', 'force', 'takeover']),
  /** Slots the promoted node serves. */
  slots: z.int().min(0).max(16384),
  durationMs: z.int().min(0),
  completedAt: z.iso.datetime(),
});
