import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

/** Redis `maxmemory-policy` values. */
export const evictionPolicySchema = z.enum([
  'noeviction', 'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
]);

/**
 * `RedisClusterManager.Eviction.PolicyRecommended`: an analysis (on request, or after a memory-pressure alert)
 * produced a recommendation, with its reasons; `current` is null when the nodes disagree.
 */
export const evictionPolicyRecommendedData = z.strictObject({
  clusterId: resourceIdSchema,
  current: evictionPolicySchema.nullable(),
  recommended: evictionPolicySchema,
  reasons: z.array(z.string().max(1024)).min(1).max(20),
  warnings: z.array(z.string().max(1024)).max(20).optional(),
  /** Azure Cache for Redis: recommended `maxmemory-reserved` in MB. */
  maxmemoryReservedMb: z.int().min(0).optional(),
  /** The alert that triggered the analysis (memory pressure), when there was one. */
  trigger: z.strictObject({ alertId: z.string().min(1).max(128), rule: z.string().min(1).max(128), metric: z.string().max(64), value: z.number() }).optional(),
  analysis: z.strictObject({ mode: z.enum(['sampled', 'exact']), keysProbed: z.int().min(0), durationMs: z.int().min(0) }).optional(),
  /** Automatic actions taken (opt-in per cluster), e.g. TTLs shortened in low-priority namespaces. */
  actions: z.array(z.strictObject({ action: z.string().max(64), namespace: z.string().max(256), keysChanged: z.int().min(0), detail: z.string().max(512) })).max(50).optional(),
});

/** What one node (or the ARM resource) had before and after. */
const appliedNodeSchema = z.strictObject({
  node: z.string().max(600),
  role: z.enum(['master', 'replica', 'arm-resource']),
  before: z.string().max(64).nullable(),
  after: z.string().max(64).nullable(),
  /** The read-back (CONFIG GET, or ARM GET) shows the applied policy. */
  verified: z.boolean(),
});

/** `RedisClusterManager.Eviction.PolicyApplied`: a policy was set on the nodes (CONFIG SET) or through ARM. */
export const evictionPolicyAppliedData = z.strictObject({
  clusterId: resourceIdSchema,
  /** The policy before (null when the nodes disagreed). */
  previous: evictionPolicySchema.nullable(),
  applied: evictionPolicySchema,
  method: z.enum(['config-set', 'arm']),
  nodes: z.array(appliedNodeSchema).max(1000),
  /** Azure Cache for Redis: `maxmemory-reserved` set in the same ARM update. */
  maxmemoryReservedMb: z.int().min(0).optional(),
  /** Applied although protected or persistent namespaces exist (admin's explicit `force`). */
  forced: z.boolean(),
});
