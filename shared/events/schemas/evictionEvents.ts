import { z } from 'zod';
import { resourceIdSchema } from '../../clusters/resourceId';

/** Redis `maxmemory-policy` values. */
export const evictionPolicySchema = z.enum([
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
]);

/** `RedisClusterManager.Eviction.PolicyRecommended`: analysis suggests a different policy, with its reasons. */
export const evictionPolicyRecommendedData = z.strictObject({
  clusterId: resourceIdSchema,
  current: evictionPolicySchema,
  recommended: evictionPolicySchema,
  reasons: z.array(z.string().max(512)).min(1).max(20),
});

/** `RedisClusterManager.Eviction.PolicyApplied`: a policy was set on the nodes (CONFIG SET) or through ARM. */
export const evictionPolicyAppliedData = z.strictObject({
  clusterId: resourceIdSchema,
  previous: evictionPolicySchema,
  applied: evictionPolicySchema,
  method: z.enum(['config-set', 'arm']),
  nodes: z.array(z.string().max(260)).max(1000),
});
