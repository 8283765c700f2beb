import { withRedis } from '../../platform/redis/redisConnections';
import type { RedisConnectionManager } from '../../platform/redis/RedisConnectionManager';
import type { RedisTarget } from '../../platform/redis/RedisTarget';
import { collectSnapshot } from '../../platform/topology/collectSnapshot';
import { assessHealth, type HealthReport } from './assessHealth';
import type { ResourceThresholds } from './checkNodeResources';

/**
 * Health of a registered cluster: `redis-cli --cluster check` parity plus replicas, failures, memory and
 * persistence. A partly broken cluster is a report, not an error; only an unreachable one fails (503).
 * @param manager @default the process-wide pool
 */
export async function readClusterHealth(target: RedisTarget, options: { manager?: RedisConnectionManager; thresholds?: ResourceThresholds } = {}): Promise<HealthReport> {
  const snapshot = await (options.manager ? options.manager.run(target, collectSnapshot) : withRedis(target, collectSnapshot));
  return assessHealth(target.id, snapshot, options.thresholds);
}
