import { evictionPolicySchema } from '../../platform/events/schemas/evictionEvents';

/** Redis `maxmemory-policy` values, in the order Redis documents them. */
export const evictionPolicies = evictionPolicySchema.options;
export type EvictionPolicy = (typeof evictionPolicies)[number];

export function isEvictionPolicy(value: string): value is EvictionPolicy {
  return (evictionPolicies as readonly string[]).includes(value);
}

/** Azure Managed Redis (`Microsoft.Cache/redisEnterprise` databases) spells the policies in PascalCase. */
const managedRedisNames: Record<EvictionPolicy, string> = {
  noeviction: 'NoEviction',
  'allkeys-lru': 'AllKeysLRU',
  'allkeys-lfu': 'AllKeysLFU',
  'allkeys-random': 'AllKeysRandom',
  'volatile-lru': 'VolatileLRU',
  'volatile-lfu': 'VolatileLFU',
  'volatile-random': 'VolatileRandom',
  'volatile-ttl': 'VolatileTTL',
};

export function toManagedRedisPolicy(policy: EvictionPolicy): string {
  return managedRedisNames[policy];
}

/** The Redis name of an Azure Managed Redis policy (case-insensitive), or null when unknown. */
export function fromManagedRedisPolicy(name: string | undefined): EvictionPolicy | null {
  const found = Object.entries(managedRedisNames).find(([, pascal]) => pascal.toLowerCase() === name?.toLowerCase());
  return found ? (found[0] as EvictionPolicy) : null;
}
