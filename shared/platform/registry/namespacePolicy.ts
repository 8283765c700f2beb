import { z } from 'zod';
import { warmPlanSchema } from './warmPlan';

/** Redis glob characters are allowed; whitespace and control characters are not (they break SCAN MATCH logs). */
const keyPatternSchema = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces (a Redis glob such as "user:*")');

/** What an operator sets for one namespace of a cluster (PUT body). */
export const namespacePolicySpecSchema = z.strictObject({
  keyPattern: keyPatternSchema,
  /** TTL applied when warming and checked by TTL hygiene; null = keys in this namespace do not expire. */
  ttlSeconds: z.int().min(1).max(31_536_000).nullable().default(null),
  /** Random spread added to the TTL (0-50 % of it), so warmed keys do not all expire in the same second. */
  ttlJitterPercent: z.int().min(0).max(50).default(0),
  /** 0-100, higher is more important: warmed first, invalidated last, eviction analysis weighs it. */
  priority: z.int().min(0).max(100).default(50),
  /** Protected namespaces refuse bulk invalidation and eviction changes without an explicit force. */
  protected: z.boolean().default(false),
  /**
   * What the keys are to the application: `cache` (can be rebuilt; eviction is fine) or `persistent` (the only copy;
   * eviction loses data, so the eviction recommender keeps them out of reach and warns). Absent = `cache`.
   */
  retention: z.enum(['cache', 'persistent']).optional(),
  /** How to warm this namespace (`docs/warming.md`), stored with the policy so every change is audited and versioned with it. */
  warmPlan: warmPlanSchema.nullable().default(null),
});
export type NamespacePolicySpec = z.infer<typeof namespacePolicySpecSchema>;

export const namespacePolicyResourceSchema = namespacePolicySpecSchema.extend({
  clusterId: z.string(),
  namespace: z.string(),
  /** Stream version of the last change to this policy; the resource's ETag. */
  version: z.int().min(1),
  updatedAt: z.iso.datetime(),
  updatedBy: z.string(),
});
export type NamespacePolicyResource = z.infer<typeof namespacePolicyResourceSchema>;
