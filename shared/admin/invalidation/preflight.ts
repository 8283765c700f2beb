import type { ClusterResource } from '../../platform/registry/clusterSpec';
import { withRedis } from '../../platform/redis/redisConnections';

/**
 * Checks the cluster answers before a job is created, so an unreachable cluster is a fast 503 (with the circuit
 * state) for the caller instead of a job that fails minutes later. Bounded at 5 s; an open circuit fails at once.
 */
export async function preflight(cluster: ClusterResource): Promise<void> {
  await withRedis(cluster, async (connection) => (await connection.client()).ping(), { timeoutMs: 5000 });
}
