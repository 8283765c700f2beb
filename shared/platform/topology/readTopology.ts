import { withRedis } from '../redis/redisConnections';
import type { RedisConnectionManager } from '../redis/RedisConnectionManager';
import type { RedisTarget } from '../redis/RedisTarget';
import { buildTopology, type Topology } from './buildTopology';
import { collectSnapshot } from './collectSnapshot';

/**
 * Nodes, roles, slots, links, failure flags, epochs, keys and memory of a registered cluster.
 * @param manager @default the process-wide pool
 */
export function readTopology(target: RedisTarget, manager?: RedisConnectionManager): Promise<Topology> {
  const snapshot = manager ? manager.run(target, (c) => collectSnapshot(c)) : withRedis(target, (c) => collectSnapshot(c));
  return snapshot.then((s) => buildTopology(target.id, s));
}
