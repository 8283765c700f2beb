import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';
import { namespacePolicySpecSchema } from '../../registry/namespacePolicy';

/** `RedisClusterManager.Namespace.PolicyChanged`: a namespace policy was created (`created: true`) or replaced. */
export const namespacePolicyChangedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema,
  policy: namespacePolicySpecSchema,
  created: z.boolean(),
});

/** `RedisClusterManager.Namespace.Removed`: the policy is gone; keys in Redis are untouched. */
export const namespaceRemovedData = z.strictObject({
  clusterId: resourceIdSchema,
  namespace: resourceIdSchema,
});
