import { collectSnapshot } from './collectSnapshot';
import { isReplica, selfEntry } from './parseClusterNodes';
import type { RedisConnection } from '../redis/RedisConnectionManager';
import { nodeKey, type NodeAddress } from '../redis/RedisTarget';

/** A reachable data node and the memory facts the recommender weighs. */
export interface DataNode {
  address: NodeAddress;
  /** `host:port`. */
  name: string;
  role: 'master' | 'replica';
  memory: { usedBytes: number; maxmemoryBytes: number; policy: string; fragmentationRatio: number | null };
}

/**
 * Reachable masters (with slots, for clusters) and replicas of a cluster, or the one standalone server, with
 * their INFO memory facts. Unreachable nodes are listed in `unreachable` rather than failing the call.
 */
export async function listNodes(connection: RedisConnection): Promise<{ nodes: DataNode[]; unreachable: string[] }> {
  const snapshot = await collectSnapshot(connection);
  const snapshots = snapshot.mode === 'standalone' ? [snapshot.node] : snapshot.nodes;
  const nodes: DataNode[] = [];
  const unreachable: string[] = [];
  for (const s of snapshots) {
    if (!s.reachable || !s.info) {
      unreachable.push(nodeKey(s.address));
      continue;
    }
    const self = s.view ? selfEntry(s.view) : undefined;
    const replica = self ? isReplica(self) : s.info['role'] === 'slave';
    if (self && !replica && self.slots.length === 0) continue; // an empty master holds no data
    const num = (field: string): number => Number(s.info?.[field] ?? 0);
    nodes.push({
      address: s.address,
      name: nodeKey(s.address),
      role: replica ? 'replica' : 'master',
      memory: {
        usedBytes: num('used_memory'),
        maxmemoryBytes: num('maxmemory'),
        policy: s.info['maxmemory_policy'] ?? 'noeviction',
        fragmentationRatio: s.info['mem_fragmentation_ratio'] ? Number(s.info['mem_fragmentation_ratio']) : null,
      },
    });
  }
  return { nodes, unreachable };
}
