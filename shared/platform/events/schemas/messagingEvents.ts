import { z } from 'zod';
import { resourceIdSchema } from '../../registry/resourceId';

/**
 * One namespace found holding messaging data. `registered: false` means no policy matched the keys: `namespace` and
 * `keyPattern` are then the prefix the keys share (`orders:*` → `orders`), proposed so a subscriber can register it.
 */
export const messagingNamespaceSchema = z.strictObject({
  namespace: resourceIdSchema,
  keyPattern: z.string().min(1).max(256),
  registered: z.boolean(),
  /** Streams found in it (all nodes). */
  streams: z.int().min(0),
  /** Lists without a TTL found in it (lists used as queues). */
  queues: z.int().min(0),
  /** Up to 5 of the keys, for the audit log (UTF-8; binary keys in base64 with a `b64:` prefix). */
  examples: z.array(z.string().max(512)).max(5),
});

/**
 * `RedisClusterManager.Messaging.WorkloadDiscovered`: monitoring found streams or queues in namespaces it had not
 * announced before (once per namespace, again after it stopped holding any). The admin area marks those namespaces
 * `retention: persistent`; eviction reads that from the registry.
 */
export const messagingWorkloadDiscoveredData = z.strictObject({
  clusterId: resourceIdSchema,
  namespaces: z.array(messagingNamespaceSchema).min(1).max(100),
  discoveredAt: z.iso.datetime(),
});
export type MessagingNamespace = z.output<typeof messagingNamespaceSchema>;
