import { z } from 'zod';
import { clusterSpecSchema } from '../../registry/clusterSpec';
import { resourceIdSchema } from '../../registry/resourceId';

/** `RedisClusterManager.Cluster.Registered`: a cluster id was registered (first time, or again after removal). */
export const clusterRegisteredData = z.strictObject({
  clusterId: resourceIdSchema,
  cluster: clusterSpecSchema,
});

/** `RedisClusterManager.Cluster.Updated`: an existing registration changed; `changedFields` lists top-level fields. */
export const clusterUpdatedData = z.strictObject({
  clusterId: resourceIdSchema,
  cluster: clusterSpecSchema,
  changedFields: z.array(z.string()),
});

/** `RedisClusterManager.Cluster.Removed`: the registration and its namespace policies are gone (the audit log stays). */
export const clusterRemovedData = z.strictObject({
  clusterId: resourceIdSchema,
});
