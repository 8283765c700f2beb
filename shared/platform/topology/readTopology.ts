import { withSharedRead } from '../redis/redisConnections';
import type { RedisConnectionManager } from '../redis/RedisConnectionManager';
import type { RedisTarget } from '../redis/RedisTarget';
import { buildTopology, type Topology } from './buildTopology';
import { collectSnapshot } from './collectSnapshot';

/**
 * Nodes, roles, slots, links, failure flags, epochs, keys and memory of a registered cluster.
 * @param manager @default the process-wide pool
 */
export function readTopology(target: RedisTarget, manager?: RedisConnectionManager): Promise<Topology> {
  // Concurrent readers of one cluster share one collection (single flight), so they do not fill its bulkhead.
  const snapshot = manager ? manager.runShared(target, 'topology', (c) => collectSnapshot(c)) : withSharedRead(target, 'topology', (c) => collectSnapshot(c));
  return snapshot.then((s) => buildTopology(target.id, s));
}
