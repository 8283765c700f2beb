import { withSharedRead } from '../../platform/redis/redisConnections';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import { collectSnapshot, type TopologySnapshot } from '../../platform/topology/collectSnapshot';
import type { RedisConnection } from '../../platform/redis/RedisConnectionManager';
import { assessHealth, type HealthReport } from './assessHealth';
import type { ResourceThresholds } from './checkNodeResources';

/**
 * Health of a registered cluster: `redis-cli --cluster check` parity plus replicas, failures, memory and
 * persistence. A partly broken cluster is a report, not an error; only an unreachable one fails (503).
 * @param manager @default the process-wide pool
 */
export async function readClusterHealth(target: RedisTarget, options: { manager?: RedisConnectionManager; thresholds?: ResourceThresholds } = {}): Promise<HealthReport> {
  // Health also looks for keys in slots their node does not own (redis-cli's --cluster-search-multiple-owners).
  const collect = (c: RedisConnection): Promise<TopologySnapshot> => collectSnapshot(c, { searchKeysInUnownedSlots: true });
  // Concurrent health checks of one cluster share one collection (single flight, as topology does).
  const snapshot = await (options.manager ? options.manager.runShared(target, 'health', collect) : withSharedRead(target, 'health', collect));
  return assessHealth(target.id, snapshot, options.thresholds);
}
